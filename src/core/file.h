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

typedef struct ev__atomic {
  char *final_path;
  char *tmp_path;
  FILE *fp;
} ev__atomic;

int ev__atomic_begin(ev__atomic *a, const char *path, const char *who, ev_error *err);
/* Flush, fsync, close and rename; on failure the temporary file is removed. */
int ev__atomic_commit(ev__atomic *a, const char *who, ev_error *err);
/* Close and remove the temporary file (safe after a failed commit). */
void ev__atomic_abort(ev__atomic *a);

#endif
