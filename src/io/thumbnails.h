/* thumbnails.h — making ev_thumbnails (embview/thumbnails.h).  Internal. */
#ifndef EV_IO_THUMBNAILS_H
#define EV_IO_THUMBNAILS_H

#include <stdint.h>

#include "embview/thumbnails.h"

/* n thumbnails of w x h, pixels uninitialised; EV_ENOMEM (no message: the
 * caller names what it was making) or EV_OK. */
int ev__thumbnails_new(int64_t n, int w, int h, ev_thumbnails **out);

/* Thumbnail i's first pixel (h rows of w x 4 bytes, contiguous). */
static inline unsigned char *ev__thumbnail_pixels(const ev_thumbnails *t, int64_t i) {
  return t->rgba + (size_t)i * (size_t)t->w * (size_t)t->h * 4;
}

#endif
