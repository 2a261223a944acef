/* test_io_budget.c — the readers' memory cap (core/budget.h): the default,
 * the message, and each reader stopping at ev_load_options.max_memory
 * before it allocates or inflates past it — for one file and for a load of
 * several files together.
 */
#include <zlib.h>

#include "core/budget.h"
#include "embview/tensorboard.h"
#include "io_fixtures.h"

#define MiB ((uint64_t)1 << 20)

static const char *write_gz(const char *name, const char *text, size_t len) {
  const char *path = test_out_path(name);
  gzFile gz = gzopen(path, "wb9");
  if (!gz) return NULL;
  for (size_t at = 0; at < len;) {
    unsigned n = (unsigned)EV__MIN(len - at, (size_t)1 << 30);
    gzwrite(gz, text + at, n);
    at += n;
  }
  gzclose(gz);
  return path;
}

/* n lines of "d\n" (digits), as a .tsv.gz */
static const char *many_lines(const char *name, size_t n) {
  char *b = malloc(n * 2);
  if (!b) return NULL;
  for (size_t i = 0; i < n; i++) b[2 * i] = (char)('0' + i % 10), b[2 * i + 1] = '\n';
  const char *p = write_gz(name, b, n * 2);
  free(b);
  return p;
}

static int load(const char *path, uint64_t max_memory, const char *metadata, ev_error *err) {
  ev_load_options o = ev_load_options_default();
  o.max_memory = max_memory;
  o.metadata_path = metadata;
  ev_dataset *ds = NULL;
  int rc = ev_dataset_load(path, &o, &ds, NULL, err);
  ev_dataset_free(ds);
  return rc;
}

TEST(budget_default_and_message) {
  uint64_t def = ev__budget_default_limit();
  ASSERT_TRUE(def >= ((uint64_t)1 << 30));
  ev__budget b;
  ev__budget_init(&b, 0);
  ASSERT_TRUE(b.limit == def && b.used == 0);
  ev__budget_init(&b, 100 * MiB);
  ev_error err = {0};
  ASSERT_OK(ev__budget_take(&b, 60 * MiB, "text", "x.tsv", "the file's contents", &err), &err);
  ASSERT_ERR(ev__budget_take(&b, 50 * MiB, "text", "x.tsv", "the matrix", &err), EV_ERANGE, &err,
             "text: x.tsv: the matrix needs 50 MiB");
  ASSERT_CONTAINS(err.msg, "60 MiB");
  ASSERT_CONTAINS(err.msg, "100 MiB memory cap");
  ASSERT_CONTAINS(err.msg, "--max-memory");
  ASSERT_CONTAINS(err.msg, "ev_load_options.max_memory");
  ASSERT_TRUE(b.used == 60 * MiB); /* a refused charge is not kept */
  ev__budget_give(&b, 60 * MiB);
  ASSERT_OK(ev__budget_take(&b, 100 * MiB, "text", "x.tsv", "all of it", &err), &err);
  ASSERT_ERR(ev__budget_take_matrix(&b, (int64_t)1 << 40, (int64_t)1 << 40, "npy", "y.npy", &err), EV_ERANGE,
             &err, "too large to address");
  ev__budget_give(&b, 1000 * MiB); /* never below zero */
  ASSERT_TRUE(b.used == 0);
  ASSERT_TRUE(ev__budget_take(NULL, UINT64_MAX, "a", "b", "c", &err) == EV_OK); /* no budget: no check */
}

/* A text file: the decompressed text and the matrix count. */
TEST(budget_text) {
  const char *p = many_lines("budget_lines.tsv.gz", 1000000); /* 2 MB of text, a 4 MB matrix */
  ASSERT_TRUE(p != NULL);
  ev_error err = {0};
  ASSERT_ERR(load(p, 4 * MiB, NULL, &err), EV_ERANGE, &err, "budget_lines.tsv.gz");
  ASSERT_CONTAINS(err.msg, "1000000 x 1 float32 matrix");
  ASSERT_CONTAINS(err.msg, "--max-memory");
  ASSERT_OK(load(p, 16 * MiB, NULL, &err), &err);
}

/* A gzip bomb of newlines (64 MB in 64 KB) stops at the cap while it is
 * decompressed, not after. */
TEST(budget_gzip_bomb_stops_early) {
  size_t n = (size_t)64 << 20;
  char *b = malloc(n);
  ASSERT_TRUE(b != NULL);
  memset(b, '\n', n);
  const char *p = write_gz("budget_bomb.tsv.gz", b, n);
  free(b);
  ev_error err = {0};
  ev__alloc_track(1);
  int rc = load(p, 8 * MiB, NULL, &err);
  int64_t peak = ev__alloc_peak();
  ev__alloc_track(0);
  ASSERT_EQ(rc, EV_ERANGE);
  ASSERT_CONTAINS(err.msg, "budget_bomb.tsv.gz: decompressing the file");
  ASSERT_TRUE(peak <= (int64_t)(8 * MiB) + (64 << 10)); /* the cap, and small things it does not count */
  /* with room, it is read and found empty */
  ASSERT_ERR(load(p, 256 * MiB, NULL, &err), EV_EFORMAT, &err, "no data");
}

/* NPZ: the inflated member and the matrix count. */
TEST(budget_npz) {
  ev_error err = {0};
  const char *p = fx_path("mnist/mnist10k_deflated.npz"); /* 7.8 MB of uint8, a 31 MB matrix */
  ASSERT_ERR(load(p, 16 * MiB, NULL, &err), EV_ERANGE, &err, "mnist10k_deflated.npz");
  ASSERT_CONTAINS(err.msg, "--max-memory");
  ASSERT_OK(load(p, 64 * MiB, NULL, &err), &err);
}

/* A checkpoint: the index and the tensor count. */
TEST(budget_checkpoint) {
  ev_error err = {0};
  ev_matrix *m = NULL;
  ASSERT_OK(ev_matrix_new(2000, 300, &m, &err), &err); /* 2.4 MB */
  const char *names[1] = {"vecs"};
  const ev_matrix *vals[1] = {m};
  char prefix[512], index[600];
  snprintf(prefix, sizeof prefix, "%s", test_out_path("budget.ckpt"));
  int rc = ev_tf_checkpoint_write(prefix, 1, names, vals, &err);
  ev_matrix_free(m);
  ASSERT_OK(rc, &err);
  snprintf(index, sizeof index, "%s.index", prefix);
  ASSERT_ERR(load(index, 2 * MiB, NULL, &err), EV_ERANGE, &err, "2000 x 300 float32 matrix");
  ASSERT_CONTAINS(err.msg, "budget.ckpt");
  ASSERT_OK(load(index, 8 * MiB, NULL, &err), &err);
}

/* One cap for the whole load: the vectors fit, vectors and metadata not. */
TEST(budget_spans_the_load) {
  const char *vecs = many_lines("budget_vecs.tsv.gz", 500000); /* 1 MB text, 2 MB matrix */
  size_t n = 500000, len = 0;
  char *b = malloc(n * 12 + 16);
  ASSERT_TRUE(b != NULL);
  for (size_t i = 0; i < n; i++) len += (size_t)sprintf(b + len, "name%06zu\n", i);
  const char *meta = test_write_file("budget_meta.tsv", b, len); /* 5.5 MB */
  free(b);
  ev_error err = {0};
  ASSERT_OK(load(vecs, 4 * MiB, NULL, &err), &err);
  ASSERT_ERR(load(vecs, 8 * MiB, meta, &err), EV_ERANGE, &err, "budget_meta.tsv");
  ASSERT_CONTAINS(err.msg, "this load already holds");
  ASSERT_OK(load(vecs, 32 * MiB, meta, &err), &err);
}

static const test_case tests[] = {
    {"budget_default_and_message", budget_default_and_message},
    {"budget_text", budget_text},
    {"budget_gzip_bomb_stops_early", budget_gzip_bomb_stops_early},
    {"budget_npz", budget_npz},
    {"budget_checkpoint", budget_checkpoint},
    {"budget_spans_the_load", budget_spans_the_load},
};

int main(int argc, char **argv) {
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
