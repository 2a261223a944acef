/* images.c — vectors that are images (see images.h). */
#include <math.h>
#include <string.h>

#include "io/images.h"

int ev__image_fmt_of(const ev_matrix *x, ev__image_fmt *f) {
  memset(f, 0, sizeof *f);
  f->c = x->image_c > 0 ? x->image_c : 1;
  if (x->image_w > 0 && x->image_h > 0 && (int64_t)x->image_w * x->image_h * f->c == x->n_cols) {
    f->w = x->image_w;
    f->h = x->image_h;
  } else {
    int64_t side = (int64_t)llround(sqrt((double)x->n_cols));
    if (side < 8 || side > 512 || side * side != x->n_cols) return 0;
    f->w = f->h = (int)side;
    f->c = 1;
  }
  float lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < x->n_rows; i++) {
    const float *r = ev_matrix_row(x, i);
    for (int64_t j = 0; j < x->n_cols; j++)
      if (isfinite(r[j])) {
        lo = fminf(lo, r[j]);
        hi = fmaxf(hi, r[j]);
      }
  }
  /* square rows without a recorded shape are taken for pixels only when
   * they look like pixels: no negative values (a 256-D embedding is not a
   * 16 x 16 picture) */
  int recorded = x->image_w > 0 && x->image_h > 0;
  if (!recorded && lo < 0) return 0;
  if (lo >= 0 && hi <= 255 && hi > 1) lo = 0, hi = 255; /* 8-bit data (MNIST) maps to itself */
  f->lo = isfinite(lo) ? lo : 0;
  f->scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
  return 1;
}

void ev__image_rgba(const ev_matrix *x, int64_t i, const ev__image_fmt *f, unsigned char *rgba, size_t stride) {
  const float *r = ev_matrix_row(x, i);
  int c = f->c;
  for (int y = 0; y < f->h; y++)
    for (int xx = 0; xx < f->w; xx++) {
      unsigned char *px = rgba + (size_t)y * stride + (size_t)xx * 4;
      for (int k = 0; k < 3; k++) {
        float v = r[((size_t)y * (size_t)f->w + (size_t)xx) * (size_t)c + (size_t)(c >= 3 ? k : 0)];
        float g = isfinite(v) ? (v - f->lo) * f->scale : 0.0f;
        px[k] = g <= 0 ? 0 : g >= 255 ? 255 : (unsigned char)lrintf(g);
      }
      px[3] = 255;
    }
}
