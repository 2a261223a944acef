/* map_assess.c — a map's quality and class-overlap verdicts, by the one
 * recipe analysis.h states (k, sample, seed, the map graph's method). */
#include <string.h>

#include "core/internal.h"
#include "embview/analysis.h"

/* Above this many points the map's own kNN graph is approximate: an exact
 * one costs N^2 distance evaluations (at 1M points, hours). */
#define MAP_GRAPH_EXACT_MAX 200000

/* Below this many points quality is measured on every point. */
#define QUALITY_ALL_MAX 5000
#define QUALITY_SAMPLE 2000

ev_map_assess_params ev_map_assess_params_default(void) {
  ev_map_assess_params p;
  memset(&p, 0, sizeof p);
  p.quality_k = 15;
  p.sample = -1;
  p.seed = 42;
  return p;
}

void ev_map_assessment_clear(ev_map_assessment *a) {
  if (!a) return;
  ev_knn_graph_free(a->map_graph);
  ev_overlap_free(a->overlap);
  memset(a, 0, sizeof *a);
}

int ev_map_assess(const ev_matrix *x, const ev_matrix *y, const ev_knn_graph *input_graph, const ev_labels *labels,
                  const ev_map_assess_params *p, ev_map_assessment *out, ev_error *err) {
  memset(out, 0, sizeof *out);
  ev_map_assess_params defaults = ev_map_assess_params_default();
  if (!p) p = &defaults;
  int64_t n = x->n_rows;
  if (labels && labels->n != n)
    return ev__err(err, EV_EMISMATCH, "map assessment: %lld labels for %lld points", (long long)labels->n,
                   (long long)n);
  if (input_graph && input_graph->n_points != n)
    return ev__err(err, EV_EMISMATCH, "map assessment: the input graph has %lld points, the input %lld",
                   (long long)input_graph->n_points, (long long)n);
  ev_map_quality_params qp = ev_map_quality_params_default();
  qp.k = p->quality_k;
  qp.sample = p->sample >= 0 ? p->sample : n <= QUALITY_ALL_MAX ? 0 : QUALITY_SAMPLE;
  qp.seed = p->seed;
  qp.n_threads = p->n_threads;
  const int32_t *codes = labels && !labels->n_missing ? labels->codes : NULL;
  int rc = ev_map_quality_compute(x, y, codes, &qp, &out->quality, err);
  if (!rc && labels && input_graph) {
    ev_knn_params kp = ev_knn_params_default();
    kp.k = input_graph->k;
    kp.method = n <= MAP_GRAPH_EXACT_MAX ? EV_KNN_EXACT : EV_KNN_AUTO;
    kp.seed = p->seed;
    kp.n_threads = p->n_threads;
    kp.progress = p->progress;
    rc = ev_knn_graph_build(y, &kp, &out->map_graph, err);
    if (!rc)
      rc = ev_overlap_compute(input_graph, out->map_graph, labels->codes, labels->n_classes, NULL, &out->overlap, err);
  }
  if (rc) ev_map_assessment_clear(out);
  return rc;
}
