/* npz_archive.c — .npz archives as named arrays (see npz.h): lazy reading
 * of members' .npy headers and data, and writing several arrays at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "io/npy.h"
#include "io/npz.h"

int ev__npz_open(ev__npz *z, const char *path, const char *who, ev_error *err) {
  z->who = who;
  return ev__zip_open(&z->zip, path, who, err);
}

void ev__npz_close(ev__npz *z) { ev__zip_close(&z->zip); }

void ev__npz_array_name(const ev__npz *z, int i, char *out, size_t out_len) {
  snprintf(out, out_len, "%s", z->zip.members[i].name); /* names are short in practice: cut if not */
  size_t n = strlen(out);
  if (n > 4 && !strcmp(out + n - 4, ".npy")) out[n - 4] = '\0';
}

int ev__npz_find(const ev__npz *z, const char *name) {
  size_t len = strlen(name);
  for (int i = 0; i < z->zip.n_members; i++) {
    const char *m = z->zip.members[i].name;
    if (!strncmp(m, name, len) && !strcmp(m + len, ".npy")) return i;
  }
  return -1;
}

int ev__npz_head(const ev__npz *z, int i, ev__budget *b, ev__ndarray *a, size_t *data_off, ev_error *err) {
  const ev__zip_member *m = &z->zip.members[i];
  const char *who = z->who, *path = z->zip.path;
  char where[300];
  snprintf(where, sizeof where, "%s[%s]", path, m->name);
  size_t want = 12, got = 0, need = 0;
  unsigned char *buf = NULL;
  uint64_t charged = 0;
  int rc = EV_OK;
  for (;;) {
    const unsigned char *data;
    if (m->method != 0) {
      unsigned char *nb = ev__realloc(buf, want);
      if (!nb) {
        rc = ev__err(err, EV_ENOMEM, "%s: %s: out of memory", who, path);
        break;
      }
      buf = nb;
      if (want > charged) {
        if ((rc = ev__budget_take(b, want - charged, who, path, "a member's .npy header", err))) break;
        charged = want;
      }
    }
    if ((rc = ev__zip_member_head(&z->zip, i, who, buf, want, &data, &got, err))) break;
    rc = ev__npy_parse_head(data, got, (size_t)m->size, who, where, a, data_off, &need, err);
    if (rc || !need) break;
    if (need <= got) { /* cannot happen: the header parser asks for more only when it lacks it */
      rc = ev__err(err, EV_EINTERNAL, "%s: %s: member '%s': header parse", who, path, m->name);
      break;
    }
    if (got < want) { /* the member gave all it has (its deflate stream ended): asking again loops */
      rc = ev__err(err, EV_EFORMAT, "%s: %s: member '%s': its data end after %zu bytes, inside its .npy header",
                   who, path, m->name, got);
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
    if (ev__zip_member_read(&z->zip, i, who, (size_t)m->size, NULL, &data, &cerr) && err) *err = cerr;
    if (err) rc = err->code;
  }
  return rc;
}

int ev__npz_data(const ev__npz *z, int i, size_t data_off, unsigned char *dst, ev__budget *b,
                 const unsigned char **data, unsigned char **owned, uint64_t *charged, ev_error *err) {
  const ev__zip_member *m = &z->zip.members[i];
  size_t n = (size_t)m->size - data_off;
  *owned = NULL;
  *charged = 0;
  if (m->method != 0 && !dst) {
    char what[300];
    snprintf(what, sizeof what, "inflating member '%.200s'", m->name);
    int rc = ev__budget_take(b, n, z->who, z->zip.path, what, err);
    if (rc) return rc;
    *charged = n;
    if (!(dst = *owned = ev__malloc(n ? n : 1)))
      return ev__err(err, EV_ENOMEM, "%s: %s: out of memory for member '%s'", z->who, z->zip.path, m->name);
  }
  const unsigned char *base;
  int rc = ev__zip_member_read(&z->zip, i, z->who, data_off, dst, &base, err);
  *data = m->method == 0 ? base + data_off : dst;
  return rc;
}

int ev__npz_copy(const ev__npz *z, int i, size_t data_off, void *dst, ev_error *err) {
  const unsigned char *data;
  unsigned char *owned;
  uint64_t charged;
  int rc = ev__npz_data(z, i, data_off, dst, NULL, &data, &owned, &charged, err);
  if (!rc && data != dst) memcpy(dst, data, (size_t)z->zip.members[i].size - data_off);
  return rc;
}

int ev__npz_write(const char *path, const char *who, const ev__npz_array *arrays, int n, ev_error *err) {
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, who, err);
  if (rc) return rc;
  ev__zip_writer w = {0};
  w.fp = at.fp;
  for (int i = 0; i < n && !rc; i++) {
    const ev__npz_array *a = &arrays[i];
    char header[256], member[256];
    size_t bytes = strtoul(a->descr + 2, NULL, 10); /* "<f4": 4 bytes an item */
    for (int d = 0; d < a->ndim; d++) bytes *= (size_t)a->shape[d];
    size_t hlen = ev__npy_header(header, sizeof header, a->descr, a->shape, a->ndim);
    snprintf(member, sizeof member, "%s.npy", a->name);
    rc = ev__zip_write_member(&w, member, header, hlen, a->data, bytes, err);
  }
  if (!rc) rc = ev__zip_write_end(&w, err);
  if (rc && at.io_errno) return ev__atomic_fail(&at, who, err);
  if (rc) {
    ev__atomic_abort(&at);
    return ev__err_prefix(err, "%s: %s", who, path);
  }
  return ev__atomic_commit(&at, who, err);
}
