/* report_internal.h — drawing pieces the report and the plot writer share.
 * Internal. */
#ifndef EV_REPORT_INTERNAL_H
#define EV_REPORT_INTERNAL_H

#include <cairo.h>

#include "core/internal.h"
#include "embview/report.h"

/* Class colours: Tableau's 10 (or 20) for few classes, golden-angle hues beyond
 * (web/palette.js, the viewer's, is their one source). */
void ev__class_colour(int c, int n_classes, double rgb[3]);

/* The scatter plot with its legend on a w x h surface. */
void ev__draw_scatter(cairo_t *cr, int w, int h, const ev_matrix *map, const ev_labels *labels, const char *title);

/* The overlap matrix (share of a's neighbours in b) as a heatmap; a new surface. */
cairo_surface_t *ev__draw_heatmap(const ev_overlap *o, const ev_labels *labels);

/* PNG bytes of a surface appended to out. */
int ev__png_encode(cairo_surface_t *s, ev__buf *out, ev_error *err);

#endif
