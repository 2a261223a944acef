/* sprite.c — projector sprite sheets (formats doc §10): cut a PNG into
 * per-point thumbnails in TensorBoard's order, and build one from
 * image-shaped vectors.  PNG coding by cairo. */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/report.h"
#include "embview/tensorboard.h"
#include "io/images.h"

#define SPRITE_MAX 8192 /* TensorBoard's limit, per side */

void ev_thumbnails_free(ev_thumbnails *t) {
  if (!t) return;
  ev__free(t->rgba);
  ev__free(t);
}

/* width and height from the PNG header, before anything is decoded */
static int png_size(const char *path, uint32_t *w, uint32_t *h, ev_error *err) {
  unsigned char head[24];
  FILE *f = fopen(path, "rb");
  if (!f) return ev__err(err, EV_ENOTFOUND, "sprite %s: cannot open", path);
  size_t got = fread(head, 1, sizeof head, f);
  fclose(f);
  if (got < 24 || memcmp(head, "\x89PNG\r\n\x1a\n", 8) || memcmp(head + 12, "IHDR", 4))
    return ev__err(err, EV_EUNSUPPORTED, "sprite %s: not a PNG file (JPEG sprites are not supported)", path);
  *w = (uint32_t)head[16] << 24 | (uint32_t)head[17] << 16 | (uint32_t)head[18] << 8 | head[19];
  *h = (uint32_t)head[20] << 24 | (uint32_t)head[21] << 16 | (uint32_t)head[22] << 8 | head[23];
  return EV_OK;
}

int ev_sprite_read(const char *path, int64_t n_points, int cell_w, int cell_h, ev_thumbnails **out, ev_error *err) {
  *out = NULL;
  if (cell_w < 1 || cell_h < 1 || cell_w > SPRITE_MAX || cell_h > SPRITE_MAX)
    return ev__err(err, EV_EINVAL, "sprite %s: single_image_dim %d x %d is not a thumbnail size", path, cell_w, cell_h);
  uint32_t w = 0, h = 0;
  int rc = png_size(path, &w, &h, err);
  if (rc) return rc;
  if (w > SPRITE_MAX || h > SPRITE_MAX || w == 0 || h == 0)
    return ev__err(err, EV_ERANGE, "sprite %s: %u x %u pixels; TensorBoard's limit is %d x %d", path, w, h,
                   SPRITE_MAX, SPRITE_MAX);
  int64_t cols = w / (uint32_t)cell_w, rows = h / (uint32_t)cell_h;
  if (cols * rows < n_points)
    return ev__err(err, EV_EMISMATCH,
                   "sprite %s: %u x %u pixels hold %lld x %lld thumbnails of %d x %d, fewer than the %lld points", path,
                   w, h, (long long)cols, (long long)rows, cell_w, cell_h, (long long)n_points);
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    rc = ev__err(err, EV_EFORMAT, "sprite %s: cannot decode the PNG (%s)", path,
                 cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    return rc;
  }
  cairo_surface_flush(s);
  cairo_format_t fmt = cairo_image_surface_get_format(s);
  const unsigned char *data = cairo_image_surface_get_data(s);
  int stride = cairo_image_surface_get_stride(s);
  ev_thumbnails *t = ev__calloc(1, sizeof *t);
  size_t cell = (size_t)cell_w * (size_t)cell_h * 4;
  if (t) t->rgba = ev__malloc((size_t)(n_points ? n_points : 1) * cell);
  if (!t || !t->rgba) {
    ev_thumbnails_free(t);
    cairo_surface_destroy(s);
    return ev__err(err, EV_ENOMEM, "sprite %s: out of memory for %lld thumbnails", path, (long long)n_points);
  }
  t->n = n_points;
  t->w = cell_w;
  t->h = cell_h;
  /* point i: column i mod C, row i / C, from the top left */
  for (int64_t i = 0; i < n_points; i++) {
    int64_t x0 = (i % cols) * cell_w, y0 = (i / cols) * cell_h;
    unsigned char *dst = t->rgba + (size_t)i * cell;
    for (int y = 0; y < cell_h; y++)
      for (int x = 0; x < cell_w; x++) {
        const unsigned char *row = data + (size_t)(y0 + y) * (size_t)stride;
        unsigned char *px = dst + ((size_t)y * (size_t)cell_w + (size_t)x) * 4;
        uint32_t v;
        if (fmt == CAIRO_FORMAT_A8) {
          v = (uint32_t)row[x0 + x] << 24; /* alpha only: black */
        } else {
          memcpy(&v, row + (size_t)(x0 + x) * 4, 4);
          if (fmt == CAIRO_FORMAT_RGB24) v |= 0xff000000u;
        }
        unsigned a = v >> 24, r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
        if (a && a < 255) { /* cairo premultiplies alpha */
          r = r * 255 / a;
          g = g * 255 / a;
          b = b * 255 / a;
        }
        px[0] = (unsigned char)r;
        px[1] = (unsigned char)g;
        px[2] = (unsigned char)b;
        px[3] = (unsigned char)a;
      }
  }
  cairo_surface_destroy(s);
  *out = t;
  return EV_OK;
}

/* cairo writes through a callback so that the file can be written atomically */
static cairo_status_t write_chunk(void *closure, const unsigned char *data, unsigned int len) {
  FILE *f = closure;
  return fwrite(data, 1, len, f) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int ev_thumbnails_from_images(const ev_matrix *x, ev_thumbnails **out, ev_error *err) {
  *out = NULL;
  ev__image_fmt f;
  if (!ev__image_fmt_of(x, &f))
    return ev__err(err, EV_EINVAL, "thumbnails: the vectors (%lld columns) are not images", (long long)x->n_cols);
  ev_thumbnails *t = ev__calloc(1, sizeof *t);
  size_t cell = (size_t)f.w * (size_t)f.h * 4;
  if (t) t->rgba = ev__malloc((size_t)(x->n_rows ? x->n_rows : 1) * cell);
  if (!t || !t->rgba) {
    ev_thumbnails_free(t);
    return ev__err(err, EV_ENOMEM, "thumbnails: out of memory for %lld images", (long long)x->n_rows);
  }
  t->n = x->n_rows;
  t->w = f.w;
  t->h = f.h;
  for (int64_t i = 0; i < x->n_rows; i++) ev__image_rgba(x, i, &f, t->rgba + (size_t)i * cell);
  *out = t;
  return EV_OK;
}

int ev_sprite_write(const char *path, const ev_matrix *x, int *cell_w, int *cell_h, ev_error *err) {
  ev__image_fmt f;
  if (!ev__image_fmt_of(x, &f))
    return ev__err(err, EV_EINVAL, "sprite: the vectors (%lld columns) are not images", (long long)x->n_cols);
  int w = f.w, h = f.h;
  int64_t n = x->n_rows;
  int64_t grid = (int64_t)ceil(sqrt((double)(n ? n : 1)));
  if (grid * grid < n) grid++;
  if (grid * w > SPRITE_MAX || grid * h > SPRITE_MAX)
    return ev__err(err, EV_ERANGE, "sprite: %lld thumbnails of %d x %d need %lld x %lld pixels, over TensorBoard's %d",
                   (long long)n, w, h, (long long)(grid * w), (long long)(grid * h), SPRITE_MAX);
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)(grid * w), (int)(grid * h));
  unsigned char *rgba = ev__malloc((size_t)w * (size_t)h * 4);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || !rgba) {
    cairo_surface_destroy(s);
    ev__free(rgba);
    return ev__err(err, EV_ENOMEM, "sprite: out of memory for the sheet");
  }
  cairo_surface_flush(s);
  unsigned char *data = cairo_image_surface_get_data(s);
  int stride = cairo_image_surface_get_stride(s);
  memset(data, 0, (size_t)stride * (size_t)(grid * h)); /* empty cells stay transparent */
  for (int64_t i = 0; i < n; i++) {
    int64_t x0 = (i % grid) * w, y0 = (i / grid) * h;
    ev__image_rgba(x, i, &f, rgba);
    for (int y = 0; y < h; y++)
      for (int xx = 0; xx < w; xx++) {
        const unsigned char *p = rgba + ((size_t)y * (size_t)w + (size_t)xx) * 4;
        uint32_t px = 0xff000000u | (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        memcpy(data + (size_t)(y0 + y) * (size_t)stride + (size_t)(x0 + xx) * 4, &px, 4);
      }
  }
  ev__free(rgba);
  cairo_surface_mark_dirty(s);
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "sprite", err);
  if (!rc) {
    cairo_status_t st = cairo_surface_write_to_png_stream(s, write_chunk, at.fp);
    if (st == CAIRO_STATUS_WRITE_ERROR || (st != CAIRO_STATUS_SUCCESS && at.io_errno)) {
      rc = ev__atomic_fail(&at, "sprite", err);
    } else if (st != CAIRO_STATUS_SUCCESS) {
      ev__atomic_abort(&at);
      rc = ev__err(err, st == CAIRO_STATUS_NO_MEMORY ? EV_ENOMEM : EV_EIO, "sprite %s: cannot write the PNG (%s)",
                   path, cairo_status_to_string(st));
    } else {
      rc = ev__atomic_commit(&at, "sprite", err);
    }
  }
  cairo_surface_destroy(s);
  if (!rc) {
    *cell_w = w;
    *cell_h = h;
  }
  return rc;
}
