/* draw.c — the scatter plot and the overlap heatmap, drawn with
 * cairo; PNG and SVG files of the scatter plot. */
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "report/report_internal.h"

/* The class colours are the viewer's: web/palette.js, turned into this header by CMake. */
#include "ev_palette.h"

_Static_assert(sizeof EV_PALETTE_TABLEAU10 / sizeof *EV_PALETTE_TABLEAU10 == 10, "Tableau 10 has 10 colours");
_Static_assert(sizeof EV_PALETTE_TABLEAU20 / sizeof *EV_PALETTE_TABLEAU20 == 20, "Tableau 20 has 20 colours");

void ev__class_colour(int c, int n_classes, double rgb[3]) {
  unsigned v;
  if (c < 0) {
    v = EV_PALETTE_NO_CLASS;
  } else if (n_classes <= 10) {
    v = EV_PALETTE_TABLEAU10[c];
  } else if (n_classes <= 20) {
    v = EV_PALETTE_TABLEAU20[c];
  } else { /* golden-angle hues at two lightness levels */
    double hue = fmod(c * EV_PALETTE_GOLDEN_ANGLE_DEGREES, 360.0) / 60.0, s = EV_PALETTE_HUE_SATURATION;
    double l = c % 2 ? EV_PALETTE_LIGHTNESS_ODD : EV_PALETTE_LIGHTNESS_EVEN;
    double ch = (1 - fabs(2 * l - 1)) * s, x = ch * (1 - fabs(fmod(hue, 2.0) - 1)), m = l - ch / 2;
    double r = 0, g = 0, b = 0;
    int sector = (int)hue;
    if (sector == 0) r = ch, g = x;
    else if (sector == 1) r = x, g = ch;
    else if (sector == 2) g = ch, b = x;
    else if (sector == 3) g = x, b = ch;
    else if (sector == 4) r = x, b = ch;
    else r = ch, b = x;
    rgb[0] = r + m;
    rgb[1] = g + m;
    rgb[2] = b + m;
    return;
  }
  rgb[0] = ((v >> 16) & 0xff) / 255.0;
  rgb[1] = ((v >> 8) & 0xff) / 255.0;
  rgb[2] = (v & 0xff) / 255.0;
}

#define LEGEND_W 190
#define LEGEND_MAX 32

static void text_at(cairo_t *cr, double x, double y, double size, int bold, const char *s) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

/* the first `max` bytes of s, with an ellipsis when cut */
static void clip_name(char *out, size_t cap, const char *s, size_t max) {
  size_t len = strlen(s);
  if (len <= max || max < 4) {
    snprintf(out, cap, "%s", s);
    return;
  }
  while (max > 1 && ((unsigned char)s[max] & 0xc0) == 0x80) max--; /* not inside a UTF-8 character */
  snprintf(out, cap, "%.*s...", (int)max, s);
}

void ev__draw_scatter(cairo_t *cr, int w, int h, const ev_matrix *map, const ev_labels *labels, const char *title) {
  int64_t n = map->n_rows;
  int c_n = labels ? labels->n_classes : 0;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  double top = title ? 36 : 10, plot_w = w - LEGEND_W - 20, plot_h = h - top - 10;
  if (title) {
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text_at(cr, 12, 24, 16, 1, title);
  }
  /* equal scales on both axes: distances on the map mean the same either way */
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (int64_t i = 0; i < n; i++) {
    const float *r = ev_matrix_row(map, i);
    for (int d = 0; d < 2 && d < map->n_cols; d++)
      if (isfinite(r[d])) {
        lo[d] = fmin(lo[d], r[d]);
        hi[d] = fmax(hi[d], r[d]);
      }
  }
  if (map->n_cols < 2) lo[1] = hi[1] = 0;
  double span = fmax(hi[0] - lo[0], hi[1] - lo[1]);
  if (!(span > 0)) span = 1;
  double scale = fmin(plot_w, plot_h) / span * 0.96;
  double cx = 10 + plot_w / 2, cy = top + plot_h / 2;
  double mx = (lo[0] + hi[0]) / 2, my = (lo[1] + hi[1]) / 2;
  double radius = fmin(4.0, fmax(0.9, 2.2 * sqrt(10000.0 / (double)(n ? n : 1))));
  /* a fixed shuffle (stride coprime with n) so that no class is always drawn on top */
  int64_t stride = 7919;
  while (n > 1 && (n % stride == 0)) stride += 2;
  for (int64_t t = 0; t < n; t++) {
    int64_t i = n > 1 ? (t * stride) % n : t;
    const float *r = ev_matrix_row(map, i);
    double y1 = map->n_cols > 1 ? r[1] : 0;
    if (!isfinite(r[0]) || !isfinite(y1)) continue;
    double rgb[3];
    ev__class_colour(labels ? labels->codes[i] : 0, c_n ? c_n : 1, rgb);
    cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], 0.75);
    cairo_arc(cr, cx + (r[0] - mx) * scale, cy - (y1 - my) * scale, radius, 0, 2 * M_PI);
    cairo_fill(cr);
  }
  if (!labels) return;
  /* legend: the largest classes first when there are many */
  double lx = w - LEGEND_W, ly = top + 8;
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  int shown = c_n < LEGEND_MAX ? c_n : LEGEND_MAX - 1;
  int order[LEGEND_MAX];
  for (int s = 0; s < shown; s++) {
    int best = -1;
    for (int c = 0; c < c_n; c++) {
      int used = 0;
      for (int u = 0; u < s; u++) used |= order[u] == c;
      if (!used && (best < 0 || labels->class_counts[c] > labels->class_counts[best])) best = c;
    }
    order[s] = best;
  }
  if (c_n <= LEGEND_MAX) /* few classes: in class order */
    for (int s = 0; s < shown; s++) order[s] = s;
  for (int s = 0; s < shown; s++) {
    int c = order[s];
    double rgb[3];
    char name[64], line[128];
    ev__class_colour(c, c_n, rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_arc(cr, lx + 8, ly + s * 20 - 4, 6, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    clip_name(name, sizeof name, labels->class_names[c], 16);
    snprintf(line, sizeof line, "%s  (%lld)", name, (long long)labels->class_counts[c]);
    text_at(cr, lx + 20, ly + s * 20, 12, 0, line);
  }
  if (shown < c_n) {
    char line[64];
    snprintf(line, sizeof line, "+ %d more classes", c_n - shown);
    text_at(cr, lx + 20, ly + shown * 20, 12, 0, line);
  }
}

cairo_surface_t *ev__draw_heatmap(const ev_overlap *o, const ev_labels *labels) {
  int c_n = o->n_classes;
  int cell = c_n <= 12 ? 44 : c_n <= 30 ? 22 : c_n <= 60 ? 12 : 6;
  /* room for the longest class name (names are cut at 12 bytes) */
  cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t *pc = cairo_create(probe);
  cairo_select_font_face(pc, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(pc, cell >= 20 ? 12 : 9);
  double longest = 0;
  for (int c = 0; cell >= 12 && c < c_n; c++) {
    char name[32];
    cairo_text_extents_t ext;
    clip_name(name, sizeof name, labels->class_names[c], 12);
    cairo_text_extents(pc, name, &ext);
    longest = fmax(longest, ext.x_advance);
  }
  cairo_destroy(pc);
  cairo_surface_destroy(probe);
  int margin = 30 + (int)ceil(longest), w = margin + c_n * cell + 20, h = margin + c_n * cell + 20;
  if (w < 420) w = 420;
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  double max = 0;
  for (int a = 0; a < c_n; a++)
    for (int b = 0; b < c_n; b++)
      if (a != b) max = fmax(max, o->share[(size_t)a * c_n + b]);
  if (!(max > 0)) max = 1;
  for (int a = 0; a < c_n; a++)
    for (int b = 0; b < c_n; b++) {
      double v = o->share[(size_t)a * c_n + b], x = margin + b * cell, y = margin + a * cell;
      if (a == b) {
        cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
      } else { /* white to dark red, square-root scale: small overlaps stay visible */
        double t = sqrt(fmin(1.0, v / max));
        cairo_set_source_rgb(cr, 1 - 0.3 * t, 1 - 0.9 * t, 1 - 0.85 * t);
      }
      cairo_rectangle(cr, x, y, cell - 1, cell - 1);
      cairo_fill(cr);
      if (cell >= 40 && a != b && v >= 0.0005) {
        char num[16];
        snprintf(num, sizeof num, "%.1f", 100 * v);
        cairo_set_source_rgb(cr, sqrt(fmin(1.0, v / max)) > 0.6 ? 1 : 0.15, sqrt(fmin(1.0, v / max)) > 0.6 ? 1 : 0.15,
                             sqrt(fmin(1.0, v / max)) > 0.6 ? 1 : 0.15);
        text_at(cr, x + 6, y + cell / 2 + 4, 11, 0, num);
      }
    }
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  if (cell >= 12)
    for (int c = 0; c < c_n; c++) {
      char name[32];
      clip_name(name, sizeof name, labels->class_names[c], 12);
      text_at(cr, 6, margin + c * cell + cell / 2 + 4, cell >= 20 ? 12 : 9, 0, name);
      cairo_save(cr);
      cairo_move_to(cr, margin + c * cell + cell / 2 + 4, margin - 6);
      cairo_rotate(cr, -M_PI / 2);
      cairo_set_font_size(cr, cell >= 20 ? 12 : 9);
      cairo_show_text(cr, name);
      cairo_restore(cr);
    }
  text_at(cr, margin, 14, 11, 0, "rows: a point's class; columns: its neighbours' class (%)");
  cairo_destroy(cr);
  cairo_surface_flush(s);
  return s;
}

static cairo_status_t buf_chunk(void *closure, const unsigned char *data, unsigned int len) {
  return ev__buf_append(closure, data, len) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

int ev__png_encode(cairo_surface_t *s, ev__buf *out, ev_error *err) {
  cairo_status_t st = cairo_surface_status(s);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_write_to_png_stream(s, buf_chunk, out);
  if (st != CAIRO_STATUS_SUCCESS) return ev__err(err, EV_ENOMEM, "PNG: %s", cairo_status_to_string(st));
  return EV_OK;
}

static cairo_status_t file_chunk(void *closure, const unsigned char *data, unsigned int len) {
  return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int ev_plot_scatter_write(const char *path, const ev_matrix *map, const ev_labels *labels, const char *title,
                          int width, int height, ev_error *err) {
  if (width < LEGEND_W + 100 || height < 100 || width > 16384 || height > 16384)
    return ev__err(err, EV_EINVAL, "plot %s: size %d x %d (need %d..16384 x 100..16384)", path, width, height,
                   LEGEND_W + 100);
  if (labels && labels->n != map->n_rows)
    return ev__err(err, EV_EMISMATCH, "plot %s: %lld labels for %lld points", path, (long long)labels->n,
                   (long long)map->n_rows);
  size_t len = strlen(path);
  int svg = len >= 4 && !strcmp(path + len - 4, ".svg");
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "plot", err);
  if (rc) return rc;
  cairo_surface_t *s = svg ? cairo_svg_surface_create_for_stream(file_chunk, at.fp, width, height)
                           : cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create(s);
  ev__draw_scatter(cr, width, height, map, labels, title);
  cairo_destroy(cr);
  cairo_status_t st = cairo_surface_status(s);
  if (!svg && st == CAIRO_STATUS_SUCCESS) st = cairo_surface_write_to_png_stream(s, file_chunk, at.fp);
  cairo_surface_finish(s);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
  cairo_surface_destroy(s);
  if (st == CAIRO_STATUS_WRITE_ERROR || (st != CAIRO_STATUS_SUCCESS && at.io_errno))
    return ev__atomic_fail(&at, "plot", err);
  if (st != CAIRO_STATUS_SUCCESS) {
    ev__atomic_abort(&at);
    return ev__err(err, st == CAIRO_STATUS_NO_MEMORY ? EV_ENOMEM : EV_EIO, "plot %s: cannot draw (%s)", path,
                   cairo_status_to_string(st));
  }
  return ev__atomic_commit(&at, "plot", err);
}
