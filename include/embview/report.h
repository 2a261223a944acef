/* embview/report.h — pictures and the one-file HTML report.
 *
 * Everything is drawn with cairo: a scatter plot of a map coloured by class
 * with its legend (PNG or SVG), the class-overlap heatmap, and a
 * self-contained HTML report (images, per-point thumbnails among them,
 * inlined as data URIs) that puts them next to the figures of
 * embview/analysis.h.  These functions are in the library's `report`
 * component (libembview_report, which links cairo); thumbnails themselves
 * are embview/thumbnails.h's.
 */
#ifndef EMBVIEW_REPORT_H
#define EMBVIEW_REPORT_H

#include <stdint.h>

#include "embview/analysis.h"
#include "embview/error.h"
#include "embview/matrix.h"
#include "embview/table.h"
#include "embview/thumbnails.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The map's first two columns as a scatter plot coloured by class (points
 * without a class grey), with a legend; `path` ending in .svg gives SVG,
 * anything else PNG.  Written atomically. */
int ev_plot_scatter_write(const char *path, const ev_matrix *map, const ev_labels *labels, const char *title,
                          int width, int height, ev_error *err);

typedef struct ev_report {
  const char *title;              /* e.g. the input's name */
  const char *input_summary;      /* one line: what was read */
  const char *method;             /* "t-SNE", "UMAP", "PCA" */
  const ev_matrix *map;           /* N x 2 or 3 (the first two drawn) */
  const ev_labels *labels;        /* N codes and class names */
  const char *label_column;
  const ev_overlap *overlap;
  const ev_suspects *suspects;
  const ev_map_quality *quality;  /* NULL: not measured */
  const ev_thumbnails *thumbs;    /* NULL: no thumbnails (non-image vectors) */
  const char *details;            /* parameters and timings, one "name: value" per line */
  int max_pairs;                  /* class pairs listed, >= 0 (default 10) */
  int max_suspects;               /* suspects shown, >= 0 (default 48) */
} ev_report;

/* No content yet (every pointer NULL) and the listing limits at their
 * defaults: start from this and set the content. */
ev_report ev_report_default(void);

/* One self-contained HTML file, written atomically.  Needs a map, labels,
 * the overlap and the suspects. */
int ev_report_write_html(const char *path, const ev_report *r, ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
