/* embview/thumbnails.h — per-point images: cut from a projector sprite
 * sheet, or drawn from vectors that are images; one thumbnail as PNG bytes
 * (the viewer's inspector, the HTML report); a sprite sheet written for
 * TensorBoard.
 *
 * PNG coding is libpng's (its simplified API: every bit depth, colour type
 * and interlacing in; 8-bit RGBA out).  Sprite sheets follow TensorBoard's
 * projector: point i sits in column i mod C, row i / C, from the top left,
 * C = sheet width / cell width; sheets are at most 8192 pixels a side.
 */
#ifndef EMBVIEW_THUMBNAILS_H
#define EMBVIEW_THUMBNAILS_H

#include <stddef.h>
#include <stdint.h>

#include "embview/error.h"
#include "embview/matrix.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Per-point thumbnails: n images of w x h straight (not premultiplied) RGBA. */
typedef struct ev_thumbnails {
  int64_t n;
  int w, h;
  unsigned char *rgba;  /* n x h x w x 4 */
} ev_thumbnails;

void ev_thumbnails_free(ev_thumbnails *t);

/* Cut a PNG sprite sheet into n_points thumbnails of cell_w x cell_h in
 * TensorBoard's order.  Sheets over 8192 pixels a side (TensorBoard's
 * limit) are refused before decoding (EV_ERANGE), files that are not PNG
 * are EV_EUNSUPPORTED, undecodable ones EV_EFORMAT; a sheet with fewer
 * cells than points is EV_EMISMATCH. */
int ev_sprite_read(const char *path, int64_t n_points, int cell_w, int cell_h, ev_thumbnails **out, ev_error *err);

/* Thumbnails of image-shaped vectors: the image shape the reader recorded,
 * else square single-channel rows without negative values (784 = 28 x 28,
 * from 8 x 8 to 512 x 512).  Grey levels span the data's range (0..255
 * data kept as is).  EV_EINVAL when the vectors are not images. */
int ev_thumbnails_from_images(const ev_matrix *x, ev_thumbnails **out, ev_error *err);

/* Thumbnail i (0 <= i < t->n, else EV_ERANGE) as PNG bytes: *png from
 * malloc (free with free()), *len bytes.  Thread-safe for a shared t. */
int ev_thumbnail_png(const ev_thumbnails *t, int64_t i, unsigned char **png, size_t *len, ev_error *err);

/* A square sprite sheet of image-shaped vectors (x's image shape, as
 * ev_thumbnails_from_images), empty cells transparent; written atomically
 * (EV_EIO naming the file when a write fails).  EV_EINVAL when the vectors
 * are not images, EV_ERANGE when the sheet would pass 8192 pixels a side.
 * The cell size is returned in *cell_w, *cell_h. */
int ev_sprite_write(const char *path, const ev_matrix *x, int *cell_w, int *cell_h, ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
