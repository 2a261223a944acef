/* thumbnails.c — per-point images (embview/thumbnails.h): their lifetime,
 * thumbnails drawn from image-shaped vectors, one thumbnail as PNG bytes.
 * Sprite sheets are in sprite.c. */
#include "core/internal.h"
#include "io/images.h"
#include "io/png.h"
#include "io/thumbnails.h"

int ev__thumbnails_new(int64_t n, int w, int h, ev_thumbnails **out) {
  *out = NULL;
  ev_thumbnails *t = ev__calloc(1, sizeof *t);
  if (t) t->rgba = ev__malloc((size_t)(n ? n : 1) * (size_t)w * (size_t)h * 4);
  if (!t || !t->rgba) {
    ev_thumbnails_free(t);
    return EV_ENOMEM;
  }
  t->n = n;
  t->w = w;
  t->h = h;
  *out = t;
  return EV_OK;
}

void ev_thumbnails_free(ev_thumbnails *t) {
  if (!t) return;
  ev__free(t->rgba);
  ev__free(t);
}

int ev_thumbnails_from_images(const ev_matrix *x, ev_thumbnails **out, ev_error *err) {
  *out = NULL;
  ev__image_fmt f;
  if (!ev__image_fmt_of(x, &f))
    return ev__err(err, EV_EINVAL, "thumbnails: the vectors (%lld columns) are not images", (long long)x->n_cols);
  ev_thumbnails *t;
  if (ev__thumbnails_new(x->n_rows, f.w, f.h, &t))
    return ev__err(err, EV_ENOMEM, "thumbnails: out of memory for %lld images", (long long)x->n_rows);
  for (int64_t i = 0; i < x->n_rows; i++) ev__image_rgba(x, i, &f, ev__thumbnail_pixels(t, i), (size_t)f.w * 4);
  *out = t;
  return EV_OK;
}

int ev_thumbnail_png(const ev_thumbnails *t, int64_t i, unsigned char **png, size_t *len, ev_error *err) {
  *png = NULL;
  *len = 0;
  if (i < 0 || i >= t->n) return ev__err(err, EV_ERANGE, "thumbnail %lld: there are %lld", (long long)i, (long long)t->n);
  return ev__png_encode_rgba(ev__thumbnail_pixels(t, i), t->w, t->h, (size_t)t->w * 4, png, len, "thumbnail", err);
}
