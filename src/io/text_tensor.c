/* text_tensor.c — vectors from TSV (TensorBoard's tensors.tsv) and CSV files.
 *
 * One point per line; lines that JavaScript's trim() leaves empty are skipped
 * (as the projector does); a trailing '\r' (CRLF files) is dropped, and so
 * is a UTF-8 byte order mark at the start.  The
 * delimiter is TAB if the first line has one, else ',' if it has one, else
 * TAB (one column).  The first row is a header when it has a non-numeric
 * field above a number in the second row (or when it is the only row and has
 * a non-numeric field).  Columns whose first data value is not a number are
 * text columns: they go to the metadata table (named from the header, else
 * "label", "label_2", ...).  An empty first value says nothing: such a
 * column takes the kind of its first non-empty value among the first 1,000
 * data rows.  Every numeric field must parse completely ("nan" and "inf" are
 * accepted and reported later by `embview info`).
 *
 * How, in time linear in the file and without a per-line index (a gzip
 * file of a hundred million empty-ish lines must not cost gigabytes of
 * line records):
 *   1. the first rows give the delimiter, the header and the column kinds,
 *      each of those rows split once (column kinds: one walk over at most
 *      1,000 rows, visiting only the columns still undecided);
 *   2. the data are cut into chunks at line ends; each chunk counts its
 *      rows (in parallel), and prefix sums give each chunk its first row;
 *   3. each chunk parses its rows into its own rows of the matrix (in
 *      parallel), splitting each row once; with text columns it also counts
 *      their cells and bytes;
 *   4. text columns get storage of exactly that size (core/table.c), and a
 *      last pass puts their cells in place, each chunk where its counts say.
 * The first bad row in file order is the one reported; its line number is
 * counted only then.
 * Memory: the file, the float32 matrix, and for text columns their text
 * plus at most 8 bytes per cell (table.c), plus 24 bytes per text column
 * and chunk while counting.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/parallel.h"
#include "core/table_internal.h"
#include "embview/io.h"
#include "io/readers.h"
#include "io/text_lines.h"

#define TEXT_MAX_BYTES ((size_t)64 << 30)
#define TEXT_MAX_COLS 1000000
#define KIND_ROWS 1000                /* rows that may decide a column's kind */
#define CHUNK_MIN ((size_t)256 << 10) /* bytes */
#define TEXT_COUNTS_MAX ((size_t)1 << 20) /* (chunk, text column) counters before one chunk is used */

/* Next non-blank line of [*pos, end) with its '\r' dropped; NULL at the end. */
static const char *next_row(const char **pos, const char *end, size_t *len, int64_t *n_crlf) {
  for (const char *s; (s = ev__next_line(pos, end, len));) {
    if (*len && s[*len - 1] == '\r') (*len)--, (*n_crlf)++;
    if (!ev__js_blank(s, *len)) return s;
  }
  return NULL;
}

/* Fields of one row, in order. */
typedef struct fields {
  const char *p, *end;
  char delim;
} fields;

/* The next field's [*s, *e); 0 after the last one. */
static int next_field(fields *f, const char **s, const char **e) {
  if (!f->p) return 0;
  const char *q = memchr(f->p, f->delim, (size_t)(f->end - f->p));
  *s = f->p;
  *e = q ? q : f->end;
  f->p = q ? q + 1 : NULL;
  return 1;
}

static int64_t count_fields(const char *s, size_t len, char delim) {
  int64_t n = 1;
  for (const char *p = s, *end = s + len; (p = memchr(p, delim, (size_t)(end - p))); p++) n++;
  return n;
}

/* A field that is all of a number (leading/trailing spaces allowed). */
static int parse_float(const char *s, const char *e, float *out) {
  while (s < e && (*s == ' ' || *s == '\t')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
  if (s == e) return 0;
  char *stop;
  float v = strtof(s, &stop);
  if (stop != e) return 0;
  *out = v;
  return 1;
}

/* Per chunk and text column, while counting (cells with a value, their
 * bytes + NULs) and then while filling (the chunk's first cell index, where
 * its text starts). */
typedef ev__col_plan text_count;

typedef struct chunk {
  const char *start, *end; /* whole lines */
  int64_t first_row;       /* data row index of the chunk's first row */
  int64_t n_rows;
  int64_t n_crlf;
  int64_t bad_row;         /* the chunk's first bad row, or INT64_MAX */
  const char *bad_line;
  size_t bad_len;
} chunk;

/* What every pass needs. */
typedef struct ctx {
  char delim;
  int64_t n_fields, n_text;
  const int32_t *kind;     /* per field: matrix column >= 0, or -1 - text column */
  ev_matrix *m;
  ev_table *cols;
  int first_text_col;      /* table column of text column 0 */
} ctx;

/* Parse one chunk's rows into the matrix; count text cells when `counts`. */
static void parse_chunk(const ctx *c, chunk *k, text_count *counts) {
  const char *pos = k->start;
  size_t len;
  int64_t crlf = 0;
  int64_t i = k->first_row;
  for (const char *s; (s = next_row(&pos, k->end, &len, &crlf)); i++) {
    float *row = ev_matrix_row(c->m, i);
    fields f = {s, s + len, c->delim};
    const char *fs, *fe;
    int64_t j = 0;
    int ok = 1;
    for (; ok && next_field(&f, &fs, &fe); j++) {
      if (j >= c->n_fields) {
        ok = 0;
      } else if (c->kind[j] >= 0) {
        ok = parse_float(fs, fe, &row[c->kind[j]]);
      } else if (counts && fe > fs) {
        text_count *t = &counts[-1 - c->kind[j]];
        t->n_present++;
        t->n_bytes += (uint64_t)(fe - fs) + 1;
      }
    }
    if (!ok || j != c->n_fields) {
      k->bad_row = i;
      k->bad_line = s;
      k->bad_len = len;
      return; /* an error will be reported; nothing after it matters */
    }
  }
}

/* Count (fill == 0) or put (fill == 1) a chunk's text cells. */
static void text_chunk(const ctx *c, const chunk *k, text_count *at, int fill) {
  const char *pos = k->start;
  size_t len;
  int64_t crlf = 0;
  int64_t i = k->first_row;
  for (const char *s; (s = next_row(&pos, k->end, &len, &crlf)); i++) {
    fields f = {s, s + len, c->delim};
    const char *fs, *fe;
    for (int64_t j = 0; next_field(&f, &fs, &fe); j++) {
      if (c->kind[j] >= 0 || fe == fs) continue;
      text_count *t = &at[-1 - c->kind[j]];
      if (fill) ev__table_put(c->cols, c->first_text_col - 1 - c->kind[j], t->n_present, i, t->n_bytes, fs, (size_t)(fe - fs));
      t->n_present++;
      t->n_bytes += (uint64_t)(fe - fs) + 1;
    }
  }
}

/* Column kinds from the first data rows, in one walk (see the header). */
static void find_kinds(const char *first, size_t first_len, const char *pos, const char *end, char delim,
                       int64_t n_fields, int32_t *kind, int32_t *undecided) {
  int32_t n_und = 0;
  fields f = {first, first + first_len, delim};
  const char *fs, *fe;
  for (int64_t j = 0; j < n_fields && next_field(&f, &fs, &fe); j++) {
    float v;
    if (fs == fe)
      undecided[n_und++] = (int32_t)j, kind[j] = 0;
    else
      kind[j] = parse_float(fs, fe, &v) ? 0 : -1;
  }
  size_t len;
  int64_t crlf = 0;
  const char *s;
  for (int r = 1; n_und && r < KIND_ROWS && (s = next_row(&pos, end, &len, &crlf)); r++) {
    /* walk the row's fields up to the last undecided column; a row too short
     * to hold one ends the search for that column (it stays numeric) */
    fields g = {s, s + len, delim};
    int32_t j = 0, keep = 0, u = 0;
    while (u < n_und && next_field(&g, &fs, &fe)) {
      if (j++ != undecided[u]) continue;
      float v;
      if (fs != fe)
        kind[undecided[u]] = parse_float(fs, fe, &v) ? 0 : -1;
      else
        undecided[keep++] = undecided[u];
      u++;
    }
    n_und = keep;
  }
}

int ev__text_tensor_read(const char *path, const ev_text_options *opts, ev_matrix **out,
                         ev_table **columns_out, ev_source_info *info, ev_notes *notes,
                         ev__budget *b, ev_error *err) {
  ev__buf buf;
  int32_t *kind = NULL, *scratch = NULL;
  chunk *chunks = NULL;
  text_count *counts = NULL;
  ev_table *cols = NULL;
  uint64_t matrix_charge = 0, scratch_charge = 0;
  *out = NULL;
  if (columns_out) *columns_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__file_read_budget(path, "text", TEXT_MAX_BYTES, b, &buf, err);
  if (rc) return rc;
  if (ev__buf_append(&buf, "", 1) != EV_OK) { /* NUL sentinel: strtof never runs off the end */
    rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
    goto done;
  }
  const char *base = (const char *)buf.data, *pos = base, *end = base + buf.len - 1;
  ev__skip_bom(&pos, end);
  size_t len0 = 0, len1 = 0;
  int64_t n_crlf = 0;
  const char *row0 = next_row(&pos, end, &len0, &n_crlf);
  const char *after0 = pos;
  const char *row1 = row0 ? next_row(&pos, end, &len1, &n_crlf) : NULL;
  if (!row0) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: no data (the file is empty or blank)", path);
    goto done;
  }
  const ev_text_options o = opts ? *opts : ev_text_options_default();
  char delim = o.delimiter;
  if (!delim) {
    if (memchr(row0, '\t', len0))
      delim = '\t';
    else if (memchr(row0, ',', len0))
      delim = ',';
    else
      delim = '\t';
  }
  /* Line numbers of the first rows, for messages (counted up to them only). */
  int64_t line0 = 1, line1 = 1;
  for (const char *p = base; (p = memchr(p, '\n', (size_t)(row0 - p))); p++) line0++;
  line1 = line0;
  for (const char *p = row0; row1 && (p = memchr(p, '\n', (size_t)(row1 - p))); p++) line1++;
  int64_t n_fields = count_fields(row0, len0, delim);
  if (n_fields > TEXT_MAX_COLS) {
    rc = ev__err(err, EV_ERANGE, "text: %s: line %lld has %lld fields; at most %d are supported",
                 path, (long long)line0, (long long)n_fields, TEXT_MAX_COLS);
    goto done;
  }
  /* Header detection: a non-numeric field of row 0 above a number in row 1. */
  int header = o.header;
  if (header < 0) {
    header = 0;
    int any_text = 0;
    fields f0 = {row0, row0 + len0, delim}, f1 = {row1, row1 ? row1 + len1 : NULL, delim};
    if (!row1) f1.p = NULL;
    const char *s0, *e0, *s1 = NULL, *e1 = NULL;
    while (next_field(&f0, &s0, &e0)) {
      int have1 = next_field(&f1, &s1, &e1);
      float v;
      if (parse_float(s0, e0, &v)) continue;
      any_text = 1;
      if (have1 && parse_float(s1, e1, &v)) header = 1;
    }
    if (any_text && !row1) header = 1;
  }
  const char *first = header ? row1 : row0, *data_start = header ? pos : after0;
  size_t first_len = header ? len1 : len0;
  int64_t first_line = header ? line1 : line0;
  if (!first) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: only a header row, no data", path);
    goto done;
  }
  if (header) {
    int64_t got = count_fields(row1, len1, delim);
    if (got != n_fields) {
      rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld: expected %lld fields (as in the header), got %lld",
                   path, (long long)line1, (long long)n_fields, (long long)got);
      goto done;
    }
  }
  /* Column kinds: matrix column, or text column. */
  scratch_charge = (uint64_t)n_fields * (sizeof *kind + sizeof *scratch);
  if ((rc = ev__budget_take(b, scratch_charge, "text", path, "the column kinds", err))) {
    scratch_charge = 0;
    goto done;
  }
  kind = ev__malloc((size_t)n_fields * sizeof *kind);
  scratch = ev__malloc((size_t)n_fields * sizeof *scratch);
  if (!kind || !scratch) {
    rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
    goto done;
  }
  find_kinds(first, first_len, data_start, end, delim, n_fields, kind, scratch);
  int64_t d = 0, n_text = 0;
  for (int64_t j = 0; j < n_fields; j++)
    kind[j] = kind[j] == 0 ? (int32_t)d++ : (int32_t)(-1 - n_text++);
  if (d == 0) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld has no numeric field; expected vectors",
                 path, (long long)first_line);
    goto done;
  }
  /* Chunks of whole lines from the first data row on; their rows counted. */
  const char *from = header ? row1 : row0;
  size_t span = (size_t)(end - from);
  int n_threads = ev__max_threads();
  size_t n_chunks = EV__MIN((size_t)n_threads * 4, span / CHUNK_MIN + 1);
  chunks = ev__calloc(n_chunks, sizeof *chunks);
  if (!chunks) {
    rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
    goto done;
  }
  for (size_t k = 0; k < n_chunks; k++) {
    const char *s = k ? chunks[k - 1].end : from;
    const char *e = k + 1 == n_chunks ? end : from + span / n_chunks * (k + 1);
    if (e <= s) {
      e = s; /* the chunk before took this one's bytes */
    } else if (e < end) {
      const char *nl = memchr(e, '\n', (size_t)(end - e));
      e = nl ? nl + 1 : end;
    }
    chunks[k].start = s;
    chunks[k].end = e;
    chunks[k].bad_row = INT64_MAX;
  }
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t k = 0; k < n_chunks; k++) {
    const char *p = chunks[k].start;
    size_t len;
    int64_t rows = 0, crlf = 0;
    while (next_row(&p, chunks[k].end, &len, &crlf)) rows++;
    chunks[k].n_rows = rows;
    chunks[k].n_crlf = crlf;
  }
  int64_t n = 0;
  for (size_t k = 0; k < n_chunks; k++) {
    chunks[k].first_row = n;
    n += chunks[k].n_rows;
    n_crlf += chunks[k].n_crlf;
  }
  /* (the first rows' '\r' are counted twice: only "any" matters) */
  if ((rc = ev__budget_take_matrix(b, n, d, "text", path, err))) goto done;
  matrix_charge = (uint64_t)n * (uint64_t)d * sizeof(float);
  if ((rc = ev_matrix_new(n, d, out, err))) goto done;
  /* Text cells are counted during the parse, per chunk, when the counters
   * stay small; otherwise in one sequential pass afterwards. */
  int want_text = n_text && columns_out;
  size_t n_text_chunks = want_text ? ((size_t)n_text * n_chunks <= TEXT_COUNTS_MAX ? n_chunks : 1) : 0;
  chunk whole = {from, end, 0, n, 0, INT64_MAX, NULL, 0};
  if (want_text) {
    uint64_t bytes = (uint64_t)n_text * n_text_chunks * sizeof *counts;
    if ((rc = ev__budget_take(b, bytes, "text", path, "counting the text columns", err))) goto done;
    scratch_charge += bytes;
    counts = ev__calloc(n_text_chunks * (size_t)n_text, sizeof *counts);
    if (!counts) {
      rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
      goto done;
    }
  }
  ctx c = {delim, n_fields, n_text, kind, *out, NULL, 0};
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t k = 0; k < n_chunks; k++)
    parse_chunk(&c, &chunks[k], n_text_chunks == n_chunks ? counts + k * (size_t)n_text : NULL);
  const chunk *bad = NULL;
  for (size_t k = 0; k < n_chunks && !bad; k++)
    if (chunks[k].bad_row != INT64_MAX) bad = &chunks[k];
  if (bad) {
    int64_t line_no = 1;
    for (const char *p = base; (p = memchr(p, '\n', (size_t)(bad->bad_line - p))); p++) line_no++;
    const char *s = bad->bad_line;
    int64_t got = count_fields(s, bad->bad_len, delim);
    if (got != n_fields) {
      rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld: expected %lld fields, got %lld", path,
                   (long long)line_no, (long long)n_fields, (long long)got);
    } else {
      fields f = {s, s + bad->bad_len, delim};
      const char *fs, *fe;
      for (int64_t j = 0; next_field(&f, &fs, &fe); j++) {
        float v;
        if (kind[j] < 0 || parse_float(fs, fe, &v)) continue;
        int w = (int)EV__MIN(fe - fs, 40);
        if (w == 0)
          rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld, column %lld: empty value, expected a number",
                       path, (long long)line_no, (long long)j + 1);
        else
          rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld, column %lld: '%.*s' is not a number",
                       path, (long long)line_no, (long long)j + 1, w, fs);
        break;
      }
      if (!rc) rc = ev__err(err, EV_EINTERNAL, "text: %s: line %lld: parse failed", path, (long long)line_no);
    }
    goto done;
  }
  /* Text columns into the metadata table. */
  if (want_text) {
    const chunk *tc = n_text_chunks == n_chunks ? chunks : &whole;
    if (n_text_chunks == 1 && n_chunks != 1) text_chunk(&c, &whole, counts, 0);
    /* totals per column, and each chunk's starting cell and byte */
    /* one chunk: its counts are the plans; else the totals, and each
     * chunk's counts become where its cells start */
    ev__col_plan *plans = n_text_chunks == 1 ? counts : ev__malloc((size_t)n_text * sizeof *plans);
    if (!plans || (rc = ev_table_new(n, &cols, err))) {
      if (!rc) rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
      if (plans != counts) ev__free(plans);
      goto done;
    }
    for (int64_t t = 0; t < n_text && plans != counts; t++) {
      int64_t cells = 0;
      uint64_t bytes = 0;
      for (size_t k = 0; k < n_text_chunks; k++) {
        text_count *x = &counts[k * (size_t)n_text + (size_t)t];
        int64_t cn = x->n_present;
        uint64_t cb = x->n_bytes;
        x->n_present = cells;
        x->n_bytes = bytes;
        cells += cn;
        bytes += cb;
      }
      plans[t] = (ev__col_plan){cells, bytes, 1};
    }
    for (int64_t t = 0; t < n_text && plans == counts; t++) plans[t].not_numeric = 1;
    rc = ev__table_add_planned(cols, (int)n_text, plans, b, "text", path, &c.first_text_col, err);
    if (plans != counts) ev__free(plans);
    else memset(counts, 0, (size_t)n_text * sizeof *counts); /* the one chunk starts at 0 */
    if (rc) goto done;
    c.cols = cols;
    /* names: from the header, else label, label_2, ...; empty and repeated
     * ones get suffixes (one counter per base name: linear) */
    fields hf = {row0, row0 + len0, delim};
    const char *fs, *fe;
    for (int64_t j = 0, t = 0; j < n_fields && rc == EV_OK; j++) {
      int have = next_field(&hf, &fs, &fe);
      if (kind[j] >= 0) continue;
      t++;
      char name[128];
      if (header && have)
        snprintf(name, sizeof name, "%.*s", (int)EV__MIN(fe - fs, 120), fs);
      else if (header || t == 1)
        snprintf(name, sizeof name, "%s", header ? "" : "label");
      else
        snprintf(name, sizeof name, "label_%lld", (long long)t);
      if (!name[0] || ev_table_find_col(cols, name) >= 0) { /* empty or repeated header name */
        char base_name[128];
        snprintf(base_name, sizeof base_name, "%s", name[0] ? name : "column");
        if (ev__table_suffixed_name(cols, base_name, 100, name, sizeof name)) rc = EV_ENOMEM;
      }
      if (!rc && ev__table_name_col(cols, c.first_text_col + (int)(t - 1), name)) rc = EV_ENOMEM;
      if (rc) rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
    }
    if (rc) goto done;
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t k = 0; k < n_text_chunks; k++) text_chunk(&c, &tc[k], counts + k * (size_t)n_text, 1);
  }
  if (info) {
    info->format = delim == ',' ? EV_FORMAT_CSV : EV_FORMAT_TSV;
    snprintf(info->dtype, sizeof info->dtype, "text");
    info->ndim = 2;
    info->shape[0] = n;
    info->shape[1] = n_fields;
    snprintf(info->detail, sizeof info->detail, "%s, %s%s%s%lld text column(s)",
             delim == ',' ? "comma-separated" : "tab-separated",
             header ? "header row" : "no header row", n_crlf ? ", CRLF line endings" : "", ", ",
             (long long)n_text);
  }
  if (n_text && !columns_out)
    ev__note(notes, "text: %s: ignored %lld non-numeric column(s)", path, (long long)n_text);
  if (n_crlf) ev__note(notes, "text: %s: CRLF line endings (the '\\r' was dropped)", path);
done:
  ev__free(kind);
  ev__free(scratch);
  ev__free(chunks);
  ev__free(counts);
  ev__budget_give(b, scratch_charge);
  ev__budget_give(b, buf.cap);
  ev__buf_free(&buf);
  if (rc) {
    ev_matrix_free(*out);
    *out = NULL;
    ev__budget_give(b, matrix_charge);
    ev_table_free(cols); /* its charge: the load fails as a whole */
  } else if (columns_out) {
    *columns_out = cols;
  }
  return rc;
}

ev_text_options ev_text_options_default(void) {
  ev_text_options o = {0, -1};
  return o;
}

int ev_text_tensor_read(const char *path, const ev_text_options *opts, ev_matrix **out,
                        ev_table **columns_out, ev_source_info *info, ev_notes *notes,
                        ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__text_tensor_read(path, opts, out, columns_out, info, notes, &b, err);
}
