/* metadata.c — metadata TSV and labels files.
 *
 * Metadata follows the TensorBoard projector's parser (vz_projector
 * data-provider.ts, parseMetadata): split on '\n' only, skip lines that
 * JavaScript trim() leaves empty (U+0085 is data), the first line is a header
 * iff it holds a TAB, fields split on TAB, empty fields are "no value", extra
 * fields ignored, missing ones empty.  Two deliberate differences, both about
 * the row count M against N points:
 *   - a one-column file with M == N + 1 whose first line is not one of the
 *     other values (the "label" header many tutorials write) is read with
 *     that line as the column name, and a note says so (TensorBoard rejects
 *     the file);
 *   - any other M != N is an error naming both counts (TensorBoard only
 *     warns and attaches the first min(M, N) rows, which silently misaligns
 *     labels).
 * A trailing '\r' (CRLF files) is removed from each line, with a note, and a
 * UTF-8 byte order mark at the start of the file is skipped.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/file.h"
#include "core/table_internal.h"
#include "embview/io.h"
#include "io/idx.h"
#include "io/npy.h"
#include "io/readers.h"
#include "io/text_lines.h"

#define METADATA_MAX_BYTES ((size_t)16 << 30)
#define METADATA_MAX_COLS 4096

/* Lines of the file as TensorBoard sees them: not blank, '\r' dropped. */
typedef struct line_iter {
  const char *pos, *end;
  int64_t n_crlf;
} line_iter;

static const char *next_row(line_iter *it, size_t *len) {
  for (const char *s; (s = ev__next_line(&it->pos, it->end, len));) {
    if (ev__js_blank(s, *len)) continue;
    if (*len && s[*len - 1] == '\r') (*len)--, it->n_crlf++;
    return s;
  }
  return NULL;
}

/* The next TAB-separated field of [*p, end): start and length; *p moves past
 * its TAB, or to NULL after the last field. */
static const char *next_field(const char **p, const char *end, size_t *len) {
  const char *s = *p;
  const char *q = memchr(s, '\t', (size_t)(end - s));
  *len = (size_t)((q ? q : end) - s);
  *p = q ? q + 1 : NULL;
  return s;
}

/* The file in two passes over its rows, each split once: count each
 * column's cells and bytes, then put them into storage of exactly that
 * size.  Linear in the file; memory: the file, plus at most 8 bytes of row
 * index and the text itself per present cell (table.c). */
int ev__metadata_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                      ev__budget *b, ev_error *err) {
  ev__buf buf;
  ev__col_plan *plans = NULL;
  int64_t *cursor_k = NULL;
  uint64_t *cursor_pos = NULL;
  char *header = NULL;
  ev_table *t = NULL;
  *out = NULL;
  int rc = ev__file_read_budget(path, "metadata", METADATA_MAX_BYTES, b, &buf, err);
  if (rc) return rc;
  const char *data = (const char *)buf.data, *end = data + buf.len;
  if (!data) data = end = "";
  line_iter it = {data, end, 0};
  ev__skip_bom(&it.pos, end);
  const char *body = it.pos;
  size_t first_len = 0, len;
  const char *first = next_row(&it, &first_len);
  int64_t n_lines = first ? 1 : 0;
  while (next_row(&it, &len)) n_lines++;
  int64_t n_crlf = it.n_crlf;
  if (n_lines == 0) {
    rc = ev__err(err, EV_EFORMAT, "metadata: %s: no rows (the file is empty or blank)", path);
    goto done;
  }
  /* Header rule: a TAB in the first line. */
  int has_header = memchr(first, '\t', first_len) != NULL;
  int n_cols = 1;
  if (has_header) {
    for (size_t i = 0; i < first_len && n_cols <= METADATA_MAX_COLS; i++) n_cols += first[i] == '\t';
    if (n_cols > METADATA_MAX_COLS) {
      rc = ev__err(err, EV_ERANGE, "metadata: %s: more than %d columns in the header; at most %d supported",
                   path, METADATA_MAX_COLS, METADATA_MAX_COLS);
      goto done;
    }
  }
  int64_t m = n_lines - (has_header ? 1 : 0);
  if (!has_header && n_points >= 0 && m == n_points + 1) {
    /* One column, one row too many: a header line such as "label", unless
     * that first value occurs again below (then it is data, and the count
     * is simply wrong). */
    int repeated = 0;
    line_iter r = {body, end, 0};
    next_row(&r, &len);
    for (const char *s; !repeated && (s = next_row(&r, &len));)
      repeated = len == first_len && !memcmp(s, first, len);
    if (!repeated) {
      ev__note(notes,
               "metadata: %s: one column with %lld rows for %lld points: reading the first row "
               "('%.*s') as the column name (TensorBoard would reject this file)",
               path, (long long)m, (long long)n_points, (int)EV__MIN(first_len, 60), first);
      has_header = 1;
      m = n_points;
    }
  }
  if (n_points >= 0 && m != n_points) {
    rc = ev__err(err, EV_EMISMATCH,
                 "metadata: %s: %lld data rows for %lld points (%s); the counts must match",
                 path, (long long)m, (long long)n_points,
                 has_header ? "after a header row" : "one column, no header row");
    goto done;
  }
  plans = ev__calloc((size_t)n_cols, sizeof *plans);
  cursor_k = ev__calloc((size_t)n_cols, sizeof *cursor_k);
  cursor_pos = ev__calloc((size_t)n_cols, sizeof *cursor_pos);
  header = ev__malloc(first_len + 1);
  if (!plans || !cursor_k || !cursor_pos || !header) {
    rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory", path);
    goto done;
  }
  /* Pass 1: what each column holds.  Fields past n_cols are ignored,
   * missing ones are empty. */
  for (int pass = 1; pass <= 2; pass++) {
    line_iter r = {body, end, 0};
    if (has_header) next_row(&r, &len);
    int64_t i = 0;
    for (const char *s; (s = next_row(&r, &len)); i++) {
      const char *p = s;
      for (int j = 0; p && j < n_cols; j++) {
        size_t flen;
        const char *f = next_field(&p, s + len, &flen);
        if (!flen) continue;
        if (pass == 1) {
          double v;
          plans[j].n_present++;
          plans[j].n_bytes += flen + 1;
          if (!plans[j].not_numeric && !ev__parse_number(f, flen, &v)) plans[j].not_numeric = 1;
        } else {
          ev__table_put(t, j, cursor_k[j]++, i, cursor_pos[j], f, flen);
          cursor_pos[j] += flen + 1;
        }
      }
    }
    if (pass == 2) break;
    /* Storage for exactly that, and the names. */
    int first_col;
    if ((rc = ev_table_new(m, &t, err)) ||
        (rc = ev__table_add_planned(t, n_cols, plans, b, "metadata", path, &first_col, err)))
      goto done;
    const char *p = has_header ? first : NULL;
    for (int j = 0; j < n_cols; j++) {
      char fallback[32], name_buf[64];
      const char *name = "label";
      size_t flen = 0;
      if (p) {
        const char *f = next_field(&p, first + first_len, &flen);
        memcpy(header, f, flen);
        header[flen] = '\0';
        name = header;
      } else if (has_header) {
        flen = 0; /* the header line ran out of fields */
      }
      if (has_header && !flen) {
        snprintf(fallback, sizeof fallback, "column_%d", j + 1);
        name = fallback;
      }
      if (ev_table_find_col(t, name) >= 0) {
        snprintf(fallback, sizeof fallback, "column_%d", j + 1);
        if (ev_table_find_col(t, fallback) >= 0 &&
            ev__table_suffixed_name(t, fallback, sizeof fallback, name_buf, sizeof name_buf)) {
          rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory", path);
          goto done;
        }
        const char *renamed = ev_table_find_col(t, fallback) >= 0 ? name_buf : fallback;
        ev__note(notes, "metadata: %s: duplicate column name '%s' renamed to '%s'", path, name, renamed);
        name = renamed;
      }
      if (ev__table_name_col(t, j, name)) {
        rc = ev__err(err, EV_ENOMEM, "metadata: %s: out of memory", path);
        goto done;
      }
    }
  }
  if (n_crlf) ev__note(notes, "metadata: %s: CRLF line endings (the '\\r' was dropped)", path);
done:
  ev__free(plans);
  ev__free(cursor_k);
  ev__free(cursor_pos);
  ev__free(header);
  ev__budget_give(b, buf.cap);
  ev__buf_free(&buf);
  if (rc)
    ev_table_free(t);
  else
    *out = t;
  return rc;
}

int ev_metadata_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                     ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__metadata_read(path, n_points, out, notes, &b, err);
}

/* Labels from a 1-D IDX or NPY array, or a text file. */
int ev__labels_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                    ev__budget *b, ev_error *err) {
  ev__stream s;
  unsigned char head[8];
  size_t got = 0;
  *out = NULL;
  int rc = ev__stream_open(&s, path, "labels", err);
  if (rc) return rc;
  rc = ev__stream_read(&s, head, sizeof head, &got, err);
  int gz = s.is_gzip;
  ev__stream_close(&s);
  if (rc) return rc;
  ev__ndarray a;
  unsigned char *owned = NULL;
  size_t owned_len = 0;
  void *map = NULL;
  size_t map_len = 0;
  const char *kind;
  if (ev__idx_is_magic(head, got)) {
    int is_gzip;
    kind = "idx";
    rc = ev__idx_read_array(path, &a, &owned, &is_gzip, b, err);
    if (!rc) owned_len = a.n_elems * ev__dtype_size(a.dtype);
  } else if (got >= 6 && !memcmp(head, "\x93NUMPY", 6) && gz) {
    /* labels are small: a compressed .npy is read whole */
    kind = "npy";
    ev__buf buf = {0};
    rc = ev__file_read_budget(path, "labels", (size_t)1 << 34, b, &buf, err);
    owned = buf.data;
    owned_len = buf.cap;
    if (!rc) rc = ev__npy_parse(buf.data, buf.len, "labels", path, &a, err);
  } else if (got >= 6 && !memcmp(head, "\x93NUMPY", 6)) {
    kind = "npy";
    rc = ev__file_map(path, "labels", &map, &map_len, err);
    if (!rc) rc = ev__npy_parse(map, map_len, "labels", path, &a, err);
  } else {
    return ev__metadata_read(path, n_points, out, notes, b, err);
  }
  if (rc) goto done;
  if (a.ndim != 1 && !(a.ndim == 2 && a.shape[1] == 1)) {
    rc = ev__err(err, EV_EFORMAT, "labels: %s: a %s array with %d dimensions; expected 1-D labels",
                 path, kind, a.ndim);
    goto done;
  }
  a.ndim = 1;
  if (n_points >= 0 && a.shape[0] != n_points) {
    rc = ev__err(err, EV_EMISMATCH, "labels: %s: %lld labels for %lld points; the counts must match",
                 path, (long long)a.shape[0], (long long)n_points);
    goto done;
  }
  rc = ev_table_new(a.shape[0], out, err);
  if (!rc) rc = ev__ndarray_to_column(&a, "label", *out, b, "labels", path, err);
  if (rc) {
    ev_table_free(*out);
    *out = NULL;
  }
done:
  ev__free(owned);
  ev__budget_give(b, owned_len);
  if (map) munmap(map, map_len);
  return rc;
}

int ev_labels_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                   ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__labels_read(path, n_points, out, notes, &b, err);
}
