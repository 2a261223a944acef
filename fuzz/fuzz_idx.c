/* fuzz_idx.c — the IDX reader (src/io/idx.c), plain and gzip-compressed,
 * and format detection (src/io/load.c) on the same bytes.
 *
 * Input: an IDX file as it lies on disk (gzip when it starts with 1f 8b).
 * Reaches: the magic and dimension checks, the size checks against the file
 * (and gzip's possible expansion), the bounded read loop, the trailing-data
 * check, and the conversion of every IDX type to float32 rows with the
 * image shape (io/ndarray.c). */
#include <stdlib.h>

#include "embview/io.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  fz_write(path, "input.idx", data, size);
  ev_error err = {0};
  ev_matrix *m = NULL;
  ev_source_info info;
  int rc = ev_idx_read(path, &m, &info, &err);
  fz_outcome("idx", rc, &err);
  if (rc == EV_OK && (!m || m->n_rows != info.shape[0])) abort();
  fz_check_matrix(m);
  ev_matrix_free(m);
  ev_format f;
  fz_outcome("detect", ev_format_detect(path, &f, &err), &err);
  return 0;
}
