/* zip.h — just enough of the zip format to read and write .npz archives.
 * Internal. */
#ifndef EV_IO_ZIP_H
#define EV_IO_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"

typedef struct ev__zip_member {
  char name[256];
  int method;              /* 0 stored, 8 deflated */
  uint32_t crc32;
  uint64_t comp_size;
  uint64_t size;           /* uncompressed */
  uint64_t local_offset;   /* of the local file header */
} ev__zip_member;

typedef struct ev__zip {
  const char *path;
  unsigned char *base;     /* whole archive, mapped read-only */
  size_t len;
  int n_members;
  ev__zip_member *members;
} ev__zip;

/* Map the archive and read its central directory (zip64 aware). */
int ev__zip_open(ev__zip *z, const char *path, const char *who, ev_error *err);
/* Uncompressed bytes of member i: borrowed from the map when stored (*owned
 * NULL), else a new heap buffer in *owned (caller frees).  CRC-32 checked. */
int ev__zip_member_data(ev__zip *z, int i, const char *who, const unsigned char **data,
                        unsigned char **owned, ev_error *err);
void ev__zip_close(ev__zip *z);

/* Writing an uncompressed archive, member by member. */
typedef struct ev__zip_writer {
  void *fp;                /* FILE* of an ev__atomic */
  uint64_t pos;
  int n_members;
  ev__zip_member members[16];
} ev__zip_writer;

/* Append a stored member made of two byte ranges (header + body). */
int ev__zip_write_member(ev__zip_writer *w, const char *name, const void *a, size_t a_len,
                         const void *b, size_t b_len, ev_error *err);
int ev__zip_write_end(ev__zip_writer *w, ev_error *err);

#endif
