/* fast_hash.h - a quick 64-bit hash of a byte string, eight bytes at a time.
 *
 * The readers hash every stack they see to find whether they have seen it before; on
 * gigabyte logs a byte-at-a-time hash would cost more than reading the file. This is
 * not a cryptographic hash. fast_digest gives 128 bits, enough to name a stack without
 * keeping and comparing its text: two different stacks of one log share a digest with
 * a probability near 2^-100 even for millions of stacks. */
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

struct fast_digest {
    uint64_t low, high;
};

static inline uint64_t fast_hash_rotate(uint64_t value, int bits)
{
    return (value << bits) | (value >> (64 - bits));
}

/* Four lanes, each taking every fourth word, so that the multiplier works on four
 * independent chains; the lanes are mixed into two 64-bit halves at the end. */
static inline struct fast_digest fast_digest(const void *data, size_t length)
{
    const unsigned char *bytes = data;
    uint64_t lane[4] = {UINT64_C(0x9e3779b97f4a7c15) ^ length, UINT64_C(0xc2b2ae3d27d4eb4f),
                        UINT64_C(0x165667b19e3779f9), UINT64_C(0x27d4eb2f165667c5) + length};
    while (length >= 32) {
        for (int i = 0; i < 4; i++) {
            uint64_t word;
            memcpy(&word, bytes + 8 * i, 8);
            lane[i] = fast_hash_rotate((lane[i] + word) * UINT64_C(0x9fb21c651e98df25), 31);
        }
        bytes += 32;
        length -= 32;
    }
    uint64_t tail[4] = {0, 0, 0, 0};
    memcpy(tail, bytes, length);
    for (int i = 0; i < 4; i++)
        lane[i] = fast_hash_mix((lane[i] + tail[i]) * UINT64_C(0xff51afd7ed558ccd));
    uint64_t low = fast_hash_mix(lane[0] ^ fast_hash_rotate(lane[1], 17) ^
                                 fast_hash_rotate(lane[2], 29) ^ fast_hash_rotate(lane[3], 43));
    uint64_t high = fast_hash_mix(lane[3] ^ fast_hash_rotate(lane[2], 13) ^
                                  fast_hash_rotate(lane[1], 37) ^ fast_hash_rotate(lane[0], 51) ^
                                  UINT64_C(0x5bd1e9955bd1e995));
    return (struct fast_digest){low, high};
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
