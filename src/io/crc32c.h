/* crc32c.h — CRC-32C (Castagnoli), as LevelDB and TensorFlow checkpoints
 * use it, with their masking of stored checksums.  Internal. */
#ifndef EV_IO_CRC32C_H
#define EV_IO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extend crc (0 to start) over n bytes; "123456789" gives 0xE3069283. */
uint32_t ev__crc32c(uint32_t crc, const void *data, size_t n);

/* Stored checksums are masked so that CRCs of CRCs stay well distributed. */
static inline uint32_t ev__crc32c_mask(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; }
static inline uint32_t ev__crc32c_unmask(uint32_t m) {
  uint32_t r = m - 0xa282ead8u;
  return (r >> 17) | (r << 15);
}

#endif
