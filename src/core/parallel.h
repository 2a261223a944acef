/* parallel.h — the one place that knows whether OpenMP is there.
 *
 * The library builds and passes its tests without OpenMP; then every
 * parallel loop runs on one thread.  n_threads <= 0 means "OpenMP's default".
 */
#ifndef EV_CORE_PARALLEL_H
#define EV_CORE_PARALLEL_H

#ifdef _OPENMP
#include <omp.h>
static inline int ev__thread_id(void) { return omp_get_thread_num(); }
static inline int ev__max_threads(void) { return omp_get_max_threads(); }
#else
static inline int ev__thread_id(void) { return 0; }
static inline int ev__max_threads(void) { return 1; }
#endif

/* The thread count a call should use: its request, or the default. */
static inline int ev__resolve_threads(int n_threads) {
  int max = ev__max_threads();
  if (n_threads <= 0) return max;
  return n_threads;
}

/* BLAS calls are multithreaded by OpenBLAS's OpenMP build, which follows
 * omp_get_max_threads() of the calling thread.  These two scope a call's
 * thread count without touching other threads' settings (the ICV is per
 * thread in OpenMP). */
typedef struct ev__blas_scope {
  int saved;
} ev__blas_scope;

static inline ev__blas_scope ev__blas_threads_begin(int n_threads) {
  ev__blas_scope s = {ev__max_threads()};
#ifdef _OPENMP
  if (n_threads > 0) omp_set_num_threads(n_threads);
#else
  (void)n_threads;
#endif
  return s;
}

static inline void ev__blas_threads_end(ev__blas_scope s) {
#ifdef _OPENMP
  omp_set_num_threads(s.saved);
#else
  (void)s;
#endif
}

#endif
