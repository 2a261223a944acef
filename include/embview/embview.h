/* embview/embview.h — umbrella header for libembview.
 *
 * libembview loads embedding vectors and their metadata, projects them (PCA,
 * t-SNE, UMAP) and analyses them.  It never prints and never exits:
 * every fallible function returns 0 or a negative ev_errno and fills an
 * optional ev_error.  See each header for the objects it defines; they are
 * listed here in the library's layer order (docs/ARCHITECTURE.md).
 *
 * Everything but report.h is in libembview (pkg-config `embview`, CMake
 * `embview::embview`); report.h's pictures and HTML report are in
 * libembview_report (`embview-report`, `embview::report`), which adds cairo.
 */
#ifndef EMBVIEW_EMBVIEW_H
#define EMBVIEW_EMBVIEW_H

#include "embview/version.h"
#include "embview/threads.h"
#include "embview/error.h"
#include "embview/progress.h"
#include "embview/json.h"
#include "embview/matrix.h"
#include "embview/table.h"
#include "embview/sparse.h"
#include "embview/output.h"
#include "embview/io.h"
#include "embview/tensorboard.h"
#include "embview/thumbnails.h"
#include "embview/pca.h"
#include "embview/knn.h"
#include "embview/tsne.h"
#include "embview/umap.h"
#include "embview/map.h"
#include "embview/analysis.h"
#include "embview/report.h"

#endif
