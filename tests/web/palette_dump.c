/* palette_dump.c — the report's class colours (ev__class_colour), one line
 * "n c r g b" (0..255) per class of a few class counts, for
 * tests/web/palette.test.mjs to hold against the viewer's web/palette.js. */
#include <stdio.h>

#include "report/report_internal.h"

int main(void) {
  /* each rule of the palette and its edges: Tableau 10, Tableau 20, golden-angle hues */
  static const int class_counts[] = {1, 9, 10, 11, 20, 21, 360, 1000};
  for (size_t k = 0; k < sizeof class_counts / sizeof *class_counts; k++) {
    int n = class_counts[k];
    for (int c = -1; c < n; c++) {
      double rgb[3];
      ev__class_colour(c, n, rgb);
      printf("%d %d %.9f %.9f %.9f\n", n, c, rgb[0] * 255, rgb[1] * 255, rgb[2] * 255);
    }
  }
  return 0;
}
