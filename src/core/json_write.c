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
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = ev__realloc(b->p, cap);
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

void ev_json_str(ev_json *b, const char *s) {
  if (!s) {
    ev_json_put(b, "null", 4);
    return;
  }
  ev_json_put(b, "\"", 1);
  const char *run = s; /* bytes copied as they are, in runs */
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch != '"' && ch != '\\' && ch >= 0x20) continue;
    ev_json_put(b, run, (size_t)(s - run));
    if (ch == '"' || ch == '\\') {
      char e[2] = {'\\', (char)ch};
      ev_json_put(b, e, 2);
    } else {
      ev_json_printf(b, "\\u%04x", ch);
    }
    run = s + 1;
  }
  ev_json_put(b, run, (size_t)(s - run));
  ev_json_put(b, "\"", 1);
}

void ev_json_num(ev_json *b, double v) {
  if (isfinite(v)) ev_json_printf(b, "%.9g", v);
  else ev_json_put(b, "null", 4);
}

void ev_json_free(ev_json *b) {
  ev__free(b->p);
  *b = (ev_json){0};
}
