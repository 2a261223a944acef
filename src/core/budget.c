/* budget.c — the bytes one load may allocate or inflate (see budget.h). */
#include <stdio.h>
#include <unistd.h>

#include "core/budget.h"

uint64_t ev__budget_default_limit(void) {
  const uint64_t floor = (uint64_t)1 << 30;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return floor;
  uint64_t half = (uint64_t)pages / 2 * (uint64_t)page;
  return half > floor ? half : floor;
}

/* Sizes as --max-memory takes them: powers of 1024. */
static void fmt_size(char *out, size_t len, uint64_t n) {
  static const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = (double)n;
  int u = 0;
  while (v >= 1024.0 && u < 6) v /= 1024.0, u++;
  if (u == 0)
    snprintf(out, len, "%llu bytes", (unsigned long long)n);
  else if (v == (double)(uint64_t)v)
    snprintf(out, len, "%.0f %s", v, unit[u]);
  else
    snprintf(out, len, "%.1f %s", v, unit[u]);
}

void ev__budget_init(ev__budget *b, uint64_t max_memory) {
  b->limit = max_memory ? max_memory : ev__budget_default_limit();
  b->used = 0;
}

int ev__budget_take(ev__budget *b, uint64_t n, const char *who, const char *path, const char *what,
                    ev_error *err) {
  if (!b) return EV_OK;
  if (n <= b->limit && b->used <= b->limit - n) {
    b->used += n;
    return EV_OK;
  }
  char need[32], cap[32], held[32];
  fmt_size(need, sizeof need, n);
  fmt_size(cap, sizeof cap, b->limit);
  fmt_size(held, sizeof held, b->used);
  if (b->used)
    return ev__err(err, EV_ERANGE,
                   "%s: %s: %s needs %s; with the %s this load already holds, that passes the %s "
                   "memory cap for reading (raise it with --max-memory or ev_load_options.max_memory)",
                   who, path, what, need, held, cap);
  return ev__err(err, EV_ERANGE,
                 "%s: %s: %s needs %s, more than the %s memory cap for reading (raise it with "
                 "--max-memory or ev_load_options.max_memory)",
                 who, path, what, need, cap);
}

void ev__budget_give(ev__budget *b, uint64_t n) {
  if (b) b->used = n < b->used ? b->used - n : 0;
}

int ev__budget_take_matrix(ev__budget *b, int64_t n_rows, int64_t n_cols, const char *who,
                           const char *path, ev_error *err) {
  size_t vals, bytes;
  if (n_rows < 0 || n_cols < 0 || ev__mul((size_t)n_rows, (size_t)n_cols, &vals) ||
      ev__mul(vals, sizeof(float), &bytes))
    return ev__err(err, EV_ERANGE, "%s: %s: a %lld x %lld float32 matrix is too large to address",
                   who, path, (long long)n_rows, (long long)n_cols);
  char what[96];
  snprintf(what, sizeof what, "the %lld x %lld float32 matrix", (long long)n_rows,
           (long long)n_cols);
  return ev__budget_take(b, bytes, who, path, what, err);
}
