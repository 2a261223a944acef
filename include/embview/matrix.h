/* embview/matrix.h — the dense float32 matrix every computation works on.
 *
 * Row-major n_rows x n_cols float32 with a row stride (in floats).  Sizes are
 * 64-bit, so n_rows * n_cols may exceed 2^31.  A matrix either owns heap
 * memory, owns a private read-write memory map of a file (copy-on-write: the
 * file is never modified), or borrows memory from the caller.
 *
 * Rows can carry an image shape (image_h x image_w x image_c) when the reader
 * knows the vectors are pictures (IDX N x H x W, NPY N x H x W); later stages
 * use it to draw thumbnails.
 */
#ifndef EMBVIEW_MATRIX_H
#define EMBVIEW_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "embview/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ev_matrix {
  int64_t n_rows;   /* points */
  int64_t n_cols;   /* dimensions */
  int64_t stride;   /* floats from one row start to the next, >= n_cols */
  float *data;      /* row i starts at data + i * stride */
  int32_t image_h;  /* > 0 when each row is an image of image_h x image_w x image_c */
  int32_t image_w;
  int32_t image_c;
  /* Private: how the memory is held.  Do not touch. */
  int ev__kind;
  void *ev__base;
  size_t ev__len;
} ev_matrix;

/* Allocate an n_rows x n_cols matrix (stride = n_cols), zero-filled.
 * n_rows >= 0, n_cols >= 1.  *out is NULL on failure.  Free with ev_matrix_free. */
int ev_matrix_new(int64_t n_rows, int64_t n_cols, ev_matrix **out, ev_error *err);

/* Wrap caller memory without copying.  The matrix does not own `data`; it
 * must outlive the matrix.  Free the wrapper with ev_matrix_free. */
int ev_matrix_wrap(float *data, int64_t n_rows, int64_t n_cols, int64_t stride,
                   ev_matrix **out, ev_error *err);

/* Deep copy (stride of the copy = n_cols). */
int ev_matrix_clone(const ev_matrix *m, ev_matrix **out, ev_error *err);

/* Frees the matrix and what it owns; NULL is allowed. */
void ev_matrix_free(ev_matrix *m);

static inline float *ev_matrix_row(const ev_matrix *m, int64_t i) {
  return m->data + (size_t)i * (size_t)m->stride;
}

/* Value statistics, for `embview info` and input checks. */
typedef struct ev_matrix_stats {
  double min, max;      /* over finite values; NaN when there are none */
  double mean;          /* over finite values */
  int64_t n_nan;
  int64_t n_inf;
  int64_t n_zero_rows;  /* rows that are all zero */
} ev_matrix_stats;

void ev_matrix_stats_compute(const ev_matrix *m, int n_threads, ev_matrix_stats *out);

/* EV_ENONFINITE naming the first bad row/column when any value is NaN or
 * infinite; `what` names the input in the message (e.g. the file name). */
int ev_matrix_check_finite(const ev_matrix *m, const char *what, ev_error *err);

/* Normalisations that every projection can apply first. */
typedef enum ev_normalize {
  EV_NORMALIZE_NONE = 0,     /* use the vectors as they are */
  EV_NORMALIZE_CENTER,       /* subtract the column means */
  EV_NORMALIZE_SPHERIZE,     /* centre, then scale each row to unit length
                                (TensorBoard's "spherize"; zero rows stay zero) */
  EV_NORMALIZE_STANDARDIZE   /* centre, then divide each column by its standard
                                deviation (constant columns become 0) */
} ev_normalize;

/* Parse "none" | "center" | "centre" | "spherize" | "standardize"; -1 if unknown. */
int ev_normalize_parse(const char *name);
const char *ev_normalize_name(ev_normalize mode);

/* Return a normalised copy of `m` (stride n_cols).  Means and deviations are
 * accumulated in double, in fixed chunk order, so results do not depend on
 * the thread count.  n_threads 0 = OpenMP default. */
int ev_matrix_normalized(const ev_matrix *m, ev_normalize mode, int n_threads,
                         ev_matrix **out, ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
