/* knn_internal.h — pieces shared by the kNN engine's files.  Internal. */
#ifndef EV_KNN_INTERNAL_H
#define EV_KNN_INTERNAL_H

#include <stdint.h>

#include "core/internal.h"
#include "embview/knn.h"

/* How rows are held for distance computation.  All metrics reduce to dot
 * products g(i, j) plus per-row terms:
 *   euclidean  d = |x|^2 + |y|^2 - 2 g     (squared; sqrt when finished)
 *   cosine     d = 1 - g / (|x| |y|)        (1 when either row is zero)
 *   inner      d = -g
 * Byte data (every value an integer in 0..255) use exact integer dot
 * products; everything else uses float32. */
typedef struct ev__knn_rows {
  int64_t n, d;
  ev_metric metric;
  int is_u8;
  /* float form */
  const float *f;        /* rows, stride fs */
  int64_t fs;
  /* byte form (is_u8): rows padded to dp bytes, zero-filled */
  uint8_t *u8;
  int64_t dp;
  int32_t *u8_sum;       /* sum of each row's bytes (for the signed-operand correction) */
  uint8_t *u8_packed;    /* the rows again in the SIMD kernel's panel layout, or NULL */
  int8_t *u8_s8;         /* the rows as signed bytes (y ^ 0x80) for the pair kernel, or NULL */
  /* per-row terms */
  double *sqnorm;        /* |x|^2 */
  float *inv_norm;       /* 1/|x| (0 for a zero row), cosine only */
} ev__knn_rows;

/* Prepare rows for the metric; detects byte data unless allow_u8 is 0. */
int ev__knn_rows_init(ev__knn_rows *r, const ev_matrix *x, ev_metric metric, int allow_u8,
                      int n_threads, ev_error *err);
void ev__knn_rows_free(ev__knn_rows *r);

/* Distance from a dot product (see above), in the engine's internal units:
 * squared for euclidean. */
static inline float ev__knn_dist(const ev__knn_rows *a, int64_t i, const ev__knn_rows *b,
                                 int64_t j, double g) {
  switch (a->metric) {
    case EV_METRIC_EUCLIDEAN: {
      double d = a->sqnorm[i] + b->sqnorm[j] - 2.0 * g;
      return d > 0 ? (float)d : 0.0f;
    }
    case EV_METRIC_COSINE: {
      float s = a->inv_norm[i] * b->inv_norm[j];
      double d = 1.0 - g * s;
      return d > 0 ? (float)d : 0.0f;
    }
    case EV_METRIC_INNER_PRODUCT: return (float)-g;
  }
  return 0;
}

/* Exact distance between row i of a and row j of b computed directly (double). */
double ev__knn_pair_dist(const ev__knn_rows *a, int64_t i, const ev__knn_rows *b, int64_t j);

/* Internal units -> reported distances (sqrt for euclidean), in place. */
void ev__knn_finish_units(ev_knn_graph *g);

/* Exact search.  self: queries == base, excluding each point itself. */
int ev__knn_exact(const ev__knn_rows *q, const ev__knn_rows *base, int self, int k,
                  ev_knn_graph *out, int n_threads, const ev_progress *progress, ev_error *err);

/* Integer dot products of byte rows: c[i * ldc + j] = <a_{i0+i}, b_{j0+j}>
 * for an m x n tile.  j0 must be a multiple of EV__U8_PANEL.  The kernel
 * (AVX-512 VNNI, AVX2 or portable) is picked for this CPU once. */
#define EV__U8_PANEL 32
void ev__dot_u8_tile(const ev__knn_rows *a, int64_t i0, int m, const ev__knn_rows *b, int64_t j0,
                     int n, int32_t *c, int ldc);
/* Fill r->u8_packed when the chosen kernel wants packed panels. */
int ev__dot_u8_prepare(ev__knn_rows *r, ev_error *err);
const char *ev__dot_u8_kernel_name(void);

#endif

/* NN-descent from a random-projection forest (nndescent.c). */
int ev__knn_nndescent(ev__knn_rows *rows, const ev_knn_params *p, ev_knn_graph *out,
                      ev_error *err);

/* Distances (internal units) between rows a[0..na) and b[0..nb) into out
 * (na x nb, row-major); g_scratch holds na * nb doubles. */
void ev__knn_dist_block(const ev__knn_rows *r, const int32_t *a, int na, const int32_t *b, int nb,
                        double *g_scratch, float *out);
/* Dot products only: g (na x nb doubles). */
void ev__knn_dot_block(const ev__knn_rows *r, const int32_t *a, int na, const int32_t *b, int nb,
                       double *g);
/* Whether the pair kernel wants rows->u8_s8 for byte rows. */
int ev__knn_pair_kernel_wants_s8(void);
/* Allocate rows->u8_s8 when the pair kernel wants it. */
int ev__knn_rows_add_s8(ev__knn_rows *r, ev_error *err);
/* Recompute the listed neighbours' distances directly and re-sort each list. */
void ev__knn_refine(const ev__knn_rows *q, const ev__knn_rows *b, ev_knn_graph *g, int n_threads);

/* Approximate inner-product graph via the augmented Euclidean graph (ip_search.c). */
int ev__knn_ip_approx(ev__knn_rows *r, const ev_matrix *x, const ev_knn_params *p, ev_knn_graph *out,
                      ev_error *err);

/* 1 when the byte kernel is the fast (AVX-512 VNNI) one. */
int ev__dot_u8_is_fast(void);
