/* png.c — PNG through libpng's simplified API (see png.h).  Its png_image
 * calls catch libpng's errors themselves (setjmp inside libpng) and leave
 * the reason in image.message, so nothing here jumps or prints. */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "io/png.h"

int ev__png_size(const char *path, const char *who, uint32_t *w, uint32_t *h, ev_error *err) {
  unsigned char head[24];
  FILE *f = fopen(path, "rb");
  if (!f) return ev__err(err, EV_ENOTFOUND, "%s %s: cannot open", who, path);
  size_t got = fread(head, 1, sizeof head, f);
  fclose(f);
  if (got < 24 || memcmp(head, "\x89PNG\r\n\x1a\n", 8) || memcmp(head + 12, "IHDR", 4))
    return ev__err(err, EV_EUNSUPPORTED, "%s %s: not a PNG file (JPEG sprites are not supported)", who, path);
  *w = (uint32_t)head[16] << 24 | (uint32_t)head[17] << 16 | (uint32_t)head[18] << 8 | head[19];
  *h = (uint32_t)head[20] << 24 | (uint32_t)head[21] << 16 | (uint32_t)head[22] << 8 | head[23];
  return EV_OK;
}

int ev__png_read_rgba(const char *path, const char *who, uint32_t w, uint32_t h, unsigned char **rgba,
                      ev_error *err) {
  *rgba = NULL;
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path))
    return ev__err(err, EV_EFORMAT, "%s %s: cannot decode the PNG (%s)", who, path, img.message);
  if (img.width != w || img.height != h) { /* the file changed since its header was read */
    png_image_free(&img);
    return ev__err(err, EV_EFORMAT, "%s %s: cannot decode the PNG (its size changed to %u x %u)", who, path,
                   img.width, img.height);
  }
  img.format = PNG_FORMAT_RGBA;
  /* 16-bit samples without a gAMA or sRGB chunk are sRGB, as browsers (and
   * so TensorBoard) show them; libpng would take them for linear light */
  img.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
  unsigned char *buf = ev__malloc((size_t)w * h * 4);
  if (!buf) {
    png_image_free(&img);
    return ev__err(err, EV_ENOMEM, "%s %s: out of memory for %u x %u pixels", who, path, w, h);
  }
  if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) { /* (frees img itself) */
    ev__free(buf);
    return ev__err(err, EV_EFORMAT, "%s %s: cannot decode the PNG (%s)", who, path, img.message);
  }
  *rgba = buf;
  return EV_OK;
}

static void image_of(png_image *img, int w, int h) {
  memset(img, 0, sizeof *img);
  img->version = PNG_IMAGE_VERSION;
  img->width = (png_uint_32)w;
  img->height = (png_uint_32)h;
  img->format = PNG_FORMAT_RGBA;
}

int ev__png_write_rgba(FILE *fp, const unsigned char *rgba, int w, int h, size_t stride, const char *who,
                  const char *path, ev_error *err) {
  png_image img;
  image_of(&img, w, h);
  if (!png_image_write_to_stdio(&img, fp, 0, rgba, (png_int_32)stride, NULL))
    return ev__err(err, EV_EIO, "%s %s: cannot write the PNG (%s)", who, path, img.message);
  return EV_OK;
}

int ev__png_encode_rgba(const unsigned char *rgba, int w, int h, size_t stride, unsigned char **png, size_t *len,
                   const char *who, ev_error *err) {
  *png = NULL;
  *len = 0;
  png_image img;
  image_of(&img, w, h);
  /* libpng's bound on the encoded size: one buffer, one pass */
  png_alloc_size_t size = PNG_IMAGE_PNG_SIZE_MAX(img);
  unsigned char *out = malloc(size);
  if (!out) return ev__err(err, EV_ENOMEM, "%s: out of memory for a %d x %d PNG", who, w, h);
  if (!png_image_write_to_memory(&img, out, &size, 0, rgba, (png_int_32)stride, NULL)) {
    free(out);
    return ev__err(err, EV_ENOMEM, "%s: cannot encode a %d x %d PNG (%s)", who, w, h, img.message);
  }
  unsigned char *shrunk = realloc(out, size ? size : 1);
  *png = shrunk ? shrunk : out;
  *len = size;
  return EV_OK;
}
