/* internal.h — helpers shared by the library's modules; not public API.
 *
 * Allocation goes through ev__malloc & co. so that tests can make the k-th
 * allocation fail (ev__alloc_fail_at).  Errors are set with ev__err, notes
 * with ev__note.  Size arithmetic that depends on file contents uses the
 * checked ev__mul/ev__add helpers.
 */
#ifndef EV_CORE_INTERNAL_H
#define EV_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "embview/error.h"

#if defined(__GNUC__)
#define EV__PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define EV__PRINTF(fmt_idx, arg_idx)
#endif

#define EV__MIN(a, b) ((a) < (b) ? (a) : (b))
#define EV__MAX(a, b) ((a) > (b) ? (a) : (b))
#define EV__COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- allocation ---- */
void *ev__malloc(size_t n);
void *ev__calloc(size_t count, size_t size);
void *ev__realloc(void *p, size_t n);
void ev__free(void *p);
char *ev__strdup(const char *s);
char *ev__strndup(const char *s, size_t n);

/* Test hook: when > 0, the allocation with that 1-based number (counted from
 * the moment it is set) fails.  0 disables.  Not thread-safe by design: set it
 * in single-threaded tests only. */
void ev__alloc_fail_at(long k);
long ev__alloc_count(void);
/* Test hook: on = 1 starts counting the bytes allocated through these
 * wrappers (from zero; freeing memory allocated before counts negative),
 * on = 0 stops.  ev__alloc_peak() is the highest count since the start:
 * what a reader held at most, for tests that bound its amplification. */
void ev__alloc_track(int on);
int64_t ev__alloc_peak(void);

/* Test hook for writes (core/file.c): when k > 0, the write-side system call
 * with that 1-based number (counted from the moment it is set: creating a
 * file or folder, each write, fsync, close, rename) fails with errno_value
 * (ENOSPC, EIO, ...; 0 means EIO).  0 disables.  ev__io_count says how many
 * were counted.  ev__io_buffer_bytes sets the write buffer of atomic writes
 * (0: the default 1 MB), small in tests so that failures land between a
 * writer's own calls.  Single-threaded tests only, as the allocation hook. */
void ev__io_fail_at(long k, int errno_value);
long ev__io_count(void);
void ev__io_buffer_bytes(size_t bytes);

/* ---- errors and notes ---- */
/* Sets err (if non-NULL) and returns `code`, so callers can `return ev__err(...)`. */
int ev__err(ev_error *err, int code, const char *fmt, ...) EV__PRINTF(3, 4);
/* Prefix an existing message: "<prefix>: <old message>". */
int ev__err_prefix(ev_error *err, const char *fmt, ...) EV__PRINTF(2, 3);
void ev__note(ev_notes *notes, const char *fmt, ...) EV__PRINTF(2, 3);

/* ---- checked arithmetic (0 on success, -1 on overflow) ---- */
static inline int ev__mul(size_t a, size_t b, size_t *out) {
  return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}
static inline int ev__add(size_t a, size_t b, size_t *out) {
  return __builtin_add_overflow(a, b, out) ? -1 : 0;
}

/* ---- growable byte buffer with a hard cap ---- */
typedef struct ev__buf {
  unsigned char *data;
  size_t len;
  size_t cap;      /* allocated */
  size_t limit;    /* never grow beyond this many bytes */
} ev__buf;

/* Ensure room for `extra` more bytes; EV_ERANGE when that passes limit. */
int ev__buf_reserve(ev__buf *b, size_t extra);
int ev__buf_append(ev__buf *b, const void *p, size_t n);
void ev__buf_free(ev__buf *b);

/* ---- an enum's one name table, both ways (the public _name / _parse) ----
 * names[v], or "?" outside the table; the value whose name is `name`, or -1
 * (also for NULL), so that a front end maps names through the same table. */
static inline const char *ev__enum_name(const char *const *names, int n, int v) {
  return v >= 0 && v < n && names[v] ? names[v] : "?";
}
static inline int ev__enum_parse(const char *const *names, int n, const char *name) {
  for (int v = 0; name && v < n; v++)
    if (names[v] && !strcmp(names[v], name)) return v;
  return -1;
}

/* ---- misc ---- */
const char *ev__basename(const char *path);
/* Render a byte count for messages: "1.5 GB". */
void ev__fmt_bytes(char *out, size_t out_len, double bytes);

#endif

/* ---- matrix construction for readers ---- */
#include "embview/matrix.h"
/* Hand a heap block of n_rows * n_cols floats (from ev__malloc) to a new matrix. */
int ev__matrix_adopt_heap(float *data, int64_t n_rows, int64_t n_cols, ev_matrix **out,
                          ev_error *err);
/* Hand a private file mapping to a new matrix; `data` points inside [base, base+len). */
int ev__matrix_adopt_map(void *base, size_t len, float *data, int64_t n_rows, int64_t n_cols,
                         ev_matrix **out, ev_error *err);
/* Column means and (when sd != NULL) population standard deviations, in double. */
void ev__column_moments(const ev_matrix *m, int n_threads, double *mean, double *sd);

/* ---- numbers in text ---- */
/* Parse a whole field as a finite number the way JavaScript's Number() would
 * for ordinary decimal text: surrounding ASCII whitespace is ignored, the rest
 * must be a number.  Returns 1 on success. */
int ev__parse_number(const char *s, size_t len, double *out);
