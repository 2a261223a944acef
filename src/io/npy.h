/* npy.h — NumPy .npy parsing shared by the NPY and NPZ readers.  Internal. */
#ifndef EV_IO_NPY_H
#define EV_IO_NPY_H

#include "io/ndarray.h"

/* Parse an .npy image held in memory: magic, version 1/2/3 header, dict.
 * On success `a` describes the array, its data borrowed from `buf`, and the
 * data size has been checked against len.  `who`/`path` name the source in
 * messages (for NPZ members, the member name). */
int ev__npy_parse(const unsigned char *buf, size_t len, const char *who, const char *path,
                  ev__ndarray *a, ev_error *err);

/* The same from the first `avail` bytes of an image of `len` bytes (an NPZ
 * member being inflated): when avail is too short for the preamble and
 * header, returns EV_OK with *need set to the bytes it wants; otherwise
 * *need is 0, `a` describes the array (its data pointer NULL), whose data
 * start at *data_off and were checked against len. */
int ev__npy_parse_head(const unsigned char *buf, size_t avail, size_t len, const char *who,
                       const char *path, ev__ndarray *a, size_t *data_off, size_t *need,
                       ev_error *err);

/* Encode a v1.0 .npy header for a C-order little-endian array of the given
 * descr ("<f4", "<i4") and shape into out (at least 256 bytes); returns its
 * length (a multiple of 64, ending in '\n'). */
size_t ev__npy_header(char *out, size_t out_len, const char *descr, const int64_t *shape, int ndim);

#endif
