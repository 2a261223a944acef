/* ndarray.h — a typed n-d array as found in a file (NPY member, IDX body),
 * and its conversion to float32 rows or to text labels.  Internal. */
#ifndef EV_IO_NDARRAY_H
#define EV_IO_NDARRAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/budget.h"
#include "core/internal.h"
#include "embview/io.h"
#include "embview/matrix.h"
#include "embview/table.h"

typedef enum ev__dtype {
  EV__DT_BOOL,
  EV__DT_U8,
  EV__DT_I8,
  EV__DT_U16,
  EV__DT_I16,
  EV__DT_U32,
  EV__DT_I32,
  EV__DT_U64,
  EV__DT_I64,
  EV__DT_F16,
  EV__DT_F32,
  EV__DT_F64,
  EV__DT_BF16 /* bfloat16: the upper half of a float32 (TensorFlow checkpoints) */
} ev__dtype;

#define EV__NDIM_MAX 8

typedef struct ev__ndarray {
  ev__dtype dtype;
  int big_endian;        /* element byte order */
  int fortran;           /* column-major element order */
  int ndim;              /* 0..EV__NDIM_MAX */
  int64_t shape[EV__NDIM_MAX];
  const unsigned char *data;  /* borrowed: n_elems * itemsize bytes */
  size_t n_elems;
} ev__ndarray;

size_t ev__dtype_size(ev__dtype t);
const char *ev__dtype_name(ev__dtype t);

/* Product of shape[from..ndim-1]; -1 on overflow. */
int64_t ev__shape_prod(const int64_t *shape, int ndim, int from);

/* Fill `info` (dtype, shape, detail) from an array. */
void ev__ndarray_describe(const ev__ndarray *a, ev_format fmt, ev_source_info *info);

/* Rows = shape[0], columns = product of the other dimensions (1 for 1-D).
 * Converts any dtype, order and byte order into a new heap matrix (charged
 * to b), records an image shape for N x H x W (and N x H x W x C with C in
 * 1, 3, 4) arrays. */
int ev__ndarray_to_matrix(const ev__ndarray *a, const char *who, const char *path, int n_threads,
                          ev__budget *b, ev_matrix **out, ev_error *err);

/* The columns of a row: the product of shape[1..], 1 for 1-D.  EV_ERANGE
 * (naming the shape) when a row of float32 values would not be addressable
 * — even when shape[0] is 0 and the data are empty. */
int ev__ndarray_row_len(const ev__ndarray *a, const char *who, const char *path, int64_t *d,
                        ev_error *err);

/* Record the image shape of N x H x W and N x H x W x C (C in 1, 3, 4) arrays. */
void ev__matrix_set_image_shape(ev_matrix *m, const ev__ndarray *a);

/* A 1-D array as a text column of t: integers printed exactly, floats with
 * %.9g / %.17g, bools as 0/1.  Stored compactly (each value's own length
 * plus a 4-byte row index); charged to b. */
int ev__ndarray_to_column(const ev__ndarray *a, const char *name, ev_table *t, ev__budget *b,
                          const char *who, const char *path, ev_error *err);

#endif
