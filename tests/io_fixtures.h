/* io_fixtures.h — helpers shared by the reader tests (tests/test_io_*.c).
 *
 * The fixtures are written by tests/gen/make_fixtures.py (ctest runs it as
 * gen_fixtures before any test binary) into EV_FIXTURES.  Each NAME.expect.f32
 * holds numpy's own float32 conversion of NAME's values, row-major; the tests
 * compare a reader's matrix with it bit for bit (any NaN equals any NaN).
 */
#ifndef EV_TEST_IO_FIXTURES_H
#define EV_TEST_IO_FIXTURES_H

#include <stdint.h>

#include "test.h"

#define EV_FIXTURES EV_BINARY_DIR "/tests/fixtures"
#define EV_REPO_DATA EV_SOURCE_DIR "/data"

/* EV_FIXTURES "/" rel, in a ring of static buffers. */
static inline const char *fx_path(const char *rel) {
  static char ring[8][1024];
  static int k;
  char *p = ring[k++ % 8];
  snprintf(p, 1024, "%s/%s", EV_FIXTURES, rel);
  return p;
}

static inline int fx_same_float(float a, float b) {
  uint32_t x, y;
  if (a != a && b != b) return 1;
  memcpy(&x, &a, 4);
  memcpy(&y, &b, 4);
  return x == y;
}

/* Compare m with n_rows * n_cols floats at `want`; 0 when equal bit for bit,
 * else 1 with the first difference described in `why`. */
static inline int fx_compare(const ev_matrix *m, const float *want, int64_t n_rows, int64_t n_cols,
                             char *why, size_t why_len) {
  if (m->n_rows != n_rows || m->n_cols != n_cols) {
    snprintf(why, why_len, "shape %lld x %lld, expected %lld x %lld", (long long)m->n_rows,
             (long long)m->n_cols, (long long)n_rows, (long long)n_cols);
    return 1;
  }
  for (int64_t i = 0; i < n_rows; i++) {
    const float *r = ev_matrix_row(m, i);
    for (int64_t j = 0; j < n_cols; j++) {
      float w;
      memcpy(&w, want + i * n_cols + j, 4);
      if (!fx_same_float(r[j], w)) {
        snprintf(why, why_len, "[%lld, %lld] is %.9g, expected %.9g", (long long)i,
                 (long long)j, (double)r[j], (double)w);
        return 1;
      }
    }
  }
  return 0;
}

/* Compare m with the file `expect_path` (little-endian float32). */
static inline int fx_compare_file(const ev_matrix *m, const char *expect_path, int64_t n_rows,
                                  int64_t n_cols, char *why, size_t why_len) {
  size_t len = 0;
  char *buf = test_read_file(expect_path, &len);
  if (!buf) {
    snprintf(why, why_len, "cannot read %s", expect_path);
    return 1;
  }
  if (len != (size_t)(n_rows * n_cols) * 4) {
    snprintf(why, why_len, "%s has %zu bytes, expected %lld", expect_path, len,
             (long long)(n_rows * n_cols * 4));
    free(buf);
    return 1;
  }
  int rc = fx_compare(m, (const float *)(void *)buf, n_rows, n_cols, why, why_len);
  free(buf);
  return rc;
}

/* Two matrices with the same shape and the same bits. */
static inline int fx_matrices_equal(const ev_matrix *a, const ev_matrix *b) {
  if (a->n_rows != b->n_rows || a->n_cols != b->n_cols) return 0;
  for (int64_t i = 0; i < a->n_rows; i++) {
    const float *x = ev_matrix_row(a, i), *y = ev_matrix_row(b, i);
    for (int64_t j = 0; j < a->n_cols; j++)
      if (!fx_same_float(x[j], y[j])) return 0;
  }
  return 1;
}

/* Sum of all values, and the sum weighted by (flat index % 997), as numpy's
 * checksums in mnist/expect.txt (the values are integers). */
static inline void fx_checksums(const ev_matrix *m, long long *sum, long long *weighted,
                                long long *nonzero) {
  long long s = 0, w = 0, nz = 0;
  for (int64_t i = 0; i < m->n_rows; i++) {
    const float *r = ev_matrix_row(m, i);
    for (int64_t j = 0; j < m->n_cols; j++) {
      long long v = (long long)r[j];
      s += v;
      w += v * (long long)((i * m->n_cols + j) % 997);
      nz += v != 0;
    }
  }
  *sum = s;
  *weighted = w;
  *nonzero = nz;
}

/* One line of a manifest.txt written by make_fixtures.py. */
typedef struct fx_entry {
  char name[128];
  long long n_rows, n_cols;
  int mapped, image_h, image_w, image_c;
  char dtype[32];
} fx_entry;

/* Read up to max entries of EV_FIXTURES/<dir>/manifest.txt; -1 on failure. */
static inline int fx_manifest(const char *dir, fx_entry *out, int max) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/manifest.txt", EV_FIXTURES, dir);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int n = 0;
  char line[512];
  while (n < max && fgets(line, sizeof line, f)) {
    fx_entry *e = &out[n];
    if (sscanf(line, "%127s %lld %lld %d %d %d %d %31s", e->name, &e->n_rows, &e->n_cols,
               &e->mapped, &e->image_h, &e->image_w, &e->image_c, e->dtype) == 8)
      n++;
  }
  fclose(f);
  return n;
}

#endif
