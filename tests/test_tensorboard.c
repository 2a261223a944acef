/* test_tensorboard.c — TensorFlow checkpoints: the shared real fixtures
 * (values from their README), writer round trip, corrupt files. */
#include "test.h"

#include "core/internal.h"
#include "io/crc32c.h"
#include "io/json.h"

#define IMDB EV_SHARED_DIR "/fixtures/tf2-imdb-tutorial/logs/imdb-example"
#define LOL EV_SHARED_DIR "/fixtures/tf2-lol-champions/logs"

TEST(crc32c_known_values) {
  ASSERT_EQ(ev__crc32c(0, "123456789", 9), 0xE3069283u);
  /* extending in pieces equals one pass */
  ASSERT_EQ(ev__crc32c(ev__crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
  ASSERT_EQ(ev__crc32c_mask(0x75998020u), 0xa2c3d60bu); /* the IMDB fixture's embedding */
  ASSERT_EQ(ev__crc32c_unmask(0xa2c3d60bu), 0x75998020u);
}

TEST(imdb_fixture_checkpoint) {
  if (!test_file_exists(IMDB "/embedding.ckpt-1.index")) TEST_SKIP("../shared/fixtures absent");
  ev_error err = {0};
  ev_tf_checkpoint *c = NULL;
  ASSERT_OK(ev_tf_checkpoint_open(IMDB "/embedding.ckpt-1", &c, &err), &err);
  ASSERT_EQ(c->num_shards, 1);
  ASSERT_EQ(c->n_tensors, 3);
  ASSERT_STR_EQ(c->tensors[0].name, "_CHECKPOINTABLE_OBJECT_GRAPH");
  ASSERT_EQ(c->tensors[0].dtype, EV_TF_STRING);
  ASSERT_EQ(c->tensors[0].offset, 523784);
  ASSERT_EQ(c->tensors[0].size, 196);
  const ev_tf_tensor *e = &c->tensors[1];
  ASSERT_STR_EQ(e->name, "embedding/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_EQ(e->dtype, EV_TF_FLOAT);
  ASSERT_EQ(e->ndim, 2);
  ASSERT_EQ(e->shape[0], 8184);
  ASSERT_EQ(e->shape[1], 16);
  ASSERT_EQ(e->offset, 0);
  ASSERT_EQ(e->size, 523776);
  ASSERT_EQ(e->crc32c, 0x75998020u);
  ASSERT_TRUE(ev_tf_tensor_is_embedding(e));
  ASSERT_TRUE(!ev_tf_tensor_is_embedding(&c->tensors[2]));
  ASSERT_STR_EQ(c->tensors[2].name, "save_counter/.ATTRIBUTES/VARIABLE_VALUE");
  /* names as projector configs write them */
  ASSERT_TRUE(ev_tf_checkpoint_find(c, "embedding/.ATTRIBUTES/VARIABLE_VALUE") == e);
  ASSERT_TRUE(ev_tf_checkpoint_find(c, "embedding") == e);
  ASSERT_TRUE(ev_tf_checkpoint_find(c, "embedding:0") == e);
  ASSERT_TRUE(ev_tf_checkpoint_find(c, "nothing") == NULL);
  ev_matrix *m = NULL;
  ASSERT_OK(ev_tf_tensor_read(c, e, &m, &err), &err);
  ASSERT_EQ(m->n_rows, 8184);
  ASSERT_EQ(m->n_cols, 16);
  const float first[4] = {-0.365569562f, -0.0393112339f, -0.191601202f, -0.467838466f};
  const float last[4] = {0.0198801197f, 0.0358361863f, -0.0353744403f, -0.02123872f};
  for (int j = 0; j < 4; j++) {
    ASSERT_NEAR(ev_matrix_row(m, 0)[j], first[j], 1e-8);
    ASSERT_NEAR(ev_matrix_row(m, 8183)[j], last[j], 1e-8);
  }
  float lo = INFINITY, hi = -INFINITY;
  for (int64_t t = 0; t < 8184 * 16; t++) {
    lo = fminf(lo, m->data[t]);
    hi = fmaxf(hi, m->data[t]);
  }
  ASSERT_NEAR(lo, -2.60158491f, 1e-7);
  ASSERT_NEAR(hi, 2.55132461f, 1e-7);
  ev_matrix_free(m);
  /* save_counter (int64 scalar) = 1 */
  ASSERT_OK(ev_tf_tensor_read(c, &c->tensors[2], &m, &err), &err);
  ASSERT_EQ(m->n_rows, 1);
  ASSERT_NEAR(m->data[0], 1.0f, 0);
  ev_matrix_free(m);
  ASSERT_ERR(ev_tf_tensor_read(c, &c->tensors[0], &m, &err), EV_EUNSUPPORTED, &err, "string");
  ev_tf_checkpoint_free(c);
}

TEST(lol_fixture_checkpoint) {
  if (!test_file_exists(LOL "/embedding.ckpt-1.index")) TEST_SKIP("../shared/fixtures absent");
  ev_error err = {0};
  ev_tf_checkpoint *c = NULL;
  ASSERT_OK(ev_tf_checkpoint_open(LOL "/embedding.ckpt-1", &c, &err), &err);
  const ev_tf_tensor *e = ev_tf_checkpoint_find(c, "embedding");
  ASSERT_TRUE(e != NULL);
  ASSERT_EQ(e->shape[0], 162);
  ASSERT_EQ(e->shape[1], 16);
  ev_matrix *m = NULL;
  ASSERT_OK(ev_tf_tensor_read(c, e, &m, &err), &err);
  ASSERT_EQ(m->n_rows, 162);
  ev_matrix_free(m);
  ev_tf_checkpoint_free(c);
}

/* Write MNIST-sized and odd tensors, read them back bit for bit. */
TEST(writer_round_trip) {
  ev_error err = {0};
  ev_matrix *a = test_mnist_rows(0, 1000), *b = NULL, *empty = NULL;
  ASSERT_TRUE(a != NULL);
  ASSERT_OK(ev_matrix_new(3, 5, &b, &err), &err);
  for (int t = 0; t < 15; t++) b->data[t] = (float)t * -0.25f;
  ASSERT_OK(ev_matrix_new(0, 4, &empty, &err), &err);
  const char *names[3] = {"embedding", "a/b/.ATTRIBUTES/VARIABLE_VALUE", "empty"};
  const ev_matrix *vals[3] = {a, b, empty};
  const char *prefix = test_out_path("written.ckpt-7");
  ASSERT_OK(ev_tf_checkpoint_write(prefix, 3, names, vals, &err), &err);
  ev_tf_checkpoint *c = NULL;
  ASSERT_OK(ev_tf_checkpoint_open(prefix, &c, &err), &err);
  ASSERT_EQ(c->n_tensors, 3);
  ASSERT_STR_EQ(c->tensors[0].name, "a/b/.ATTRIBUTES/VARIABLE_VALUE"); /* key order */
  for (int i = 0; i < 3; i++) {
    const ev_tf_tensor *t = ev_tf_checkpoint_find(c, names[i]);
    ASSERT_TRUE(t != NULL);
    ev_matrix *m = NULL;
    ASSERT_OK(ev_tf_tensor_read(c, t, &m, &err), &err);
    ASSERT_EQ(m->n_rows, vals[i]->n_rows);
    ASSERT_EQ(m->n_cols, vals[i]->n_cols);
    for (int64_t r = 0; r < m->n_rows; r++)
      ASSERT_TRUE(!memcmp(ev_matrix_row(m, r), ev_matrix_row(vals[i], r), (size_t)m->n_cols * 4));
    ev_matrix_free(m);
  }
  ASSERT_TRUE(ev_tf_checkpoint_find(c, "a/b") == &c->tensors[0]);
  ev_tf_checkpoint_free(c);
  /* numpy-independent check of the layout: Python reads it with its own parser */
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/gen/read_checkpoint.py %s embedding 1000 784", EV_SOURCE_DIR,
           prefix);
  ASSERT_EQ(test_system(cmd), 0);
  ev_matrix_free(a);
  ev_matrix_free(b);
  ev_matrix_free(empty);
}

static void copy_file(const char *from, const char *to, long flip_at, long truncate_to) {
  size_t len = 0;
  char *data = test_read_file(from, &len);
  if (!data) return;
  if (flip_at >= 0 && (size_t)flip_at < len) data[flip_at] ^= 0x10;
  if (truncate_to >= 0 && (size_t)truncate_to < len) len = (size_t)truncate_to;
  FILE *f = fopen(to, "wb");
  fwrite(data, 1, len, f);
  fclose(f);
  free(data);
}

TEST(corrupt_checkpoints) {
  ev_error err = {0};
  ev_matrix *a = test_mnist_rows(0, 200);
  const char *names[1] = {"vecs"};
  const ev_matrix *vals[1] = {a};
  char good[512], bad[512], from[600], to[600];
  snprintf(good, sizeof good, "%s", test_out_path("good.ckpt"));
  snprintf(bad, sizeof bad, "%s", test_out_path("bad.ckpt"));
  ASSERT_OK(ev_tf_checkpoint_write(good, 1, names, vals, &err), &err);
  snprintf(from, sizeof from, "%s.index", good);
  snprintf(to, sizeof to, "%s.index", bad);
  size_t index_len = 0;
  free(test_read_file(from, &index_len));
  ev_tf_checkpoint *c = NULL;
  /* every truncation of the index is refused, none crashes */
  for (long cut = 0; cut < (long)index_len; cut++) {
    copy_file(from, to, -1, cut);
    ASSERT_TRUE(ev_tf_checkpoint_open(bad, &c, &err) != EV_OK);
    ASSERT_TRUE(c == NULL);
  }
  /* every flipped byte of the index is caught (checksums, magic, handles) */
  for (long at = 0; at < (long)index_len; at++) {
    copy_file(from, to, at, -1);
    int rc = ev_tf_checkpoint_open(bad, &c, &err);
    if (rc == EV_OK) { /* only the footer's zero padding is not covered */
      ASSERT_TRUE(at >= (long)index_len - 48 && at < (long)index_len - 8);
      ev_tf_checkpoint_free(c);
    }
  }
  copy_file(from, to, 10, -1);
  ASSERT_ERR(ev_tf_checkpoint_open(bad, &c, &err), EV_EFORMAT, &err, "checksum mismatch in the data block at offset 0");
  /* data shard: missing, truncated, flipped */
  copy_file(from, to, -1, -1);
  ASSERT_OK(ev_tf_checkpoint_open(bad, &c, &err), &err);
  ev_matrix *m = NULL;
  snprintf(to, sizeof to, "%s.data-00000-of-00001", bad);
  remove(to);
  ASSERT_ERR(ev_tf_tensor_read(c, &c->tensors[0], &m, &err), EV_ENOTFOUND, &err, "data-00000-of-00001");
  snprintf(from, sizeof from, "%s.data-00000-of-00001", good);
  copy_file(from, to, -1, 1000);
  ASSERT_ERR(ev_tf_tensor_read(c, &c->tensors[0], &m, &err), EV_EFORMAT, &err, "truncated");
  copy_file(from, to, 5000, -1);
  ASSERT_ERR(ev_tf_tensor_read(c, &c->tensors[0], &m, &err), EV_EFORMAT, &err, "checksum mismatch for tensor 'vecs'");
  ASSERT_TRUE(m == NULL);
  ev_tf_checkpoint_free(c);
  ev_matrix_free(a);
}

static void write_text(const char *path, const char *text);

/* ---- hostile checkpoint indexes (issue #13): LevelDB tables by hand ---- */

typedef struct tb_buf {
  unsigned char *p;
  size_t len, cap;
} tb_buf;

static void tb_put(tb_buf *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 64;
    b->p = realloc(b->p, b->cap);
  }
  if (n) memcpy(b->p + b->len, d, n);
  b->len += n;
}
static void tb_varint(tb_buf *b, uint64_t v) {
  unsigned char c;
  do {
    c = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v) c |= 0x80;
    tb_put(b, &c, 1);
  } while (v);
}
static void tb_u32(tb_buf *b, uint32_t v) {
  unsigned char t[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  tb_put(b, t, 4);
}

typedef struct tb_kv {
  const unsigned char *key;
  size_t key_len;
  const unsigned char *val;
  size_t val_len;
} tb_kv;

/* A block of the entries in the order given (prefix-compressed against the
 * previous key, one restart), appended to f with its trailer. */
static void tb_block(tb_buf *f, const tb_kv *e, long n, uint64_t *off, uint64_t *size) {
  tb_buf b = {0};
  for (long i = 0; i < n; i++) {
    size_t shared = 0;
    while (i && shared < e[i].key_len && shared < e[i - 1].key_len && e[i].key[shared] == e[i - 1].key[shared])
      shared++;
    tb_varint(&b, shared);
    tb_varint(&b, e[i].key_len - shared);
    tb_varint(&b, e[i].val_len);
    tb_put(&b, e[i].key + shared, e[i].key_len - shared);
    tb_put(&b, e[i].val, e[i].val_len);
  }
  tb_u32(&b, 0);
  tb_u32(&b, 1);
  *off = f->len;
  *size = b.len;
  unsigned char type = 0;
  tb_put(&b, &type, 1);
  uint32_t crc = ev__crc32c_mask(ev__crc32c(0, b.p, b.len));
  tb_put(f, b.p, b.len);
  tb_u32(f, crc);
  free(b.p);
}

/* An index: data blocks, an empty metaindex, the index block (separator
 * keys "s00000"... naming handles[k] of the data blocks), the footer. */
static const char *tb_index(const char *prefix_name, const tb_kv *const *blocks, const long *n_in_block, int n_blocks,
                            const int *handles, int n_index) {
  tb_buf f = {0};
  uint64_t *off = calloc((size_t)n_blocks, sizeof *off), *size = calloc((size_t)n_blocks, sizeof *size);
  for (int i = 0; i < n_blocks; i++) tb_block(&f, blocks[i], n_in_block[i], &off[i], &size[i]);
  uint64_t m_off, m_size, i_off, i_size;
  tb_block(&f, NULL, 0, &m_off, &m_size);
  tb_kv *idx = calloc((size_t)n_index, sizeof *idx);
  unsigned char (*keys)[8] = calloc((size_t)n_index, sizeof *keys);
  tb_buf *vals = calloc((size_t)n_index, sizeof *vals);
  for (int k = 0; k < n_index; k++) {
    snprintf((char *)keys[k], 8, "s%05d", k);
    tb_varint(&vals[k], off[handles[k]]);
    tb_varint(&vals[k], size[handles[k]]);
    idx[k] = (tb_kv){keys[k], 6, vals[k].p, vals[k].len};
  }
  tb_block(&f, idx, n_index, &i_off, &i_size);
  tb_buf foot = {0};
  tb_varint(&foot, m_off), tb_varint(&foot, m_size), tb_varint(&foot, i_off), tb_varint(&foot, i_size);
  unsigned char zero[40] = {0};
  tb_put(&foot, zero, 40 - foot.len);
  for (int k = 0; k < 8; k++) {
    unsigned char c = (unsigned char)(0xdb4775248b80fb57ull >> (8 * k));
    tb_put(&foot, &c, 1);
  }
  tb_put(&f, foot.p, foot.len);
  char name[256];
  snprintf(name, sizeof name, "%s.index", prefix_name);
  const char *path = test_write_file(name, f.p, f.len);
  static char prefix[1024];
  snprintf(prefix, sizeof prefix, "%.*s", (int)(strlen(path) - 6), path);
  for (int k = 0; k < n_index; k++) free(vals[k].p);
  free(vals), free(keys), free(idx), free(off), free(size), free(f.p), free(foot.p);
  return prefix;
}

/* A BundleEntryProto: float32 of the given shape at offset, size bytes. */
static void tb_entry(tb_buf *v, const int64_t *shape, int ndim, uint64_t offset, uint64_t size) {
  tb_buf sh = {0};
  tb_varint(v, (1 << 3) | 0), tb_varint(v, 1);
  for (int d = 0; d < ndim; d++) {
    tb_buf dim = {0};
    tb_varint(&dim, (1 << 3) | 0), tb_varint(&dim, (uint64_t)shape[d]);
    tb_varint(&sh, (2 << 3) | 2), tb_varint(&sh, dim.len), tb_put(&sh, dim.p, dim.len);
    free(dim.p);
  }
  tb_varint(v, (2 << 3) | 2), tb_varint(v, sh.len), tb_put(v, sh.p, sh.len);
  if (offset) tb_varint(v, (4 << 3) | 0), tb_varint(v, offset);
  tb_varint(v, (5 << 3) | 0), tb_varint(v, size);
  free(sh.p);
}

static const unsigned char header_val[2] = {0x08, 0x01}; /* num_shards: 1 */

/* 200 index entries naming one data block, and a block of 10,000 copies of
 * one key: 120 KB that used to become two million tensors (1,000 x 100,000
 * wanted 13 GB).  LevelDB's invariants refuse both: keys strictly increase,
 * each data block is named once. */
TEST(checkpoint_index_invariants) {
  enum { KEYS = 10000, REFS = 200 };
  tb_buf v = {0};
  int64_t shape[2] = {2, 2};
  tb_entry(&v, shape, 2, 0, 16);
  tb_kv *e = calloc(KEYS + 1, sizeof *e);
  char (*names)[8] = calloc(KEYS, sizeof *names);
  e[0] = (tb_kv){(const unsigned char *)"", 0, header_val, 2};
  for (long i = 1; i <= KEYS; i++) e[i] = (tb_kv){(const unsigned char *)"k", 1, v.p, v.len};
  int handles[REFS] = {0};
  long n_in[1] = {KEYS + 1};
  const tb_kv *blocks[1] = {e};
  ev_error err = {0};
  ev_tf_checkpoint *c = NULL;
  /* the same key 10,000 times, and the block named 200 times */
  const char *prefix = tb_index("ck_same_key", blocks, n_in, 1, handles, REFS);
  ev__alloc_track(1);
  int rc = ev_tf_checkpoint_open(prefix, &c, &err);
  int64_t peak1 = ev__alloc_peak();
  ev__alloc_track(0);
  ev_tf_checkpoint_free(c);
  c = NULL;
  char msg1[EV_ERROR_MSG_LEN];
  snprintf(msg1, sizeof msg1, "%s", err.msg);
  /* increasing keys, but the block named 200 times */
  for (long i = 1; i <= KEYS; i++) {
    snprintf(names[i - 1], 8, "k%05ld", i);
    e[i].key = (const unsigned char *)names[i - 1];
    e[i].key_len = 6;
  }
  prefix = tb_index("ck_same_block", blocks, n_in, 1, handles, REFS);
  ev__alloc_track(1);
  int rc2 = ev_tf_checkpoint_open(prefix, &c, &err);
  int64_t peak2 = ev__alloc_peak();
  ev__alloc_track(0);
  ev_tf_checkpoint_free(c);
  c = NULL;
  char msg2[EV_ERROR_MSG_LEN];
  snprintf(msg2, sizeof msg2, "%s", err.msg);
  /* named once it is a good index */
  prefix = tb_index("ck_once", blocks, n_in, 1, handles, 1);
  int rc3 = ev_tf_checkpoint_open(prefix, &c, &err);
  int64_t n = c ? c->n_tensors : -1;
  ev_tf_checkpoint_free(c);
  free(e), free(names), free(v.p);
  ASSERT_EQ(rc, EV_EFORMAT);
  ASSERT_CONTAINS(msg1, "ck_same_key.index");
  ASSERT_CONTAINS(msg1, "do not increase");
  ASSERT_EQ(rc2, EV_EFORMAT);
  ASSERT_CONTAINS(msg2, "overlaps or repeats an earlier one");
  ASSERT_EQ(rc3, EV_OK);
  ASSERT_EQ(n, KEYS);
  ASSERT_TRUE(peak1 < ((int64_t)2 << 20) && peak2 < ((int64_t)2 << 20));
}

/* Keys of 60 KB that share all but their last bytes cost a few bytes each
 * in the index, and each used to be copied whole: 5,000 of them, 300 MB of
 * names from a 100 KB file.  The names' total is bounded by the index's
 * size (32 x), checked before anything is copied. */
TEST(checkpoint_index_long_shared_keys) {
  enum { N = 5000, KLEN = 60000 };
  unsigned char *keys = malloc((size_t)N * KLEN);
  tb_kv *e = calloc(N + 1, sizeof *e);
  e[0] = (tb_kv){(const unsigned char *)"", 0, header_val, 2};
  for (long i = 0; i < N; i++) {
    unsigned char *k = keys + (size_t)i * KLEN;
    memset(k, 'p', KLEN);
    k[KLEN - 2] = (unsigned char)('A' + i / 256 % 26);
    k[KLEN - 1] = (unsigned char)(i % 256);
    k[KLEN - 3] = (unsigned char)('A' + i / 6656);
    e[i + 1] = (tb_kv){k, KLEN, NULL, 0};
  }
  long n_in[1] = {N + 1};
  const tb_kv *blocks[1] = {e};
  int handles[1] = {0};
  const char *prefix = tb_index("ck_long_keys", blocks, n_in, 1, handles, 1);
  free(keys), free(e);
  ev_error err = {0};
  ev_tf_checkpoint *c = NULL;
  ev__alloc_track(1);
  int rc = ev_tf_checkpoint_open(prefix, &c, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  ev_tf_checkpoint_free(c);
  ASSERT_EQ(rc, EV_EFORMAT);
  ASSERT_CONTAINS(err.msg, "ck_long_keys.index");
  ASSERT_CONTAINS(err.msg, "implausibly long prefixes");
  ASSERT_TRUE(peak < ((int64_t)4 << 20));
}

/* Shapes and offsets near 2^63 in the messages: computed with checked
 * arithmetic (they overflowed signed 64-bit: UBSan aborted, release builds
 * printed nonsense). */
TEST(checkpoint_huge_sizes_in_messages) {
  tb_buf big = {0}, far = {0};
  int64_t s_big[2] = {(int64_t)1 << 62, 1}, s_far[2] = {2, 2};
  tb_entry(&big, s_big, 2, 0, 16);
  tb_entry(&far, s_far, 2, 9223372036854775800ull, 16);
  tb_kv e[3] = {{(const unsigned char *)"", 0, header_val, 2},
                {(const unsigned char *)"big", 3, big.p, big.len},
                {(const unsigned char *)"far", 3, far.p, far.len}};
  long n_in[1] = {3};
  const tb_kv *blocks[1] = {e};
  int handles[1] = {0};
  char prefix[1024], data[1100];
  snprintf(prefix, sizeof prefix, "%s", tb_index("ck_huge", blocks, n_in, 1, handles, 1));
  free(big.p), free(far.p);
  snprintf(data, sizeof data, "%s.data-00000-of-00001", prefix);
  write_text(data, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  ev_error err = {0};
  ev_tf_checkpoint *c = NULL;
  ASSERT_OK(ev_tf_checkpoint_open(prefix, &c, &err), &err);
  ev_matrix *m = NULL;
  int rc1 = ev_tf_tensor_read(c, ev_tf_checkpoint_find(c, "big"), &m, &err);
  char msg1[EV_ERROR_MSG_LEN];
  snprintf(msg1, sizeof msg1, "%s", err.msg);
  int rc2 = ev_tf_tensor_read(c, ev_tf_checkpoint_find(c, "far"), &m, &err);
  ev_tf_checkpoint_free(c);
  ASSERT_EQ(rc1, EV_EFORMAT);
  ASSERT_CONTAINS(msg1, "tensor 'big' has 16 bytes");
  ASSERT_CONTAINS(msg1, "[4611686018427387904, 1]");
  ASSERT_CONTAINS(msg1, "more than 2^64 bytes");
  ASSERT_EQ(rc2, EV_EFORMAT);
  ASSERT_CONTAINS(err.msg, "needs 16 bytes from offset 9223372036854775800 but the file has 64");
  ASSERT_TRUE(m == NULL);
}

/* JSON escapes: a lone surrogate becomes U+FFFD and the character after it
 * stays (it was swallowed); a pair is one character; NUL is refused (it
 * would cut the string short). */
TEST(json_escapes) {
  static const struct {
    const char *json, *want;
  } ok[] = {
      {"\"\\ud800\\u0041\"", "\xEF\xBF\xBD" "A"},
      {"\"\\ud800x\"", "\xEF\xBF\xBD" "x"},
      {"\"x\\ud800\"", "x\xEF\xBF\xBD"},
      {"\"\\udc00\\ud800\"", "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\"\\ud800\\ud800\\udc00\"", "\xEF\xBF\xBD\xF0\x90\x80\x80"},
      {"\"\\ud83d\\ude00!\"", "\xF0\x9F\x98\x80!"},
      {"\"\\u00e9\\u20ac\\n\"", "\xC3\xA9\xE2\x82\xAC\n"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    ev_error err = {0};
    ev__json *j = NULL;
    ASSERT_OK(ev__json_parse(ok[i].json, strlen(ok[i].json), "t.json", &j, &err), &err);
    char got[32];
    snprintf(got, sizeof got, "%s", j->type == EV__JSON_STRING ? j->string : "(not a string)");
    ev__json_free(j);
    ASSERT_STR_EQ(got, ok[i].want);
  }
  ev_error err = {0};
  ev__json *j = NULL;
  ASSERT_ERR(ev__json_parse("\"a\\u0000b\"", 10, "t.json", &j, &err), EV_EFORMAT, &err, "t.json:1:");
  ASSERT_CONTAINS(err.msg, "NUL");
  ASSERT_TRUE(j == NULL);
}

TEST(pbtxt_syntax) {
  ev_error err = {0};
  ev_notes notes = {0};
  ev_tb_config *c = NULL;
  const char *text =
      "# written by hand\n"
      "model_checkpoint_path: 'ck' \"pt\"\n"
      "embeddings {\n"
      "  tensor_name: \"a\\tb\\\\c\\x41\\101\"  # comment\n"
      "  tensor_shape: [10, 4]; metadata_path: \"C:\\\\dir\\\\m.tsv\",\n"
      "  sprite < image_path: \"s.png\" single_image_dim: 28 single_image_dim: 28 >\n"
      "  future_field: 3\n"
      "  future_block { x: 1 }\n"
      "}\n"
      "embeddings: { tensor_path: \"v.tsv\" }\n";
  ASSERT_OK(ev_tb_config_parse(text, strlen(text), "cfg.pbtxt", &c, &notes, &err), &err);
  ASSERT_STR_EQ(c->model_checkpoint_path, "ckpt");
  ASSERT_EQ(c->n_embeddings, 2);
  ASSERT_STR_EQ(c->embeddings[0].tensor_name, "a\tb\\cAA");
  ASSERT_STR_EQ(c->embeddings[0].metadata_path, "C:\\dir\\m.tsv");
  ASSERT_EQ(c->embeddings[0].n_tensor_shape, 2);
  ASSERT_EQ(c->embeddings[0].tensor_shape[1], 4);
  ASSERT_STR_EQ(c->embeddings[0].sprite_image_path, "s.png");
  ASSERT_EQ(c->embeddings[0].sprite_dim[0], 28);
  ASSERT_STR_EQ(c->embeddings[1].tensor_path, "v.tsv");
  ASSERT_EQ(notes.n, 2);
  ASSERT_CONTAINS(notes.msg[0], "cfg.pbtxt:7:3: unknown field 'future_field'");
  ev_notes_clear(&notes);
  /* written back and read again: the same */
  const char *path = test_out_path("cfg_round.pbtxt");
  ASSERT_OK(ev_tb_config_write(path, c, &err), &err);
  ev_tb_config *c2 = NULL;
  ASSERT_OK(ev_tb_config_read(path, &c2, &notes, &err), &err);
  ASSERT_STR_EQ(c2->embeddings[0].tensor_name, "a\tb\\cAA");
  ASSERT_STR_EQ(c2->embeddings[0].metadata_path, "C:\\dir\\m.tsv");
  ASSERT_EQ(c2->embeddings[0].sprite_dim[1], 28);
  ASSERT_EQ(notes.n, 0);
  ev_tb_config_free(c2);
  ev_tb_config_free(c);
  /* errors name the line and column */
  static const struct {
    const char *text, *msg;
  } bad[] = {
      {"embeddings {\n  tensor_name: \"x\"\n", "bad.pbtxt:3:1: missing '}'"},
      {"embeddings {\n  tensor_name \"x\"\n}\n", "bad.pbtxt:2:15: expected ':'"},
      {"embeddings {\n  tensor_name: \"x\n}\n", "bad.pbtxt:2:16: unterminated string"},
      {"embeddings { tensor_name: \"x\" tensor_name: \"y\" }", "bad.pbtxt:1:31: field 'tensor_name': given twice"},
      {"embeddings { tensor_shape: -3 }", "bad.pbtxt:1:14: field 'tensor_shape': expected an unsigned"},
      {"embeddings { tensor_name: 12 }", "expected a quoted string"},
      {"}", "bad.pbtxt:1:1: expected a field name"},
      {"embeddings { tensor_shape: [1, 2 }", "expected ',' or ']'"},
      /* an octal escape past a byte lost its high bits (\777 read as \377); a
       * NUL, which would cut a string short, was refused for paths only */
      {"embeddings { tensor_name: \"a\\777\" }", "bad.pbtxt:1:29: octal escape out of range"},
      {"embeddings { tensor_name: \"a\\000b\" }", "bad.pbtxt:1:29: NUL"},
      {"embeddings { tensor_name: \"a\\x00b\" }", "bad.pbtxt:1:29: NUL"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ASSERT_ERR(ev_tb_config_parse(bad[i].text, strlen(bad[i].text), "bad.pbtxt", &c, &notes, &err), EV_EFORMAT, &err,
               bad[i].msg);
    ASSERT_TRUE(c == NULL);
  }
  ev_notes_clear(&notes);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
}

/* The classic MNIST tutorial log dir: a TF1 Saver-style key `embedding`,
 * metadata.tsv with a `label` header line and 10,000 labels, a config with
 * tensor_name "embedding:0" and an absolute metadata path from another
 * machine, and a `checkpoint` file naming a path that does not exist here. */
TEST(tutorial_log_dir) {
  ev_error err = {0};
  ev_notes notes = {0};
  const ev_matrix *mnist = test_mnist();
  const int32_t *labels = test_mnist_labels();
  if (!mnist || !labels) TEST_FAIL_("MNIST missing");
  char dir[512], p[2048];
  snprintf(dir, sizeof dir, "%s", test_out_path("tutorial_logdir"));
  snprintf(p, sizeof p, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
  ASSERT_EQ(test_system(p), 0);
  snprintf(p, sizeof p, "%s/model.ckpt-1", dir);
  const char *names[1] = {"embedding"};
  const ev_matrix *vals[1] = {mnist};
  ASSERT_OK(ev_tf_checkpoint_write(p, 1, names, vals, &err), &err);
  snprintf(p, sizeof p, "%s/metadata.tsv", dir);
  FILE *f = fopen(p, "w");
  fputs("label\n", f);
  for (int i = 0; i < 10000; i++) fprintf(f, "%d\n", labels[i]);
  fclose(f);
  snprintf(p, sizeof p, "%s/checkpoint", dir);
  write_text(p, "model_checkpoint_path: \"/home/someone/mnist/logs/model.ckpt-1\"\n"
                "all_model_checkpoint_paths: \"/home/someone/mnist/logs/model.ckpt-1\"\n");
  snprintf(p, sizeof p, "%s/projector_config.pbtxt", dir);
  write_text(p, "embeddings {\n  tensor_name: \"embedding:0\"\n  metadata_path: \"/home/someone/mnist/logs/metadata.tsv\"\n}\n");
  ev_load_options lo = ev_load_options_default();
  ev_dataset *ds = NULL;
  ASSERT_OK(ev_dataset_load(dir, &lo, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->source.format, EV_FORMAT_TENSORBOARD);
  ASSERT_EQ(ds->x->n_rows, 10000);
  ASSERT_EQ(ds->x->n_cols, 784);
  ASSERT_TRUE(!memcmp(ds->x->data, mnist->data, 784 * sizeof(float)));
  ASSERT_TRUE(ds->meta != NULL);
  ASSERT_STR_EQ(ev_table_col_name(ds->meta, 0), "label");
  char last[16];
  snprintf(last, sizeof last, "%d", labels[9999]);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 9999, 0), last);
  int said_ckpt = 0, said_meta = 0, said_header = 0;
  for (int i = 0; i < notes.n; i++) {
    said_ckpt |= strstr(notes.msg[i], "names checkpoint '/home/someone/mnist/logs/model.ckpt-1'") != NULL;
    said_meta |= strstr(notes.msg[i], "metadata_path '/home/someone/mnist/logs/metadata.tsv' does not exist") != NULL;
    said_header |= strstr(notes.msg[i], "reading the first row ('label') as the column name") != NULL;
  }
  ASSERT_TRUE(said_ckpt && said_meta && said_header);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  /* no `checkpoint` file at all: the newest *.index */
  snprintf(p, sizeof p, "%s/checkpoint", dir);
  remove(p);
  ASSERT_OK(ev_dataset_load(dir, &lo, &ds, &notes, &err), &err);
  ASSERT_CONTAINS(notes.msg[0], "no usable `checkpoint` state file; using the newest checkpoint");
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  /* a tensor_name that matches nothing: the only 2-D tensor, with a note */
  snprintf(p, sizeof p, "%s/projector_config.pbtxt", dir);
  write_text(p, "embeddings {\n  tensor_name: \"mnist_embedding\"\n  metadata_path: \"metadata.tsv\"\n}\n");
  ASSERT_OK(ev_dataset_load(dir, &lo, &ds, &notes, &err), &err);
  int said_only = 0;
  for (int i = 0; i < notes.n; i++) said_only |= strstr(notes.msg[i], "using the only 2-D tensor, 'embedding'") != NULL;
  ASSERT_TRUE(said_only);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  /* two candidates: an error that lists them */
  snprintf(p, sizeof p, "%s/model.ckpt-1", dir);
  ev_matrix *small = test_mnist_rows(0, 10000);
  const char *names2[2] = {"embedding", "other"};
  const ev_matrix *vals2[2] = {mnist, small};
  ASSERT_OK(ev_tf_checkpoint_write(p, 2, names2, vals2, &err), &err);
  ASSERT_ERR(ev_dataset_load(dir, &lo, &ds, &notes, &err), EV_ENOTFOUND, &err,
             "matches no 2-D tensor of checkpoint");
  ASSERT_CONTAINS(err.msg, "candidates: 'embedding' (10000 x 784), 'other' (10000 x 784)");
  ev_notes_clear(&notes);
  /* metadata with the wrong count: both counts named */
  snprintf(p, sizeof p, "%s/projector_config.pbtxt", dir);
  write_text(p, "embeddings {\n  tensor_name: \"other\"\n  metadata_path: \"short.tsv\"\n}\n");
  snprintf(p, sizeof p, "%s/short.tsv", dir);
  write_text(p, "a\tb\n1\t2\n3\t4\n");
  ASSERT_ERR(ev_dataset_load(dir, &lo, &ds, &notes, &err), EV_EMISMATCH, &err, "10000");
  ASSERT_CONTAINS(err.msg, "2");
  ev_notes_clear(&notes);
  /* --tensor picks the other embedding; sub-directories are runs */
  snprintf(p, sizeof p, "%s/projector_config.pbtxt", dir);
  write_text(p, "embeddings {\n  tensor_name: \"other:0\"\n}\n");
  snprintf(p, sizeof p, "mkdir -p '%s/run2' && cp '%s'/model.ckpt-1.* '%s/run2/'", dir, dir, dir);
  ASSERT_EQ(test_system(p), 0);
  ev_tb_logdir *l = NULL;
  ASSERT_OK(ev_tb_logdir_open(dir, NULL, &l, &notes, &err), &err);
  ASSERT_EQ(l->n_embeddings, 4);
  ASSERT_STR_EQ(l->embeddings[0].run, ".");
  ASSERT_STR_EQ(l->embeddings[0].name, "other:0");
  ASSERT_STR_EQ(l->embeddings[1].name, "embedding");
  ASSERT_STR_EQ(l->embeddings[2].run, "run2");
  ev_tb_logdir_free(l);
  lo.tensor = "run2/other";
  ASSERT_OK(ev_dataset_load(dir, &lo, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->x->n_rows, 10000);
  ev_dataset_free(ds);
  lo.tensor = "nothing";
  ASSERT_ERR(ev_dataset_load(dir, &lo, &ds, &notes, &err), EV_ENOTFOUND, &err, "'run2/embedding'");
  ev_notes_clear(&notes);
  ev_matrix_free(small);
}

TEST(fixture_log_dirs_with_metadata) {
  if (!test_file_exists(IMDB "/metadata.tsv")) TEST_SKIP("../shared/fixtures absent");
  ev_error err = {0};
  ev_notes notes = {0};
  ev_dataset *ds = NULL;
  ASSERT_OK(ev_dataset_load(IMDB, NULL, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->x->n_rows, 8184);
  ASSERT_EQ(ev_table_n_rows(ds->meta), 8184); /* U+0085 labels are rows */
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 8183, 0), "unknown #256");
  ASSERT_EQ(notes.n, 0);
  ev_dataset_free(ds);
  ASSERT_OK(ev_dataset_load(LOL, NULL, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->x->n_rows, 162);
  ASSERT_EQ(ev_table_n_rows(ds->meta), 162);
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "metadata_path 'logs\\metadata.tsv' does not exist as written");
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
}


/* MNIST digits with labels written as a log dir and read back. */
TEST(export_round_trip) {
  ev_error err = {0};
  ev_notes notes = {0};
  const int32_t *labels = test_mnist_labels();
  ev_dataset ds = {0};
  ds.x = test_mnist_rows(0, 2000);
  ASSERT_TRUE(ds.x && labels);
  ds.x->image_h = ds.x->image_w = 28;
  ds.x->image_c = 1;
  ASSERT_OK(ev_table_new(2000, &ds.meta, &err), &err);
  const char *vals[2000];
  char text[2000][8];
  for (int i = 0; i < 2000; i++) {
    snprintf(text[i], sizeof text[i], "%d", labels[i]);
    vals[i] = text[i];
  }
  ASSERT_OK(ev_table_add_column(ds.meta, "label", vals, &err), &err);
  char dir[512], cmd[1200];
  snprintf(dir, sizeof dir, "%s", test_out_path("exported_logdir"));
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ASSERT_EQ(test_system(cmd), 0);
  ev_tb_export_options o = ev_tb_export_options_default();
  ASSERT_OK(ev_tb_export(dir, &ds, &o, &notes, &err), &err);
  ASSERT_EQ(notes.n, 0);
  ev_dataset *back = NULL;
  ASSERT_OK(ev_dataset_load(dir, NULL, &back, &notes, &err), &err);
  ASSERT_EQ(notes.n, 0);
  ASSERT_EQ(back->x->n_rows, 2000);
  ASSERT_TRUE(!memcmp(back->x->data, ds.x->data, 2000 * 784 * sizeof(float)));
  ASSERT_EQ(ev_table_n_cols(back->meta), 1);
  ASSERT_STR_EQ(ev_table_col_name(back->meta, 0), "label");
  for (int i = 0; i < 2000; i++) ASSERT_STR_EQ(ev_table_cell(back->meta, i, 0), text[i]);
  ev_dataset_free(back);
  /* the sprite: a 45 x 45 grid of 28 x 28 cells, pixels as the digits' values */
  ev_tb_logdir *l = NULL;
  ASSERT_OK(ev_tb_logdir_open(dir, NULL, &l, &notes, &err), &err);
  ASSERT_TRUE(l->embeddings[0].sprite_path != NULL);
  ASSERT_EQ(l->embeddings[0].sprite_dim[0], 28);
  ev_thumbnails *t = NULL;
  ASSERT_OK(ev_tb_sprite_check(&l->embeddings[0], &t, &err), &err);
  ASSERT_EQ(t->n, 2000);
  ev_thumbnails_free(t);
  ASSERT_OK(ev_sprite_read(l->embeddings[0].sprite_path, 2000, 28, 28, &t, &err), &err);
  for (int i = 0; i < 2000; i += 199)
    for (int p = 0; p < 784; p += 13) {
      ASSERT_EQ(t->rgba[(size_t)i * 784 * 4 + (size_t)p * 4], (unsigned char)ev_matrix_row(ds.x, i)[p]);
      ASSERT_EQ(t->rgba[(size_t)i * 784 * 4 + (size_t)p * 4 + 3], 255);
    }
  ev_thumbnails_free(t);
  /* more points than cells; bad cell sizes */
  ASSERT_ERR(ev_sprite_read(l->embeddings[0].sprite_path, 2100, 28, 28, &t, &err), EV_EMISMATCH, &err,
             "fewer than the 2100 points");
  ASSERT_ERR(ev_sprite_read(l->embeddings[0].sprite_path, 10, 0, 28, &t, &err), EV_EINVAL, &err, "single_image_dim");
  ev_tb_logdir_free(l);
  /* a non-empty directory needs force */
  ASSERT_ERR(ev_tb_export(dir, &ds, &o, &notes, &err), EV_EEXIST, &err, "is not empty");
  o.force = 1;
  ASSERT_OK(ev_tb_export(dir, &ds, &o, &notes, &err), &err);
  /* blank labels would be skipped by the projector: an index column keeps the rows */
  ev_table_free(ds.meta);
  ASSERT_OK(ev_table_new(2000, &ds.meta, &err), &err);
  vals[5] = " ";
  vals[6] = NULL;
  ASSERT_OK(ev_table_add_column(ds.meta, "label", vals, &err), &err);
  ASSERT_OK(ev_tb_export(dir, &ds, &o, &notes, &err), &err);
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "2 empty label(s)");
  ev_notes_clear(&notes);
  ASSERT_OK(ev_dataset_load(dir, NULL, &back, &notes, &err), &err);
  ASSERT_EQ(ev_table_n_cols(back->meta), 2);
  ASSERT_STR_EQ(ev_table_cell(back->meta, 7, 0), text[7]);
  ASSERT_STR_EQ(ev_table_cell(back->meta, 1999, 1), "1999");
  ev_dataset_free(back);
  /* the standalone projector's files */
  o.standalone = 1;
  snprintf(cmd, sizeof cmd, "%s_standalone", dir);
  ASSERT_OK(ev_tb_export(cmd, &ds, &o, &notes, &err), &err);
  char p2[1300];
  snprintf(p2, sizeof p2, "%s/tensors.bytes", cmd);
  size_t len = 0;
  free(test_read_file(p2, &len));
  ASSERT_EQ(len, (size_t)2000 * 784 * 4);
  snprintf(p2, sizeof p2, "%s/projector_config.json", cmd);
  char *json = test_read_file(p2, &len);
  ASSERT_CONTAINS(json, "\"tensorShape\": [2000, 784]");
  ASSERT_CONTAINS(json, "\"singleImageDim\": [28, 28]");
  free(json);
  /* and read back through the JSON config */
  ASSERT_OK(ev_dataset_load(p2, NULL, &back, &notes, &err), &err);
  ASSERT_EQ(back->x->n_rows, 2000);
  ASSERT_TRUE(!memcmp(back->x->data, ds.x->data, 2000 * 784 * sizeof(float)));
  ASSERT_STR_EQ(ev_table_cell(back->meta, 7, 0), text[7]);
  /* with the sprite's thumbnails attached, as from a log dir */
  ASSERT_TRUE(back->thumbs != NULL);
  ASSERT_EQ(back->thumbs->n, 2000);
  ASSERT_EQ(back->thumbs->rgba[(size_t)1234 * 784 * 4 + 400 * 4], (unsigned char)ev_matrix_row(ds.x, 1234)[400]);
  ev_dataset_free(back);
  ASSERT_OK(ev_dataset_load(dir, NULL, &back, &notes, &err), &err);
  ASSERT_TRUE(back->thumbs != NULL && back->thumbs->w == 28 && back->thumbs->n == 2000);
  ev_dataset_free(back);
  ev_notes_clear(&notes);
  ev_table_free(ds.meta);
  ev_matrix_free(ds.x);
}

TEST(sprite_refusals) {
  ev_error err = {0};
  ev_thumbnails *t = NULL;
  /* a PNG header claiming 100000 x 100000 pixels is refused before decoding */
  unsigned char huge[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                            0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 6, 0, 0, 0};
  const char *p = test_write_file("huge.png", huge, sizeof huge);
  ASSERT_ERR(ev_sprite_read(p, 10, 28, 28, &t, &err), EV_ERANGE, &err, "100000 x 100000");
  p = test_write_file("fake.png", "\xff\xd8\xff\xe0 JPEG", 10);
  ASSERT_ERR(ev_sprite_read(p, 10, 28, 28, &t, &err), EV_EUNSUPPORTED, &err, "not a PNG");
  /* a valid header over a truncated body */
  huge[17] = huge[18] = huge[21] = huge[22] = 0;
  huge[19] = huge[23] = 56; /* 56 x 56 */
  p = test_write_file("truncated.png", huge, sizeof huge);
  ASSERT_ERR(ev_sprite_read(p, 4, 28, 28, &t, &err), EV_EFORMAT, &err, "cannot decode");
  ASSERT_TRUE(t == NULL);
}


#define SUBWORDS EV_SHARED_DIR "/fixtures/standalone-subword-vecs"

TEST(standalone_config) {
  if (!test_file_exists(SUBWORDS "/vecs.tsv")) TEST_SKIP("../shared/fixtures absent");
  ev_error err = {0};
  ev_notes notes = {0};
  char json[1024];
  snprintf(json, sizeof json,
           "{\"embeddings\": [{\"tensorName\": \"subwords\", \"tensorShape\": [7928, 16],\n"
           "  \"tensorPath\": \"%s/vecs.tsv\", \"metadataPath\": \"%s/meta.tsv\"}]}",
           SUBWORDS, SUBWORDS);
  const char *cfg = test_write_file("standalone_config.json", json, strlen(json));
  ev_dataset *ds = NULL;
  /* the fixture lies outside the config's folder and its parent: refused,
   * then loaded with the option (and a note naming it) */
  ASSERT_ERR(ev_dataset_load(cfg, NULL, &ds, &notes, &err), EV_EPERM, &err, "--allow-outside-paths");
  ev_load_options lo = ev_load_options_default();
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(cfg, &lo, &ds, &notes, &err), &err);
  ASSERT_EQ(notes.n, 2);
  ASSERT_CONTAINS(notes.msg[0], "tensorPath");
  ASSERT_CONTAINS(notes.msg[1], "metadataPath");
  ev_notes_clear(&notes);
  ASSERT_EQ(ds->x->n_rows, 7928);
  ASSERT_EQ(ds->x->n_cols, 16);
  ASSERT_NEAR(ds->x->data[0], 0.15633065f, 1e-7);
  ASSERT_NEAR(ds->x->data[2], -0.10570898f, 1e-7);
  ASSERT_EQ(ev_table_n_rows(ds->meta), 7928);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), "the_");
  ev_dataset_free(ds);
  /* malformed JSON: line and column */
  const char *bad = test_write_file("bad_config.json", "{\"embeddings\": [\n  {\"tensorName\": \"x\",}\n]}", 42);
  ASSERT_ERR(ev_dataset_load(bad, NULL, &ds, &notes, &err), EV_EFORMAT, &err, "bad_config.json:2:22: expected a \"key\"");
  const char *url = test_write_file("url_config.json", "{\"embeddings\": [{\"tensorPath\": \"https://x/v.tsv\"}]}", 51);
  ASSERT_ERR(ev_dataset_load(url, NULL, &ds, &notes, &err), EV_EUNSUPPORTED, &err, "download it");
}


/* ---- paths named inside log dirs and configs stay inside the log dir's parent ---- */

static char scope_root[512], scope_log[600], scope_out[512];

/* root/logs: a 5 x 3 checkpoint and its state file; root/inside.tsv; and,
 * beside root (outside the scope), out/meta.tsv, out/vecs.tsv and a copy of
 * the checkpoint. */
static int scope_setup(void) {
  char cmd[2400], p[1200];
  snprintf(scope_root, sizeof scope_root, "%s", test_out_path("scope"));
  snprintf(scope_log, sizeof scope_log, "%s/logs", scope_root);
  snprintf(scope_out, sizeof scope_out, "%s", test_out_path("scope_outside"));
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' && mkdir -p '%s' '%s'", scope_root, scope_out, scope_log, scope_out);
  if (test_system(cmd)) return -1;
  ev_matrix *m = NULL;
  if (ev_matrix_new(5, 3, &m, NULL)) return -1;
  for (int i = 0; i < 15; i++) m->data[i] = (float)i;
  const char *names[1] = {"emb"};
  const ev_matrix *vals[1] = {m};
  snprintf(p, sizeof p, "%s/model.ckpt-1", scope_log);
  int rc = ev_tf_checkpoint_write(p, 1, names, vals, NULL);
  snprintf(p, sizeof p, "%s/model.ckpt-1", scope_out);
  rc |= ev_tf_checkpoint_write(p, 1, names, vals, NULL);
  ev_matrix_free(m);
  snprintf(p, sizeof p, "%s/checkpoint", scope_log);
  write_text(p, "model_checkpoint_path: \"model.ckpt-1\"\n");
  snprintf(p, sizeof p, "%s/meta.tsv", scope_out);
  write_text(p, "a\nb\nc\nd\ne\n");
  snprintf(p, sizeof p, "%s/vecs.tsv", scope_out);
  write_text(p, "1\t2\n3\t4\n5\t6\n7\t8\n9\t10\n");
  snprintf(p, sizeof p, "%s/inside.tsv", scope_root);
  write_text(p, "v\nw\nx\ny\nz\n");
  return rc;
}

/* Write logs/projector_config.pbtxt with one embedding block body. */
static void scope_config(const char *body) {
  char p[1200], text[2400];
  snprintf(p, sizeof p, "%s/projector_config.pbtxt", scope_log);
  snprintf(text, sizeof text, "embeddings {\n%s}\n", body);
  write_text(p, text);
}

TEST(log_dir_paths_stay_inside) {
  if (scope_setup()) TEST_FAIL_("setup failed");
  ev_error err = {0};
  ev_notes notes = {0};
  ev_dataset *ds = NULL;
  ev_load_options lo = ev_load_options_default();
  char body[2000], cfg[1200], want[2000];
  snprintf(cfg, sizeof cfg, "%s/projector_config.pbtxt", scope_log);
  /* absolute, outside: refused, the message names config, field, path, real path and the option */
  snprintf(body, sizeof body, "  tensor_name: \"emb\"\n  metadata_path: \"%s/meta.tsv\"\n", scope_out);
  scope_config(body);
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, cfg);
  snprintf(want, sizeof want, "metadata_path '%s/meta.tsv' resolves to ", scope_out);
  ASSERT_CONTAINS(err.msg, want);
  ASSERT_CONTAINS(err.msg, "--allow-outside-paths");
  ASSERT_TRUE(ds == NULL);
  /* ... and loads with the option, with a note naming it */
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 4, 0), "e");
  ASSERT_EQ(notes.n, 1);
  snprintf(want, sizeof want, "loaded as --allow-outside-paths asks, outside the log dir's parent folder: %s: "
           "metadata_path '%s/meta.tsv', at ", cfg, scope_out);
  ASSERT_CONTAINS(notes.msg[0], want);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  /* a `../` escape */
  scope_config("  tensor_name: \"emb\"\n  metadata_path: \"../../scope_outside/meta.tsv\"\n");
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "'../../scope_outside/meta.tsv'");
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), "a");
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  /* a symbolic link inside the log dir that leads outside */
  char p[4000];
  snprintf(p, sizeof p, "ln -s '%s/meta.tsv' '%s/link.tsv'", scope_out, scope_log);
  ASSERT_EQ(test_system(p), 0);
  scope_config("  tensor_name: \"emb\"\n  metadata_path: \"link.tsv\"\n");
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "metadata_path 'link.tsv' resolves to");
  snprintf(want, sizeof want, "scope_outside/meta.tsv, outside %s", scope_root);
  ASSERT_CONTAINS(err.msg, want);
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  /* kernel files: refused even with the option */
  scope_config("  tensor_name: \"emb\"\n  metadata_path: \"/proc/self/environ\"\n");
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "under /proc: refused");
  ASSERT_CONTAINS(err.msg, "metadata_path '/proc/self/environ'");
  scope_config("  tensor_name: \"emb\"\n  sprite {\n    image_path: \"/dev/zero\"\n    single_image_dim: 1\n"
               "    single_image_dim: 1\n  }\n");
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "under /dev: refused");
  snprintf(p, sizeof p, "ln -s /proc/self/environ '%s/env.tsv'", scope_log);
  ASSERT_EQ(test_system(p), 0);
  scope_config("  tensor_name: \"emb\"\n  bookmarks_path: \"env.tsv\"\n");
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "bookmarks_path 'env.tsv' resolves to /proc/");
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  /* the log dir's parent is in scope: files named relative to it load */
  scope_config("  tensor_name: \"emb\"\n  metadata_path: \"../inside.tsv\"\n");
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), "v");
  ASSERT_EQ(notes.n, 0);
  ev_dataset_free(ds);
  /* an outside path is passed over for the fallback: the file of that name in the config's folder */
  snprintf(p, sizeof p, "%s/meta.tsv", scope_log);
  write_text(p, "A\nB\nC\nD\nE\n");
  snprintf(body, sizeof body, "  tensor_name: \"emb\"\n  metadata_path: \"%s/meta.tsv\"\n", scope_out);
  scope_config(body);
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), "A");
  ASSERT_EQ(notes.n, 1);
  snprintf(want, sizeof want, "metadata_path '%s/meta.tsv' leads outside %s, refused; using %s/meta.tsv", scope_out,
           scope_root, scope_log);
  ASSERT_CONTAINS(notes.msg[0], want);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  /* tensor_path, bookmarks_path, sprite image_path */
  snprintf(body, sizeof body, "  tensor_name: \"t\"\n  tensor_path: \"%s/vecs.tsv\"\n", scope_out);
  scope_config(body);
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "tensor_path '");
  lo.allow_outside_paths = 1;
  lo.tensor = "t";
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->x->n_rows, 5);
  ASSERT_EQ(ds->x->n_cols, 2);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.tensor = NULL;
  lo.allow_outside_paths = 0;
  ev_tb_logdir *l = NULL;
  snprintf(body, sizeof body, "  tensor_name: \"emb\"\n  bookmarks_path: \"%s/vecs.tsv\"\n", scope_out);
  scope_config(body);
  ASSERT_ERR(ev_tb_logdir_open(scope_log, &lo, &l, &notes, &err), EV_EPERM, &err, "bookmarks_path '");
  snprintf(body, sizeof body, "  tensor_name: \"emb\"\n  sprite {\n    image_path: \"%s/vecs.tsv\"\n  }\n", scope_out);
  scope_config(body);
  ASSERT_ERR(ev_tb_logdir_open(scope_log, &lo, &l, &notes, &err), EV_EPERM, &err, "sprite image_path '");
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_tb_logdir_open(scope_log, &lo, &l, &notes, &err), &err);
  ASSERT_CONTAINS(l->embeddings[0].sprite_path, "scope_outside/vecs.tsv");
  ev_tb_logdir_free(l);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  /* the config's model_checkpoint_path, outside, and nothing else to fall back to */
  snprintf(p, sizeof p, "rm '%s'/checkpoint '%s'/model.ckpt-1.*", scope_log, scope_log);
  ASSERT_EQ(test_system(p), 0);
  snprintf(p, sizeof p, "%s/projector_config.pbtxt", scope_log);
  snprintf(body, sizeof body, "model_checkpoint_path: \"%s/model.ckpt-1\"\nembeddings {\n  tensor_name: \"emb\"\n}\n",
           scope_out);
  write_text(p, body);
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "model_checkpoint_path '");
  ASSERT_CONTAINS(err.msg, cfg);
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->x->n_rows, 5);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  /* the `checkpoint` state file's model_checkpoint_path, outside */
  scope_config("  tensor_name: \"emb\"\n");
  snprintf(p, sizeof p, "%s/checkpoint", scope_log);
  snprintf(body, sizeof body, "model_checkpoint_path: \"%s/model.ckpt-1\"\n", scope_out);
  write_text(p, body);
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "checkpoint: model_checkpoint_path '");
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  /* a checkpoint inside whose data file is a link to one outside */
  snprintf(p, sizeof p, "cp '%s'/model.ckpt-1.index '%s'/ && ln -s '%s/model.ckpt-1.data-00000-of-00001' '%s'/",
           scope_out, scope_log, scope_out, scope_log);
  ASSERT_EQ(test_system(p), 0);
  snprintf(p, sizeof p, "%s/checkpoint", scope_log);
  write_text(p, "model_checkpoint_path: \"model.ckpt-1\"\n");
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "model.ckpt-1.data-00000-of-00001 resolves to");
  /* a config that is itself a link to a file outside */
  snprintf(p, sizeof p, "rm '%s'/model.ckpt-1.data-00000-of-00001 && cp '%s'/model.ckpt-1.data-00000-of-00001 '%s'/",
           scope_log, scope_out, scope_log);
  ASSERT_EQ(test_system(p), 0);
  ASSERT_OK(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), &err);
  ev_dataset_free(ds);
  snprintf(p, sizeof p, "%s/cfg.pbtxt", scope_out);
  write_text(p, "embeddings {\n  tensor_name: \"emb\"\n}\n");
  snprintf(p, sizeof p, "rm '%s' && ln -s '%s/cfg.pbtxt' '%s'", cfg, scope_out, cfg);
  ASSERT_EQ(test_system(p), 0);
  ASSERT_ERR(ev_dataset_load(scope_log, &lo, &ds, &notes, &err), EV_EPERM, &err, "projector_config.pbtxt resolves to");
  ev_notes_clear(&notes);
  /* allocation failures along the lookups (a fallback after a refusal; an
   * outside file allowed): out of memory, never a crash, a leak or a dataset */
  snprintf(p, sizeof p, "rm '%s'", cfg);
  ASSERT_EQ(test_system(p), 0);
  snprintf(body, sizeof body, "  tensor_name: \"emb\"\n  metadata_path: \"%s/meta.tsv\"\n", scope_out);
  scope_config(body);
  for (int allow = 0; allow < 2; allow++) {
    lo.allow_outside_paths = allow;
    long k;
    for (k = 1; k < 100000; k++) {
      ev__alloc_fail_at(k);
      int rc = ev_dataset_load(scope_log, &lo, &ds, &notes, &err);
      ev__alloc_fail_at(0);
      ev_notes_clear(&notes);
      if (rc == EV_OK) break;
      if (rc != EV_ENOMEM || ds) TEST_FAIL_("allocation %ld failed: got %s (%s)", k, ev_err_name(rc), err.msg);
    }
    ASSERT_TRUE(k > 10 && ds != NULL);
    ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), allow ? "a" : "A");
    ev_dataset_free(ds);
  }
}

TEST(standalone_paths_stay_inside) {
  if (scope_setup()) TEST_FAIL_("setup failed");
  ev_error err = {0};
  ev_notes notes = {0};
  ev_dataset *ds = NULL;
  ev_load_options lo = ev_load_options_default();
  char json[2400], cfg[1200], p[4000];
  snprintf(cfg, sizeof cfg, "%s/config.json", scope_log);
  snprintf(p, sizeof p, "cp '%s/vecs.tsv' '%s/'", scope_out, scope_log);
  ASSERT_EQ(test_system(p), 0);
  /* inside: loads */
  write_text(cfg, "{\"embeddings\": [{\"tensorPath\": \"vecs.tsv\", \"metadataPath\": \"../inside.tsv\"}]}");
  ASSERT_OK(ev_dataset_load(cfg, &lo, &ds, &notes, &err), &err);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), "v");
  ASSERT_EQ(notes.n, 0);
  ev_dataset_free(ds);
  /* tensorPath absolute outside; a ../ escape; a link leading outside */
  snprintf(json, sizeof json, "{\"embeddings\": [{\"tensorPath\": \"%s/vecs.tsv\"}]}", scope_out);
  write_text(cfg, json);
  ASSERT_ERR(ev_dataset_load(cfg, &lo, &ds, &notes, &err), EV_EPERM, &err, cfg);
  ASSERT_CONTAINS(err.msg, "tensorPath '");
  ASSERT_CONTAINS(err.msg, "the config's folder's parent folder): refused; --allow-outside-paths");
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(cfg, &lo, &ds, &notes, &err), &err);
  ASSERT_EQ(ds->x->n_rows, 5);
  ASSERT_EQ(notes.n, 1);
  ASSERT_CONTAINS(notes.msg[0], "loaded as --allow-outside-paths asks, outside the config's folder's parent folder: ");
  ASSERT_CONTAINS(notes.msg[0], "tensorPath '");
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  write_text(cfg, "{\"embeddings\": [{\"tensorPath\": \"vecs.tsv\", \"metadataPath\": \"../../scope_outside/meta.tsv\"}]}");
  ASSERT_ERR(ev_dataset_load(cfg, &lo, &ds, &notes, &err), EV_EPERM, &err, "metadataPath '../../scope_outside/meta.tsv'");
  lo.allow_outside_paths = 1;
  ASSERT_OK(ev_dataset_load(cfg, &lo, &ds, &notes, &err), &err);
  ASSERT_STR_EQ(ev_table_cell(ds->meta, 0, 0), "a");
  ev_dataset_free(ds);
  ev_notes_clear(&notes);
  lo.allow_outside_paths = 0;
  snprintf(p, sizeof p, "ln -s '%s/meta.tsv' '%s/link.tsv'", scope_out, scope_log);
  ASSERT_EQ(test_system(p), 0);
  write_text(cfg, "{\"embeddings\": [{\"tensorPath\": \"vecs.tsv\", \"metadataPath\": \"link.tsv\"}]}");
  ASSERT_ERR(ev_dataset_load(cfg, &lo, &ds, &notes, &err), EV_EPERM, &err, "metadataPath 'link.tsv' resolves to");
  /* kernel files, even with the option */
  lo.allow_outside_paths = 1;
  write_text(cfg, "{\"embeddings\": [{\"tensorPath\": \"vecs.tsv\", \"metadataPath\": \"/proc/self/environ\"}]}");
  ASSERT_ERR(ev_dataset_load(cfg, &lo, &ds, &notes, &err), EV_EPERM, &err, "under /proc: refused");
  write_text(cfg, "{\"embeddings\": [{\"tensorPath\": \"/dev/zero\"}]}");
  ASSERT_ERR(ev_dataset_load(cfg, &lo, &ds, &notes, &err), EV_EPERM, &err, "under /dev: refused");
  write_text(cfg, "{\"embeddings\": [{\"tensorPath\": \"vecs.tsv\", \"sprite\": {\"imagePath\": \"/dev/zero\", "
                  "\"singleImageDim\": [1, 1]}}]}");
  ASSERT_ERR(ev_dataset_load(cfg, &lo, &ds, &notes, &err), EV_EPERM, &err, "sprite imagePath '/dev/zero'");
  ev_notes_clear(&notes);
}

TEST(bookmarks) {
  ev_error err = {0};
  const char *good = "[{\"label\": \"fours and nines\", \"projections\": [{\"tsne-0\": 1.5}]},\n {\"selectedPoints\": [1]}]";
  const char *p = test_write_file("bookmarks.json", good, strlen(good));
  ev_tb_bookmarks *b = NULL;
  ASSERT_OK(ev_tb_bookmarks_read(p, &b, &err), &err);
  ASSERT_EQ(b->n, 2);
  ASSERT_STR_EQ(b->labels[0], "fours and nines");
  ASSERT_STR_EQ(b->labels[1], "");
  ev_tb_bookmarks_free(b);
  p = test_write_file("bookmarks_bad.json", "{\"label\": 1}", 12);
  ASSERT_ERR(ev_tb_bookmarks_read(p, &b, &err), EV_EFORMAT, &err, "expected a JSON array");
  p = test_write_file("bookmarks_bad2.json", "[1, 2]", 6);
  ASSERT_ERR(ev_tb_bookmarks_read(p, &b, &err), EV_EFORMAT, &err, "state 0 is not an object");
  p = test_write_file("bookmarks_bad3.json", "[{\"label\": \"x\"", 14);
  ASSERT_ERR(ev_tb_bookmarks_read(p, &b, &err), EV_EFORMAT, &err, "bookmarks_bad3.json:1:15");
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"crc32c_known_values", crc32c_known_values},
      {"imdb_fixture_checkpoint", imdb_fixture_checkpoint},
      {"lol_fixture_checkpoint", lol_fixture_checkpoint},
      {"writer_round_trip", writer_round_trip},
      {"corrupt_checkpoints", corrupt_checkpoints},
      {"pbtxt_syntax", pbtxt_syntax},
      {"tutorial_log_dir", tutorial_log_dir},
      {"fixture_log_dirs_with_metadata", fixture_log_dirs_with_metadata},
      {"export_round_trip", export_round_trip},
      {"sprite_refusals", sprite_refusals},
      {"standalone_config", standalone_config},
      {"bookmarks", bookmarks},
      {"checkpoint_index_invariants", checkpoint_index_invariants},
      {"checkpoint_index_long_shared_keys", checkpoint_index_long_shared_keys},
      {"checkpoint_huge_sizes_in_messages", checkpoint_huge_sizes_in_messages},
      {"json_escapes", json_escapes},
      {"log_dir_paths_stay_inside", log_dir_paths_stay_inside},
      {"standalone_paths_stay_inside", standalone_paths_stay_inside},
  };
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
