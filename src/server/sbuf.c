/* sbuf.c — growable text and JSON values (sbuf.h). */
#include "server/sbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) {
      b->failed = 1;
      return;
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    sb_put(b, tmp, (size_t)n);
    return;
  }
  char *big = malloc((size_t)n + 1); /* rare: a long formatted piece */
  if (!big) {
    b->failed = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_put(b, big, (size_t)n);
  free(big);
}

void sb_str(sbuf *b, const char *s) {
  if (!s) {
    sb_put(b, "null", 4);
    return;
  }
  sb_put(b, "\"", 1);
  const char *run = s; /* bytes copied as they are, in runs */
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch != '"' && ch != '\\' && ch >= 0x20) continue;
    sb_put(b, run, (size_t)(s - run));
    if (ch == '"' || ch == '\\') {
      char e[2] = {'\\', (char)ch};
      sb_put(b, e, 2);
    } else {
      sb_printf(b, "\\u%04x", ch);
    }
    run = s + 1;
  }
  sb_put(b, run, (size_t)(s - run));
  sb_put(b, "\"", 1);
}

void sb_num(sbuf *b, double v) {
  if (isfinite(v)) sb_printf(b, "%.9g", v);
  else sb_put(b, "null", 4);
}

void sb_error(sbuf *b, const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  sb_put(b, "{\"error\": ", 10);
  sb_str(b, msg);
  sb_put(b, "}\n", 2);
}

void sb_free(sbuf *b) {
  free(b->p);
  *b = (sbuf){0};
}
