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

int ev__atomic_begin(ev__atomic *a, const char *path, const char *who, ev_error *err) {
  memset(a, 0, sizeof *a);
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
  int fd = mkstemp(a->tmp_path);
  if (fd < 0) {
    int saved = errno;
    ev__free(a->tmp_path);
    a->tmp_path = NULL;
    ev__atomic_abort(a);
    return ev__err(err, EV_EIO, "%s: %s: cannot create a file there: %s", who, path,
                   strerror(saved));
  }
  fchmod(fd, 0644); /* mkstemp makes 0600; outputs are ordinary shared files */
  a->fp = fdopen(fd, "wb");
  if (!a->fp) {
    close(fd);
    ev__atomic_abort(a);
    return ev__err(err, EV_ENOMEM, "%s: out of memory", who);
  }
  setvbuf(a->fp, NULL, _IOFBF, 1 << 20);
  return EV_OK;
}

int ev__atomic_commit(ev__atomic *a, const char *who, ev_error *err) {
  int bad = ferror(a->fp) || fflush(a->fp) != 0 || fsync(fileno(a->fp)) != 0;
  int saved = errno;
  bad |= fclose(a->fp) != 0;
  a->fp = NULL;
  if (bad) {
    ev__atomic_abort(a);
    return ev__err(err, EV_EIO, "%s: writing failed: %s", who, strerror(saved ? saved : EIO));
  }
  if (rename(a->tmp_path, a->final_path) != 0) {
    saved = errno;
    int rc = ev__err(err, EV_EIO, "%s: %s: cannot move the new file into place: %s", who,
                     a->final_path, strerror(saved));
    ev__atomic_abort(a);
    return rc;
  }
  ev__free(a->tmp_path);
  a->tmp_path = NULL;
  ev__atomic_abort(a);
  return EV_OK;
}

void ev__atomic_abort(ev__atomic *a) {
  if (a->fp) fclose(a->fp);
  if (a->tmp_path) unlink(a->tmp_path);
  ev__free(a->tmp_path);
  ev__free(a->final_path);
  memset(a, 0, sizeof *a);
}
