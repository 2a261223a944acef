/* fuzz_npz.c — the zip reader (src/io/zip.c) and the NPZ reader on top of
 * it (src/io/npz.c).
 *
 * Input: a zip archive (.npz).  Before the reader sees it, the harness sets
 * each central-directory entry's CRC-32 to the checksum of the bytes that
 * entry really holds (stored, or inflated), found the way the reader finds
 * them.  Without this almost every mutation of a member would stop at the
 * CRC check; with it they reach the member's .npy header and data.  (The
 * CRC mismatch itself is covered by tests/test_io_corrupt.c.)
 *
 * Reaches: the end-of-central-directory search, zip64 locator and extra
 * fields, central directory entries, local headers, stored and deflated
 * members, each member's .npy parse, the one-matrix rule, 1-D members as
 * metadata columns.  The archive is mapped onto the heap (fuzz_util.c). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "embview/io.h"
#include "fuzz_util.h"

#define MAX_INFLATE ((uint64_t)64 << 20) /* the reader's own bound is 1032 x the compressed size */

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* CRC-32 of a member's uncompressed bytes; 0 when they cannot be found. */
static int member_crc(const unsigned char *b, size_t len, int method, uint64_t comp, uint64_t size,
                      uint64_t local, uint32_t *crc) {
  if (local > len || len - local < 30 || rd32(b + local) != 0x04034b50) return 0;
  uint64_t start = local + 30 + rd16(b + local + 26) + rd16(b + local + 28);
  if (start > len || comp > len - start) return 0;
  const unsigned char *src = b + start;
  if (method == 0) {
    *crc = (uint32_t)crc32(0, src, (uInt)comp);
    return 1;
  }
  if (method != 8 || size > MAX_INFLATE) return 0;
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return 0;
  unsigned char out[16384];
  uLong c = crc32(0, NULL, 0);
  uint64_t left = size;
  zs.next_in = (unsigned char *)src;
  zs.avail_in = (uInt)comp;
  int zrc = Z_OK;
  while (zrc == Z_OK && left) {
    zs.next_out = out;
    zs.avail_out = (uInt)(left < sizeof out ? left : sizeof out);
    zrc = inflate(&zs, Z_NO_FLUSH);
    size_t got = (size_t)(zs.next_out - out);
    c = crc32(c, out, (uInt)got);
    left -= got;
    if (!got && zrc == Z_OK) break;
  }
  inflateEnd(&zs);
  *crc = (uint32_t)c;
  return 1;
}

static void fix_crcs(unsigned char *b, size_t len) {
  uint64_t inflate_left = MAX_INFLATE;
  if (len < 22) return;
  size_t eocd = SIZE_MAX, lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
  for (size_t i = len - 22 + 1; i-- > lo;)
    if (rd32(b + i) == 0x06054b50 && i + 22 + rd16(b + i + 20) == len) {
      eocd = i;
      break;
    }
  if (eocd == SIZE_MAX) return;
  uint64_t n = rd16(b + eocd + 10), cd_size = rd32(b + eocd + 12), cd_off = rd32(b + eocd + 16);
  if (n == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
    if (eocd < 20 || rd32(b + eocd - 20) != 0x07064b50) return;
    uint64_t e64 = rd64(b + eocd - 20 + 8);
    if (len < 56 || e64 > len - 56 || rd32(b + e64) != 0x06064b50) return;
    n = rd64(b + e64 + 32);
    cd_size = rd64(b + e64 + 40);
    cd_off = rd64(b + e64 + 48);
  }
  if (cd_off > len || cd_size > len - cd_off) return;
  size_t p = (size_t)cd_off, end = (size_t)(cd_off + cd_size);
  for (uint64_t k = 0; k < n && k < 4096; k++) {
    if (end - p < 46 || rd32(b + p) != 0x02014b50) return;
    int method = (int)rd16(b + p + 10);
    uint64_t comp = rd32(b + p + 20), size = rd32(b + p + 24), local = rd32(b + p + 42);
    size_t nlen = rd16(b + p + 28), xlen = rd16(b + p + 30), clen = rd16(b + p + 32);
    if (end - p - 46 < nlen + xlen + clen) return;
    const unsigned char *x = b + p + 46 + nlen, *xend = x + xlen;
    while (xend - x >= 4) {
      uint32_t id = rd16(x), sz = rd16(x + 2);
      if ((size_t)(xend - x) - 4 < sz) break;
      if (id == 0x0001) {
        const unsigned char *v = x + 4, *vend = x + 4 + sz;
        if (size == 0xFFFFFFFFu && vend - v >= 8) size = rd64(v), v += 8;
        if (comp == 0xFFFFFFFFu && vend - v >= 8) comp = rd64(v), v += 8;
        if (local == 0xFFFFFFFFu && vend - v >= 8) local = rd64(v), v += 8;
      }
      x += 4 + sz;
    }
    uint32_t crc;
    /* the harness inflates each member itself: within one budget per input,
     * or an archive of many entries over one member (which the reader
     * refuses) would make the harness, not the reader, slow */
    if (method == 8 && size > inflate_left) break;
    if (method == 8) inflate_left -= size;
    if (member_crc(b, len, method, comp, size, local, &crc)) wr32(b + p + 16, crc);
    p += 46 + nlen + xlen + clen;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  unsigned char *copy = malloc(size ? size : 1);
  if (!copy) return 0;
  memcpy(copy, data, size);
  fix_crcs(copy, size);
  fz_write(path, "input.npz", copy, size);
  free(copy);
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ev_source_info info;
  int rc = ev_npz_read(path, &m, &cols, &info, &err);
  fz_outcome("npz", rc, &err);
  if (rc == EV_OK) {
    fz_check_matrix(m);
    fz_check_table(cols);
    if (cols && ev_table_n_rows(cols) != m->n_rows) abort();
  }
  ev_matrix_free(m);
  ev_table_free(cols);
  return 0;
}
