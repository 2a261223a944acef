/* fuzz_metadata.c — metadata TSV and labels files (src/io/metadata.c), the
 * table they build (src/core/table.c) and class codes (src/core/labels.c).
 *
 * Input: a labels file: metadata text, or a 1-D IDX or NPY array (gzip
 * allowed).  The expected point count follows the input's size:
 *   size % 3 == 0  no count check (n_points = -1)
 *   size % 3 == 1  n_points = the number of '\n' in the input
 *   size % 3 == 2  that number minus one: a one-column file one row longer
 *                  than the points reaches the "header line" rule
 * Reaches: BOM, CRLF and JavaScript-blank lines, the TAB header rule, the
 * N + 1 rule with its repeated-value test, duplicate and empty column names,
 * missing and extra fields, IDX/NPY label arrays (mapped onto the heap,
 * fuzz_util.c) and gzip-compressed .npy labels; then every cell, number
 * and class of the table (fz_check_table). */
#include <stdlib.h>
#include <string.h>

#include "embview/io.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  fz_write(path, "input.tsv", data, size);
  int64_t n_lines = 0;
  for (const uint8_t *p = data, *end = data + size; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) n_lines++;
  int64_t n_points = size % 3 == 0 ? -1 : size % 3 == 1 ? n_lines : n_lines - 1;
  ev_error err = {0};
  ev_notes notes = {0};
  ev_table *t = NULL;
  int rc = ev_labels_read(path, n_points, &t, &notes, &err);
  fz_outcome("labels", rc, &err);
  if (rc == EV_OK) {
    if (!t || (n_points >= 0 && ev_table_n_rows(t) != n_points)) abort();
    fz_check_table(t);
  } else if (t) {
    abort();
  }
  ev_table_free(t);
  return 0;
}
