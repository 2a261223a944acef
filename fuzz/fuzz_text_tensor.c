/* fuzz_text_tensor.c — TSV/CSV vectors (src/io/text_tensor.c) with the
 * line rules they share with metadata (src/io/text_lines.c).
 *
 * Input: a text file.  The options follow the input's size, so one corpus
 * covers every way the library calls the reader:
 *   size % 4 == 0, 1  detect delimiter and header, text columns kept
 *                     (ev_dataset_load on a .tsv/.csv)
 *   size % 4 == 2     TAB, no header, text columns dropped with a note
 *                     (a projector tensor_path, io/tb_tensor_file.c)
 *   size % 4 == 3     comma, detect the header, text columns kept
 * Reaches: BOM, CRLF and JavaScript-blank lines, delimiter and header
 * detection, column kinds (empty first values looked up below), the
 * parallel number parse and its first-bad-line report, text columns into a
 * table with header names made unique. */
#include <stdlib.h>

#include "embview/io.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  fz_write(path, "input.tsv", data, size);
  ev_text_options opts[4] = {{0, -1}, {0, -1}, {'\t', 0}, {',', -1}};
  int mode = (int)(size % 4);
  ev_error err = {0};
  ev_notes notes = {0};
  ev_matrix *m = NULL;
  ev_table *cols = NULL;
  ev_source_info info;
  int rc = ev_text_tensor_read(path, &opts[mode], &m, mode == 2 ? NULL : &cols, &info, &notes, &err);
  fz_outcome("text", rc, &err);
  if (rc == EV_OK) {
    fz_check_matrix(m);
    fz_check_table(cols);
    if (cols && ev_table_n_rows(cols) != m->n_rows) abort();
  } else if (m || cols) {
    abort(); /* outputs are NULL on failure */
  }
  ev_matrix_free(m);
  ev_table_free(cols);
  return 0;
}
