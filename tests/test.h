/* test.h — a minimal test harness: informative asserts and a test table.
 *
 * Each tests/test_<module>.c defines TEST functions, lists them in a table
 * and calls test_main().  A failed assert prints file:line and both values,
 * marks the test failed and returns from it.  `./test_x name` runs one test.
 * A test can call TEST_SKIP("why") when data it needs is absent; a binary
 * whose tests all skip exits 77 (ctest's SKIP_RETURN_CODE).
 */
#ifndef EV_TEST_H
#define EV_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embview/embview.h"

#ifndef EV_SOURCE_DIR
#define EV_SOURCE_DIR "."
#endif
#ifndef EV_BINARY_DIR
#define EV_BINARY_DIR "."
#endif
#define EV_SHARED_DIR EV_SOURCE_DIR "/../shared"

/* Under the sanitizers (about 5-10x slower) the heaviest tests run on less
 * data; the optimised build asserts the quality floors on the full sets. */
#ifdef EV_SANITIZED
#define EV_TEST_SANITIZED 1
#else
#define EV_TEST_SANITIZED 0
#endif
#define EV_TEST_OUT EV_BINARY_DIR "/tests/out"

typedef struct test_case {
  const char *name;
  void (*fn)(void);
} test_case;

extern int test_failed;  /* set by a failing assert */
extern int test_skipped; /* set by TEST_SKIP */

#define TEST(name) static void name(void)

#define TEST_FAIL_(...)                                   \
  do {                                                    \
    fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);     \
    fprintf(stderr, __VA_ARGS__);                         \
    fputc('\n', stderr);                                  \
    test_failed = 1;                                      \
    return;                                               \
  } while (0)

#define TEST_SKIP(why)                          \
  do {                                          \
    fprintf(stderr, "  skipped: %s\n", why);    \
    test_skipped = 1;                           \
    return;                                     \
  } while (0)

#define ASSERT_TRUE(c) \
  do {                 \
    if (!(c)) TEST_FAIL_("expected %s", #c); \
  } while (0)

#define ASSERT_EQ(a, b)                                                                  \
  do {                                                                                   \
    long long a_ = (long long)(a), b_ = (long long)(b);                                  \
    if (a_ != b_) TEST_FAIL_("%s == %s: got %lld and %lld", #a, #b, a_, b_);             \
  } while (0)

#define ASSERT_NEAR(a, b, tol)                                                           \
  do {                                                                                   \
    double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol);                       \
    if (!(fabs(a_ - b_) <= t_))                                                          \
      TEST_FAIL_("%s ~ %s (tol %g): got %.9g and %.9g", #a, #b, t_, a_, b_);             \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                              \
  do {                                                                                   \
    const char *a_ = (a), *b_ = (b);                                                     \
    if (!a_ || !b_ || strcmp(a_, b_) != 0)                                               \
      TEST_FAIL_("%s == %s: got \"%s\" and \"%s\"", #a, #b, a_ ? a_ : "(null)",          \
                 b_ ? b_ : "(null)");                                                    \
  } while (0)

#define ASSERT_CONTAINS(hay, needle)                                                     \
  do {                                                                                   \
    const char *h_ = (hay), *n_ = (needle);                                              \
    if (!h_ || !strstr(h_, n_)) TEST_FAIL_("\"%s\" should contain \"%s\"", h_ ? h_ : "(null)", n_); \
  } while (0)

/* A library call that must succeed; prints its error message otherwise. */
#define ASSERT_OK(call, err)                                                             \
  do {                                                                                   \
    int rc_ = (call);                                                                    \
    if (rc_ != EV_OK) TEST_FAIL_("%s failed: %s (%s)", #call, (err)->msg, ev_err_name(rc_)); \
  } while (0)

/* A library call that must fail with `code` and a message containing `substr`. */
#define ASSERT_ERR(call, code, err, substr)                                              \
  do {                                                                                   \
    ev_error_clear(err);                                                                 \
    int rc_ = (call);                                                                    \
    if (rc_ != (code))                                                                   \
      TEST_FAIL_("%s: expected %s, got %s (%s)", #call, ev_err_name(code), ev_err_name(rc_), \
                 (err)->msg);                                                            \
    if (!strstr((err)->msg, (substr)))                                                   \
      TEST_FAIL_("%s: message \"%s\" should contain \"%s\"", #call, (err)->msg, (substr)); \
  } while (0)

int test_main(int argc, char **argv, const test_case *tests, int n_tests);

/* Helpers shared by tests (test_util.c). */
int test_file_exists(const char *path);
/* Write bytes to EV_TEST_OUT/name and return the full path (static buffer ring). */
const char *test_write_file(const char *name, const void *data, size_t len);
/* Read a whole file (malloc'd, NUL-terminated); NULL on failure. */
char *test_read_file(const char *path, size_t *len);
const char *test_out_path(const char *name);
/* Run a shell command; returns its exit status (or -1). */
int test_system(const char *cmd);

/* MNIST-10k from data/ (loaded once; NULL if missing), its labels (class
 * codes 0..9), and a new matrix of rows [from, from + n). */
const ev_matrix *test_mnist(void);
const int32_t *test_mnist_labels(void);
ev_matrix *test_mnist_rows(int64_t from, int64_t n);
/* Leave-one-out 10-NN label accuracy of an embedding y of x (10 classes),
 * and the share of x's 10 nearest neighbours that stay among y's 10. */
void test_embed_quality(const ev_matrix *x, const ev_matrix *y, const int32_t *labels, double *acc, double *recall);
/* Share of new points whose 10 nearest reference points on the map (y_old)
 * vote for the new point's label (10 classes); -1 on failure. */
double test_placed_accuracy(const ev_matrix *y_old, const int32_t *labels_old, const ev_matrix *y_new,
                            const int32_t *labels_new);

#endif
