/* embview/json.h — the one JSON writer: a growable text buffer with JSON
 * values, used by everything embview writes as JSON (the server's replies,
 * `analyze --json`, the standalone projector's config), so that strings are
 * escaped one way (RFC 8259: quote, backslash and control characters
 * escaped, well-formed UTF-8 as it is, other bytes as U+FFFD) and a failed
 * allocation is remembered, not ignored.
 *
 *   ev_json b = {0};
 *   ev_json_put(&b, "{\"name\": ", 9);
 *   ev_json_str(&b, name);
 *   ev_json_printf(&b, ", \"n\": %d}", n);
 *   if (b.failed) ... out of memory ...;  else use b.p (b.len bytes)
 *   ev_json_clear(&b);
 */
#ifndef EMBVIEW_JSON_H
#define EMBVIEW_JSON_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define EV_JSON_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define EV_JSON_PRINTF(f, a)
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ev_json {
  char *p;     /* NUL-terminated once anything was written */
  size_t len, cap;
  int failed;  /* an allocation failed: the contents are incomplete */
} ev_json;

/* n bytes as they are (JSON punctuation, or text already escaped). */
void ev_json_put(ev_json *b, const char *s, size_t n);
void ev_json_printf(ev_json *b, const char *fmt, ...) EV_JSON_PRINTF(2, 3);
/* A JSON string (quoted and escaped); NULL writes null.  Bytes that are not
 * well-formed UTF-8 (Latin-1 metadata, a cut sequence) become U+FFFD, so
 * the document stays valid JSON. */
void ev_json_str(ev_json *b, const char *s);
/* A JSON number (%.9g: a float32 round-trips); NaN and infinities, which
 * JSON lacks, as null. */
void ev_json_num(ev_json *b, double v);
/* Frees the text and zeroes the buffer for reuse (the struct is the
 * caller's: a _clear, not a _free); NULL is allowed. */
void ev_json_clear(ev_json *b);

#ifdef __cplusplus
}
#endif
#endif
