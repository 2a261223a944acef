/* embview/progress.h — progress reporting and cancellation for long runs.
 *
 * Long-running functions take an optional ev_progress_fn.  It is called from
 * one thread only (never concurrently), at a modest rate (a few times per
 * second at most for most stages).  A nonzero return asks the run to stop: the
 * function then frees what it allocated and returns EV_ECANCELED.
 */
#ifndef EMBVIEW_PROGRESS_H
#define EMBVIEW_PROGRESS_H

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

#ifdef __cplusplus
}
#endif
#endif
