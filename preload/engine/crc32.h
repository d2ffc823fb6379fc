/* SPDX-License-Identifier: MIT */
/*
 * crc32.h - CRC-32 with the IEEE 802.3 polynomial, reflected, as zlib's
 * crc32() computes it: the checksum of trace blocks. Pure, no allocation,
 * safe in a signal handler once the table is built (it is built at compile
 * time).
 */
#ifndef COFFMAN_CRC32_H
#define COFFMAN_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC over p[0..n-1]: start with crc 0, pass the result back in
 * for the next piece. crc32_ieee(0, "123456789", 9) == 0xcbf43926.
 */
uint32_t crc32_ieee(uint32_t crc, const void *p, size_t n);

#endif /* COFFMAN_CRC32_H */
