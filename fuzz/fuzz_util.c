/* fuzz_util.c — see fuzz_util.h.
 *
 * Mapped files on the heap.  ev__file_map (core/file.c) maps whole files
 * with mmap; a read past the end of such a map lands in the rest of the last
 * page and goes unnoticed, where the same read past a heap block is reported
 * by AddressSanitizer.  Harness binaries are linked with
 * -Wl,--wrap=mmap,--wrap=munmap (FZ_WRAP_MMAP): the library's private file
 * maps become heap copies of exactly the file's size, so NPY, NPZ and labels
 * readers get the same overread detection as the in-memory parsers.  Every
 * other mmap call passes through unchanged.
 */
#include "fuzz_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embview/embview.h"

static char scratch[256];

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
  }
  rmdir(dir);
}

static void remove_scratch(void) { remove_dir(scratch); }

/* Folders left by harnesses that crashed (no atexit then) and are gone. */
static void remove_stale(const char *base) {
  DIR *d = opendir(base);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long pid;
    char tail;
    if (sscanf(e->d_name, "embview-fuzz-%ld%c", &pid, &tail) != 1 || pid <= 0) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", base, e->d_name);
    remove_dir(dir);
  }
  closedir(d);
}

void fz_init(void) {
  if (scratch[0]) return;
  ev_set_default_threads(1);
  struct stat st;
  const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
                         ? "/dev/shm"
                         : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  remove_stale(base);
  snprintf(scratch, sizeof scratch, "%s/embview-fuzz-%ld", base, (long)getpid());
  if (mkdir(scratch, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "fuzz: cannot create the scratch folder %s: %s\n", scratch, strerror(errno));
    abort();
  }
  atexit(remove_scratch);
}

const char *fz_path(char out[FZ_PATH_MAX], const char *name) {
  fz_init();
  snprintf(out, FZ_PATH_MAX, "%s/%s", scratch, name);
  return out;
}

const char *fz_write(char out[FZ_PATH_MAX], const char *name, const void *data, size_t size) {
  fz_path(out, name);
  int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const unsigned char *p = data;
  size_t done = 0;
  while (fd >= 0 && done < size) {
    ssize_t w = write(fd, p + done, size - done);
    if (w <= 0) break;
    done += (size_t)w;
  }
  if (fd < 0 || done < size || close(fd) != 0) {
    fprintf(stderr, "fuzz: cannot write %s: %s\n", out, strerror(errno));
    abort();
  }
  return out;
}

void fz_remove(const char *name) {
  char path[FZ_PATH_MAX];
  unlink(fz_path(path, name));
}

void fz_outcome(const char *what, int rc, const ev_error *err) {
  static int verbose = -1;
  if (verbose < 0) verbose = getenv("EV_FUZZ_VERBOSE") && atoi(getenv("EV_FUZZ_VERBOSE")) > 0;
  if (verbose) fprintf(stderr, "  %s: %s%s%s\n", what, ev_strerror(rc), rc && err ? ": " : "", rc && err ? err->msg : "");
}

void fz_check_matrix(const ev_matrix *m) {
  if (!m) return;
  if (m->n_rows < 0 || m->n_cols < 1 || m->stride < m->n_cols || (m->n_rows && !m->data)) abort();
  /* its size in bytes must be a size_t, even with no rows (a row must fit) */
  size_t bytes;
  if (__builtin_mul_overflow((size_t)(m->n_rows ? m->n_rows : 1), (size_t)m->stride, &bytes) ||
      __builtin_mul_overflow(bytes, sizeof(float), &bytes))
    abort();
  volatile float sink = 0;
  float acc = 0;
  for (int64_t i = 0; i < m->n_rows; i++) {
    const float *row = m->data + i * m->stride;
    for (int64_t j = 0; j < m->n_cols; j++) acc += row[j];
  }
  sink = acc;
  (void)sink;
}

void fz_check_table(const ev_table *t) {
  if (!t) return;
  int64_t n = ev_table_n_rows(t);
  int n_cols = ev_table_n_cols(t);
  if (n < 0 || n_cols < 0) abort();
  volatile size_t sink = 0;
  /* every cell while that stays linear in the input; a sample of rows beyond
   * (a wide sparse table has rows x columns cells but few present) */
  int64_t step = (int64_t)n_cols * n > 4000000 ? (int64_t)n_cols * n / 4000000 + 1 : 1;
  for (int j = 0; j < n_cols; j++) {
    const char *name = ev_table_col_name(t, j);
    if (!name) abort();
    sink += strlen(name);
    int numeric = ev_table_col_is_numeric(t, j);
    for (int64_t i = 0; i < n; i += step) {
      const char *cell = ev_table_cell(t, i, j);
      if (cell) sink += strlen(cell);
      if (numeric) sink += ev_table_cell_number(t, i, j) > 0;
    }
    sink += (size_t)ev_table_col_n_distinct(t, j);
    ev_labels *labels = NULL;
    if (j < 4 && ev_labels_from_column(t, j, &labels, NULL) == EV_OK) {
      if (labels->n != n || labels->n_classes < 0) abort();
      for (int64_t i = 0; i < n; i++)
        if (labels->codes[i] < -1 || labels->codes[i] >= labels->n_classes) abort();
      for (int32_t c = 0; c < labels->n_classes; c++) sink += strlen(labels->class_names[c]);
      ev_labels_free(labels);
    }
  }
  sink += (size_t)ev_table_default_label_col(t);
  (void)sink;
}

int fz_plain_name(const char *s) {
  return s && s[0] && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

#ifdef FZ_WRAP_MMAP
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_munmap(void *addr, size_t len);

#define FZ_MAPS 64
static void *heap_maps[FZ_MAPS]; /* live heap copies standing in for maps */

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  int slot = -1;
  for (int i = 0; i < FZ_MAPS && slot < 0; i++)
    if (!heap_maps[i]) slot = i;
  if (addr || fd < 0 || off != 0 || len == 0 || !(flags & MAP_PRIVATE) || slot < 0)
    return __real_mmap(addr, len, prot, flags, fd, off);
  unsigned char *p = malloc(len);
  if (!p) {
    errno = ENOMEM;
    return MAP_FAILED;
  }
  size_t got = 0;
  while (got < len) {
    ssize_t r = pread(fd, p + got, len - got, (off_t)got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  memset(p + got, 0, len - got); /* a file that shrank: a real map would fault */
  heap_maps[slot] = p;
  return p;
}

int __wrap_munmap(void *addr, size_t len) {
  for (int i = 0; i < FZ_MAPS; i++)
    if (addr && heap_maps[i] == addr) {
      heap_maps[i] = NULL;
      free(addr);
      return 0;
    }
  return __real_munmap(addr, len);
}
#endif
