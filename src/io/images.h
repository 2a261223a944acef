/* images.h — vectors that are images: their shape, grey range and pixels.
 * Shared by the sprite writer and the thumbnails.  Internal. */
#ifndef EV_IO_IMAGES_H
#define EV_IO_IMAGES_H

#include <stddef.h>
#include <stdint.h>

#include "embview/matrix.h"

typedef struct ev__image_fmt {
  int w, h, c;       /* c: 1 grey, 3 RGB (other channel counts show their first) */
  float lo, scale;   /* grey level = (value - lo) * scale, clamped to 0..255 */
} ev__image_fmt;

/* The image shape the reader recorded, else square single-channel rows
 * (from 8 x 8 to 512 x 512) with no negative values, and the data's range
 * (0..255 data kept as is).  0 when the rows are not images. */
int ev__image_fmt_of(const ev_matrix *x, ev__image_fmt *f);

/* Row i as straight RGBA, opaque: h rows of w x 4 bytes, `stride` bytes
 * apart (a thumbnail of its own, or a cell of a sprite sheet). */
void ev__image_rgba(const ev_matrix *x, int64_t i, const ev__image_fmt *f, unsigned char *rgba, size_t stride);

#endif
