/* table.c — metadata table: named string columns with numeric detection.
 *
 * Storage follows the cells present, never n_rows x n_cols:
 *   - a column keeps its values' text back to back (NUL-terminated) in one
 *     arena and finds them through an index that is dense (one offset per
 *     row, all ones = no value) or sparse (the rows that have a value and
 *     their offsets), whichever is smaller — sparse when fewer than half the
 *     rows have a value; index entries are 4 bytes unless the column has
 *     4 GB of text or 4 billion rows.  A present cell of L bytes thus costs
 *     L + 1 + at most 8 bytes, a missing one at most 4.
 *   - the arenas and indexes live in a few large blocks the table owns
 *     (one per ev_table_add_column, one per bulk add for all its columns),
 *     names in a pooled string store: a million columns do not mean a few
 *     million small allocations.
 *   - names are found through an open-addressing index (column numbers
 *     hashed by name), and repeated names get their "_2", "_3" suffixes from
 *     a counter per base name, so adding, renaming and finding columns is
 *     O(1) each however many columns repeat one name.
 * Numbers are not stored: ev_table_cell_number parses the cell on demand.
 * Sparse cells are found by binary search (O(log present)).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "core/strmap.h"
#include "core/table_internal.h"
#include "embview/table.h"

#define POOL_BLOCK ((size_t)64 << 10)

typedef struct column {
  const char *name;     /* in the name pool */
  char *arena;          /* present cells' text, each NUL-terminated; NULL when none */
  void *idx;            /* dense: n_rows offsets; sparse: n_present rows, then n_present offsets */
  uint64_t arena_len;
  int64_t n_present;
  int64_t n_distinct;   /* -1 until counted */
  unsigned char sparse, wide, numeric;
} column;

struct ev_table {
  int64_t n_rows;
  int n_cols, cap_cols;
  column *cols;
  int32_t *names;       /* open addressing: column numbers by name, -1 = empty */
  size_t cap_names;     /* power of two, at least twice the columns */
  ev__strmap suffix;    /* base name -> the next suffix to try */
  void **blocks;        /* what the table frees */
  size_t n_blocks, cap_blocks;
  char *pool;           /* current name pool block */
  size_t pool_len, pool_cap;
};

/* ---- index entries ---- */

static inline uint64_t idx_get(const column *c, size_t k) {
  return c->wide ? ((const uint64_t *)c->idx)[k] : ((const uint32_t *)c->idx)[k];
}
static inline void idx_set(column *c, size_t k, uint64_t v) {
  if (c->wide)
    ((uint64_t *)c->idx)[k] = v;
  else
    ((uint32_t *)c->idx)[k] = (uint32_t)v;
}
static inline uint64_t idx_none(const column *c) { return c->wide ? UINT64_MAX : UINT32_MAX; }

/* The layout of a column with this plan: entry width, density, index bytes. */
static void layout(int64_t n_rows, const ev__col_plan *p, column *c, size_t *idx_bytes) {
  c->wide = (uint64_t)n_rows >= UINT32_MAX || p->n_bytes >= UINT32_MAX;
  c->sparse = (uint64_t)p->n_present * 2 < (uint64_t)n_rows;
  size_t w = c->wide ? 8 : 4;
  *idx_bytes = c->sparse ? (size_t)p->n_present * 2 * w : (size_t)n_rows * w;
}

/* ---- blocks, names ---- */

static int reserve_blocks(ev_table *t, size_t extra) {
  if (t->n_blocks + extra <= t->cap_blocks) return EV_OK;
  size_t cap = t->cap_blocks ? t->cap_blocks : 8;
  while (cap < t->n_blocks + extra) cap *= 2;
  void **b = ev__realloc(t->blocks, cap * sizeof *b);
  if (!b) return EV_ENOMEM;
  t->blocks = b;
  t->cap_blocks = cap;
  return EV_OK;
}

/* Keep p (freed with the table); on failure p is freed. */
static int keep_block(ev_table *t, void *p) {
  if (reserve_blocks(t, 1)) {
    ev__free(p);
    return EV_ENOMEM;
  }
  t->blocks[t->n_blocks++] = p;
  return EV_OK;
}

static const char *pool_str(ev_table *t, const char *s, size_t len) {
  if (len + 1 > t->pool_cap - t->pool_len) {
    size_t cap = EV__MAX(POOL_BLOCK, len + 1);
    char *p = ev__malloc(cap);
    if (!p || keep_block(t, p)) return NULL;
    t->pool = p;
    t->pool_len = 0;
    t->pool_cap = cap;
  }
  char *d = t->pool + t->pool_len;
  memcpy(d, s, len);
  d[len] = '\0';
  t->pool_len += len + 1;
  return d;
}

static int names_find(const ev_table *t, const char *s, size_t len) {
  if (!t->cap_names) return -1;
  size_t mask = t->cap_names - 1;
  for (size_t i = (size_t)ev__strhash(s, len) & mask;; i = (i + 1) & mask) {
    int32_t c = t->names[i];
    if (c < 0) return -1;
    const char *n = t->cols[c].name;
    if (!strncmp(n, s, len) && n[len] == '\0') return c;
  }
}

/* Room for `extra` more names (load factor at most one half). */
static int names_reserve(ev_table *t, size_t extra) {
  size_t need = ((size_t)t->n_cols + extra) * 2 + 1;
  if (need <= t->cap_names) return EV_OK;
  size_t cap = 16;
  while (cap < need) cap *= 2;
  int32_t *n = ev__malloc(cap * sizeof *n);
  if (!n) return EV_ENOMEM;
  memset(n, 0xff, cap * sizeof *n);
  for (int c = 0; c < t->n_cols; c++) {
    const char *s = t->cols[c].name;
    if (!s) continue; /* not named yet */
    size_t i = (size_t)ev__strhash(s, strlen(s)) & (cap - 1);
    while (n[i] >= 0 && strcmp(t->cols[n[i]].name, s) != 0) i = (i + 1) & (cap - 1);
    if (n[i] < 0) n[i] = c; /* the first column of a repeated name wins */
  }
  ev__free(t->names);
  t->names = n;
  t->cap_names = cap;
  return EV_OK;
}

/* The index again from the columns (after columns were dropped). */
static void names_rebuild(ev_table *t) {
  if (!t->cap_names) return;
  memset(t->names, 0xff, t->cap_names * sizeof *t->names);
  for (int c = 0; c < t->n_cols; c++) {
    const char *s = t->cols[c].name;
    if (!s) continue;
    size_t i = (size_t)ev__strhash(s, strlen(s)) & (t->cap_names - 1);
    while (t->names[i] >= 0 && strcmp(t->cols[t->names[i]].name, s) != 0) i = (i + 1) & (t->cap_names - 1);
    if (t->names[i] < 0) t->names[i] = c;
  }
}

/* Index column c by its name unless an earlier column has that name. */
static void names_add(ev_table *t, int c) {
  const char *s = t->cols[c].name;
  size_t mask = t->cap_names - 1;
  size_t i = (size_t)ev__strhash(s, strlen(s)) & mask;
  while (t->names[i] >= 0) {
    if (!strcmp(t->cols[t->names[i]].name, s)) return;
    i = (i + 1) & mask;
  }
  t->names[i] = c;
}

static int reserve_cols(ev_table *t, int extra) {
  if (extra > INT32_MAX / 2 - t->n_cols) return EV_ERANGE;
  if (t->n_cols + extra <= t->cap_cols) return EV_OK;
  int cap = t->cap_cols ? t->cap_cols : 8;
  while (cap < t->n_cols + extra) cap *= 2;
  column *c = ev__realloc(t->cols, (size_t)cap * sizeof *c);
  if (!c) return EV_ENOMEM;
  t->cols = c;
  t->cap_cols = cap;
  return EV_OK;
}

/* ---- lifetime ---- */

int ev_table_new(int64_t n_rows, ev_table **out, ev_error *err) {
  *out = NULL;
  if (n_rows < 0) return ev__err(err, EV_EINVAL, "table: negative row count");
  ev_table *t = ev__calloc(1, sizeof *t);
  if (!t) return ev__err(err, EV_ENOMEM, "table: out of memory");
  t->n_rows = n_rows;
  *out = t;
  return EV_OK;
}

void ev_table_free(ev_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n_blocks; i++) ev__free(t->blocks[i]);
  ev__free(t->blocks);
  ev__free(t->cols);
  ev__free(t->names);
  ev__strmap_free(&t->suffix);
  ev__free(t);
}

/* ---- building ---- */

int ev__table_add_planned(ev_table *t, int n, const ev__col_plan *plans, ev__budget *b,
                          const char *who, const char *path, int *first, ev_error *err) {
  size_t arena_total = 0, idx_total = 0;
  *first = t->n_cols;
  for (int j = 0; j < n; j++) {
    column c;
    size_t ib;
    if (plans[j].n_present < 0 || plans[j].n_present > t->n_rows ||
        (uint64_t)plans[j].n_bytes < (uint64_t)plans[j].n_present)
      return ev__err(err, EV_EINTERNAL, "%s: %s: bad column plan", who, path);
    layout(t->n_rows, &plans[j], &c, &ib);
    if (ev__add(arena_total, (size_t)plans[j].n_bytes, &arena_total) ||
        ev__add(idx_total, (ib + 7) & ~(size_t)7, &idx_total))
      return ev__err(err, EV_ERANGE, "%s: %s: metadata columns too large to address", who, path);
  }
  char what[96];
  snprintf(what, sizeof what, "the text and row index of %d metadata column(s)", n);
  size_t charge;
  if (ev__add(arena_total, idx_total, &charge) ||
      ev__add(charge, (size_t)n * (sizeof(column) + 2 * sizeof(int32_t)), &charge))
    return ev__err(err, EV_ERANGE, "%s: %s: metadata columns too large to address", who, path);
  int rc = ev__budget_take(b, charge, who, path, what, err);
  if (rc) return rc;
  char *arena = arena_total ? ev__malloc(arena_total) : NULL;
  unsigned char *idx = idx_total ? ev__malloc(idx_total) : NULL;
  if ((arena_total && !arena) || (idx_total && !idx) || reserve_cols(t, n) ||
      names_reserve(t, (size_t)n))
    goto oom;
  int n0 = t->n_cols;
  size_t a = 0, x = 0;
  for (int j = 0; j < n; j++) {
    column *c = &t->cols[n0 + j];
    size_t ib;
    memset(c, 0, sizeof *c);
    layout(t->n_rows, &plans[j], c, &ib);
    c->arena = plans[j].n_bytes ? arena + a : NULL;
    c->arena_len = plans[j].n_bytes;
    c->idx = ib ? idx + x : NULL;
    c->n_present = plans[j].n_present;
    c->n_distinct = -1;
    c->numeric = plans[j].n_present > 0 && !plans[j].not_numeric;
    if (!c->sparse && ib) memset(c->idx, 0xff, ib);
    a += (size_t)plans[j].n_bytes;
    x += (ib + 7) & ~(size_t)7;
  }
  if (reserve_blocks(t, 2)) goto oom;
  /* nothing can fail from here on */
  if (arena) t->blocks[t->n_blocks++] = arena;
  if (idx) t->blocks[t->n_blocks++] = idx;
  t->n_cols = n0 + n;
  return EV_OK;
oom:
  ev__free(arena);
  ev__free(idx);
  ev__budget_give(b, charge);
  return ev__err(err, EV_ENOMEM, "%s: %s: out of memory for %d metadata column(s) of %lld rows",
                 who, path, n, (long long)t->n_rows);
}

int ev__table_name_col(ev_table *t, int col, const char *name) {
  const char *s = pool_str(t, name, strlen(name));
  if (!s) return EV_ENOMEM;
  t->cols[col].name = s;
  names_add(t, col);
  return EV_OK;
}

void ev__table_put(ev_table *t, int col, int64_t k, int64_t row, uint64_t pos, const char *s,
                   size_t len) {
  column *c = &t->cols[col];
  memcpy(c->arena + pos, s, len);
  c->arena[pos + len] = '\0';
  if (c->sparse) {
    idx_set(c, (size_t)k, (uint64_t)row);
    idx_set(c, (size_t)(c->n_present + k), pos);
  } else {
    idx_set(c, (size_t)row, pos);
  }
}

int ev_table_add_column(ev_table *t, const char *name, const char *const *values, ev_error *err) {
  ev__col_plan plan = {0};
  int64_t n = t->n_rows;
  for (int64_t i = 0; i < n; i++) {
    if (!values[i]) continue;
    size_t len = strlen(values[i]);
    double v;
    plan.n_present++;
    plan.n_bytes += len + 1;
    if (!plan.not_numeric && !ev__parse_number(values[i], len, &v)) plan.not_numeric = 1;
  }
  int col;
  int rc = ev__table_add_planned(t, 1, &plan, NULL, "table", "adding a column", &col, err);
  if (!rc && ev__table_name_col(t, col, name)) {
    t->n_cols--; /* its cells stay in the table's blocks until it is freed */
    rc = EV_ENOMEM;
  }
  if (rc == EV_ENOMEM)
    return ev__err(err, EV_ENOMEM, "table: out of memory adding column '%s' (%lld rows)", name,
                   (long long)n);
  if (rc) return rc;
  int64_t k = 0;
  uint64_t pos = 0;
  for (int64_t i = 0; i < n; i++) {
    if (!values[i]) continue;
    size_t len = strlen(values[i]);
    ev__table_put(t, col, k++, i, pos, values[i], len);
    pos += len + 1;
  }
  return EV_OK;
}

int ev__table_add_packed(ev_table *t, const char *name, char *text, size_t text_len,
                         ev__budget *b, const char *who, const char *path, ev_error *err) {
  ev__col_plan plan = {0};
  int64_t n = t->n_rows;
  if (text_len && keep_block(t, text)) /* owned from here, whatever happens */
    return ev__err(err, EV_ENOMEM, "%s: %s: out of memory for column '%s'", who, path, name);
  if (!text_len) ev__free(text), text = NULL;
  size_t pos = 0;
  for (int64_t i = 0; i < n; i++) {
    if (pos >= text_len) return ev__err(err, EV_EINTERNAL, "%s: %s: column '%s' is short", who, path, name);
    size_t len = strlen(text + pos);
    double v;
    if (len) {
      plan.n_present++;
      if (!plan.not_numeric && !ev__parse_number(text + pos, len, &v)) plan.not_numeric = 1;
    }
    pos += len + 1;
  }
  plan.n_bytes = text_len;
  column c;
  size_t ib;
  memset(&c, 0, sizeof c);
  layout(n, &plan, &c, &ib);
  char what[300];
  snprintf(what, sizeof what, "the row index of column '%.200s'", name);
  int rc = ev__budget_take(b, ib, who, path, what, err);
  if (rc) return rc;
  c.idx = ib ? ev__malloc(ib) : NULL;
  if ((ib && !c.idx) || (c.idx && keep_block(t, c.idx)) || reserve_cols(t, 1) ||
      names_reserve(t, 1) || !(c.name = pool_str(t, name, strlen(name)))) {
    ev__budget_give(b, ib);
    return ev__err(err, EV_ENOMEM, "%s: %s: out of memory for column '%s'", who, path, name);
  }
  c.arena = text;
  c.arena_len = text_len;
  c.n_present = plan.n_present;
  c.n_distinct = -1;
  c.numeric = plan.n_present > 0 && !plan.not_numeric;
  pos = 0;
  for (int64_t i = 0, k = 0; i < n; i++) {
    size_t len = strlen(text + pos);
    if (c.sparse && len) {
      idx_set(&c, (size_t)k, (uint64_t)i);
      idx_set(&c, (size_t)(c.n_present + k), pos);
      k++;
    } else if (!c.sparse) {
      idx_set(&c, (size_t)i, len ? pos : idx_none(&c));
    }
    pos += len + 1;
  }
  t->cols[t->n_cols] = c;
  names_add(t, t->n_cols);
  t->n_cols++;
  return EV_OK;
}

int ev__table_suffixed_name(ev_table *t, const char *base, size_t max_base, char *out, size_t out_len) {
  size_t blen = EV__MIN(strlen(base), max_base);
  if (!t->suffix.cap && ev__strmap_init(&t->suffix, 16)) return EV_ENOMEM;
  snprintf(out, out_len, "%.*s", (int)blen, base);
  int64_t *next = ev__strmap_get(&t->suffix, out);
  if (!next) {
    const char *key = pool_str(t, base, blen);
    int ins;
    if (!key || !(next = ev__strmap_upsert(&t->suffix, key, 2, &ins))) return EV_ENOMEM;
  }
  int64_t k = *next;
  for (;; k++) {
    snprintf(out, out_len, "%.*s_%lld", (int)blen, base, (long long)k);
    if (names_find(t, out, strlen(out)) < 0) break;
  }
  *next = k + 1;
  return EV_OK;
}

/* ---- reading ---- */

int64_t ev_table_n_rows(const ev_table *t) { return t->n_rows; }
int ev_table_n_cols(const ev_table *t) { return t->n_cols; }

const char *ev_table_col_name(const ev_table *t, int col) {
  return (col >= 0 && col < t->n_cols) ? t->cols[col].name : NULL;
}

int ev_table_find_col(const ev_table *t, const char *name) {
  return names_find(t, name, strlen(name));
}

const char *ev_table_cell(const ev_table *t, int64_t row, int col) {
  if (col < 0 || col >= t->n_cols || row < 0 || row >= t->n_rows) return NULL;
  const column *c = &t->cols[col];
  if (!c->n_present) return NULL;
  if (!c->sparse) {
    uint64_t off = idx_get(c, (size_t)row);
    return off == idx_none(c) ? NULL : c->arena + off;
  }
  size_t lo = 0, hi = (size_t)c->n_present;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (idx_get(c, mid) < (uint64_t)row)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == (size_t)c->n_present || idx_get(c, lo) != (uint64_t)row) return NULL;
  return c->arena + idx_get(c, (size_t)c->n_present + lo);
}

int64_t ev_table_col_n_present(const ev_table *t, int col) {
  return (col >= 0 && col < t->n_cols) ? t->cols[col].n_present : 0;
}

int ev_table_col_is_numeric(const ev_table *t, int col) {
  return col >= 0 && col < t->n_cols && t->cols[col].numeric;
}

double ev_table_cell_number(const ev_table *t, int64_t row, int col) {
  if (!ev_table_col_is_numeric(t, col)) return NAN;
  const char *s = ev_table_cell(t, row, col);
  double v;
  if (!s || !ev__parse_number(s, strlen(s), &v)) return NAN;
  return v;
}

int64_t ev_table_col_n_distinct(const ev_table *t, int col) {
  if (col < 0 || col >= t->n_cols) return 0;
  column *c = &t->cols[col];
  if (c->n_distinct >= 0) return c->n_distinct;
  ev__strmap m;
  if (ev__strmap_init(&m, 64) != EV_OK) return -1;
  size_t n_idx = c->sparse ? (size_t)c->n_present : (size_t)t->n_rows, at = c->sparse ? n_idx : 0;
  for (size_t k = 0; k < n_idx && c->n_present; k++) {
    uint64_t off = idx_get(c, at + k);
    int ins;
    if (off != idx_none(c) && !ev__strmap_upsert(&m, c->arena + off, 0, &ins)) {
      ev__strmap_free(&m);
      return -1;
    }
  }
  c->n_distinct = (int64_t)m.n;
  ev__strmap_free(&m);
  return c->n_distinct;
}

int ev_table_default_label_col(const ev_table *t) {
  if (!t || t->n_cols == 0) return -1;
  for (int j = 0; j < t->n_cols; j++)
    if (!t->cols[j].numeric) return j;
  return 0;
}

/* ---- merging ---- */

/* dst's name for src's column: its own, else with the first free suffix. */
static int merge_name(ev_table *dst, const char *name, char *out, size_t out_len) {
  if (ev_table_find_col(dst, name) < 0) {
    snprintf(out, out_len, "%s", name);
    if (ev_table_find_col(dst, out) < 0) return EV_OK;
  }
  return ev__table_suffixed_name(dst, name, out_len - 24, out, out_len);
}

static size_t idx_bytes_of(const ev_table *t, const column *c) {
  size_t w = c->wide ? 8 : 4;
  if (!c->idx) return 0;
  return c->sparse ? (size_t)c->n_present * 2 * w : (size_t)t->n_rows * w;
}

int ev_table_merge(ev_table *dst, const ev_table *src, ev_error *err) {
  if (dst->n_rows != src->n_rows)
    return ev__err(err, EV_EMISMATCH, "table: cannot merge %lld rows into %lld rows",
                   (long long)src->n_rows, (long long)dst->n_rows);
  for (int j = 0; j < src->n_cols; j++) {
    const column *s = &src->cols[j];
    char name[256];
    size_t ib = idx_bytes_of(src, s), ab = (size_t)s->arena_len, ib8 = (ib + 7) & ~(size_t)7;
    unsigned char *block = ab + ib8 ? ev__malloc(ib8 + ab) : NULL;
    column c = *s;
    if ((ab + ib8 && !block) || (block && keep_block(dst, block)) ||
        merge_name(dst, s->name, name, sizeof name) || reserve_cols(dst, 1) ||
        names_reserve(dst, 1) || !(c.name = pool_str(dst, name, strlen(name))))
      return ev__err(err, EV_ENOMEM, "table: out of memory");
    if (ib) memcpy(block, s->idx, ib);
    if (ab) memcpy(block + ib8, s->arena, ab);
    c.idx = ib ? block : NULL;
    c.arena = ab ? (char *)block + ib8 : NULL;
    dst->cols[dst->n_cols] = c;
    names_add(dst, dst->n_cols);
    dst->n_cols++;
  }
  return EV_OK;
}

int ev__table_merge_move(ev_table *dst, ev_table *src, ev_error *err) {
  if (dst->n_rows != src->n_rows)
    return ev__err(err, EV_EMISMATCH, "table: cannot merge %lld rows into %lld rows",
                   (long long)src->n_rows, (long long)dst->n_rows);
  if (reserve_blocks(dst, src->n_blocks) || reserve_cols(dst, src->n_cols) ||
      names_reserve(dst, (size_t)src->n_cols))
    return ev__err(err, EV_ENOMEM, "table: out of memory");
  /* names first (they can fail); the cells change hands after */
  int n0 = dst->n_cols;
  for (int j = 0; j < src->n_cols; j++) {
    char name[256];
    column *c = &dst->cols[dst->n_cols];
    *c = src->cols[j];
    if (merge_name(dst, src->cols[j].name, name, sizeof name) ||
        !(c->name = pool_str(dst, name, strlen(name)))) {
      for (int k = n0; k < dst->n_cols; k++) { /* undo: src still owns the cells */
        dst->cols[k].arena = NULL;
        dst->cols[k].idx = NULL;
      }
      dst->n_cols = n0;
      names_rebuild(dst);
      return ev__err(err, EV_ENOMEM, "table: out of memory");
    }
    names_add(dst, dst->n_cols);
    dst->n_cols++;
  }
  memcpy(dst->blocks + dst->n_blocks, src->blocks, src->n_blocks * sizeof *src->blocks);
  dst->n_blocks += src->n_blocks;
  src->n_blocks = 0;
  src->n_cols = 0;
  src->pool = NULL;
  src->pool_len = src->pool_cap = 0;
  return EV_OK;
}
