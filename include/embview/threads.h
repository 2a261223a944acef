/* embview/threads.h — how many threads the library uses.
 *
 * Every long-running call takes n_threads in its parameters; 0 there means
 * the default set here (OpenMP's own until set: usually one per core).
 * Results do not depend on the thread count unless a header says so (UMAP's
 * hogwild SGD).  Without OpenMP everything runs on the calling thread.
 */
#ifndef EMBVIEW_THREADS_H
#define EMBVIEW_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The thread count that calls given n_threads = 0 use, as do BLAS and the
 * few internal loops without a thread parameter.  Sets the calling thread's
 * OpenMP default. */
void ev_set_default_threads(int n_threads);

#ifdef __cplusplus
}
#endif
#endif
