/* test_util.c — the test runner and file helpers. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test.h"

int test_failed;
int test_skipped;

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
