/* json_write.c — the one JSON writer (embview/json.h). */
#include "embview/json.h"

#include "core/internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ev_json_put(ev_json *b, const char *s, size_t n) {
  if (b->failed) return;
  ev__buf room = {(unsigned char *)b->p, b->len, b->cap, 0}; /* core's growth rule, room for the NUL */
  if (ev__buf_reserve(&room, n + 1)) {
    b->failed = 1;
    return;
  }
  b->p = (char *)room.data;
  b->cap = room.cap;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

void ev_json_printf(ev_json *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    ev_json_put(b, tmp, (size_t)n);
    return;
  }
  char *big = ev__malloc((size_t)n + 1); /* rare: a long formatted piece */
  if (!big) {
    b->failed = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  ev_json_put(b, big, (size_t)n);
  ev__free(big);
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or 0 when it is not one. */
static int utf8_length(const unsigned char *s) {
  unsigned char c = s[0];
  int n = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  if (!n) return 0;
  unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
  if (c == 0xe0) lo = 0xa0;
  else if (c == 0xed) hi = 0x9f;
  else if (c == 0xf0) lo = 0x90;
  else if (c == 0xf4) hi = 0x8f;
  if (s[1] < lo || s[1] > hi) return 0;
  for (int t = 2; t < n; t++)
    if (s[t] < 0x80 || s[t] > 0xbf) return 0;
  return n;
}

void ev_json_str(ev_json *b, const char *s) {
  if (!s) {
    ev_json_put(b, "null", 4);
    return;
  }
  ev_json_put(b, "\"", 1);
  const char *run = s; /* bytes copied as they are, in runs */
  while (*s) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\') {
      s++;
      continue;
    }
    int n = ch >= 0x80 ? utf8_length((const unsigned char *)s) : 0;
    if (n) { /* well-formed UTF-8 stays as it is */
      s += n;
      continue;
    }
    ev_json_put(b, run, (size_t)(s - run));
    if (ch == '"' || ch == '\\') {
      char e[2] = {'\\', (char)ch};
      ev_json_put(b, e, 2);
    } else if (ch < 0x20) {
      ev_json_printf(b, "\\u%04x", ch);
    } else { /* a byte that is not UTF-8 (Latin-1 text, a cut sequence): JSON must be UTF-8 */
      ev_json_put(b, "\\ufffd", 6);
    }
    run = ++s;
  }
  ev_json_put(b, run, (size_t)(s - run));
  ev_json_put(b, "\"", 1);
}

void ev_json_num(ev_json *b, double v) {
  if (isfinite(v)) ev_json_printf(b, "%.9g", v);
  else ev_json_put(b, "null", 4);
}

void ev_json_clear(ev_json *b) {
  if (!b) return;
  ev__free(b->p);
  *b = (ev_json){0};
}
