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
 * "label", "label_2", ...).  Every numeric field must parse completely
 * ("nan" and "inf" are accepted and reported later by `embview info`).
 * Numbers are parsed in parallel, line by line; the first bad line in file
 * order is the one reported.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/parallel.h"
#include "embview/io.h"
#include "io/text_lines.h"

#define TEXT_MAX_BYTES ((size_t)64 << 30)
#define TEXT_MAX_COLS 1000000

typedef struct line_ref {
  const char *s;
  size_t len;
  int64_t line_no; /* 1-based line in the file */
} line_ref;

/* Split [s, s+len) on `delim`; stores up to max field starts/ends; returns the field count. */
static int64_t split(const char *s, size_t len, char delim, const char **starts, const char **ends,
                     int64_t max) {
  int64_t n = 0;
  const char *p = s, *end = s + len;
  for (;;) {
    const char *q = memchr(p, delim, (size_t)(end - p));
    if (!q) q = end;
    if (n < max) {
      starts[n] = p;
      ends[n] = q;
    }
    n++;
    if (q == end) break;
    p = q + 1;
  }
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

int ev_text_tensor_read(const char *path, const ev_text_options *opts, ev_matrix **out,
                        ev_table **columns_out, ev_source_info *info, ev_notes *notes,
                        ev_error *err) {
  ev__buf buf;
  line_ref *lines = NULL;
  const char **fs = NULL, **fe = NULL, **fs2 = NULL, **fe2 = NULL;
  int64_t *numeric_col = NULL; /* output column index, or -1 for text columns */
  ev_table *cols = NULL;
  char **cells = NULL;
  int64_t n_cells = 0;
  int64_t n_lines = 0, cap_lines = 0;
  *out = NULL;
  if (columns_out) *columns_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__file_read_all(path, "text", TEXT_MAX_BYTES, &buf, err);
  if (rc) return rc;
  if (ev__buf_append(&buf, "", 1) != EV_OK) { /* NUL sentinel: strtof never runs off the end */
    rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
    goto done;
  }
  const char *pos = (const char *)buf.data, *end = (const char *)buf.data + buf.len - 1;
  ev__skip_bom(&pos, end);
  size_t len;
  int64_t line_no = 0, n_crlf = 0;
  for (const char *s; (s = ev__next_line(&pos, end, &len));) {
    line_no++;
    if (len && s[len - 1] == '\r') len--, n_crlf++;
    if (ev__js_blank(s, len)) continue;
    if (n_lines == cap_lines) {
      cap_lines = cap_lines ? cap_lines * 2 : 1024;
      line_ref *nl = ev__realloc(lines, (size_t)cap_lines * sizeof *lines);
      if (!nl) {
        rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory indexing lines", path);
        goto done;
      }
      lines = nl;
    }
    lines[n_lines++] = (line_ref){s, len, line_no};
  }
  if (n_lines == 0) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: no data (the file is empty or blank)", path);
    goto done;
  }
  char delim = opts && opts->delimiter ? opts->delimiter : 0;
  if (!delim) {
    if (memchr(lines[0].s, '\t', lines[0].len))
      delim = '\t';
    else if (memchr(lines[0].s, ',', lines[0].len))
      delim = ',';
    else
      delim = '\t';
  }
  int64_t n_fields = split(lines[0].s, lines[0].len, delim, NULL, NULL, 0);
  if (n_fields > TEXT_MAX_COLS) {
    rc = ev__err(err, EV_ERANGE, "text: %s: line %lld has %lld fields; at most %d are supported",
                 path, (long long)lines[0].line_no, (long long)n_fields, TEXT_MAX_COLS);
    goto done;
  }
  fs = ev__malloc((size_t)n_fields * sizeof *fs);
  fe = ev__malloc((size_t)n_fields * sizeof *fe);
  fs2 = ev__malloc((size_t)n_fields * sizeof *fs2);
  fe2 = ev__malloc((size_t)n_fields * sizeof *fe2);
  numeric_col = ev__malloc((size_t)n_fields * sizeof *numeric_col);
  if (!fs || !fe || !fs2 || !fe2 || !numeric_col) {
    rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
    goto done;
  }
  split(lines[0].s, lines[0].len, delim, fs, fe, n_fields);
  int64_t n2 = n_lines > 1 ? split(lines[1].s, lines[1].len, delim, fs2, fe2, n_fields) : 0;
  /* Header detection. */
  int header = opts ? opts->header : -1;
  if (header < 0) {
    header = 0;
    int any_text = 0;
    for (int64_t j = 0; j < n_fields; j++) {
      float v;
      if (parse_float(fs[j], fe[j], &v)) continue;
      any_text = 1;
      if (n_lines > 1 && j < n2 && parse_float(fs2[j], fe2[j], &v)) header = 1;
    }
    if (any_text && n_lines == 1) header = 1;
  }
  int64_t first = header ? 1 : 0;
  int64_t n = n_lines - first;
  if (n == 0) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: only a header row, no data", path);
    goto done;
  }
  /* Column kinds from the first data row. */
  const char **ds = header ? fs2 : fs, **de = header ? fe2 : fe;
  int64_t first_count = header ? n2 : n_fields;
  if (first_count != n_fields) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld: expected %lld fields (as in the header), got %lld",
                 path, (long long)lines[1].line_no, (long long)n_fields, (long long)first_count);
    goto done;
  }
  int64_t d = 0, n_text = 0;
  for (int64_t j = 0; j < n_fields; j++) {
    float v;
    const char *fs_j = ds[j], *fe_j = de[j];
    /* An empty first value says nothing: the column's kind is that of its
     * first non-empty value among the next rows (so a missing number is
     * reported as such instead of turning the column into text). */
    for (int64_t i = first + 1; fs_j == fe_j && i < n_lines && i < first + 1000; i++) {
      const char *p = lines[i].s, *end_i = lines[i].s + lines[i].len;
      for (int64_t f = 0; f < j && p; f++) { /* field j of line i */
        p = memchr(p, delim, (size_t)(end_i - p));
        if (p) p++;
      }
      if (!p) break;
      const char *q = memchr(p, delim, (size_t)(end_i - p));
      fs_j = p;
      fe_j = q ? q : end_i;
    }
    if (fs_j == fe_j || parse_float(fs_j, fe_j, &v))
      numeric_col[j] = d++;
    else
      numeric_col[j] = -1, n_text++;
  }
  if (d == 0) {
    rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld has no numeric field; expected vectors",
                 path, (long long)lines[first].line_no);
    goto done;
  }
  rc = ev_matrix_new(n, d, out, err);
  if (rc) goto done;
  /* Parallel parse; each line writes its own row.  bad_line = first failing row. */
  int64_t bad_row = INT64_MAX;
  ev_matrix *m = *out;
#pragma omp parallel
  {
    const char **ls = ev__malloc((size_t)n_fields * sizeof *ls);
    const char **le = ev__malloc((size_t)n_fields * sizeof *le);
#pragma omp for schedule(dynamic, 256)
    for (int64_t i = 0; i < n; i++) {
      const line_ref *L = &lines[first + i];
      int ok = ls && le;
      if (ok && split(L->s, L->len, delim, ls, le, n_fields) != n_fields) ok = 0;
      float *row = ev_matrix_row(m, i);
      for (int64_t j = 0; ok && j < n_fields; j++)
        if (numeric_col[j] >= 0 && !parse_float(ls[j], le[j], &row[numeric_col[j]])) ok = 0;
      if (!ok) {
#pragma omp critical(ev_text_bad)
        if (i < bad_row) bad_row = i;
      }
    }
    ev__free(ls);
    ev__free(le);
  }
  if (bad_row != INT64_MAX) {
    const line_ref *L = &lines[first + bad_row];
    int64_t got = split(L->s, L->len, delim, fs2, fe2, n_fields);
    if (got != n_fields) {
      rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld: expected %lld fields, got %lld", path,
                   (long long)L->line_no, (long long)n_fields, (long long)got);
    } else {
      for (int64_t j = 0; j < n_fields; j++) {
        float v;
        if (numeric_col[j] >= 0 && !parse_float(fs2[j], fe2[j], &v)) {
          int w = (int)EV__MIN(fe2[j] - fs2[j], 40);
          if (w == 0)
            rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld, column %lld: empty value, expected a number",
                         path, (long long)L->line_no, (long long)j + 1);
          else
            rc = ev__err(err, EV_EFORMAT, "text: %s: line %lld, column %lld: '%.*s' is not a number",
                         path, (long long)L->line_no, (long long)j + 1, w, fs2[j]);
          break;
        }
      }
      if (!rc) rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory while parsing", path);
    }
    goto done;
  }
  /* Text columns into the metadata table. */
  if (n_text && columns_out) {
    cells = ev__calloc((size_t)n, sizeof *cells);
    n_cells = cells ? n : 0;
    if (!cells || (rc = ev_table_new(n, &cols, err)) != EV_OK) {
      if (!rc) rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
      goto done;
    }
    int64_t k_text = 0;
    for (int64_t j = 0; j < n_fields; j++) {
      if (numeric_col[j] >= 0) continue;
      k_text++;
      char name[128];
      if (header)
        snprintf(name, sizeof name, "%.*s", (int)EV__MIN(fe[j] - fs[j], 120), fs[j]);
      else if (k_text == 1)
        snprintf(name, sizeof name, "label");
      else
        snprintf(name, sizeof name, "label_%lld", (long long)k_text);
      if (!name[0] || ev_table_find_col(cols, name) >= 0) { /* empty or repeated header name */
        char base[128];
        snprintf(base, sizeof base, "%s", name[0] ? name : "column");
        for (int suffix = 2; !name[0] || ev_table_find_col(cols, name) >= 0; suffix++)
          snprintf(name, sizeof name, "%.100s_%d", base, suffix);
      }
      for (int64_t i = 0; i < n; i++) {
        const line_ref *L = &lines[first + i];
        split(L->s, L->len, delim, fs2, fe2, n_fields);
        cells[i] = fe2[j] > fs2[j] ? ev__strndup(fs2[j], (size_t)(fe2[j] - fs2[j])) : NULL;
        if (fe2[j] > fs2[j] && !cells[i]) {
          rc = ev__err(err, EV_ENOMEM, "text: %s: out of memory", path);
          goto done;
        }
      }
      rc = ev_table_add_column(cols, name, (const char *const *)cells, err);
      for (int64_t i = 0; i < n; i++) ev__free(cells[i]), cells[i] = NULL;
      if (rc) goto done;
    }
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
  for (int64_t i = 0; i < n_cells; i++) ev__free(cells[i]);
  ev__free(cells);
  ev__free(lines);
  ev__free(fs);
  ev__free(fe);
  ev__free(fs2);
  ev__free(fe2);
  ev__free(numeric_col);
  ev__buf_free(&buf);
  if (rc) {
    ev_matrix_free(*out);
    *out = NULL;
    ev_table_free(cols);
  } else if (columns_out) {
    *columns_out = cols;
  }
  return rc;
}
