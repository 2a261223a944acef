/* idx.h — IDX access for the labels reader and format detection.  Internal. */
#ifndef EV_IO_IDX_H
#define EV_IO_IDX_H

#include "io/ndarray.h"

/* Whether the first bytes look like an IDX header. */
int ev__idx_is_magic(const unsigned char *m, size_t n);
/* Read a whole IDX file; a->data points into *owned (caller frees, and
 * gives its a->n_elems * item size bytes back to b). */
int ev__idx_read_array(const char *path, ev__ndarray *a, unsigned char **owned, int *is_gzip,
                       ev__budget *b, ev_error *err);

#endif
