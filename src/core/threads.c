/* threads.c — the process-wide default thread count. */
#include "core/parallel.h"
#include "embview/threads.h"

void ev_set_default_threads(int n_threads) {
#ifdef _OPENMP
  if (n_threads > 0) omp_set_num_threads(n_threads);
#else
  (void)n_threads;
#endif
}
