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

/* Embedding runs (t-SNE, UMAP) also report their coordinates: called from
 * one thread every `callback_every` iterations (UMAP: epochs) and at the end
 * with the iteration (1-based), the current loss (t-SNE's KL divergence; NaN
 * when not computed at this iteration, always for UMAP), and a read-only view of the coordinates (n x dims, row-major),
 * valid during the call only.  Nonzero return stops the run (EV_ECANCELED). */
typedef int (*ev_embed_callback)(void *user, int iter, double kl, const float *y, int64_t n,
                                 int dims);

/* A monotonic clock in seconds (for the timings runs report). */
double ev_seconds(void);

#ifdef __cplusplus
}
#endif
#endif
