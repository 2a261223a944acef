/* test_thumbnails.c — per-point images (src/io/thumbnails.c, sprite.c,
 * png.c): sprite sheets of every PNG colour type, bit depth and interlacing
 * cut exactly, thumbnails of image vectors, one thumbnail as PNG bytes.
 * The sheets are written here with libpng's own low-level writer. */
#include <png.h>
#include <setjmp.h>

#include "test.h"

#define CELL_W 3
#define CELL_H 2
#define SHEET_W (2 * CELL_W) /* two cells side by side: points 0 and 1 */
#define SHEET_H CELL_H

typedef struct png_case {
  const char *name;
  int color_type, depth, interlace;
} png_case;

/* Sample c of pixel (x, y): a pattern that uses the whole range of the depth. */
static unsigned sample(const png_case *pc, int x, int y, int c) {
  unsigned levels = pc->color_type == PNG_COLOR_TYPE_PALETTE ? 4u : 1u << (pc->depth > 8 ? 8 : pc->depth);
  unsigned v = (unsigned)(x * 5 + y * 3 + c * 7) % levels;
  if (pc->color_type == PNG_COLOR_TYPE_PALETTE) return v;
  if (pc->depth == 16) return v * 257; /* 16-bit values whose top byte is the 8-bit one */
  return v;
}

static int n_channels(int color_type) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1;
  }
}

static const png_color palette[4] = {{0, 0, 0}, {255, 0, 0}, {10, 200, 30}, {250, 250, 250}};
static const png_byte palette_alpha[4] = {255, 128, 0, 255};

/* The 8-bit straight RGBA a reader must give for pixel (x, y). */
static void expected(const png_case *pc, int x, int y, unsigned char px[4]) {
  int nc = n_channels(pc->color_type);
  unsigned s[4] = {0, 0, 0, 0};
  for (int c = 0; c < nc; c++) {
    s[c] = sample(pc, x, y, c);
    if (pc->color_type != PNG_COLOR_TYPE_PALETTE)
      s[c] = pc->depth == 16 ? s[c] >> 8 : pc->depth < 8 ? s[c] * 255 / ((1u << pc->depth) - 1) : s[c];
  }
  switch (pc->color_type) {
    case PNG_COLOR_TYPE_PALETTE:
      px[0] = palette[s[0]].red, px[1] = palette[s[0]].green, px[2] = palette[s[0]].blue;
      px[3] = palette_alpha[s[0]];
      return;
    case PNG_COLOR_TYPE_GRAY: px[0] = px[1] = px[2] = (unsigned char)s[0], px[3] = 255; return;
    case PNG_COLOR_TYPE_GRAY_ALPHA: px[0] = px[1] = px[2] = (unsigned char)s[0], px[3] = (unsigned char)s[1]; return;
    default:
      for (int c = 0; c < 4; c++) px[c] = c < nc ? (unsigned char)s[c] : 255;
  }
}

static int write_sheet(const char *path, const png_case *pc) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  int nc = n_channels(pc->color_type), bytes = pc->depth == 16 ? 2 : 1;
  unsigned char rows[SHEET_H][SHEET_W * 4 * 2];
  png_bytep row_ptrs[SHEET_H];
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    return -1;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, SHEET_W, SHEET_H, pc->depth, pc->color_type, pc->interlace, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (pc->color_type == PNG_COLOR_TYPE_PALETTE) {
    png_set_PLTE(png, info, palette, 4);
    png_set_tRNS(png, info, palette_alpha, 4, NULL);
  }
  png_write_info(png, info);
  if (pc->depth < 8) png_set_packing(png); /* rows below: one sample a byte */
  for (int y = 0; y < SHEET_H; y++) {
    for (int x = 0; x < SHEET_W; x++)
      for (int c = 0; c < nc; c++) {
        unsigned v = sample(pc, x, y, c);
        unsigned char *p = rows[y] + ((size_t)x * nc + c) * bytes;
        if (bytes == 2) p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; /* PNG is big-endian */
        else p[0] = (unsigned char)v;
      }
    row_ptrs[y] = rows[y];
  }
  if (pc->interlace) png_set_interlace_handling(png);
  png_write_image(png, row_ptrs);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return fclose(f);
}

TEST(sprite_every_png_kind) {
  static const png_case cases[] = {
      {"grey1", PNG_COLOR_TYPE_GRAY, 1, 0},        {"grey2", PNG_COLOR_TYPE_GRAY, 2, 0},
      {"grey4", PNG_COLOR_TYPE_GRAY, 4, 0},        {"grey8", PNG_COLOR_TYPE_GRAY, 8, 0},
      {"grey16", PNG_COLOR_TYPE_GRAY, 16, 0},      {"grey_alpha8", PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0},
      {"grey_alpha16", PNG_COLOR_TYPE_GRAY_ALPHA, 16, 0}, {"rgb8", PNG_COLOR_TYPE_RGB, 8, 0},
      {"rgb16", PNG_COLOR_TYPE_RGB, 16, 0},        {"rgba8", PNG_COLOR_TYPE_RGB_ALPHA, 8, 0},
      {"rgba16", PNG_COLOR_TYPE_RGB_ALPHA, 16, 0}, {"palette2", PNG_COLOR_TYPE_PALETTE, 2, 0},
      {"palette8", PNG_COLOR_TYPE_PALETTE, 8, 0},  {"rgba8_adam7", PNG_COLOR_TYPE_RGB_ALPHA, 8, 1},
      {"grey4_adam7", PNG_COLOR_TYPE_GRAY, 4, 1},
  };
  ev_error err = {0};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const png_case *pc = &cases[k];
    char name[64];
    snprintf(name, sizeof name, "sheet_%s.png", pc->name);
    const char *path = test_out_path(name);
    ASSERT_EQ(write_sheet(path, pc), 0);
    ev_thumbnails *t = NULL;
    ASSERT_OK(ev_sprite_read(path, 2, CELL_W, CELL_H, &t, &err), &err);
    ASSERT_TRUE(t->n == 2 && t->w == CELL_W && t->h == CELL_H);
    for (int i = 0; i < 2; i++)
      for (int y = 0; y < CELL_H; y++)
        for (int x = 0; x < CELL_W; x++) {
          unsigned char want[4];
          expected(pc, i * CELL_W + x, y, want);
          const unsigned char *got = t->rgba + (((size_t)i * CELL_H + y) * CELL_W + x) * 4;
          for (int c = 0; c < 4; c++)
            if (got[c] != want[c])
              TEST_FAIL_("%s: point %d pixel (%d, %d) channel %d: got %d, expected %d", pc->name, i, x, y, c,
                         got[c], want[c]);
        }
    ev_thumbnails_free(t);
  }
}

TEST(thumbnails_from_images_and_png) {
  ev_error err = {0};
  ev_matrix *x = NULL;
  ASSERT_OK(ev_matrix_new(5, 64, &x, &err), &err); /* 8 x 8 grey images, values 0..255 */
  for (int64_t i = 0; i < 5; i++)
    for (int p = 0; p < 64; p++) ev_matrix_row(x, i)[p] = (float)((i * 40 + p * 3) % 256);
  ev_thumbnails *t = NULL;
  ASSERT_OK(ev_thumbnails_from_images(x, &t, &err), &err);
  ASSERT_TRUE(t->n == 5 && t->w == 8 && t->h == 8);
  ASSERT_EQ(t->rgba[(3 * 64 + 10) * 4], (3 * 40 + 30) % 256);
  ASSERT_EQ(t->rgba[(3 * 64 + 10) * 4 + 3], 255);
  /* one thumbnail as PNG bytes, decoded back by a sprite of one cell */
  unsigned char *png = NULL;
  size_t len = 0;
  ASSERT_OK(ev_thumbnail_png(t, 3, &png, &len, &err), &err);
  ASSERT_TRUE(len > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8));
  const char *path = test_write_file("thumb3.png", png, len);
  free(png);
  ev_thumbnails *back = NULL;
  ASSERT_OK(ev_sprite_read(path, 1, 8, 8, &back, &err), &err);
  ASSERT_TRUE(!memcmp(back->rgba, t->rgba + 3 * 64 * 4, 64 * 4));
  ev_thumbnails_free(back);
  ASSERT_ERR(ev_thumbnail_png(t, 5, &png, &len, &err), EV_ERANGE, &err, "thumbnail 5");
  ev_thumbnails_free(t);
  /* a sprite sheet of them: 3 x 3 cells, the empty ones transparent */
  int cw = 0, ch = 0;
  path = test_out_path("five.png");
  ASSERT_OK(ev_sprite_write(path, x, &cw, &ch, &err), &err);
  ASSERT_TRUE(cw == 8 && ch == 8);
  ASSERT_OK(ev_sprite_read(path, 9, 8, 8, &back, &err), &err);
  ASSERT_EQ(back->rgba[(4 * 64 + 7) * 4], (4 * 40 + 21) % 256);
  ASSERT_EQ(back->rgba[(4 * 64 + 7) * 4 + 3], 255);
  ASSERT_EQ(back->rgba[(8 * 64 + 7) * 4 + 3], 0);
  ev_thumbnails_free(back);
  /* vectors that are not images */
  ev_matrix *y = NULL;
  ASSERT_OK(ev_matrix_new(2, 5, &y, &err), &err);
  ASSERT_ERR(ev_thumbnails_from_images(y, &t, &err), EV_EINVAL, &err, "not images");
  ASSERT_ERR(ev_sprite_write(path, y, &cw, &ch, &err), EV_EINVAL, &err, "not images");
  ev_matrix_free(y);
  ev_matrix_free(x);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"sprite_every_png_kind", sprite_every_png_kind},
      {"thumbnails_from_images_and_png", thumbnails_from_images_and_png},
  };
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
