/* analysis_graph.c — the neighbourhood the analyses judge classes by.
 *
 * Measured on MNIST-10k (docs/ANALYSIS.md): on the first 50 principal
 * components with k = 30, the overlap ranking agrees better with a
 * classifier's confusions (Spearman 0.88 against 0.84 on the pixels with
 * k = 15) and flipped labels are found more often (0.88 of them in the top m
 * against 0.86): PCA drops the pixel noise that makes raw distances
 * unreliable, and 30 neighbours give the vote enough voices. */
#include "embview/analysis.h"

ev_knn_params ev_analysis_knn_params_default(void) {
  ev_knn_params p = ev_knn_params_default();
  p.k = 30;
  p.pca_dims = 50;
  return p;
}
