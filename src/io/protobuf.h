/* protobuf.h — the protobuf wire format, as far as checkpoints need it:
 * a bounds-checked reader (varints, tags, length-delimited fields, skipping
 * unknown fields) and an appender for the writer.  Internal. */
#ifndef EV_IO_PROTOBUF_H
#define EV_IO_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"

typedef struct ev__pb {
  const unsigned char *p, *end;
  int bad; /* set on any malformed or truncated read; later reads return 0 */
} ev__pb;

static inline ev__pb ev__pb_init(const void *data, size_t len) {
  ev__pb r = {(const unsigned char *)data, (const unsigned char *)data + len, 0};
  return r;
}

static inline int ev__pb_more(const ev__pb *r) { return !r->bad && r->p < r->end; }

static inline uint64_t ev__pb_varint(ev__pb *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (r->bad || r->p >= r->end) break;
    unsigned char b = *r->p++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  r->bad = 1;
  return 0;
}

static inline uint32_t ev__pb_fixed32(ev__pb *r) {
  if (r->bad || r->end - r->p < 4) {
    r->bad = 1;
    return 0;
  }
  uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

/* A length-delimited field's bytes as a sub-reader. */
static inline ev__pb ev__pb_bytes(ev__pb *r) {
  uint64_t n = ev__pb_varint(r);
  ev__pb sub = {r->p, r->p, 1};
  if (r->bad || n > (uint64_t)(r->end - r->p)) {
    r->bad = 1;
    return sub;
  }
  sub.end = r->p + n;
  sub.bad = 0;
  r->p += n;
  return sub;
}

/* Skip a field of the given wire type (0 varint, 1 fixed64, 2 bytes, 5 fixed32). */
static inline void ev__pb_skip(ev__pb *r, int wire) {
  switch (wire) {
    case 0: ev__pb_varint(r); break;
    case 1:
      if (r->end - r->p < 8) r->bad = 1;
      else r->p += 8;
      break;
    case 2: ev__pb_bytes(r); break;
    case 5: ev__pb_fixed32(r); break;
    default: r->bad = 1;
  }
}

/* Writer side: varints and fields appended to a buffer. */
static inline int ev__pb_put_varint(ev__buf *b, uint64_t v) {
  unsigned char tmp[10];
  int n = 0;
  do {
    tmp[n] = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v) tmp[n] |= 0x80;
    n++;
  } while (v);
  return ev__buf_append(b, tmp, (size_t)n);
}

static inline int ev__pb_put_tag(ev__buf *b, int field, int wire) {
  return ev__pb_put_varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

static inline int ev__pb_put_bytes(ev__buf *b, int field, const void *p, size_t n) {
  return ev__pb_put_tag(b, field, 2) || ev__pb_put_varint(b, n) || ev__buf_append(b, p, n);
}

static inline int ev__pb_put_fixed32(ev__buf *b, int field, uint32_t v) {
  unsigned char tmp[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
  return ev__pb_put_tag(b, field, 5) || ev__buf_append(b, tmp, 4);
}

#endif
