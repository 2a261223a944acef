/* npz.c — NumPy .npz archives: one matrix plus optional 1-D label arrays.
 *
 * An .npz is a zip whose members are .npy files named "<array>.npy".  The
 * member with two or more dimensions is the matrix (exactly one is allowed);
 * 1-D members of the matrix's length become metadata columns named after
 * the array.  Other shapes are an error that lists the members, so the user
 * learns what the archive holds.
 *
 * Lazily, as numpy's np.load: first only each member's .npy header is read
 * (inflating its first bytes), the matrix is chosen and every shape checked;
 * then each member that is used is inflated once, the matrix's float32 data
 * straight into the matrix.  Members share no bytes (zip.c refuses archives
 * whose entries overlap), so the bytes inflated are those of the archive's
 * members, each once, and the budget is charged before each inflation.
 * Memory: the matrix, plus for a member that is not little-endian float32
 * its uncompressed data while it is converted, plus each 1-D column's text
 * (its values' own lengths) and a 4-byte row index.
 */
#include <stdio.h>
#include <string.h>

#include "io/npz.h"
#include "io/readers.h"

static int host_little(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

int ev__npz_read(const char *path, ev_matrix **out, ev_table **columns_out, ev_source_info *info,
                 ev__budget *b, ev_error *err) {
  ev__npz z;
  *out = NULL;
  if (columns_out) *columns_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__npz_open(&z, path, "npz", err);
  if (rc) return rc;
  int n = ev__npz_n_arrays(&z);
  ev__ndarray *arrays = ev__calloc((size_t)(n ? n : 1), sizeof *arrays);
  size_t *offs = ev__calloc((size_t)(n ? n : 1), sizeof *offs);
  ev_table *cols = NULL;
  char listing[200] = "";
  int matrix_idx = -1;
  uint64_t matrix_charge = 0;
  if (!arrays || !offs) {
    rc = ev__err(err, EV_ENOMEM, "npz: out of memory");
    goto done;
  }
  /* 1. headers only */
  for (int i = 0; i < n; i++) {
    if ((rc = ev__npz_head(&z, i, b, &arrays[i], &offs[i], err))) goto done;
    size_t used = strlen(listing);
    if (used < sizeof listing - 40) {
      char name[256];
      ev__npz_array_name(&z, i, name, sizeof name);
      snprintf(listing + used, sizeof listing - used, "%s%.60s (%dd)", used ? ", " : "", name,
               arrays[i].ndim);
    }
  }
  /* 2. the matrix, and every other member's shape */
  for (int i = 0; i < n; i++) {
    if (arrays[i].ndim < 2) continue;
    if (matrix_idx >= 0) {
      rc = ev__err(err, EV_EFORMAT,
                   "npz: %s: holds several arrays of 2 or more dimensions (%s); expected one "
                   "matrix plus 1-D label arrays",
                   path, listing);
      goto done;
    }
    matrix_idx = i;
  }
  if (matrix_idx < 0) {
    rc = ev__err(err, EV_EFORMAT, "npz: %s: no array of 2 or more dimensions among: %s", path,
                 n ? listing : "(empty archive)");
    goto done;
  }
  ev__ndarray *mat = &arrays[matrix_idx];
  for (int i = 0; i < n; i++) {
    if (i == matrix_idx) continue;
    char name[256];
    ev__npz_array_name(&z, i, name, sizeof name);
    if (arrays[i].ndim != 1 || arrays[i].shape[0] != mat->shape[0]) {
      rc = ev__err(err, EV_EMISMATCH,
                   "npz: %s: array '%s' has %d dimension(s) and %lld values; extra arrays must be "
                   "1-D with one value per row (%lld)",
                   path, name, arrays[i].ndim, (long long)(arrays[i].ndim ? arrays[i].shape[0] : 0),
                   (long long)mat->shape[0]);
      goto done;
    }
  }
  /* 3. the matrix: deflated little-endian float32 C-order data inflate
   * straight into it */
  char who[300];
  snprintf(who, sizeof who, "%s[%s]", path, z.zip.members[matrix_idx].name);
  int64_t d;
  if ((rc = ev__ndarray_row_len(mat, "npz", who, &d, err))) goto done;
  const unsigned char *data;
  unsigned char *owned = NULL;
  uint64_t charged = 0;
  if (ev__npz_deflated(&z, matrix_idx) && mat->dtype == EV__DT_F32 && !mat->fortran &&
      mat->big_endian != host_little() && d >= 1) {
    if ((rc = ev__budget_take_matrix(b, mat->shape[0], d, "npz", path, err))) goto done;
    matrix_charge = (uint64_t)mat->shape[0] * (uint64_t)d * sizeof(float);
    if ((rc = ev_matrix_new(mat->shape[0], d, out, err))) goto done;
    ev__matrix_set_image_shape(*out, mat);
    rc = ev__npz_data(&z, matrix_idx, offs[matrix_idx], (unsigned char *)(*out)->data, b, &data, &owned,
                      &charged, err);
  } else {
    rc = ev__npz_data(&z, matrix_idx, offs[matrix_idx], NULL, b, &data, &owned, &charged, err);
    mat->data = data;
    if (!rc) rc = ev__ndarray_to_matrix(mat, "npz", path, 0, b, out, err);
    ev__free(owned);
    ev__budget_give(b, charged);
  }
  if (rc) goto done;
  /* 4. the columns, one member at a time */
  for (int i = 0; i < n && columns_out; i++) {
    if (i == matrix_idx) continue;
    char name[256];
    ev__npz_array_name(&z, i, name, sizeof name);
    if (!cols && (rc = ev_table_new(mat->shape[0], &cols, err))) goto done;
    rc = ev__npz_data(&z, i, offs[i], NULL, b, &data, &owned, &charged, err);
    arrays[i].data = data;
    if (!rc) rc = ev__ndarray_to_column(&arrays[i], name, cols, b, "npz", path, err);
    ev__free(owned);
    ev__budget_give(b, charged);
    if (rc) goto done;
  }
  if (info) {
    char name[256];
    ev__npz_array_name(&z, matrix_idx, name, sizeof name);
    snprintf(info->detail, sizeof info->detail, "array '%.150s'%s", name,
             ev__npz_deflated(&z, matrix_idx) ? ", deflated" : ", stored");
    ev__ndarray_describe(mat, EV_FORMAT_NPZ, info);
  }
done:
  ev__free(arrays);
  ev__free(offs);
  ev__npz_close(&z);
  if (rc) {
    ev_table_free(cols);
    ev_matrix_free(*out);
    *out = NULL;
    ev__budget_give(b, matrix_charge);
  } else if (columns_out) {
    *columns_out = cols;
  }
  return rc;
}

int ev_npz_read(const char *path, ev_matrix **out, ev_table **columns_out, ev_source_info *info,
                ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__npz_read(path, out, columns_out, info, &b, err);
}
