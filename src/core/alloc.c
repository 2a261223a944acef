/* alloc.c — the library's allocator wrappers, with a fault-injection hook for tests. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/internal.h"

/* Large blocks (matrices, buffers) ask for transparent huge pages: on the
 * virtual machines this runs on, first-touch page faults otherwise cost more
 * than the arithmetic (perf: 40% of an IDX load was page faults). */
#define HUGE_MIN_BYTES ((size_t)8 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void *advise_huge(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  if (p && n >= HUGE_MIN_BYTES) {
    uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
    if (b > a) madvise((void *)a, b - a, MADV_HUGEPAGE);
  }
#endif
  return p;
}

static long fail_at;  /* 0: never fail */
static long counted;  /* allocations since fail_at was set */

void ev__alloc_fail_at(long k) {
  fail_at = k;
  counted = 0;
}

long ev__alloc_count(void) { return counted; }

static int should_fail(void) {
  if (fail_at <= 0) return 0;
  return ++counted == fail_at;
}

/* Byte tracking for tests: the live bytes (as malloc_usable_size counts
 * them) since tracking began, and their peak.  Atomic, because readers
 * allocate inside parallel loops. */
static int tracking;
static int64_t live, peak;

void ev__alloc_track(int on) {
  __atomic_store_n(&live, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&peak, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&tracking, on, __ATOMIC_RELAXED);
}

int64_t ev__alloc_peak(void) { return __atomic_load_n(&peak, __ATOMIC_RELAXED); }

static void track(void *p, int sign) {
  if (!p || !__atomic_load_n(&tracking, __ATOMIC_RELAXED)) return;
  int64_t n = (int64_t)malloc_usable_size(p) * sign;
  int64_t now = __atomic_add_fetch(&live, n, __ATOMIC_RELAXED);
  int64_t old = __atomic_load_n(&peak, __ATOMIC_RELAXED);
  while (now > old && !__atomic_compare_exchange_n(&peak, &old, now, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

void *ev__malloc(size_t n) {
  if (should_fail()) return NULL;
  void *p = advise_huge(malloc(n ? n : 1), n);
  track(p, 1);
  return p;
}

void *ev__calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  void *p = (count == 0 || size == 0) ? calloc(1, 1) : advise_huge(calloc(count, size), count * size);
  track(p, 1);
  return p;
}

void *ev__realloc(void *p, size_t n) {
  if (should_fail()) return NULL;
  size_t before = p && __atomic_load_n(&tracking, __ATOMIC_RELAXED) ? malloc_usable_size(p) : 0;
  void *q = advise_huge(realloc(p, n ? n : 1), n);
  if (q && __atomic_load_n(&tracking, __ATOMIC_RELAXED)) {
    __atomic_sub_fetch(&live, (int64_t)before, __ATOMIC_RELAXED);
    track(q, 1);
  }
  return q;
}

void ev__free(void *p) {
  track(p, -1);
  free(p);
}

char *ev__strndup(const char *s, size_t n) {
  char *d = ev__malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *ev__strdup(const char *s) { return ev__strndup(s, strlen(s)); }

int ev__buf_reserve(ev__buf *b, size_t extra) {
  size_t need;
  if (ev__add(b->len, extra, &need) || (b->limit && need > b->limit)) return EV_ERANGE;
  if (need <= b->cap) return EV_OK;
  size_t cap = b->cap ? b->cap : EV__MAX(need, (size_t)4096); /* first block: what was asked */
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  if (b->limit && cap > b->limit) cap = b->limit;
  unsigned char *p = ev__realloc(b->data, cap);
  if (!p) return EV_ENOMEM;
  b->data = p;
  b->cap = cap;
  return EV_OK;
}

int ev__buf_append(ev__buf *b, const void *p, size_t n) {
  if (n == 0) return EV_OK; /* also when nothing is allocated yet: memcpy wants real pointers */
  int rc = ev__buf_reserve(b, n);
  if (rc) return rc;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return EV_OK;
}

void ev__buf_free(ev__buf *b) {
  ev__free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

const char *ev__basename(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

void ev__fmt_bytes(char *out, size_t out_len, double bytes) {
  const char *unit[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000.0 && u < 6) {
    bytes /= 1000.0;
    u++;
  }
  if (u == 0)
    snprintf(out, out_len, "%.0f %s", bytes, unit[u]);
  else
    snprintf(out, out_len, "%.1f %s", bytes, unit[u]);
}
