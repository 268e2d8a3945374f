/* fast_hash.h - a quick 64-bit hash of a byte string, eight bytes at a time.
 *
 * The readers hash every stack they see to find whether they have seen it before; on
 * gigabyte logs a byte-at-a-time hash would cost more than reading the file. This is
 * not a cryptographic hash: equal hashes are always confirmed by comparing bytes. */
#ifndef REFSHIM_FAST_HASH_H
#define REFSHIM_FAST_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t fast_hash_mix(uint64_t value)
{
    value ^= value >> 32;
    value *= UINT64_C(0xd6e8feb86659fd93);
    value ^= value >> 32;
    return value;
}

static inline uint64_t fast_hash(const void *data, size_t length)
{
    const unsigned char *bytes = data;
    uint64_t hash = UINT64_C(0x9e3779b97f4a7c15) ^ length;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        hash = (hash ^ word) * UINT64_C(0xff51afd7ed558ccd);
        hash ^= hash >> 29;
        bytes += 8;
        length -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, bytes, length);
    return fast_hash_mix(hash ^ tail);
}

#endif
