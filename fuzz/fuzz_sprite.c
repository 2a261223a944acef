/* fuzz_sprite.c — sprite sheets (src/io/sprite.c, png.c): the PNG header
 * checks made before anything is decoded, then libpng's decode to straight
 * RGBA and the cut into thumbnails in TensorBoard's order.
 *
 * Input: a PNG file.  The thumbnail grid follows the input: k = 1 + size % 4
 * cells a side, cells of (width / k) x (height / k) pixels as the header
 * gives them, and k * k points, or k * k + 1 (one too many) when size % 8 >=
 * 4, so both the count check and the cut are reached.  Sheets of more than
 * 2^20 pixels are cut as a single 1 x 1 point (decoding them is libpng's
 * work, the same at any grid).
 * Reaches: the signature and IHDR test, TensorBoard's 8192-pixel limit,
 * zero sizes, the cell-count check, libpng's decode errors, and the cut for
 * every colour type and bit depth libpng turns into RGBA. */
#include <stdlib.h>

#include "embview/thumbnails.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  fz_write(path, "sprite.png", data, size);
  uint32_t w = 1, h = 1;
  if (size >= 24) {
    w = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 | (uint32_t)data[18] << 8 | data[19];
    h = (uint32_t)data[20] << 24 | (uint32_t)data[21] << 16 | (uint32_t)data[22] << 8 | data[23];
  }
  int k = 1 + (int)(size % 4);
  int cell_w = 1, cell_h = 1;
  int64_t n_points = 1;
  if (w >= 1 && h >= 1 && w <= 8192 && h <= 8192 && (uint64_t)w * h <= (1u << 20)) {
    cell_w = (int)(w / (uint32_t)k) ? (int)(w / (uint32_t)k) : 1;
    cell_h = (int)(h / (uint32_t)k) ? (int)(h / (uint32_t)k) : 1;
    n_points = (int64_t)k * k + (size % 8 >= 4);
  }
  ev_error err = {0};
  ev_thumbnails *t = NULL;
  int rc = ev_sprite_read(path, n_points, cell_w, cell_h, &t, &err);
  fz_outcome("sprite", rc, &err);
  if (rc == EV_OK) {
    if (!t || t->n != n_points || t->w != cell_w || t->h != cell_h) abort();
    volatile unsigned sum = 0;
    size_t n = (size_t)t->n * (size_t)t->w * (size_t)t->h * 4;
    for (size_t i = 0; i < n; i++) sum += t->rgba[i];
    (void)sum;
  }
  ev_thumbnails_free(t);
  return 0;
}
