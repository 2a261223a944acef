/* test_io_corrupt.c — every reader on damaged input: truncated at many
 * offsets, wrong magic numbers, header sizes that overflow or promise more
 * data than the file holds, zip archives with bad CRCs and cut central
 * directories, corrupted gzip streams, empty files, directories, missing
 * files; the in-memory parsers against a guard page; and fault injection
 * (the k-th allocation fails).
 *
 * Each case must return the right code with a message that names the file,
 * never crash, and never allocate what the file cannot justify: main() caps
 * the address space at 2 GB (under AddressSanitizer, which needs a huge
 * address space, the allocator's own size cap does that job), so a reader
 * that believed a lying header would fail loudly instead of succeeding.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/internal.h"
#include "io/idx.h"
#include "io/npy.h"
#include "io/text_lines.h"
#include "io_fixtures.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define EV_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EV_TEST_ASAN 1
#endif
#endif

#ifdef EV_TEST_ASAN
/* ASan reserves terabytes of shadow memory, so RLIMIT_AS cannot be used;
 * make single allocations over 2 GB fail instead. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "max_allocation_size_mb=2048:allocator_may_return_null=1";
}
#endif

enum { R_IDX, R_NPY, R_NPZ, R_TEXT, R_META, R_LABELS, R_LOAD, R_DETECT, R_COUNT };
static const char *reader_names[R_COUNT] = {"idx", "npy", "npz", "text", "metadata", "labels",
                                            "dataset_load", "format_detect"};
static const ev_load_options *load_opts; /* for R_LOAD; NULL = defaults */
static int output_on_failure;            /* a reader failed but left *out set */

/* Run reader r on path and free whatever it returned; returns its code. */
static int run_reader(int r, const char *path, int64_t n_points, ev_error *err) {
  ev_matrix *m = NULL;
  ev_table *t = NULL;
  ev_dataset *ds = NULL;
  ev_notes notes = {0};
  ev_format f;
  int rc;
  ev_error_clear(err);
  switch (r) {
    case R_IDX: rc = ev_idx_read(path, &m, NULL, err); break;
    case R_NPY: rc = ev_npy_read(path, &m, NULL, err); break;
    case R_NPZ: rc = ev_npz_read(path, &m, &t, NULL, err); break;
    case R_TEXT: rc = ev_text_tensor_read(path, NULL, &m, &t, NULL, &notes, err); break;
    case R_META: rc = ev_metadata_read(path, n_points, &t, &notes, err); break;
    case R_LABELS: rc = ev_labels_read(path, n_points, &t, &notes, err); break;
    case R_LOAD: rc = ev_dataset_load(path, load_opts, &ds, &notes, err); break;
    default: rc = ev_format_detect(path, &f, err); break;
  }
  if (rc != EV_OK && (m || t || ds)) output_on_failure = 1;
  ev_matrix_free(m);
  ev_table_free(t);
  ev_dataset_free(ds);
  return rc;
}

/* Reader r must fail on path with `code` and a message naming the file
 * (`named`, or path when NULL) and containing `substr` when given.  Returns 1,
 * or 0 with the reason in `why`. */
static int rejects(int r, const char *path, const char *named, int64_t n_points, int code,
                   const char *substr, char *why, size_t why_len) {
  ev_error err;
  output_on_failure = 0;
  int rc = run_reader(r, path, n_points, &err);
  if (rc != code) {
    snprintf(why, why_len, "%s(%s): expected %s, got %s (%s)", reader_names[r], path,
             ev_err_name(code), ev_err_name(rc), err.msg);
    return 0;
  }
  if (!named) named = path;
  if (err.code != rc || !strstr(err.msg, named) || (substr && !strstr(err.msg, substr))) {
    snprintf(why, why_len, "%s(%s): message \"%s\" should name %s%s%s", reader_names[r], path,
             err.msg, named, substr ? " and contain " : "", substr ? substr : "");
    return 0;
  }
  if (output_on_failure) {
    snprintf(why, why_len, "%s(%s): output not NULL after failure", reader_names[r], path);
    return 0;
  }
  return 1;
}

#define ASSERT_REJECTS_NAMING(r, path, named, n, code, substr)                 \
  do {                                                                        \
    char why_[EV_ERROR_MSG_LEN + 1200];                                       \
    if (!rejects((r), (path), (named), (n), (code), (substr), why_, sizeof why_)) \
      TEST_FAIL_("%s", why_);                                                 \
  } while (0)
#define ASSERT_REJECTS(r, path, n, code, substr) ASSERT_REJECTS_NAMING(r, path, NULL, n, code, substr)

/* A copy of a fixture, malloc'd. */
static unsigned char *load(const char *rel, size_t *len) {
  return (unsigned char *)test_read_file(fx_path(rel), len);
}

/* Write bytes gzip-compressed to EV_TEST_OUT/name. */
static const char *write_gz(const char *name, const void *data, size_t len) {
  const char *path = test_out_path(name);
  gzFile gz = gzopen(path, "wb");
  if (!gz) return NULL;
  if (len) gzwrite(gz, data, (unsigned)len);
  gzclose(gz);
  return path;
}

/* ---- truncation ---- */

/* Cut `src` at every offset below 64 and at 48 more spread over the rest.
 * Binary readers must fail with EFORMAT (or `alt`); text readers may also
 * succeed (a cut in the last field can leave a valid file). */
static void truncations(int r, const char *rel, const char *out_name, int64_t n_points, int alt,
                        int may_succeed) {
  size_t len;
  unsigned char *buf = rel[0] == '/' ? (unsigned char *)test_read_file(rel, &len) : load(rel, &len);
  ASSERT_TRUE(buf != NULL);
  ASSERT_TRUE(len > 64);
  size_t offs[64 + 48];
  int n_offs = 0;
  for (size_t o = 0; o < 64; o++) offs[n_offs++] = o;
  for (int k = 0; k < 48; k++) offs[n_offs++] = 64 + (len - 65) * (size_t)k / 47;
  for (int k = 0; k < n_offs; k++) {
    const char *path = test_write_file(out_name, buf, offs[k]);
    ev_error err;
    output_on_failure = 0;
    int rc = run_reader(r, path, n_points, &err);
    if (output_on_failure) {
      free(buf);
      TEST_FAIL_("%s cut at %zu: output not NULL after failure", rel, offs[k]);
    }
    if (rc == EV_OK && may_succeed) continue;
    if (rc != EV_EFORMAT && rc != alt) {
      free(buf);
      TEST_FAIL_("%s(%s cut at %zu of %zu): got %s (%s)", reader_names[r], rel, offs[k], len,
                 ev_err_name(rc), err.msg);
    }
    if (!strstr(err.msg, path)) {
      free(buf);
      TEST_FAIL_("%s cut at %zu: message \"%s\" does not name the file", rel, offs[k], err.msg);
    }
  }
  free(buf);
}

TEST(truncated_idx) {
  truncations(R_IDX, "idx/ubyte_3d.idx", "corrupt_cut.idx", -1, 0, 0);
  truncations(R_IDX, "idx/double_2d.idx", "corrupt_cut.idx", -1, 0, 0);
  truncations(R_IDX, "idx/ubyte_3d_gz.idx.gz", "corrupt_cut.idx.gz", -1, 0, 0);
  truncations(R_IDX, "mnist/mnist500-labels-idx1-ubyte", "corrupt_cut-labels", -1, 0, 0);
  truncations(R_LABELS, "mnist/mnist500-labels-idx1-ubyte", "corrupt_cut-labels", 500, EV_EMISMATCH, 0);
  truncations(R_LOAD, "idx/float_2d_gz.idx.gz", "corrupt_cut2.idx.gz", -1, EV_EUNSUPPORTED, 0);
}

TEST(truncated_npy) {
  truncations(R_NPY, "npy/small_f4.npy", "corrupt_cut.npy", -1, 0, 0);
  truncations(R_NPY, "npy/small_i2_be_F.npy", "corrupt_cut.npy", -1, 0, 0);
  truncations(R_NPY, "npy/f4_2d_C_le_v2.npy", "corrupt_cut.npy", -1, 0, 0);
  truncations(R_LABELS, "npy/labels_u1.npy", "corrupt_cut-labels.npy", 37, EV_EMISMATCH, 0);
  truncations(R_LOAD, "npy/f8_3d_F_be.npy", "corrupt_cut2.npy", -1, EV_EUNSUPPORTED, 0);
}

TEST(truncated_npz) {
  truncations(R_NPZ, "npz/small.npz", "corrupt_cut.npz", -1, 0, 0);
  truncations(R_NPZ, "npz/small_deflated.npz", "corrupt_cut.npz", -1, 0, 0);
  truncations(R_NPZ, "npz/basic_deflated.npz", "corrupt_cut.npz", -1, 0, 0);
  truncations(R_LOAD, "npz/small_deflated.npz", "corrupt_cut2.npz", -1, EV_EUNSUPPORTED, 0);
}

/* The first n_lines lines of a fixture, as a new file. */
static const char *head_lines(const char *rel, int n_lines, const char *out_name) {
  size_t len, k = 0;
  char *b = test_read_file(fx_path(rel), &len);
  if (!b) return NULL;
  for (int n = 0; k < len && n < n_lines; k++) n += b[k] == '\n';
  const char *p = test_write_file(out_name, b, k);
  free(b);
  return p;
}

TEST(truncated_text) {
  char csv[1024], tsv[1024];
  snprintf(csv, sizeof csv, "%s", head_lines("mnist/mnist500_header.csv", 12, "corrupt_head.csv"));
  snprintf(tsv, sizeof tsv, "%s", head_lines("mnist/mnist500_scaled.tsv", 12, "corrupt_head.tsv"));
  truncations(R_TEXT, csv, "corrupt_cut.csv", -1, 0, 1);
  truncations(R_TEXT, tsv, "corrupt_cut.tsv", -1, 0, 1);
  truncations(R_META, "mnist/mnist500_meta_multi.tsv", "corrupt_cut-meta.tsv", 500, EV_EMISMATCH, 1);
  truncations(R_META, "mnist/mnist500_meta.tsv", "corrupt_cut-meta.tsv", 500, EV_EMISMATCH, 1);
  truncations(R_META, "mnist/mnist500_meta.tsv", "corrupt_cut-meta.tsv", -1, 0, 1);
  truncations(R_LABELS, "mnist/mnist500_meta_label.tsv", "corrupt_cut-meta.tsv", 500, EV_EMISMATCH, 1);
  snprintf(tsv, sizeof tsv, "%s", head_lines("mnist/mnist500.tsv", 12, "corrupt_head2.tsv"));
  truncations(R_LOAD, tsv, "corrupt_cut3.tsv", -1, 0, 1);
}

/* ---- wrong magic and bad headers ---- */

static const char *patched(const char *rel, const char *out_name, size_t at, const void *bytes,
                           size_t n, int gz) {
  size_t len;
  unsigned char *buf = load(rel, &len);
  if (!buf || at + n > len) {
    free(buf);
    return NULL;
  }
  memcpy(buf + at, bytes, n);
  const char *p = gz ? write_gz(out_name, buf, len) : test_write_file(out_name, buf, len);
  free(buf);
  return p;
}

TEST(idx_bad_magic) {
  for (int gz = 0; gz < 2; gz++) {
    const char *name = gz ? "corrupt_magic.idx.gz" : "corrupt_magic.idx";
    const char *p = patched("idx/ubyte_3d.idx", name, 0, "\x01", 1, gz);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "bad magic number 01 00 08 03");
    p = patched("idx/ubyte_3d.idx", name, 2, "\x0a", 1, gz);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "bad magic number 00 00 0a 03");
    p = patched("idx/ubyte_3d.idx", name, 3, "\x00", 1, gz);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "0 dimensions");
    p = patched("idx/ubyte_3d.idx", name, 3, "\x09", 1, gz);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "9 dimensions");
    /* one dimension fewer: the data no longer match the header */
    p = patched("idx/ubyte_3d.idx", name, 3, "\x02", 1, gz);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "more data than the header");
  }
  /* an NPY file is not an IDX file */
  ASSERT_REJECTS(R_IDX, fx_path("npy/small_f4.npy"), -1, EV_EFORMAT, "bad magic number 93 4e 55 4d");
}

TEST(idx_oversized_headers) {
  static const unsigned char huge3[] = {0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4};
  static const unsigned char huge2f[] = {0, 0, 0x0d, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 9};
  static const unsigned char huge2d[] = {0, 0, 0x0e, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 9};
  /* 1000 x 1000 x 1000 bytes promised, 100 present */
  unsigned char lie[16 + 100] = {0, 0, 8, 3, 0, 0, 0x03, 0xe8, 0, 0, 0x03, 0xe8, 0, 0, 0x03, 0xe8};
  /* 1000 x 28 x 28 promised (784 KB, within what a small gzip file could
   * hold: the reader finds out by reading), 100 present */
  unsigned char lie2[16 + 100] = {0, 0, 8, 3, 0, 0, 0x03, 0xe8, 0, 0, 0, 28, 0, 0, 0, 28};
  for (int gz = 0; gz < 2; gz++) {
    const char *p;
    p = gz ? write_gz("corrupt_huge.idx.gz", huge3, sizeof huge3) : test_write_file("corrupt_huge.idx", huge3, sizeof huge3);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "overflow");
    ASSERT_REJECTS(R_LABELS, p, 10, EV_EFORMAT, "overflow");
    p = gz ? write_gz("corrupt_huge.idx.gz", huge2f, sizeof huge2f) : test_write_file("corrupt_huge.idx", huge2f, sizeof huge2f);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "overflow");
    p = gz ? write_gz("corrupt_huge.idx.gz", huge2d, sizeof huge2d) : test_write_file("corrupt_huge.idx", huge2d, sizeof huge2d);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "overflow");
    p = gz ? write_gz("corrupt_lie.idx.gz", lie, sizeof lie) : test_write_file("corrupt_lie.idx", lie, sizeof lie);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, "1000000000 uint8 values");
    ASSERT_REJECTS(R_LOAD, p, -1, EV_EFORMAT, "1000000000 uint8 values");
    p = gz ? write_gz("corrupt_lie2.idx.gz", lie2, sizeof lie2) : test_write_file("corrupt_lie2.idx", lie2, sizeof lie2);
    ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, gz ? "truncated" : "784000 uint8 values");
  }
}

/* A .npy with the given version byte, header dict and data length (zeros). */
static const char *make_npy(const char *name, int major, const char *dict, size_t data_len) {
  size_t dl = strlen(dict), pre = major == 1 ? 10 : 12;
  size_t len = pre + dl + data_len;
  unsigned char *b = calloc(1, len);
  memcpy(b, "\x93NUMPY", 6);
  b[6] = (unsigned char)major;
  b[8] = (unsigned char)(dl & 0xff);
  b[9] = (unsigned char)(dl >> 8);
  if (major != 1) {
    b[10] = (unsigned char)(dl >> 16);
    b[11] = (unsigned char)(dl >> 24);
  }
  memcpy(b + pre, dict, dl);
  const char *p = test_write_file(name, b, len);
  free(b);
  return p;
}

TEST(npy_bad_magic_and_headers) {
  const char *p = patched("npy/small_f4.npy", "corrupt_magic.npy", 1, "X", 1, 0);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "no \\x93NUMPY magic");
  p = patched("npy/small_f4.npy", "corrupt_magic.npy", 6, "\x04", 1, 0);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EUNSUPPORTED, "version 4.0");
  ASSERT_REJECTS(R_LOAD, p, -1, EV_EUNSUPPORTED, "version 4.0");
  p = patched("npy/small_f4.npy", "corrupt_magic.npy", 6, "\x00", 1, 0);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EUNSUPPORTED, "version 0.0");
  /* header length past the end of the file */
  p = patched("npy/small_f4.npy", "corrupt_hlen.npy", 8, "\xff\xff", 2, 0);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "header length 65535 exceeds the file");
  p = patched("npy/f4_2d_C_le_v2.npy", "corrupt_hlen.npy", 8, "\xff\xff\xff\xff", 4, 0);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "header length 4294967295");
  /* shapes whose product overflows, or which claim more than the file holds */
  p = make_npy("corrupt_shape.npy", 1,
               "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, "
               "4611686018427387904), }\n", 16);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "shape is too large");
  ASSERT_REJECTS(R_LABELS, p, -1, EV_EFORMAT, "shape is too large");
  p = make_npy("corrupt_shape.npy", 2, "{'descr': '<f8', 'fortran_order': True, 'shape': (2305843009213693952,), }\n", 16);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "shape is too large");
  p = make_npy("corrupt_shape.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 784), }\n", 16);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "holds 16 bytes of data (truncated?)");
  /* no data, yet rows too large to address (export would write a config
   * its own reader refuses) */
  p = make_npy("corrupt_shape0.npy", 1,
               "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904), }\n", 0);
  ASSERT_REJECTS(R_NPY, p, -1, EV_ERANGE, "a row of 4611686018427387904 values is too large to address");
  ASSERT_REJECTS(R_LOAD, p, -1, EV_ERANGE, "shape (0, 4611686018427387904)");
  ASSERT_REJECTS(R_LABELS, p, -1, EV_ERANGE, "too large to address");
  static const unsigned char idx0[] = {0, 0, 0x0d, 5, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0,
                                       0, 1, 0, 0, 0, 1, 0, 0};
  p = test_write_file("corrupt_shape0.idx", idx0, sizeof idx0);
  ASSERT_REJECTS(R_IDX, p, -1, EV_ERANGE, "more than 2^63 values");
  p = make_npy("corrupt_shape.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999999, 2), }\n", 16);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "shape value too large");
  p = make_npy("corrupt_shape.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", 24);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "holds 24 bytes");
  p = make_npy("corrupt_shape.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 2), }\n", 16);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "cannot parse the header");
  p = make_npy("corrupt_shape.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }\n", 4);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EUNSUPPORTED, "more than 8 dimensions");
  /* broken dictionaries */
  p = make_npy("corrupt_dict.npy", 1, "{'fortran_order': False, 'shape': (2,), }\n", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "lacks 'descr'");
  p = make_npy("corrupt_dict.npy", 1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }\n", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "cannot parse");
  p = make_npy("corrupt_dict.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,\n", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "cannot parse");
  p = make_npy("corrupt_dict.npy", 1, "{'descr': '<f4, 'fortran_order': False}", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EUNSUPPORTED, "dtype '<f4, ' is not supported");
  p = make_npy("corrupt_dict.npy", 1, "{'descr': '<f4", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "cannot parse");
  p = make_npy("corrupt_dict.npy", 1, "", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "cannot parse");
  p = make_npy("corrupt_dict.npy", 1, "{'descr': '<f3', 'fortran_order': False, 'shape': (2,), }\n", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EUNSUPPORTED, "'<f3'");
  p = make_npy("corrupt_dict.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", 8);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "cannot parse");
  /* the preamble alone, cut inside a v2 length */
  p = test_write_file("corrupt_short.npy", "\x93NUMPY\x02\x00\x10\x00\x00", 11);
  ASSERT_REJECTS(R_NPY, p, -1, EV_EFORMAT, "preamble");
}

/* ---- parsers against a guard page ---- */

/* Copy n bytes so that they end exactly where an inaccessible page begins:
 * a parser that reads one byte too far crashes (picohttpparser's test). */
typedef struct guarded {
  unsigned char *base;
  size_t page;
} guarded;

static int guarded_init(guarded *g) {
  g->page = (size_t)sysconf(_SC_PAGESIZE);
  void *p = mmap(NULL, 3 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 0;
  g->base = p;
  return mprotect(g->base + 2 * g->page, g->page, PROT_NONE) == 0;
}

static const unsigned char *guarded_put(guarded *g, const void *bytes, size_t n) {
  unsigned char *dst = g->base + 2 * g->page - n;
  memcpy(dst, bytes, n);
  return dst;
}

TEST(parsers_against_guard_page) {
  guarded g;
  ASSERT_TRUE(guarded_init(&g));
  const char *rels[] = {"npy/small_f4.npy", "npy/f4_3d_C_le_v3.npy", "npy/i2_2d_F_be_v2.npy"};
  for (int f = 0; f < 3; f++) {
    size_t len;
    unsigned char *b = load(rels[f], &len);
    ASSERT_TRUE(b != NULL && len < 2 * g.page);
    for (size_t n = 0; n <= len; n++) {
      ev_error err;
      ev__ndarray a;
      int rc = ev__npy_parse(guarded_put(&g, b, n), n, "npy", rels[f], &a, &err);
      if ((n == len) != (rc == EV_OK)) {
        free(b);
        munmap(g.base, 3 * g.page);
        TEST_FAIL_("%s cut to %zu bytes: %s", rels[f], n, rc ? err.msg : "accepted");
      }
    }
    free(b);
  }
  /* dictionaries that end right at the guard, in the middle of each token */
  static const char *dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (12, 34), }";
  unsigned char hdr[128];
  for (size_t n = 0; n <= strlen(dict); n++) {
    memcpy(hdr, "\x93NUMPY\x01\x00", 8);
    hdr[8] = (unsigned char)n;
    hdr[9] = 0;
    memcpy(hdr + 10, dict, n);
    ev_error err;
    ev__ndarray a;
    int rc = ev__npy_parse(guarded_put(&g, hdr, 10 + n), 10 + n, "npy", "guard.npy", &a, &err);
    if (rc == EV_OK) {
      munmap(g.base, 3 * g.page);
      TEST_FAIL_("dictionary cut to %zu bytes accepted", n);
    }
  }
  /* IDX magic and JavaScript blank-line tests on cut multi-byte sequences */
  static const char *blank[] = {"\xc2", "\xe2\x80", "\xe3\x80", "\xef\xbb", "\xe1\x9a", " \xc2"};
  for (size_t k = 0; k < sizeof blank / sizeof blank[0]; k++) {
    size_t n = strlen(blank[k]);
    int is_blank = ev__js_blank((const char *)guarded_put(&g, blank[k], n), n);
    if (is_blank) {
      munmap(g.base, 3 * g.page);
      TEST_FAIL_("cut sequence %zu taken as blank", k);
    }
  }
  const char *end = (const char *)g.base + 2 * g.page, *pos = end - 3;
  guarded_put(&g, "a\nb", 3);
  size_t ln;
  int n_lines = 0;
  while (ev__next_line(&pos, end, &ln)) n_lines++;
  int magic3 = ev__idx_is_magic(guarded_put(&g, "\0\0\x08", 3), 3);
  munmap(g.base, 3 * g.page);
  ASSERT_EQ(n_lines, 2);
  ASSERT_EQ(magic3, 0);
}

/* ---- zip archives ---- */

static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void wr32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void wr16(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}

/* Offset of the end-of-central-directory record. */
static size_t find_eocd(const unsigned char *b, size_t len) {
  for (size_t i = len - 22 + 1; i-- > 0;)
    if (rd32(b + i) == 0x06054b50) return i;
  return (size_t)-1;
}

TEST(npz_damaged_archives) {
  const char *rels[2] = {"npz/small.npz", "npz/small_deflated.npz"};
  for (int k = 0; k < 2; k++) {
    size_t len;
    unsigned char *orig = load(rels[k], &len), *b = malloc(len);
    ASSERT_TRUE(orig && b);
    size_t eocd = find_eocd(orig, len);
    ASSERT_TRUE(eocd != (size_t)-1);
    uint32_t cd_size = rd32(orig + eocd + 12), cd_off = rd32(orig + eocd + 16);
    const char *p;
#define FRESH() memcpy(b, orig, len)
#define WRITE(n) (p = test_write_file("corrupt_damaged.npz", b, (n)))
    /* CRC-32 of member 0 flipped in the central directory */
    FRESH();
    b[cd_off + 16] ^= 0x01;
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "CRC-32 mismatch");
    ASSERT_REJECTS(R_LOAD, p, -1, EV_EFORMAT, "CRC-32 mismatch");
    /* a data byte of member 0 flipped (stored: CRC; deflated: CRC or stream) */
    FRESH();
    b[30 + 5 + 100] ^= 0x20;
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "member 'x.npy'");
    /* central directory cut in half, the end record adjusted */
    FRESH();
    memcpy(b + cd_off + cd_size / 2, orig + eocd, 22);
    wr32(b + cd_off + cd_size / 2 + 12, cd_size / 2);
    WRITE(cd_off + cd_size / 2 + 22);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "central directory entry 1");
    /* central directory cut, the end record unchanged */
    FRESH();
    memcpy(b + cd_off + cd_size / 2, orig + eocd, 22);
    WRITE(cd_off + cd_size / 2 + 22);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "lies outside");
    /* end record missing */
    FRESH();
    WRITE(eocd + 21);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "not a zip archive");
    /* absurd member count */
    FRESH();
    wr16(b + eocd + 8, 0xfffe);
    wr16(b + eocd + 10, 0xfffe);
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "implausible member count 65534");
    /* member 0 claims 2 GB uncompressed */
    FRESH();
    wr32(b + cd_off + 24, 0x7fffffffu);
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, k ? "more than deflate can produce" : "has sizes");
    /* member 0 claims 2 GB compressed */
    FRESH();
    wr32(b + cd_off + 20, 0x7fffffffu);
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "runs past the end");
    /* local header offset beyond the file, and not at a local header */
    FRESH();
    wr32(b + cd_off + 42, 0x7fffffffu);
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "bad local header");
    FRESH();
    wr32(b + cd_off + 42, 7);
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "bad local header at offset 7");
    /* encrypted, and an unknown compression method */
    FRESH();
    b[cd_off + 8] |= 1;
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EUNSUPPORTED, "encrypted");
    FRESH();
    wr16(b + cd_off + 10, 12);
    WRITE(len);
    ASSERT_REJECTS(R_NPZ, p, -1, EV_EUNSUPPORTED, "method 12");
#undef FRESH
#undef WRITE
    free(orig);
    free(b);
  }
  /* zip64 fields saturated, but the file is too small for a zip64 record */
  unsigned char tiny[50] = {0x50, 0x4b, 0x06, 0x06};
  wr32(tiny + 8, 0x07064b50);              /* locator at len - 42 */
  wr32(tiny + 28, 0x06054b50);             /* end record at len - 22 */
  wr16(tiny + 28 + 10, 0xffff);
  const char *p = test_write_file("corrupt_tiny64.npz", tiny, sizeof tiny);
  ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "zip64");
  /* a plain zip local header and nothing else */
  p = test_write_file("corrupt_pk.npz", "PK\x03\x04garbage-garbage-garbage", 27);
  ASSERT_REJECTS(R_NPZ, p, -1, EV_EFORMAT, "not a zip archive");
  ASSERT_REJECTS(R_LOAD, p, -1, EV_EFORMAT, "not a zip archive");
}

/* ---- gzip ---- */

/* Flip bytes of a gzip file one at a time: the reader fails, or (a flip in
 * the header's time stamp, say) gives exactly the original values. */
static void gzip_flips(int r, const char *rel, int64_t n_points, int step) {
  size_t len;
  unsigned char *orig = load(rel, &len), *b = malloc(len);
  ASSERT_TRUE(orig && b);
  ev_error err = {0};
  ev_matrix *ref = NULL;
  if (r == R_IDX) ASSERT_OK(ev_idx_read(fx_path(rel), &ref, NULL, &err), &err);
  int n_failed = 0, n_tried = 0;
  for (size_t at = 0; at < len; at += (size_t)step) {
    memcpy(b, orig, len);
    b[at] ^= 0x5a;
    const char *p = test_write_file("corrupt_flip.gz", b, len);
    ev_matrix *m = NULL;
    ev_table *t = NULL;
    int rc = r == R_IDX ? ev_idx_read(p, &m, NULL, &err) : ev_labels_read(p, n_points, &t, NULL, &err);
    n_tried++;
    if (rc == EV_OK) {
      int same = r != R_IDX || fx_matrices_equal(m, ref);
      ev_matrix_free(m);
      ev_table_free(t);
      if (!same) {
        ev_matrix_free(ref);
        free(orig);
        free(b);
        TEST_FAIL_("%s: flipping byte %zu gave different values without an error", rel, at);
      }
      continue;
    }
    n_failed++;
    if ((rc != EV_EFORMAT && rc != EV_EMISMATCH && rc != EV_EUNSUPPORTED) || !strstr(err.msg, p)) {
      ev_matrix_free(ref);
      free(orig);
      free(b);
      TEST_FAIL_("%s: byte %zu flipped: %s (%s)", rel, at, ev_err_name(rc), err.msg);
    }
  }
  ev_matrix_free(ref);
  free(orig);
  free(b);
  ASSERT_TRUE(n_failed > n_tried / 2);
}

TEST(gzip_corrupted) {
  gzip_flips(R_IDX, "idx/ubyte_3d_gz.idx.gz", -1, 1);
  gzip_flips(R_IDX, "idx/double_2d_gz.idx.gz", -1, 1);
  gzip_flips(R_LABELS, "idx/int_1d_gz.idx.gz", 11, 1);
  gzip_flips(R_IDX, "mnist/mnist10k-images-idx3-ubyte.gz", -1, 65521);
  /* gzip magic followed by garbage */
  const char *p = test_write_file("corrupt_garbage.gz", "\x1f\x8b\x08\x00garbage-garbage", 19);
  ASSERT_REJECTS(R_IDX, p, -1, EV_EFORMAT, NULL);
  ASSERT_REJECTS(R_TEXT, p, -1, EV_EFORMAT, NULL);
  ASSERT_REJECTS(R_META, p, -1, EV_EFORMAT, NULL);
  /* a text file, gzip-compressed and then cut */
  size_t len;
  unsigned char *csv = load("mnist/mnist500_header.csv", &len);
  ASSERT_TRUE(csv != NULL);
  p = write_gz("corrupt_cut.csv.gz", csv, len);
  free(csv);
  unsigned char *gz = (unsigned char *)test_read_file(p, &len);
  ASSERT_TRUE(gz != NULL);
  p = test_write_file("corrupt_cut.csv.gz", gz, len / 2);
  free(gz);
  ASSERT_REJECTS(R_TEXT, p, -1, EV_EFORMAT, "gzip");
  ASSERT_REJECTS(R_META, p, 500, EV_EFORMAT, "gzip");
}

/* ---- not a file ---- */

TEST(empty_missing_and_directories) {
  const char *empty = test_write_file("corrupt_empty.bin", "", 0);
  const char *dir = EV_TEST_OUT "/corrupt_empty_dir";
  mkdir(dir, 0755);
  const char *missing = EV_TEST_OUT "/no-such-file.npy";
  static const char *empty_msg[R_COUNT] = {"truncated", "empty", "empty", "no data",
                                           "no rows", "no rows", "empty", "empty"};
  for (int r = 0; r < R_COUNT; r++) {
    ASSERT_REJECTS(r, empty, 5, EV_EFORMAT, empty_msg[r]);
    if (r != R_LOAD && r != R_DETECT) /* to these a directory is a TensorBoard log dir */
      ASSERT_REJECTS(r, dir, 5, EV_EINVAL, "is a directory");
    ASSERT_REJECTS(r, missing, 5, EV_ENOTFOUND, "No such file");
    ASSERT_REJECTS(r, "/dev/null", 5, EV_EINVAL, "not a regular file");
  }
  ASSERT_REJECTS(R_LOAD, dir, 5, EV_ENOTFOUND, "no embeddings");
  /* the same for the metadata and labels files of a dataset */
  ev_load_options o = ev_load_options_default();
  load_opts = &o;
  const char *vecs = fx_path("mnist/mnist500.tsv");
  o.metadata_path = dir;
  ASSERT_REJECTS_NAMING(R_LOAD, vecs, dir, -1, EV_EINVAL, "is a directory");
  o.metadata_path = missing;
  ASSERT_REJECTS_NAMING(R_LOAD, vecs, missing, -1, EV_ENOTFOUND, "No such file");
  o.metadata_path = NULL;
  o.labels_path = empty;
  ASSERT_REJECTS_NAMING(R_LOAD, vecs, empty, -1, EV_EFORMAT, "no rows");
  o.labels_path = dir;
  ASSERT_REJECTS_NAMING(R_LOAD, vecs, dir, -1, EV_EINVAL, "is a directory");
  load_opts = NULL;
}

/* Binary files given to the text readers, and the reverse. */
TEST(wrong_reader) {
  ASSERT_REJECTS(R_TEXT, fx_path("npy/small_f4.npy"), -1, EV_EFORMAT, NULL);
  ASSERT_REJECTS(R_TEXT, EV_REPO_DATA "/mnist10k-labels-idx1-ubyte.gz", -1, EV_EFORMAT, NULL);
  ASSERT_REJECTS(R_META, fx_path("npz/small.npz"), 6, EV_EMISMATCH, NULL);
  ASSERT_REJECTS(R_NPY, fx_path("npz/small.npz"), -1, EV_EFORMAT, "no \\x93NUMPY magic");
  ASSERT_REJECTS(R_NPZ, fx_path("npy/small_f4.npy"), -1, EV_EFORMAT, "not a zip archive");
  ASSERT_REJECTS(R_IDX, fx_path("mnist/mnist500.tsv"), -1, EV_EFORMAT, "bad magic number");
  ASSERT_REJECTS(R_NPY, fx_path("mnist/mnist500.tsv"), -1, EV_EFORMAT, "NUMPY");
  const char *p = test_write_file("corrupt_binary.dat", "\x01\x02\x03\x04\x05\x06", 6);
  ASSERT_REJECTS(R_LOAD, p, -1, EV_EUNSUPPORTED, "unrecognised binary format");
  ASSERT_REJECTS(R_DETECT, p, -1, EV_EUNSUPPORTED, "unrecognised binary format");
  /* a gzip-compressed .npy is named as such */
  size_t len;
  unsigned char *npy = load("npy/small_f4.npy", &len);
  ASSERT_TRUE(npy != NULL);
  p = write_gz("corrupt_small.npy.gz", npy, len);
  free(npy);
  ASSERT_REJECTS(R_DETECT, p, -1, EV_EUNSUPPORTED, "gzip-compressed .npy");
}

/* ---- fault injection ---- */

/* Fail allocation k = 1, 2, ... until the reader succeeds without reaching
 * k: every failure must be reported as EV_ENOMEM with a message. */
static void fault_sweep(int r, const char *path, int64_t n_points) {
  long k;
  for (k = 1; k < 100000; k++) {
    ev_error err;
    output_on_failure = 0;
    ev__alloc_fail_at(k);
    int rc = run_reader(r, path, n_points, &err);
    long count = ev__alloc_count();
    ev__alloc_fail_at(0);
    if (output_on_failure)
      TEST_FAIL_("%s(%s): allocation %ld failed: output not NULL", reader_names[r], path, k);
    if (rc == EV_OK) {
      if (count >= k)
        TEST_FAIL_("%s(%s): allocation %ld failed yet the reader succeeded", reader_names[r],
                   path, k);
      break;
    }
    if (rc != EV_ENOMEM || !err.msg[0])
      TEST_FAIL_("%s(%s): allocation %ld failed: got %s (%s)", reader_names[r], path, k,
                 ev_err_name(rc), err.msg);
  }
  ASSERT_TRUE(k > 1);
}

TEST(fault_injection_binary) {
  fault_sweep(R_NPY, fx_path("npy/small_f4.npy"), -1);
  fault_sweep(R_NPY, fx_path("npy/small_i2_be_F.npy"), -1);
  fault_sweep(R_NPZ, fx_path("npz/small.npz"), -1);
  fault_sweep(R_NPZ, fx_path("npz/small_deflated.npz"), -1);
  fault_sweep(R_NPZ, fx_path("npz/basic_deflated.npz"), -1);
  fault_sweep(R_IDX, fx_path("idx/ubyte_3d.idx"), -1);
  fault_sweep(R_IDX, fx_path("idx/float_3d_gz.idx.gz"), -1);
  fault_sweep(R_LABELS, fx_path("idx/labels37_int.idx"), 37);
  fault_sweep(R_LABELS, fx_path("npy/labels_u1.npy"), 37);
  /* no data at all: 0 x 5 floats */
  static const unsigned char empty_idx[] = {0, 0, 0x0d, 2, 0, 0, 0, 0, 0, 0, 0, 5};
  fault_sweep(R_IDX, test_write_file("corrupt_fault_empty.idx", empty_idx, sizeof empty_idx), -1);
  fault_sweep(R_IDX, write_gz("corrupt_fault_empty.idx.gz", empty_idx, sizeof empty_idx), -1);
}

TEST(fault_injection_text) {
  const char *text = "name,x,y,tag\r\na,1,2,p\nb,3,4,\n\nc,5,6,q\n";
  const char *csv = test_write_file("corrupt_fault.csv", text, strlen(text));
  fault_sweep(R_TEXT, csv, -1);
  text = "0.5\t1\n2\t3e1\n-4\t5\n";
  const char *tsv = test_write_file("corrupt_fault_plain.tsv", text, strlen(text));
  fault_sweep(R_TEXT, tsv, -1);
  text = "k\tv\tv\n1\tx\n2\t\ty\n3\tz\tw\n";
  const char *meta = test_write_file("corrupt_fault.tsv", text, strlen(text));
  fault_sweep(R_META, meta, 3);
  text = "label\r\ncat\ndog\ncat\n";
  const char *meta1 = test_write_file("corrupt_fault1.tsv", text, strlen(text));
  fault_sweep(R_META, meta1, 3);
  fault_sweep(R_LABELS, meta1, 3);
  ev_load_options o = ev_load_options_default();
  o.metadata_path = meta;
  o.labels_path = meta1;
  load_opts = &o;
  fault_sweep(R_LOAD, csv, -1);
  o.metadata_path = NULL;
  o.labels_path = fx_path("npy/labels_u1.npy");
  fault_sweep(R_LOAD, fx_path("npz/basic_stored.npz"), -1);
  load_opts = NULL;
  fault_sweep(R_LOAD, fx_path("npz/small_deflated.npz"), -1);
}

TEST(fault_injection_labels) {
  ev_error err = {0};
  ev_table *t = NULL;
  ASSERT_OK(ev_metadata_read(fx_path("mnist/mnist500_meta_multi.tsv"), 500, &t, NULL, &err), &err);
  for (int col = 0; col < 2; col++) {
    long k;
    for (k = 1; k < 10000; k++) {
      ev_labels *l = NULL;
      ev__alloc_fail_at(k);
      int rc = ev_labels_from_column(t, col, &l, &err);
      long count = ev__alloc_count();
      ev__alloc_fail_at(0);
      ev_labels_free(l);
      if (rc == EV_OK) {
        if (count >= k) {
          ev_table_free(t);
          TEST_FAIL_("column %d: allocation %ld failed yet it succeeded", col, k);
        }
        break;
      }
      if (rc != EV_ENOMEM || l) {
        ev_table_free(t);
        TEST_FAIL_("column %d: allocation %ld: %s (%s)", col, k, ev_err_name(rc), err.msg);
      }
    }
    if (k < 3) {
      ev_table_free(t);
      TEST_FAIL_("column %d: only %ld allocations", col, k);
    }
  }
  ev_table_free(t);
}

/* The cap set in main() is in force: a 3 GB allocation fails. */
TEST(address_space_capped) {
  void *(*volatile alloc)(size_t) = malloc;
  void *p = alloc((size_t)3 << 30);
  int capped = p == NULL;
  free(p);
  ASSERT_TRUE(capped);
}

static const test_case tests[] = {
    {"address_space_capped", address_space_capped},
    {"truncated_idx", truncated_idx},
    {"truncated_npy", truncated_npy},
    {"truncated_npz", truncated_npz},
    {"truncated_text", truncated_text},
    {"idx_bad_magic", idx_bad_magic},
    {"idx_oversized_headers", idx_oversized_headers},
    {"npy_bad_magic_and_headers", npy_bad_magic_and_headers},
    {"parsers_against_guard_page", parsers_against_guard_page},
    {"npz_damaged_archives", npz_damaged_archives},
    {"gzip_corrupted", gzip_corrupted},
    {"empty_missing_and_directories", empty_missing_and_directories},
    {"wrong_reader", wrong_reader},
    {"fault_injection_binary", fault_injection_binary},
    {"fault_injection_text", fault_injection_text},
    {"fault_injection_labels", fault_injection_labels},
};

int main(int argc, char **argv) {
#ifdef _OPENMP
  omp_set_num_threads(1); /* the allocation-failure hook is not thread-safe */
#endif
#ifndef EV_TEST_ASAN
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0) {
    rlim_t cap = (rlim_t)2 << 30;
    if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > cap) {
      rl.rlim_cur = cap;
      setrlimit(RLIMIT_AS, &rl);
    }
  }
#endif
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
