/* embview/embview.h — umbrella header for libembview.
 *
 * libembview loads embedding vectors and their metadata, projects them (PCA,
 * t-SNE, UMAP) and analyses them.  It never prints and never exits:
 * every fallible function returns 0 or a negative ev_errno and fills an
 * optional ev_error.  See each header for the objects it defines.
 */
#ifndef EMBVIEW_EMBVIEW_H
#define EMBVIEW_EMBVIEW_H

#include "embview/error.h"
#include "embview/progress.h"
#include "embview/matrix.h"
#include "embview/table.h"
#include "embview/io.h"
#include "embview/pca.h"
#include "embview/knn.h"
#include "embview/tsne.h"
#include "embview/umap.h"
#include "embview/map.h"
#include "embview/tensorboard.h"
#include "embview/analysis.h"
#include "embview/report.h"

#define EV_VERSION_MAJOR 0
#define EV_VERSION_MINOR 1
#define EV_VERSION_PATCH 0
#define EV_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* Library version string ("0.1.0"), and the BLAS it runs on ("OpenBLAS 0.3.21, OpenMP"). */
const char *ev_version(void);
const char *ev_blas_info(void);

/* The thread count that calls given n_threads = 0 use, as do BLAS and the
 * few internal loops without a thread parameter (OpenMP's default until
 * set).  Sets the calling thread's OpenMP default. */
void ev_set_default_threads(int n_threads);

#ifdef __cplusplus
}
#endif
#endif
