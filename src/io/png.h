/* png.h — PNG files and bytes as straight 8-bit RGBA, through libpng's
 * simplified API (which reports errors in a message and never prints).
 * The sprite sheets and the thumbnails use it.  Internal. */
#ifndef EV_IO_PNG_H
#define EV_IO_PNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "embview/error.h"

/* Width and height from the signature and IHDR chunk, before anything is
 * decoded: EV_ENOTFOUND when the file cannot be opened, EV_EUNSUPPORTED
 * when it is not a PNG.  `who` prefixes messages ("sprite"). */
int ev__png_size(const char *path, const char *who, uint32_t *w, uint32_t *h, ev_error *err);

/* The whole image as w x h x 4 straight RGBA bytes (*rgba from ev__malloc;
 * the caller frees it), any bit depth, colour type or interlacing; w and h
 * are those ev__png_size gave, checked again here.  EV_EFORMAT when libpng
 * cannot decode it. */
int ev__png_read_rgba(const char *path, const char *who, uint32_t w, uint32_t h, unsigned char **rgba,
                      ev_error *err);

/* w x h straight RGBA (rows `stride` bytes apart) as a PNG into fp (an
 * ev__atomic's stream: the caller tells a write error from the rest by its
 * io_errno), or into new malloc'd bytes *png of *len (free with free()). */
int ev__png_write_rgba(FILE *fp, const unsigned char *rgba, int w, int h, size_t stride, const char *who,
                  const char *path, ev_error *err);
int ev__png_encode_rgba(const unsigned char *rgba, int w, int h, size_t stride, unsigned char **png, size_t *len,
                   const char *who, ev_error *err);

#endif
