/* npz.c — NumPy .npz archives: one matrix plus optional 1-D label arrays.
 *
 * An .npz is a zip whose members are .npy files named "<array>.npy".  The
 * member with two or more dimensions is the matrix (exactly one is allowed);
 * 1-D members of the matrix's length become metadata columns named after
 * the array.  Other shapes are an error that lists the members, so the user
 * learns what the archive holds.
 */
#include <stdio.h>
#include <string.h>

#include "io/npy.h"
#include "io/zip.h"

static void array_name(const char *member, char *out, size_t out_len) {
  if (snprintf(out, out_len, "%s", member) >= (int)out_len) { /* names are short in practice */
  }
  size_t n = strlen(out);
  if (n > 4 && !strcmp(out + n - 4, ".npy")) out[n - 4] = '\0';
}

int ev_npz_read(const char *path, ev_matrix **out, ev_table **columns_out, ev_source_info *info,
                ev_error *err) {
  ev__zip z;
  *out = NULL;
  if (columns_out) *columns_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__zip_open(&z, path, "npz", err);
  if (rc) return rc;
  int n = z.n_members;
  ev__ndarray *arrays = ev__calloc((size_t)(n ? n : 1), sizeof *arrays);
  unsigned char **owned = ev__calloc((size_t)(n ? n : 1), sizeof *owned);
  ev_table *cols = NULL;
  char listing[200] = "";
  int matrix_idx = -1;
  if (!arrays || !owned) {
    rc = ev__err(err, EV_ENOMEM, "npz: out of memory");
    goto done;
  }
  for (int i = 0; i < n; i++) {
    const unsigned char *data;
    char who[300];
    snprintf(who, sizeof who, "%s[%s]", path, z.members[i].name);
    rc = ev__zip_member_data(&z, i, "npz", &data, &owned[i], err);
    if (rc) goto done;
    rc = ev__npy_parse(data, (size_t)z.members[i].size, "npz", who, &arrays[i], err);
    if (rc) goto done;
    size_t used = strlen(listing);
    if (used < sizeof listing - 40) {
      char name[256];
      array_name(z.members[i].name, name, sizeof name);
      snprintf(listing + used, sizeof listing - used, "%s%.60s (%dd)", used ? ", " : "", name,
               arrays[i].ndim);
    }
  }
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
    array_name(z.members[i].name, name, sizeof name);
    if (arrays[i].ndim != 1 || arrays[i].shape[0] != mat->shape[0]) {
      rc = ev__err(err, EV_EMISMATCH,
                   "npz: %s: array '%s' has %d dimension(s) and %lld values; extra arrays must be "
                   "1-D with one value per row (%lld)",
                   path, name, arrays[i].ndim, (long long)(arrays[i].ndim ? arrays[i].shape[0] : 0),
                   (long long)mat->shape[0]);
      goto done;
    }
    if (!columns_out) continue;
    if (!cols && (rc = ev_table_new(mat->shape[0], &cols, err))) goto done;
    rc = ev__ndarray_to_column(&arrays[i], name, cols, err);
    if (rc) goto done;
  }
  rc = ev__ndarray_to_matrix(mat, "npz", path, 0, out, err);
  if (rc) goto done;
  if (info) {
    char name[256];
    array_name(z.members[matrix_idx].name, name, sizeof name);
    snprintf(info->detail, sizeof info->detail, "array '%.150s'%s", name,
             z.members[matrix_idx].method == 8 ? ", deflated" : ", stored");
    ev__ndarray_describe(mat, EV_FORMAT_NPZ, info);
  }
done:
  for (int i = 0; owned && i < n; i++) ev__free(owned[i]);
  ev__free(owned);
  ev__free(arrays);
  ev__zip_close(&z);
  if (rc) {
    ev_table_free(cols);
    ev_matrix_free(*out);
    *out = NULL;
  } else if (columns_out) {
    *columns_out = cols;
  }
  return rc;
}
