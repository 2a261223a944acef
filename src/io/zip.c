/* zip.c — reading and writing the subset of zip that .npz files use.
 *
 * Reading: find the end-of-central-directory record in the last 64 KB, follow
 * the zip64 locator when a field is saturated, then read each central
 * directory entry (with its zip64 extra field).  numpy's savez writes every
 * member with force_zip64, so local headers carry 0xFFFFFFFF sizes; only the
 * central directory's sizes are trusted.  Stored and deflated members are
 * supported; encrypted ones are refused.
 *
 * Writing: stored members only (embview's own .npz files are small next to
 * what a deflate pass would cost), zip64 when an offset or size needs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#include "core/file.h"
#include "io/zip.h"

#define MAX_MEMBERS 4096

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint64_t rd64(const unsigned char *p) { return rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

void ev__zip_close(ev__zip *z) {
  if (z->base) munmap(z->base, z->len);
  ev__free(z->members);
  memset(z, 0, sizeof *z);
}

/* The member's local header and bytes lie inside the file; sizes agree. */
static int check_member(ev__zip *z, ev__zip_member *m, const char *who, ev_error *err) {
  const unsigned char *b = z->base;
  if (m->local_offset > z->len || z->len - m->local_offset < 30 ||
      rd32(b + m->local_offset) != 0x04034b50)
    return ev__err(err, EV_EFORMAT, "%s: %s: member '%s': bad local header at offset %llu", who,
                   z->path, m->name, (unsigned long long)m->local_offset);
  uint64_t start = m->local_offset + 30 + rd16(b + m->local_offset + 26) + rd16(b + m->local_offset + 28);
  if (start > z->len || m->comp_size > z->len - start)
    return ev__err(err, EV_EFORMAT,
                   "%s: %s: member '%s' (%llu bytes at offset %llu) runs past the end of the "
                   "%zu-byte file (truncated?)",
                   who, z->path, m->name, (unsigned long long)m->comp_size,
                   (unsigned long long)start, z->len);
  m->data_offset = start;
  if (m->method == 0 && m->size != m->comp_size)
    return ev__err(err, EV_EFORMAT, "%s: %s: stored member '%s' has sizes %llu and %llu", who,
                   z->path, m->name, (unsigned long long)m->size, (unsigned long long)m->comp_size);
  /* Deflate expands at most ~1032:1; a larger claim is a corrupt header. */
  if (m->method == 8 && m->size > m->comp_size * 1032 + 1024)
    return ev__err(err, EV_EFORMAT,
                   "%s: %s: member '%s' claims %llu bytes from %llu compressed bytes, more than "
                   "deflate can produce",
                   who, z->path, m->name, (unsigned long long)m->size,
                   (unsigned long long)m->comp_size);
  return EV_OK;
}

typedef struct extent {
  uint64_t start;
  int member;
} extent;

static int by_start(const void *a, const void *b) {
  const extent *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : x->member - y->member;
}

/* No two members share bytes, and none reaches into the central directory. */
static int check_disjoint(ev__zip *z, uint64_t cd_off, const char *who, ev_error *err) {
  int n = z->n_members, rc = EV_OK;
  if (n == 0) return EV_OK;
  extent *order = ev__malloc((size_t)n * sizeof *order);
  if (!order) return ev__err(err, EV_ENOMEM, "%s: out of memory", who);
  for (int i = 0; i < n; i++) order[i] = (extent){z->members[i].local_offset, i};
  qsort(order, (size_t)n, sizeof *order, by_start);
  for (int k = 0; k < n && !rc; k++) {
    const ev__zip_member *m = &z->members[order[k].member];
    uint64_t end = m->data_offset + m->comp_size;
    uint64_t next = k + 1 < n ? order[k + 1].start : cd_off;
    if (end <= next) continue;
    if (k + 1 < n) {
      const ev__zip_member *o = &z->members[order[k + 1].member];
      rc = ev__err(err, EV_EFORMAT,
                   "%s: %s: members '%s' and '%s' overlap (bytes %llu..%llu and from %llu on): "
                   "every member must have bytes of its own (a malformed archive, or a zip bomb)",
                   who, z->path, m->name, o->name, (unsigned long long)m->local_offset,
                   (unsigned long long)end, (unsigned long long)o->local_offset);
    } else {
      rc = ev__err(err, EV_EFORMAT,
                   "%s: %s: member '%s' (bytes %llu..%llu) runs into the central directory at %llu",
                   who, z->path, m->name, (unsigned long long)m->local_offset,
                   (unsigned long long)end, (unsigned long long)cd_off);
    }
  }
  ev__free(order);
  return rc;
}

int ev__zip_open(ev__zip *z, const char *path, const char *who, ev_error *err) {
  memset(z, 0, sizeof *z);
  z->path = path;
  void *base;
  size_t len;
  int rc = ev__file_map(path, who, &base, &len, err);
  if (rc) return rc;
  z->base = base;
  z->len = len;
  const unsigned char *b = z->base;
  /* End of central directory: 22 bytes + comment (<= 65535). */
  size_t eocd = SIZE_MAX;
  if (len >= 22) {
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    for (size_t i = len - 22 + 1; i-- > lo;) {
      if (rd32(b + i) == 0x06054b50 && i + 22 + rd16(b + i + 20) == len) {
        eocd = i;
        break;
      }
    }
  }
  if (eocd == SIZE_MAX) {
    rc = ev__err(err, EV_EFORMAT, "%s: %s: not a zip archive (no end-of-central-directory record; "
                 "truncated?)", who, path);
    goto fail;
  }
  uint64_t n_entries = rd16(b + eocd + 10);
  uint64_t cd_size = rd32(b + eocd + 12);
  uint64_t cd_off = rd32(b + eocd + 16);
  if (n_entries == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
    if (eocd < 20 || rd32(b + eocd - 20) != 0x07064b50) {
      rc = ev__err(err, EV_EFORMAT, "%s: %s: zip64 archive without its locator", who, path);
      goto fail;
    }
    uint64_t e64 = rd64(b + eocd - 20 + 8);
    if (len < 56 || e64 > len - 56 || rd32(b + e64) != 0x06064b50) {
      rc = ev__err(err, EV_EFORMAT, "%s: %s: bad zip64 end-of-central-directory offset", who, path);
      goto fail;
    }
    n_entries = rd64(b + e64 + 32);
    cd_size = rd64(b + e64 + 40);
    cd_off = rd64(b + e64 + 48);
  }
  if (cd_off > len || cd_size > len - cd_off) {
    rc = ev__err(err, EV_EFORMAT, "%s: %s: central directory (offset %llu, %llu bytes) lies outside "
                 "the %zu-byte file", who, path, (unsigned long long)cd_off,
                 (unsigned long long)cd_size, len);
    goto fail;
  }
  if (n_entries > MAX_MEMBERS || n_entries > cd_size / 46 + 1) {
    rc = ev__err(err, EV_EFORMAT, "%s: %s: implausible member count %llu", who, path,
                 (unsigned long long)n_entries);
    goto fail;
  }
  z->members = ev__calloc((size_t)(n_entries ? n_entries : 1), sizeof *z->members);
  if (!z->members) {
    rc = ev__err(err, EV_ENOMEM, "%s: out of memory", who);
    goto fail;
  }
  size_t p = (size_t)cd_off, end = (size_t)(cd_off + cd_size);
  for (uint64_t k = 0; k < n_entries; k++) {
    if (p + 46 > end || rd32(b + p) != 0x02014b50) {
      rc = ev__err(err, EV_EFORMAT, "%s: %s: central directory entry %llu is damaged", who, path,
                   (unsigned long long)k);
      goto fail;
    }
    ev__zip_member *m = &z->members[k];
    uint16_t flags = rd16(b + p + 8);
    m->method = rd16(b + p + 10);
    m->crc32 = rd32(b + p + 16);
    m->comp_size = rd32(b + p + 20);
    m->size = rd32(b + p + 24);
    size_t nlen = rd16(b + p + 28), xlen = rd16(b + p + 30), clen = rd16(b + p + 32);
    m->local_offset = rd32(b + p + 42);
    if (p + 46 + nlen + xlen + clen > end) {
      rc = ev__err(err, EV_EFORMAT, "%s: %s: central directory entry %llu runs past its end", who,
                   path, (unsigned long long)k);
      goto fail;
    }
    size_t ncopy = EV__MIN(nlen, sizeof m->name - 1);
    memcpy(m->name, b + p + 46, ncopy);
    m->name[ncopy] = '\0';
    /* zip64 extra field: the saturated values follow in a fixed order. */
    const unsigned char *x = b + p + 46 + nlen, *xend = x + xlen;
    while (x + 4 <= xend) {
      uint16_t id = rd16(x), sz = rd16(x + 2);
      if (x + 4 + sz > xend) break;
      if (id == 0x0001) {
        const unsigned char *v = x + 4, *vend = x + 4 + sz;
        if (m->size == 0xFFFFFFFFu && v + 8 <= vend) m->size = rd64(v), v += 8;
        if (m->comp_size == 0xFFFFFFFFu && v + 8 <= vend) m->comp_size = rd64(v), v += 8;
        if (m->local_offset == 0xFFFFFFFFu && v + 8 <= vend) m->local_offset = rd64(v), v += 8;
      }
      x += 4 + sz;
    }
    if (flags & 1) {
      rc = ev__err(err, EV_EUNSUPPORTED, "%s: %s: member '%s' is encrypted", who, path, m->name);
      goto fail;
    }
    if (m->method != 0 && m->method != 8) {
      rc = ev__err(err, EV_EUNSUPPORTED,
                   "%s: %s: member '%s' uses compression method %d (only stored and deflate)", who,
                   path, m->name, m->method);
      goto fail;
    }
    p += 46 + nlen + xlen + clen;
    z->n_members++;
    if ((rc = check_member(z, m, who, err))) goto fail;
  }
  if ((rc = check_disjoint(z, cd_off, who, err))) goto fail;
  return EV_OK;
fail:
  ev__zip_close(z);
  return rc;
}

/* Inflate member m: output bytes [0, skip) are dropped (after the CRC),
 * [skip, skip + dst_len) go to dst.  full: the whole member, which must end
 * exactly at its stated size with the right CRC; otherwise stop once
 * skip + dst_len bytes came (a peek; *got may be less when it is shorter). */
static int inflate_member(const ev__zip *z, const ev__zip_member *m, const char *who, size_t skip,
                          unsigned char *dst, size_t dst_len, int full, size_t *got, ev_error *err) {
  unsigned char scratch[1 << 14], extra;
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
    return ev__err(err, EV_ENOMEM, "%s: zlib initialisation failed", who);
  uint64_t in_left = m->comp_size, produced = 0, want = (uint64_t)skip + dst_len;
  uint32_t crc = 0;
  const char *why = NULL;
  int zrc = Z_OK;
  zs.next_in = (unsigned char *)(z->base + m->data_offset);
  for (;;) {
    if (zs.avail_in == 0 && in_left) { /* chunks only matter for members over 4 GB (uInt counters) */
      uInt chunk = (uInt)EV__MIN(in_left, (uint64_t)1 << 30);
      zs.avail_in = chunk;
      in_left -= chunk;
    }
    unsigned char *out;
    uInt room;
    if (produced < skip) {
      out = scratch;
      room = (uInt)EV__MIN((uint64_t)sizeof scratch, skip - produced);
    } else if (produced < want) {
      out = dst + (produced - skip);
      room = (uInt)EV__MIN((uint64_t)1 << 30, want - produced);
    } else if (!full) {
      break;
    } else {
      out = &extra; /* one byte more than stated would be an error */
      room = 1;
    }
    zs.next_out = out;
    zs.avail_out = room;
    zrc = inflate(&zs, Z_NO_FLUSH);
    size_t n = room - zs.avail_out;
    if (out == &extra && n) {
      why = "exceeds its stated size";
      break;
    }
    if (full && n) crc = (uint32_t)crc32(crc, out, (uInt)n);
    produced += n;
    if (zrc == Z_STREAM_END) break;
    if (zrc == Z_BUF_ERROR && zs.avail_in == 0 && !in_left) {
      why = "ends early";
      break;
    }
    if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
      why = "stream error";
      break;
    }
  }
  inflateEnd(&zs);
  if (!full) {
    *got = (size_t)EV__MIN(produced, want);
    if (why && produced < want && produced < m->size)
      return ev__err(err, EV_EFORMAT, "%s: %s: member '%s': corrupt deflate data (%s)", who,
                     z->path, m->name, why);
    return EV_OK;
  }
  if (!why && produced != m->size) why = "shorter than its stated size";
  if (why)
    return ev__err(err, EV_EFORMAT, "%s: %s: member '%s': corrupt deflate data (%s)", who, z->path,
                   m->name, why);
  if (crc != m->crc32)
    return ev__err(err, EV_EFORMAT, "%s: %s: member '%s': CRC-32 mismatch (stored %08x, computed %08x)",
                   who, z->path, m->name, m->crc32, crc);
  return EV_OK;
}

static int check_crc(const ev__zip *z, const ev__zip_member *m, const char *who, ev_error *err) {
  uint32_t crc = 0;
  uint64_t left = m->size;
  const unsigned char *q = z->base + m->data_offset;
  while (left) {
    uInt chunk = (uInt)EV__MIN(left, (uint64_t)1 << 30);
    crc = (uint32_t)crc32(crc, q, chunk);
    q += chunk;
    left -= chunk;
  }
  if (crc != m->crc32)
    return ev__err(err, EV_EFORMAT, "%s: %s: member '%s': CRC-32 mismatch (stored %08x, computed %08x)",
                   who, z->path, m->name, m->crc32, crc);
  return EV_OK;
}

int ev__zip_member_head(const ev__zip *z, int i, const char *who, unsigned char *buf, size_t want,
                        const unsigned char **data, size_t *got, ev_error *err) {
  const ev__zip_member *m = &z->members[i];
  if (m->method == 0) {
    *data = z->base + m->data_offset;
    *got = (size_t)EV__MIN((uint64_t)want, m->size);
    return EV_OK;
  }
  *data = buf;
  return inflate_member(z, m, who, 0, buf, (size_t)EV__MIN((uint64_t)want, m->size), 0, got, err);
}

int ev__zip_member_read(const ev__zip *z, int i, const char *who, size_t skip, unsigned char *dst,
                        const unsigned char **data, ev_error *err) {
  const ev__zip_member *m = &z->members[i];
  size_t got;
  if (m->method == 0) {
    *data = z->base + m->data_offset;
    return check_crc(z, m, who, err);
  }
  *data = dst ? dst - skip : NULL;
  if (skip > m->size) skip = (size_t)m->size;
  return inflate_member(z, m, who, skip, dst, (size_t)(m->size - skip), 1, &got, err);
}

static void put16(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v) {
  put16(p, (uint16_t)v);
  put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(unsigned char *p, uint64_t v) {
  put32(p, (uint32_t)v);
  put32(p + 4, (uint32_t)(v >> 32));
}

int ev__zip_write_member(ev__zip_writer *w, const char *name, const void *a, size_t a_len,
                         const void *b, size_t b_len, ev_error *err) {
  FILE *fp = w->fp;
  if (w->n_members >= (int)(sizeof w->members / sizeof w->members[0]))
    return ev__err(err, EV_EINVAL, "zip: too many members");
  ev__zip_member *m = &w->members[w->n_members++];
  snprintf(m->name, sizeof m->name, "%s", name);
  m->method = 0;
  m->size = m->comp_size = (uint64_t)a_len + b_len;
  m->local_offset = w->pos;
  uint32_t crc = (uint32_t)crc32(0, a, (uInt)a_len);
  for (size_t off = 0; off < b_len;) {
    uInt chunk = (uInt)EV__MIN(b_len - off, (size_t)1 << 30);
    crc = (uint32_t)crc32(crc, (const unsigned char *)b + off, chunk);
    off += chunk;
  }
  m->crc32 = crc;
  size_t nlen = strlen(m->name);
  unsigned char h[30 + 20];
  memset(h, 0, sizeof h);
  put32(h, 0x04034b50);
  put16(h + 4, 45);
  put32(h + 14, crc);
  put32(h + 18, 0xFFFFFFFFu);
  put32(h + 22, 0xFFFFFFFFu);
  put16(h + 26, (uint16_t)nlen);
  put16(h + 28, 20);
  put16(h + 30, 0x0001);
  put16(h + 32, 16);
  put64(h + 34, m->size);
  put64(h + 42, m->comp_size);
  fwrite(h, 1, 30, fp);
  fwrite(m->name, 1, nlen, fp);
  fwrite(h + 30, 1, 20, fp);
  fwrite(a, 1, a_len, fp);
  if (b_len) fwrite(b, 1, b_len, fp);
  w->pos += 30 + nlen + 20 + m->size;
  if (ferror(fp)) return ev__err(err, EV_EIO, "zip: write failed");
  return EV_OK;
}

int ev__zip_write_end(ev__zip_writer *w, ev_error *err) {
  FILE *fp = w->fp;
  uint64_t cd_start = w->pos, cd_size = 0;
  for (int i = 0; i < w->n_members; i++) {
    ev__zip_member *m = &w->members[i];
    size_t nlen = strlen(m->name);
    unsigned char h[46 + 28];
    memset(h, 0, sizeof h);
    put32(h, 0x02014b50);
    put16(h + 4, 45);
    put16(h + 6, 45);
    put32(h + 16, m->crc32);
    put32(h + 20, 0xFFFFFFFFu);
    put32(h + 24, 0xFFFFFFFFu);
    put16(h + 28, (uint16_t)nlen);
    put16(h + 30, 28);
    put32(h + 42, 0xFFFFFFFFu);
    put16(h + 46, 0x0001);
    put16(h + 48, 24);
    put64(h + 50, m->size);
    put64(h + 58, m->comp_size);
    put64(h + 66, m->local_offset);
    fwrite(h, 1, 46, fp);
    fwrite(m->name, 1, nlen, fp);
    fwrite(h + 46, 1, 28, fp);
    cd_size += 46 + nlen + 28;
  }
  unsigned char e[56 + 20 + 22];
  memset(e, 0, sizeof e);
  put32(e, 0x06064b50);
  put64(e + 4, 44);
  put16(e + 12, 45);
  put16(e + 14, 45);
  put64(e + 24, (uint64_t)w->n_members);
  put64(e + 32, (uint64_t)w->n_members);
  put64(e + 40, cd_size);
  put64(e + 48, cd_start);
  put32(e + 56, 0x07064b50);
  put64(e + 56 + 8, cd_start + cd_size);
  put32(e + 56 + 16, 1);
  put32(e + 76, 0x06054b50);
  put16(e + 76 + 8, 0xFFFF);
  put16(e + 76 + 10, 0xFFFF);
  put32(e + 76 + 12, 0xFFFFFFFFu);
  put32(e + 76 + 16, 0xFFFFFFFFu);
  fwrite(e, 1, sizeof e, fp);
  w->pos += cd_size + sizeof e;
  if (ferror(fp)) return ev__err(err, EV_EIO, "zip: write failed");
  return EV_OK;
}
