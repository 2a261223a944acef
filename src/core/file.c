/* file.c — plain, gzip and memory-mapped file access; atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/file.h"
#include "embview/output.h"

int ev__file_stat(const char *path, const char *who, uint64_t *size, ev_error *err) {
  struct stat st;
  if (stat(path, &st) != 0)
    return ev__err(err, errno == ENOENT ? EV_ENOTFOUND : EV_EIO, "%s: %s: %s", who, path,
                   strerror(errno));
  if (S_ISDIR(st.st_mode))
    return ev__err(err, EV_EINVAL, "%s: %s: is a directory, expected a file", who, path);
  if (!S_ISREG(st.st_mode))
    return ev__err(err, EV_EINVAL, "%s: %s: not a regular file", who, path);
  if (size) *size = (uint64_t)st.st_size;
  return EV_OK;
}

int ev__file_is_gzip(const char *path) {
  unsigned char m[2];
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t got = fread(m, 1, 2, f);
  fclose(f);
  return got == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

int ev__stream_open(ev__stream *s, const char *path, const char *who, ev_error *err) {
  memset(s, 0, sizeof *s);
  s->path = path;
  s->who = who;
  int rc = ev__file_stat(path, who, &s->file_size, err);
  if (rc) return rc;
  s->is_gzip = ev__file_is_gzip(path);
  gzFile gz = gzopen(path, "rb");
  if (!gz)
    return ev__err(err, EV_EIO, "%s: %s: cannot open: %s", who, path,
                   errno ? strerror(errno) : "out of memory");
  gzbuffer(gz, 1 << 17);
  s->gz = gz;
  return EV_OK;
}

int ev__stream_read(ev__stream *s, void *dst, size_t n, size_t *got, ev_error *err) {
  size_t total = 0;
  unsigned char *p = dst;
  *got = 0;
  while (total < n) {
    unsigned chunk = (unsigned)EV__MIN(n - total, (size_t)1 << 30);
    int r = gzread((gzFile)s->gz, p + total, chunk);
    if (r < 0) {
      int zerr;
      const char *msg = gzerror((gzFile)s->gz, &zerr);
      return ev__err(err, zerr == Z_ERRNO ? EV_EIO : EV_EFORMAT,
                     "%s: %s: %s after %llu bytes: %s", s->who, s->path,
                     s->is_gzip ? "corrupt gzip data" : "read error",
                     (unsigned long long)(s->pos + total),
                     zerr == Z_ERRNO ? strerror(errno) : msg);
    }
    if (r == 0) break;
    total += (size_t)r;
  }
  s->pos += total;
  *got = total;
  /* zlib reports a gzip stream cut short only as a short read plus an error state. */
  if (total < n && s->is_gzip) {
    int zerr;
    const char *msg = gzerror((gzFile)s->gz, &zerr);
    if (zerr != Z_OK)
      return ev__err(err, EV_EFORMAT, "%s: %s: gzip data end early after %llu bytes (%s)",
                     s->who, s->path, (unsigned long long)s->pos, msg);
  }
  return EV_OK;
}

int ev__stream_read_exact(ev__stream *s, void *dst, size_t n, const char *what, ev_error *err) {
  size_t got;
  int rc = ev__stream_read(s, dst, n, &got, err);
  if (rc) return rc;
  if (got < n)
    return ev__err(err, EV_EFORMAT, "%s: %s: file truncated: %s needs %zu more bytes, got %zu",
                   s->who, s->path, what, n, got);
  return EV_OK;
}

uint64_t ev__stream_max_remaining(const ev__stream *s) {
  if (!s->is_gzip) return s->file_size > s->pos ? s->file_size - s->pos : 0;
  uint64_t cap = s->file_size * 1032ull + (1u << 20);
  return cap > s->pos ? cap - s->pos : 0;
}

void ev__stream_close(ev__stream *s) {
  if (s->gz) gzclose((gzFile)s->gz);
  s->gz = NULL;
}

int ev__file_read_all(const char *path, const char *who, size_t limit, ev__buf *out,
                      ev_error *err) {
  return ev__file_read_budget(path, who, limit, NULL, out, err);
}

/* Charge for the buffer growing to `cap` bytes (from `charged`). */
static int charge_to(ev__budget *b, size_t *charged, size_t cap, const char *who, const char *path,
                     const char *what, ev_error *err) {
  if (cap <= *charged) return EV_OK;
  int rc = ev__budget_take(b, cap - *charged, who, path, what, err);
  if (!rc) *charged = cap;
  return rc;
}

int ev__file_read_budget(const char *path, const char *who, size_t limit, ev__budget *b,
                         ev__buf *out, ev_error *err) {
  ev__stream s;
  size_t charged = 0;
  memset(out, 0, sizeof *out);
  out->limit = limit;
  int rc = ev__stream_open(&s, path, who, err);
  if (rc) return rc;
  /* A plain file's size is known: one block of that size plus one byte (the
   * NUL the text readers append, and room for the read that meets the end).
   * gzip data grow as they arrive, doubling from 1 MB, and are charged
   * before each step, so a bomb stops at the cap. */
  if (!s.is_gzip && s.file_size < limit) {
    size_t want = (size_t)s.file_size + 1;
    rc = charge_to(b, &charged, EV__MAX(want, (size_t)4096), who, path, "the file's contents", err);
    if (!rc && ev__buf_reserve(out, want) != EV_OK) rc = EV_ENOMEM;
  }
  while (rc == EV_OK) {
    if (out->cap == out->len) {
      size_t want = EV__MAX(out->cap, (size_t)1 << 20);
      if (out->limit) want = EV__MIN(want, out->limit - EV__MIN(out->limit, out->len));
      if (!want) {
        rc = EV_ERANGE;
      } else {
        char what[96];
        snprintf(what, sizeof what, "decompressing the file (%zu bytes so far)", out->len);
        /* ev__buf_reserve grows to max(need, 4096), doubling: exactly len + want here */
        if ((rc = charge_to(b, &charged, EV__MAX(out->len + want, (size_t)4096), who, path, what, err)))
          break;
        rc = ev__buf_reserve(out, want);
      }
    }
    if (rc == EV_ERANGE) {
      char lim[32];
      ev__fmt_bytes(lim, sizeof lim, (double)limit);
      rc = ev__err(err, EV_ERANGE, "%s: %s: file is larger than the %s this reader accepts", who,
                   path, lim);
      break;
    }
    if (rc) break;
    size_t got;
    rc = ev__stream_read(&s, out->data + out->len, out->cap - out->len, &got, err);
    if (rc) break;
    out->len += got;
    if (got == 0) break;
  }
  if (rc == EV_ENOMEM)
    rc = ev__err(err, EV_ENOMEM, "%s: %s: out of memory reading the file", who, path);
  ev__stream_close(&s);
  if (rc) {
    ev__budget_give(b, charged);
    ev__buf_free(out);
    return rc;
  }
  if (out->cap - out->len > ((size_t)64 << 10)) {
    /* what the doubling left unused goes back (gzip input) */
    unsigned char *p = ev__realloc(out->data, out->len + 1);
    if (!p) {
      ev__budget_give(b, charged);
      ev__buf_free(out);
      return ev__err(err, EV_ENOMEM, "%s: %s: out of memory reading the file", who, path);
    }
    out->data = p;
    out->cap = out->len + 1;
  }
  /* the caller gives back out->cap */
  if (charged > out->cap) ev__budget_give(b, charged - out->cap);
  else if (b) b->used += out->cap - charged;
  return EV_OK;
}

int ev__file_map(const char *path, const char *who, void **base, size_t *len, ev_error *err) {
  uint64_t size;
  *base = NULL;
  *len = 0;
  int rc = ev__file_stat(path, who, &size, err);
  if (rc) return rc;
  if (size == 0) return ev__err(err, EV_EFORMAT, "%s: %s: file is empty", who, path);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return ev__err(err, EV_EIO, "%s: %s: %s", who, path, strerror(errno));
  void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  int saved = errno;
  close(fd);
  if (p == MAP_FAILED)
    return ev__err(err, EV_EIO, "%s: %s: cannot map the file: %s", who, path, strerror(saved));
  *base = p;
  *len = (size_t)size;
  return EV_OK;
}

/* ---- writing ---- */

static long io_fail_at;        /* 0: never fail */
static long io_counted;        /* write-side calls since io_fail_at was set */
static int io_fail_errno = EIO;
static size_t io_buffer = (size_t)1 << 20;

void ev__io_fail_at(long k, int errno_value) {
  io_fail_at = k;
  io_counted = 0;
  io_fail_errno = errno_value ? errno_value : EIO;
}

long ev__io_count(void) { return io_counted; }

void ev__io_buffer_bytes(size_t bytes) { io_buffer = bytes ? bytes : (size_t)1 << 20; }

static int io_should_fail(void) {
  if (io_fail_at <= 0 || ++io_counted != io_fail_at) return 0;
  errno = io_fail_errno;
  return 1;
}

int ev__io_write(int fd, const void *p, size_t n) {
  if (io_should_fail()) return -1;
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    if (w == 0) { /* never for regular files; do not spin */
      errno = EIO;
      return -1;
    }
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

int ev__io_fsync(int fd) { return io_should_fail() ? -1 : fsync(fd); }

int ev__io_close(int fd) {
  if (io_should_fail()) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return close(fd);
}

int ev__io_rename(const char *from, const char *to) { return io_should_fail() ? -1 : rename(from, to); }

int ev__io_mkdir(const char *path) { return io_should_fail() ? -1 : mkdir(path, 0777); }

int ev__io_mkstemp(char *tmpl) { return io_should_fail() ? -1 : mkstemp(tmpl); }

int ev__io_mkdtemp(char *tmpl) { return io_should_fail() || !mkdtemp(tmpl) ? -1 : 0; }

/* The atomic writer's stream: glibc's buffered FILE over these two
 * functions (fopencookie), so that fprintf, fputc, fwrite and cairo's
 * callbacks all reach the file through ev__io_write.  A failure returns 0
 * bytes written, not -1: glibc marks the stream's error either way, but its
 * fwrite takes a -1 for a byte count and reads before the caller's data
 * (seen with valgrind, glibc 2.36). */
static ssize_t stream_write(void *cookie, const char *buf, size_t n) {
  ev__atomic *a = cookie;
  if (a->discard) return (ssize_t)n;
  if (!a->io_errno && ev__io_write(a->fd, buf, n) != 0) a->io_errno = errno ? errno : EIO;
  if (a->io_errno) {
    errno = a->io_errno;
    return 0;
  }
  return (ssize_t)n;
}

static int stream_close(void *cookie) {
  (void)cookie; /* the descriptor is closed (and checked) by commit */
  return 0;
}

int ev__atomic_begin(ev__atomic *a, const char *path, const char *who, ev_error *err) {
  memset(a, 0, sizeof *a);
  a->fd = -1;
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return ev__err(err, EV_EINVAL, "%s: %s: is a directory, expected a file name", who, path);
  size_t n = strlen(path);
  a->final_path = ev__strdup(path);
  a->tmp_path = ev__malloc(n + 16);
  if (!a->final_path || !a->tmp_path) {
    ev__atomic_abort(a);
    return ev__err(err, EV_ENOMEM, "%s: out of memory", who);
  }
  memcpy(a->tmp_path, path, n);
  memcpy(a->tmp_path + n, ".tmp.XXXXXX", 12);
  a->fd = ev__io_mkstemp(a->tmp_path);
  if (a->fd < 0) {
    int saved = errno;
    ev__free(a->tmp_path);
    a->tmp_path = NULL;
    ev__atomic_abort(a);
    return ev__err(err, EV_EIO, "%s: %s: cannot create a file there: %s", who, path, strerror(saved));
  }
  fchmod(a->fd, 0644); /* mkstemp makes 0600; outputs are ordinary shared files */
  cookie_io_functions_t fns = {.read = NULL, .write = stream_write, .seek = NULL, .close = stream_close};
  a->buf = ev__malloc(io_buffer); /* glibc would pick its own size for a buffer it allocates */
  a->fp = a->buf ? fopencookie(a, "wb", fns) : NULL;
  if (!a->fp || setvbuf(a->fp, a->buf, _IOFBF, io_buffer) != 0) {
    ev__atomic_abort(a);
    return ev__err(err, EV_ENOMEM, "%s: out of memory", who);
  }
  return EV_OK;
}

int ev__atomic_fail(ev__atomic *a, const char *who, ev_error *err) {
  int rc = ev__err(err, EV_EIO, "%s: %s: cannot write: %s", who, a->final_path ? a->final_path : "(file)",
                   strerror(a->io_errno ? a->io_errno : EIO));
  ev__atomic_abort(a);
  return rc;
}

/* Flush, fsync and close the temporary file; on failure abort (EV_EIO). */
static int atomic_finish(ev__atomic *a, const char *who, ev_error *err) {
  int bad = fflush(a->fp) != 0 || ferror(a->fp);
  if (bad && !a->io_errno) a->io_errno = EIO;
  a->discard = bad; /* fclose must not try again */
  if (fclose(a->fp) != 0 && !bad) {
    bad = 1;
    a->io_errno = errno ? errno : EIO;
  }
  a->fp = NULL;
  if (!bad && ev__io_fsync(a->fd) != 0) {
    bad = 1;
    a->io_errno = errno;
  }
  int fd = a->fd;
  a->fd = -1;
  if (ev__io_close(fd) != 0 && !bad) { /* a full disk or a network file system may say so only here */
    bad = 1;
    a->io_errno = errno;
  }
  return bad ? ev__atomic_fail(a, who, err) : EV_OK;
}

int ev__atomic_commit(ev__atomic *a, const char *who, ev_error *err) {
  int rc = atomic_finish(a, who, err);
  if (rc) return rc;
  if (ev__io_rename(a->tmp_path, a->final_path) != 0) {
    int saved = errno;
    rc = ev__err(err, EV_EIO, "%s: %s: cannot move the new file into place: %s", who, a->final_path,
                 strerror(saved));
    ev__atomic_abort(a);
    return rc;
  }
  ev__free(a->tmp_path);
  a->tmp_path = NULL;
  ev__atomic_abort(a);
  return EV_OK;
}

int ev__publish(int n, char *const *from, char *const *to, char *const *aside, const char *who, int *stranded,
                ev_error *err) {
  enum { ASIDE = 1, MOVED = 2 };
  unsigned char state[EV__PUBLISH_MAX] = {0};
  struct stat st;
  int rc = EV_OK, i;
  *stranded = 0;
  if (n > EV__PUBLISH_MAX) return ev__err(err, EV_EINTERNAL, "%s: %d files at once, at most %d", who, n, EV__PUBLISH_MAX);
  for (i = 0; i < n; i++)
    if (stat(to[i], &st) == 0 && S_ISDIR(st.st_mode))
      return ev__err(err, EV_EINVAL, "%s: %s: is a directory, expected a file name", who, to[i]);
  for (i = 0; i < n; i++) {
    if (lstat(to[i], &st) == 0) {
      if (ev__io_rename(to[i], aside[i]) != 0) {
        rc = ev__err(err, EV_EIO, "%s: %s: cannot move the previous file aside: %s", who, to[i], strerror(errno));
        break;
      }
      state[i] |= ASIDE;
    }
    if (ev__io_rename(from[i], to[i]) != 0) {
      rc = ev__err(err, EV_EIO, "%s: %s: cannot move the new file into place: %s", who, to[i], strerror(errno));
      break;
    }
    state[i] |= MOVED;
  }
  /* undo in reverse order; these renames are not counted by the test hook
   * (they are the cleanup of one failure, as unlink is) */
  for (int j = rc ? EV__MIN(i, n - 1) : -1; j >= 0; j--) {
    if ((state[j] & MOVED) && rename(to[j], from[j]) != 0) *stranded = 1;
    if ((state[j] & ASIDE) && rename(aside[j], to[j]) != 0) *stranded = 1;
  }
  if (*stranded)
    ev__err_prefix(err, "%s: the previous files could not all be put back (those missing are kept as %s ...)", who,
                   aside[0]);
  return rc;
}

int ev__atomic_commit_set(ev__atomic *set, int n, const char *who, ev_error *err) {
  int rc = EV_OK, stranded = 0;
  for (int i = 0; i < n && !rc; i++) rc = atomic_finish(&set[i], who, err);
  char *from[EV__PUBLISH_MAX], *to[EV__PUBLISH_MAX], *aside[EV__PUBLISH_MAX] = {0};
  if (!rc && n > EV__PUBLISH_MAX) rc = ev__err(err, EV_EINTERNAL, "%s: %d files at once", who, n);
  for (int i = 0; i < n && !rc; i++) {
    size_t len = strlen(set[i].tmp_path) + 5;
    from[i] = set[i].tmp_path;
    to[i] = set[i].final_path;
    if (!(aside[i] = ev__malloc(len))) rc = ev__err(err, EV_ENOMEM, "%s: out of memory", who);
    else snprintf(aside[i], len, "%s.old", set[i].tmp_path); /* unique as the mkstemp name is */
  }
  if (!rc) rc = ev__publish(n, from, to, aside, who, &stranded, err);
  for (int i = 0; i < n; i++) {
    if (!rc) { /* the new files are in place: the temporary names are gone, the previous files go */
      unlink(aside[i]);
      ev__free(set[i].tmp_path);
      set[i].tmp_path = NULL;
    }
    if (i < EV__PUBLISH_MAX) ev__free(aside[i]);
    ev__atomic_abort(&set[i]);
  }
  return rc;
}

void ev__atomic_abort(ev__atomic *a) {
  if (a->fp) {
    a->discard = 1;
    fclose(a->fp);
  }
  if (a->tmp_path && a->fd >= 0) close(a->fd);
  if (a->tmp_path) unlink(a->tmp_path);
  ev__free(a->buf);
  ev__free(a->tmp_path);
  ev__free(a->final_path);
  memset(a, 0, sizeof *a);
  a->fd = -1;
}

/* ---- the public face of atomic writes (embview/io.h) ---- */

struct ev_output {
  ev__atomic a;  /* first: the stream points at it, so the struct stays on the heap */
  char what[32];
};

int ev_output_open(const char *path, const char *what, ev_output **out, ev_error *err) {
  *out = NULL;
  ev_output *o = ev__calloc(1, sizeof *o);
  if (!o) return ev__err(err, EV_ENOMEM, "%s: out of memory", what ? what : "output");
  snprintf(o->what, sizeof o->what, "%s", what ? what : "output");
  int rc = ev__atomic_begin(&o->a, path, o->what, err);
  if (rc) {
    ev__free(o);
    return rc;
  }
  *out = o;
  return EV_OK;
}

FILE *ev_output_stream(ev_output *o) { return o->a.fp; }

int ev_output_commit(ev_output *o, ev_error *err) {
  int rc = ev__atomic_commit(&o->a, o->what, err);
  ev__free(o);
  return rc;
}

void ev_output_abort(ev_output *o) {
  if (!o) return;
  ev__atomic_abort(&o->a);
  ev__free(o);
}
