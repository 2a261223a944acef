/* embview/progress.h — progress reporting and cancellation for long runs.
 *
 * Long-running functions take an optional ev_progress_fn.  It is called from
 * one thread only (never concurrently), at a modest rate (a few times per
 * second at most for most stages).  A nonzero return asks the run to stop: the
 * function then frees what it allocated and returns EV_ECANCELED.
 */
#ifndef EMBVIEW_PROGRESS_H
#define EMBVIEW_PROGRESS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* stage: short static name of the current step ("pca: covariance");
 * fraction: 0..1 of that stage, or a negative value when unknown. */
typedef int (*ev_progress_fn)(void *user, const char *stage, double fraction);

typedef struct ev_progress {
  ev_progress_fn fn;  /* NULL: no reporting, no cancellation */
  void *user;         /* passed back to fn */
} ev_progress;

/* Embedding runs (t-SNE, UMAP, a map by ev_map_compute) also show their
 * coordinates as they move: the observer is called from one thread every
 * `every` iterations (UMAP: epochs) and at the end, with a frame valid
 * during the call only.  Nonzero return stops the run (EV_ECANCELED). */
typedef struct ev_embed_frame {
  int iteration;     /* iterations (UMAP: epochs) done, 1-based */
  int n_iterations;  /* in all: the resolved total (UMAP's epochs chosen from N when not given) */
  double kl;         /* t-SNE's KL divergence when computed at this iteration, else NaN (always for UMAP) */
  const float *y;    /* the current coordinates, n_points x n_dims, row-major */
  int64_t n_points;
  int n_dims;
} ev_embed_frame;

typedef struct ev_embed_observer {
  int (*fn)(void *user, const ev_embed_frame *frame);  /* NULL: none */
  void *user;
  int every;  /* a frame every this many iterations, >= 1 when fn is set; the _default of the run's
                 parameters sets the method's (t-SNE 10, UMAP 5): set fn and user, keep every */
} ev_embed_observer;

/* A monotonic clock in seconds (for the timings runs report). */
double ev_seconds(void);

#ifdef __cplusplus
}
#endif
#endif
