/* replay_main.c — a harness without libFuzzer: runs LLVMFuzzerTestOneInput
 * once on every file named, or under the folders named (sorted, not
 * recursive; a missing folder is no inputs).  ctest runs each harness on its
 * seeds (fuzz/corpus/NAME) and regression inputs (fuzz/regressions/NAME) in
 * every build, so a fixed crash stays fixed under gcc, clang, the sanitizers
 * and without OpenMP.
 *
 * Each input gets EV_FUZZ_REPLAY_LIMIT_S seconds of CPU time (default 1, as
 * libFuzzer's -timeout in `make fuzz`; 0 = no limit): a slower one is
 * reported by name and fails the run.  Our readers are linear and these
 * inputs small, so a correct reader takes milliseconds even under the
 * sanitizers; CPU time, not wall time, so a loaded machine does not fail it.  Inputs are read into buffers of exactly their
 * size, as libFuzzer passes them, so a read past the end is an ASan report.
 *
 * usage: replay_NAME PATH...    exit 0 when every input ran, 1 otherwise
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_util.h"

static const char *current; /* the input being run, for the alarm handler */

static void on_limit(int sig) {
  (void)sig;
  static const char msg[] = "replay: CPU time limit (EV_FUZZ_REPLAY_LIMIT_S) exceeded on ";
  ssize_t ignored = write(2, msg, sizeof msg - 1);
  ignored = write(2, current, strlen(current));
  ignored = write(2, "\n", 1);
  (void)ignored;
  _exit(1);
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct stats {
  int n;
  double slowest_s;
  char slowest[4096];
} stats;

static int run_file(const char *path, unsigned limit_s, stats *st) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 1;
  }
  size_t cap = 1 << 16, len = 0;
  unsigned char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + len, 1, cap - len, f)) > 0;) {
    len += got;
    if (len == cap) {
      unsigned char *nb = realloc(buf, cap *= 2);
      if (!nb) free(buf);
      buf = nb;
    }
  }
  int bad = !buf || ferror(f);
  fclose(f);
  /* an exactly-sized copy: libFuzzer's inputs end at their last byte */
  unsigned char *exact = bad ? NULL : malloc(len ? len : 1);
  if (exact) memcpy(exact, buf, len);
  free(buf);
  if (!exact) {
    fprintf(stderr, "replay: %s: cannot read the file\n", path);
    return 1;
  }
  current = path;
  fprintf(stderr, "%s\n", path); /* the last name printed is the input a sanitizer report is about */
  double t0 = now_s();
  struct itimerval on = {{0, 0}, {(time_t)limit_s, 0}}, off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_PROF, &on, NULL);
  LLVMFuzzerTestOneInput(exact, len);
  setitimer(ITIMER_PROF, &off, NULL);
  double dt = now_s() - t0;
  free(exact);
  st->n++;
  if (dt > st->slowest_s) {
    st->slowest_s = dt;
    snprintf(st->slowest, sizeof st->slowest, "%s", path);
  }
  return 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned limit_s, stats *st) {
  DIR *d = opendir(dir);
  if (!d) return 0; /* no such folder: no inputs of that kind yet */
  char **names = NULL;
  size_t n = 0, cap = 0;
  int bad = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md")) continue;
    if (n == cap) {
      char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
      if (!nn) {
        bad = 1;
        break;
      }
      names = nn;
    }
    size_t l = strlen(dir) + strlen(e->d_name) + 2;
    if (!(names[n] = malloc(l))) {
      bad = 1;
      break;
    }
    snprintf(names[n++], l, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    struct stat sb;
    if (!bad && stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) bad |= run_file(names[i], limit_s, st);
    free(names[i]);
  }
  free(names);
  if (bad) fprintf(stderr, "replay: %s: cannot list the folder\n", dir);
  return bad;
}

int main(int argc, char **argv) {
  const char *env = getenv("EV_FUZZ_REPLAY_LIMIT_S");
  unsigned limit_s = env && *env ? (unsigned)strtoul(env, NULL, 10) : 1;
  signal(SIGPROF, on_limit);
  stats st = {0, 0, ""};
  int bad = 0;
  for (int i = 1; i < argc; i++) {
    struct stat sb;
    if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
      bad |= run_dir(argv[i], limit_s, &st);
    else if (stat(argv[i], &sb) == 0)
      bad |= run_file(argv[i], limit_s, &st);
    else if (errno == ENOENT)
      printf("replay: %s: not there (no inputs)\n", argv[i]);
    else
      bad = 1, fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
  }
  printf("replay: %d input(s) ran", st.n);
  if (st.n) printf("; slowest %.3f s (%s)", st.slowest_s, st.slowest);
  printf("\n");
  return bad;
}
