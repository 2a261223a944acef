/* npz.h — NumPy .npz archives as a set of named arrays: read lazily (each
 * member's .npy header first, its data only when asked for) and written
 * several at once, atomically.  The NPZ reader (npz.c) and the kNN graph
 * files (knn/graph.c) both stand on it.  Internal.
 *
 * An array named "x" is the member "x.npy".  Members share no bytes (zip.c
 * refuses overlapping entries), so what is inflated is bounded by the
 * archive's own members, and every inflation is charged to a budget first.
 */
#ifndef EV_IO_NPZ_H
#define EV_IO_NPZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/budget.h"
#include "io/ndarray.h"
#include "io/zip.h"

typedef struct ev__npz {
  ev__zip zip;
  const char *who;          /* prefix of messages: "npz", "knn" (borrowed) */
} ev__npz;

/* Map the archive and read its directory (no member is inflated yet). */
int ev__npz_open(ev__npz *z, const char *path, const char *who, ev_error *err);
void ev__npz_close(ev__npz *z);

static inline int ev__npz_n_arrays(const ev__npz *z) { return z->zip.n_members; }

/* Whether array i is deflated (else stored: its data lie in the map). */
static inline int ev__npz_deflated(const ev__npz *z, int i) { return z->zip.members[i].method != 0; }

/* Array i's name: its member's name without ".npy". */
void ev__npz_array_name(const ev__npz *z, int i, char *out, size_t out_len);

/* The index of the array called `name`, or -1 when the archive has none. */
int ev__npz_find(const ev__npz *z, const char *name);

/* Array i's .npy header only (inflating just its first bytes): `a`
 * describes the array with a->data NULL; its data start at *data_off and
 * their size has been checked against the member's.  A damaged member is
 * then checked whole, so that its CRC error is what the caller sees. */
int ev__npz_head(const ev__npz *z, int i, ev__budget *b, ev__ndarray *a, size_t *data_off, ev_error *err);

/* Array i's data, after its header at `data_off`, CRC-32 checked.  Stored
 * members are borrowed from the map (*data; valid until close).  Deflated
 * ones inflate into `dst` (size - data_off bytes) when given, else into a
 * new buffer *owned charged to b (*charged bytes): the caller frees it and
 * gives the charge back. */
int ev__npz_data(const ev__npz *z, int i, size_t data_off, unsigned char *dst, ev__budget *b,
                 const unsigned char **data, unsigned char **owned, uint64_t *charged, ev_error *err);

/* Array i's data copied into dst (exactly size - data_off bytes). */
int ev__npz_copy(const ev__npz *z, int i, size_t data_off, void *dst, ev_error *err);

/* One array to write: C-order little-endian, dtype as numpy spells it
 * ("<f4", "<i4", "<i8"); data holds prod(shape) items. */
typedef struct ev__npz_array {
  const char *name;         /* without ".npy" */
  const char *descr;
  int ndim;                 /* 1..EV__NDIM_MAX */
  const int64_t *shape;
  const void *data;
} ev__npz_array;

/* Write n arrays (at most 16) as one uncompressed .npz, atomically. */
int ev__npz_write(const char *path, const char *who, const ev__npz_array *arrays, int n, ev_error *err);

#endif
