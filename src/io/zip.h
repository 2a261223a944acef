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
  uint64_t data_offset;    /* of the member's (compressed) bytes */
} ev__zip_member;

typedef struct ev__zip {
  const char *path;
  unsigned char *base;     /* whole archive, mapped read-only */
  size_t len;
  int n_members;
  ev__zip_member *members;
} ev__zip;

/* Map the archive and read its central directory (zip64 aware).  Every
 * member's local header must be where the directory says, its bytes inside
 * the file, and no two members may share bytes: each member's local header
 * and data end before the next member starts (as CPython's zipfile
 * requires), so a directory that names one deflated member many times (a
 * zip bomb) is refused before anything is inflated. */
int ev__zip_open(ev__zip *z, const char *path, const char *who, ev_error *err);
/* The first `want` bytes of member i (fewer when it is shorter), without
 * reading the rest: stored members point into the map (*data), deflated
 * ones are inflated into buf (want bytes).  *got: how many.  No CRC check. */
int ev__zip_member_head(const ev__zip *z, int i, const char *who, unsigned char *buf, size_t want,
                        const unsigned char **data, size_t *got, ev_error *err);
/* All of member i, its CRC-32 checked, without a buffer for what is not
 * wanted: stored members point into the map (*data = the whole member);
 * deflated ones are inflated, their first `skip` bytes dropped and the
 * rest (size - skip bytes) written to dst (*data = dst - skip, not to be
 * read below dst).  dst may be NULL with skip = size: only the check. */
int ev__zip_member_read(const ev__zip *z, int i, const char *who, size_t skip, unsigned char *dst,
                        const unsigned char **data, ev_error *err);
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
