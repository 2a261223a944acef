/* file.h — file access shared by the readers and writers.
 *
 * ev__stream reads a file that may be gzip-compressed (zlib's gz* functions
 * read plain files transparently).  ev__atomic writes to a temporary file in
 * the target's folder and renames it into place on commit.
 */
#ifndef EV_CORE_FILE_H
#define EV_CORE_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "core/budget.h"
#include "core/internal.h"

/* Check that `path` is a readable regular file; returns its size. */
int ev__file_stat(const char *path, const char *who, uint64_t *size, ev_error *err);

/* Read the whole (uncompressed) file into memory, at most `limit` bytes
 * (EV_ERANGE beyond that).  The buffer always has room for one more byte
 * (out->cap > out->len), so a reader can append a NUL without growing it. */
int ev__file_read_all(const char *path, const char *who, size_t limit, ev__buf *out,
                      ev_error *err);
/* The same, charging the buffer to b as it grows (gzip data grow as they
 * are decompressed, so a bomb stops at the cap); the caller gives back
 * out->cap when it frees the buffer. */
int ev__file_read_budget(const char *path, const char *who, size_t limit, ev__budget *b,
                         ev__buf *out, ev_error *err);

/* Map the whole file privately (copy-on-write: writes never reach the file). */
int ev__file_map(const char *path, const char *who, void **base, size_t *len, ev_error *err);

/* Whether the file starts with the gzip magic bytes. */
int ev__file_is_gzip(const char *path);

typedef struct ev__stream {
  void *gz;             /* gzFile */
  const char *path;
  const char *who;      /* reader name for messages */
  uint64_t file_size;   /* compressed size on disk */
  int is_gzip;
  uint64_t pos;         /* uncompressed bytes consumed */
} ev__stream;

int ev__stream_open(ev__stream *s, const char *path, const char *who, ev_error *err);
/* Read exactly n bytes; EV_EFORMAT "truncated" naming `what` when the data end first. */
int ev__stream_read_exact(ev__stream *s, void *dst, size_t n, const char *what, ev_error *err);
/* Read up to n bytes; *got receives the count (0 at end of data). */
int ev__stream_read(ev__stream *s, void *dst, size_t n, size_t *got, ev_error *err);
/* The most uncompressed bytes the rest of the file can plausibly hold:
 * the remaining file size for plain files, 1032x it (deflate's maximum ratio)
 * for gzip. */
uint64_t ev__stream_max_remaining(const ev__stream *s);
void ev__stream_close(ev__stream *s);

/* ---- writing ----
 *
 * Every write-side system call of the library goes through these wrappers
 * (they return 0, or -1 with errno), so that tests can make the k-th of them
 * fail with ENOSPC or EIO (ev__io_fail_at in core/internal.h).  An injected
 * failure does nothing (close still releases the descriptor, as Linux does). */
int ev__io_write(int fd, const void *p, size_t n); /* all n bytes, retrying short writes */
int ev__io_fsync(int fd);
int ev__io_close(int fd);
int ev__io_rename(const char *from, const char *to);
int ev__io_mkdir(const char *path);              /* mode 0777 before the umask */
int ev__io_mkstemp(char *tmpl);                  /* the descriptor, or -1 */
int ev__io_mkdtemp(char *tmpl);

/* An atomic write: a temporary file beside the target (PATH.tmp.XXXXXX),
 * renamed into place on commit.  Write through `fp`, a buffered stream whose
 * writes go to ev__io_write; a failed write is remembered (io_errno) and
 * later writes are dropped, so writers may ignore fputc/fprintf results and
 * let commit report the first error.  The stream refers to the struct: an
 * ev__atomic stays where begin put it until commit or abort. */
typedef struct ev__atomic {
  char *final_path;
  char *tmp_path;
  FILE *fp;
  int fd;               /* the temporary file; -1 once closed */
  int io_errno;         /* errno of the first failed write (0: none) */
  int discard;          /* set while aborting: buffered bytes are dropped */
  char *buf;            /* the stream's buffer (ev__io_buffer_bytes) */
} ev__atomic;

int ev__atomic_begin(ev__atomic *a, const char *path, const char *who, ev_error *err);
/* Flush, fsync, close and rename; on failure the temporary file is removed
 * and the error (EV_EIO) names the target and the system's reason. */
int ev__atomic_commit(ev__atomic *a, const char *who, ev_error *err);
/* Commit several files as one: each is finished (flush, fsync, close), then
 * all move into place by ev__publish.  On failure every temporary file is
 * removed and the previous files stay as they were, all of them. */
int ev__atomic_commit_set(ev__atomic *set, int n, const char *who, ev_error *err);

/* Move finished files from[i] to to[i], i = 0..n-1 (n <= EV__PUBLISH_MAX),
 * each existing to[i] first moved aside to aside[i] (same file system).  A
 * failed rename undoes the ones done in reverse order (new files back to
 * from[], previous ones back to to[]) and returns EV_EIO naming the file;
 * the previous set is then whole again.  Should the undo itself fail,
 * *stranded is set and the message says so: the caller must then keep the
 * aside files.  On success the previous files are at aside[] for the caller
 * to remove. */
#define EV__PUBLISH_MAX 16
int ev__publish(int n, char *const *from, char *const *to, char *const *aside, const char *who, int *stranded,
                ev_error *err);

/* For a writer that saw a write fail (a short fwrite, cairo's write error):
 * abort and return EV_EIO "who: PATH: cannot write: <first error>". */
int ev__atomic_fail(ev__atomic *a, const char *who, ev_error *err);
/* Close and remove the temporary file (safe after a failed commit, and on a
 * zeroed struct). */
void ev__atomic_abort(ev__atomic *a);

#endif
