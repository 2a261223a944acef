/* fuzz_npy.c — the .npy parser (src/io/npy.c) and the typed-array
 * conversions it feeds (src/io/ndarray.c).
 *
 * Input: an .npy file.  Reaches, in memory: the preamble and version, the
 * header dictionary (keys, descr, fortran_order, shape with Python 2 longs),
 * the size check against the data; then every dtype, byte order and order to
 * float32 rows, and 1-D arrays to text labels.  Then the same bytes as a
 * file through ev_npy_read (the mapped float32 path and the copying one),
 * the file mapped onto the heap (fuzz_util.c) so an overread is seen. */
#include <stdlib.h>

#include "embview/io.h"
#include "core/budget.h"
#include "fuzz_util.h"
#include "io/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  ev_error err = {0};
  ev__ndarray a;
  fz_init();
  int rc = ev__npy_parse(data, size, "npy", "input", &a, &err);
  fz_outcome("parse", rc, &err);
  if (rc == EV_OK) {
    if (a.ndim == 1) {
      ev_table *t = NULL;
      ev__budget b;
      ev__budget_init(&b, 0);
      if (ev_table_new(a.shape[0], &t, &err) == EV_OK &&
          ev__ndarray_to_column(&a, "label", t, &b, "npy", "input", &err) == EV_OK)
        fz_check_table(t);
      ev_table_free(t);
    }
  }
  fz_write(path, "input.npy", data, size);
  ev_matrix *m = NULL;
  ev_source_info info;
  rc = ev_npy_read(path, &m, &info, &err);
  fz_outcome("npy", rc, &err);
  if (rc == EV_OK) fz_check_matrix(m);
  ev_matrix_free(m);
  return 0;
}
