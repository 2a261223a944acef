/* labels.c — class codes from a metadata column. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/strmap.h"
#include "embview/table.h"

typedef struct class_entry {
  const char *name;
  double number;   /* for numeric columns */
  int32_t first_code;
  int numeric;     /* the column is numeric: order by number first */
} class_entry;

static int cmp_class(const void *a, const void *b) {
  const class_entry *x = a, *y = b;
  if (x->numeric && x->number != y->number) return x->number < y->number ? -1 : 1;
  return strcmp(x->name, y->name);
}

void ev_labels_free(ev_labels *l) {
  if (!l) return;
  if (l->class_names)
    for (int32_t c = 0; c < l->n_classes; c++) ev__free(l->class_names[c]);
  ev__free(l->class_names);
  ev__free(l->class_counts);
  ev__free(l->codes);
  ev__free(l);
}

int ev_labels_from_column(const ev_table *t, int col, ev_labels **out, ev_error *err) {
  *out = NULL;
  if (col < 0 || col >= ev_table_n_cols(t))
    return ev__err(err, EV_EINVAL, "labels: no column %d (the table has %d)", col,
                   ev_table_n_cols(t));
  int64_t n = ev_table_n_rows(t);
  ev_labels *l = ev__calloc(1, sizeof *l);
  class_entry *classes = NULL;
  int32_t *remap = NULL;
  ev__strmap map = {0};
  int rc = EV_ENOMEM;
  if (!l) goto done;
  l->n = n;
  l->codes = ev__malloc((size_t)(n ? n : 1) * sizeof *l->codes);
  if (!l->codes || ev__strmap_init(&map, 64) != EV_OK) goto done;
  for (int64_t i = 0; i < n; i++) {
    const char *s = ev_table_cell(t, i, col);
    if (!s || !*s) {
      l->codes[i] = -1;
      l->n_missing++;
      continue;
    }
    int ins;
    int64_t *v = ev__strmap_upsert(&map, s, (int64_t)map.n, &ins);
    if (!v) goto done;
    if (map.n > INT32_MAX / 2) {
      rc = ev__err(err, EV_ERANGE, "labels: column '%s' has too many distinct values",
                   ev_table_col_name(t, col));
      goto done;
    }
    l->codes[i] = (int32_t)*v;
  }
  int32_t k = (int32_t)map.n;
  classes = ev__malloc((size_t)(k ? k : 1) * sizeof *classes);
  remap = ev__malloc((size_t)(k ? k : 1) * sizeof *remap);
  l->class_names = ev__calloc((size_t)(k ? k : 1), sizeof *l->class_names);
  l->class_counts = ev__calloc((size_t)(k ? k : 1), sizeof *l->class_counts);
  if (!classes || !remap || !l->class_names || !l->class_counts) goto done;
  for (size_t s = 0; s < map.cap; s++) {
    if (!map.keys[s]) continue;
    class_entry *e = &classes[map.vals[s]];
    e->name = map.keys[s];
    e->first_code = (int32_t)map.vals[s];
    e->number = NAN;
    e->numeric = ev_table_col_is_numeric(t, col);
    ev__parse_number(e->name, strlen(e->name), &e->number);
  }
  qsort(classes, (size_t)k, sizeof *classes, cmp_class);
  l->n_classes = k; /* names are NULL until set, which ev_labels_free accepts */
  for (int32_t c = 0; c < k; c++) {
    remap[classes[c].first_code] = c;
    l->class_names[c] = ev__strdup(classes[c].name);
    if (!l->class_names[c]) goto done;
  }
  for (int64_t i = 0; i < n; i++) {
    if (l->codes[i] < 0) continue;
    l->codes[i] = remap[l->codes[i]];
    l->class_counts[l->codes[i]]++;
  }
  rc = EV_OK;
done:
  if (rc == EV_ENOMEM) ev__err(err, EV_ENOMEM, "labels: out of memory");
  ev__strmap_free(&map);
  ev__free(classes);
  ev__free(remap);
  if (rc)
    ev_labels_free(l);
  else
    *out = l;
  return rc;
}
