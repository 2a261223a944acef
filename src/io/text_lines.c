/* text_lines.c — JavaScript-compatible blank-line test and line splitting. */
#include <string.h>

#include "io/text_lines.h"

/* Length of the JS white-space character at s (0 if none). */
static size_t js_space_len(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return 1;
  if (c == 0xC2 && left >= 2 && s[1] == 0xA0) return 2;                     /* U+00A0 */
  if (c == 0xE1 && left >= 3 && s[1] == 0x9A && s[2] == 0x80) return 3;     /* U+1680 */
  if (c == 0xE2 && left >= 3) {
    if (s[1] == 0x80 && s[2] >= 0x80 && s[2] <= 0x8A) return 3;             /* U+2000..200A */
    if (s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF)) return 3; /* 2028 2029 202F */
    if (s[1] == 0x81 && s[2] == 0x9F) return 3;                             /* U+205F */
  }
  if (c == 0xE3 && left >= 3 && s[1] == 0x80 && s[2] == 0x80) return 3;     /* U+3000 */
  if (c == 0xEF && left >= 3 && s[1] == 0xBB && s[2] == 0xBF) return 3;     /* U+FEFF */
  return 0;
}

int ev__js_blank(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    size_t k = js_space_len(p + i, len - i);
    if (!k) return 0;
    i += k;
  }
  return 1;
}

const char *ev__next_line(const char **pos, const char *end, size_t *len) {
  const char *s = *pos;
  if (s >= end) return NULL;
  const char *nl = memchr(s, '\n', (size_t)(end - s));
  if (nl) {
    *len = (size_t)(nl - s);
    *pos = nl + 1;
  } else {
    *len = (size_t)(end - s);
    *pos = end;
  }
  return s;
}

void ev__skip_bom(const char **pos, const char *end) {
  if (end - *pos >= 3 && !memcmp(*pos, "\xEF\xBB\xBF", 3)) *pos += 3;
}
