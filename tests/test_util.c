/* test_util.c — the test runner and file helpers. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test.h"

int test_failed;
int test_skipped;

static void test_release_shared(void);

int test_main(int argc, char **argv, const test_case *tests, int n_tests) {
  int n_failed = 0, n_run = 0, n_skipped = 0;
  mkdir(EV_BINARY_DIR "/tests", 0755);
  mkdir(EV_TEST_OUT, 0755);
  for (int i = 0; i < n_tests; i++) {
    if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
    test_failed = test_skipped = 0;
    tests[i].fn();
    n_run++;
    if (test_failed) {
      n_failed++;
      printf("FAIL %s\n", tests[i].name);
    } else if (test_skipped) {
      n_skipped++;
      printf("skip %s\n", tests[i].name);
    } else {
      printf("ok   %s\n", tests[i].name);
    }
    fflush(stdout);
  }
  printf("%d run, %d failed, %d skipped\n", n_run, n_failed, n_skipped);
  test_release_shared();
  if (n_run == 0) return 1;
  if (n_failed) return 1;
  return n_skipped == n_run ? 77 : 0;
}

int test_file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

const char *test_out_path(const char *name) {
  static char ring[8][1024];
  static int k;
  char *p = ring[k++ % 8];
  snprintf(p, 1024, "%s/%s", EV_TEST_OUT, name);
  return p;
}

const char *test_write_file(const char *name, const void *data, size_t len) {
  const char *path = test_out_path(name);
  FILE *f = fopen(path, "wb");
  if (!f) return NULL;
  if (len) fwrite(data, 1, len, f);
  fclose(f);
  return path;
}

char *test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    if (len) *len = (size_t)n;
  }
  return buf;
}

int test_system(const char *cmd) {
  int st = system(cmd);
  if (st == -1 || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

static ev_matrix *mnist;
static ev_labels *mnist_labels;

const ev_matrix *test_mnist(void) {
  ev_error err = {0};
  if (!mnist && ev_idx_read(EV_SOURCE_DIR "/data/mnist10k-images-idx3-ubyte.gz", &mnist, NULL, &err)) return NULL;
  return mnist;
}

const int32_t *test_mnist_labels(void) {
  ev_error err = {0};
  if (!mnist_labels) {
    ev_table *lt = NULL;
    if (ev_labels_read(EV_SOURCE_DIR "/data/mnist10k-labels-idx1-ubyte.gz", 10000, &lt, NULL, &err)) return NULL;
    int rc = ev_labels_from_column(lt, 0, &mnist_labels, &err);
    ev_table_free(lt);
    if (rc) return NULL;
  }
  return mnist_labels->codes;
}

ev_matrix *test_mnist_rows(int64_t from, int64_t n) {
  ev_matrix *m = NULL;
  ev_error err = {0};
  if (!test_mnist() || from + n > mnist->n_rows || ev_matrix_new(n, mnist->n_cols, &m, &err)) return NULL;
  memcpy(m->data, ev_matrix_row(mnist, from), (size_t)n * (size_t)mnist->n_cols * sizeof(float));
  return m;
}

void test_embed_quality(const ev_matrix *x, const ev_matrix *y, const int32_t *labels, double *acc, double *recall) {
  ev_error err = {0};
  ev_knn_params kp = ev_knn_params_default();
  kp.k = 10;
  kp.method = EV_KNN_EXACT;
  ev_knn_graph *gx = NULL, *gy = NULL;
  *acc = *recall = 0;
  if (ev_knn_graph_build(x, &kp, &gx, &err) || ev_knn_graph_build(y, &kp, &gy, &err)) {
    ev_knn_graph_free(gx);
    return;
  }
  int64_t n = x->n_rows, right = 0, kept = 0;
  for (int64_t i = 0; i < n; i++) {
    int votes[10] = {0};
    for (int t = 0; t < 10; t++) votes[labels[gy->indices[i * 10 + t]]]++;
    int best = 0;
    for (int c = 1; c < 10; c++)
      if (votes[c] > votes[best]) best = c;
    right += best == labels[i];
    for (int t = 0; t < 10; t++)
      for (int u = 0; u < 10; u++) kept += gx->indices[i * 10 + t] == gy->indices[i * 10 + u];
  }
  *acc = (double)right / (double)n;
  *recall = (double)kept / (10.0 * (double)n);
  ev_knn_graph_free(gx);
  ev_knn_graph_free(gy);
}

static void test_release_shared(void) {
  ev_matrix_free(mnist);
  ev_labels_free(mnist_labels);
  mnist = NULL;
  mnist_labels = NULL;
}

double test_placed_accuracy(const ev_matrix *y_old, const int32_t *labels_old, const ev_matrix *y_new,
                            const int32_t *labels_new) {
  ev_error err = {0};
  ev_knn_params kp = ev_knn_params_default();
  kp.k = 10;
  ev_knn_graph *g = NULL;
  if (ev_knn_query(y_old, y_new, &kp, &g, &err)) return -1;
  int64_t right = 0;
  for (int64_t i = 0; i < y_new->n_rows; i++) {
    int votes[10] = {0}, best = 0;
    for (int t = 0; t < 10; t++) votes[labels_old[g->indices[i * 10 + t]]]++;
    for (int c = 1; c < 10; c++)
      if (votes[c] > votes[best]) best = c;
    right += best == labels_new[i];
  }
  ev_knn_graph_free(g);
  return (double)right / (double)y_new->n_rows;
}
