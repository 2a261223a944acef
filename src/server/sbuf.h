/* sbuf.h — the server's growable text buffer and its one JSON writer: every
 * reply and status is built here, so that strings are escaped one way
 * (RFC 8259: quote, backslash and control characters escaped, other bytes
 * as they are) and a failed allocation is remembered, not ignored. */
#ifndef EV_SERVER_SBUF_H
#define EV_SERVER_SBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sbuf {
  char *p;     /* NUL-terminated once anything was written */
  size_t len, cap;
  int failed;  /* an allocation failed: the contents are incomplete */
} sbuf;

void sb_put(sbuf *b, const char *s, size_t n);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string (quoted and escaped); NULL writes null. */
void sb_str(sbuf *b, const char *s);
/* A JSON number; NaN and infinities (which JSON lacks) as null. */
void sb_num(sbuf *b, double v);
/* The API's error body: {"error": "<message>"} and a newline. */
void sb_error(sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void sb_free(sbuf *b);

#endif
