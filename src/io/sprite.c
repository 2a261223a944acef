/* sprite.c — projector sprite sheets (formats doc §10): cut a PNG into
 * per-point thumbnails in TensorBoard's order, and write one from
 * image-shaped vectors (embview/thumbnails.h).  PNG coding in png.c. */
#include <math.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/thumbnails.h"
#include "io/images.h"
#include "io/png.h"
#include "io/thumbnails.h"

#define SPRITE_MAX 8192 /* TensorBoard's limit, per side */

int ev_sprite_read(const char *path, int64_t n_points, int cell_w, int cell_h, ev_thumbnails **out, ev_error *err) {
  *out = NULL;
  if (cell_w < 1 || cell_h < 1 || cell_w > SPRITE_MAX || cell_h > SPRITE_MAX)
    return ev__err(err, EV_EINVAL, "sprite %s: single_image_dim %d x %d is not a thumbnail size", path, cell_w, cell_h);
  uint32_t w = 0, h = 0;
  int rc = ev__png_size(path, "sprite", &w, &h, err);
  if (rc) return rc;
  if (w > SPRITE_MAX || h > SPRITE_MAX || w == 0 || h == 0)
    return ev__err(err, EV_ERANGE, "sprite %s: %u x %u pixels; TensorBoard's limit is %d x %d", path, w, h,
                   SPRITE_MAX, SPRITE_MAX);
  int64_t cols = w / (uint32_t)cell_w, rows = h / (uint32_t)cell_h;
  if (cols * rows < n_points)
    return ev__err(err, EV_EMISMATCH,
                   "sprite %s: %u x %u pixels hold %lld x %lld thumbnails of %d x %d, fewer than the %lld points", path,
                   w, h, (long long)cols, (long long)rows, cell_w, cell_h, (long long)n_points);
  unsigned char *sheet = NULL;
  ev_thumbnails *t = NULL;
  if ((rc = ev__png_read_rgba(path, "sprite", w, h, &sheet, err))) return rc;
  if ((rc = ev__thumbnails_new(n_points, cell_w, cell_h, &t))) {
    ev__free(sheet);
    return ev__err(err, rc, "sprite %s: out of memory for %lld thumbnails", path, (long long)n_points);
  }
  /* point i: column i mod C, row i / C, from the top left */
  size_t row_bytes = (size_t)cell_w * 4;
  for (int64_t i = 0; i < n_points; i++) {
    size_t x0 = (size_t)(i % cols) * (size_t)cell_w, y0 = (size_t)(i / cols) * (size_t)cell_h;
    unsigned char *dst = ev__thumbnail_pixels(t, i);
    for (int y = 0; y < cell_h; y++)
      memcpy(dst + (size_t)y * row_bytes, sheet + ((y0 + (size_t)y) * w + x0) * 4, row_bytes);
  }
  ev__free(sheet);
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
  size_t sheet_w = (size_t)(grid * w), stride = sheet_w * 4;
  unsigned char *sheet = ev__calloc((size_t)(grid * h), stride); /* empty cells stay transparent */
  if (!sheet) return ev__err(err, EV_ENOMEM, "sprite: out of memory for the sheet");
  for (int64_t i = 0; i < n; i++) {
    size_t x0 = (size_t)(i % grid) * (size_t)w, y0 = (size_t)(i / grid) * (size_t)h;
    ev__image_rgba(x, i, &f, sheet + y0 * stride + x0 * 4, stride);
  }
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "sprite", err);
  if (!rc) {
    rc = ev__png_write_rgba(at.fp, sheet, (int)sheet_w, (int)(grid * h), stride, "sprite", path, err);
    if (rc && at.io_errno)
      rc = ev__atomic_fail(&at, "sprite", err);
    else if (rc)
      ev__atomic_abort(&at);
    else
      rc = ev__atomic_commit(&at, "sprite", err);
  }
  ev__free(sheet);
  if (!rc) {
    *cell_w = w;
    *cell_h = h;
  }
  return rc;
}
