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

#include "io/npy.h"
#include "io/readers.h"
#include "io/zip.h"

static void array_name(const char *member, char *out, size_t out_len) {
  if (snprintf(out, out_len, "%s", member) >= (int)out_len) { /* names are short in practice */
  }
  size_t n = strlen(out);
  if (n > 4 && !strcmp(out + n - 4, ".npy")) out[n - 4] = '\0';
}

/* A member's .npy header: a->data stays NULL, its data start at *off. */
static int read_head(const ev__zip *z, int i, const char *who, ev__budget *b, ev__ndarray *a,
                     size_t *off, ev_error *err) {
  const ev__zip_member *m = &z->members[i];
  size_t want = 12, got = 0, need = 0;
  unsigned char *buf = NULL;
  uint64_t charged = 0;
  int rc = EV_OK;
  for (;;) {
    const unsigned char *data;
    if (m->method != 0) {
      unsigned char *nb = ev__realloc(buf, want);
      if (!nb) {
        rc = ev__err(err, EV_ENOMEM, "npz: %s: out of memory", z->path);
        break;
      }
      buf = nb;
      if (want > charged) {
        if ((rc = ev__budget_take(b, want - charged, "npz", z->path, "a member's .npy header", err))) break;
        charged = want;
      }
    }
    if ((rc = ev__zip_member_head(z, i, "npz", buf, want, &data, &got, err))) break;
    rc = ev__npy_parse_head(data, got, (size_t)m->size, "npz", who, a, off, &need, err);
    if (rc || !need) break;
    if (need <= got) { /* cannot happen: the header parser asks for more only when it lacks it */
      rc = ev__err(err, EV_EINTERNAL, "npz: %s: member '%s': header parse", z->path, m->name);
      break;
    }
    if (got < want) { /* the member gave all it has (its deflate stream ended): asking again loops */
      rc = ev__err(err, EV_EFORMAT, "npz: %s: member '%s': its data end after %zu bytes, inside its .npy header",
                   z->path, m->name, got);
      break;
    }
    want = need;
  }
  ev__free(buf);
  ev__budget_give(b, charged);
  if (rc == EV_EFORMAT || rc == EV_EUNSUPPORTED) {
    /* a damaged member says so: check it whole (no buffer needed) */
    ev_error cerr = {0};
    const unsigned char *data;
    if (ev__zip_member_read(z, i, "npz", (size_t)m->size, NULL, &data, &cerr) && err) *err = cerr;
    if (err) rc = err->code;
  }
  return rc;
}

/* Member i's data (after its header at `off`): `dst` (size - off bytes) when
 * deflated and dst is given; else borrowed from the map (stored) or inflated
 * into *owned (charged to b; the caller frees and gives back). */
static int read_data(const ev__zip *z, int i, size_t off, unsigned char *dst, ev__budget *b,
                     const unsigned char **data, unsigned char **owned, uint64_t *charged,
                     ev_error *err) {
  const ev__zip_member *m = &z->members[i];
  size_t n = (size_t)m->size - off;
  *owned = NULL;
  *charged = 0;
  if (m->method != 0 && !dst) {
    char what[300];
    snprintf(what, sizeof what, "inflating member '%.200s'", m->name);
    int rc = ev__budget_take(b, n, "npz", z->path, what, err);
    if (rc) return rc;
    *charged = n;
    if (!(dst = *owned = ev__malloc(n ? n : 1)))
      return ev__err(err, EV_ENOMEM, "npz: %s: out of memory for member '%s'", z->path, m->name);
  }
  const unsigned char *base;
  int rc = ev__zip_member_read(z, i, "npz", off, dst, &base, err);
  *data = m->method == 0 ? base + off : dst;
  return rc;
}

static int host_little(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

int ev__npz_read(const char *path, ev_matrix **out, ev_table **columns_out, ev_source_info *info,
                 ev__budget *b, ev_error *err) {
  ev__zip z;
  *out = NULL;
  if (columns_out) *columns_out = NULL;
  if (info) memset(info, 0, sizeof *info);
  int rc = ev__zip_open(&z, path, "npz", err);
  if (rc) return rc;
  int n = z.n_members;
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
    char who[300];
    snprintf(who, sizeof who, "%s[%s]", path, z.members[i].name);
    if ((rc = read_head(&z, i, who, b, &arrays[i], &offs[i], err))) goto done;
    size_t used = strlen(listing);
    if (used < sizeof listing - 40) {
      char name[256];
      array_name(z.members[i].name, name, sizeof name);
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
    array_name(z.members[i].name, name, sizeof name);
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
  snprintf(who, sizeof who, "%s[%s]", path, z.members[matrix_idx].name);
  int64_t d;
  if ((rc = ev__ndarray_row_len(mat, "npz", who, &d, err))) goto done;
  const unsigned char *data;
  unsigned char *owned = NULL;
  uint64_t charged = 0;
  if (z.members[matrix_idx].method != 0 && mat->dtype == EV__DT_F32 && !mat->fortran &&
      mat->big_endian != host_little() && d >= 1) {
    if ((rc = ev__budget_take_matrix(b, mat->shape[0], d, "npz", path, err))) goto done;
    matrix_charge = (uint64_t)mat->shape[0] * (uint64_t)d * sizeof(float);
    if ((rc = ev_matrix_new(mat->shape[0], d, out, err))) goto done;
    ev__matrix_set_image_shape(*out, mat);
    rc = read_data(&z, matrix_idx, offs[matrix_idx], (unsigned char *)(*out)->data, b, &data, &owned,
                   &charged, err);
  } else {
    rc = read_data(&z, matrix_idx, offs[matrix_idx], NULL, b, &data, &owned, &charged, err);
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
    array_name(z.members[i].name, name, sizeof name);
    if (!cols && (rc = ev_table_new(mat->shape[0], &cols, err))) goto done;
    rc = read_data(&z, i, offs[i], NULL, b, &data, &owned, &charged, err);
    arrays[i].data = data;
    if (!rc) rc = ev__ndarray_to_column(&arrays[i], name, cols, b, "npz", path, err);
    ev__free(owned);
    ev__budget_give(b, charged);
    if (rc) goto done;
  }
  if (info) {
    char name[256];
    array_name(z.members[matrix_idx].name, name, sizeof name);
    snprintf(info->detail, sizeof info->detail, "array '%.150s'%s", name,
             z.members[matrix_idx].method == 8 ? ", deflated" : ", stored");
    ev__ndarray_describe(mat, EV_FORMAT_NPZ, info);
  }
done:
  ev__free(arrays);
  ev__free(offs);
  ev__zip_close(&z);
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
