/* nndescent.c — placeholder until the approximate engine lands. */
#include "knn/knn_internal.h"

int ev__knn_nndescent(const ev__knn_rows *rows, const ev_knn_params *p, ev_knn_graph *out,
                      ev_error *err) {
  (void)rows;
  (void)p;
  (void)out;
  return ev__err(err, EV_EUNSUPPORTED, "knn: the approximate method is not available yet");
}
