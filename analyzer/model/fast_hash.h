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
 * independent chains; the lanes are mixed into two 64-bit halves at the end. The lanes
 * are four variables, not an array: compilers kept an array in memory, and the store
 * and reload on every word cost more than the arithmetic. */
static inline uint64_t fast_hash_lane(uint64_t lane, const unsigned char *bytes)
{
    uint64_t word;
    memcpy(&word, bytes, 8);
    return fast_hash_rotate((lane + word) * UINT64_C(0x9fb21c651e98df25), 31);
}

static inline struct fast_digest fast_digest(const void *data, size_t length)
{
    const unsigned char *bytes = data;
    uint64_t lane0 = UINT64_C(0x9e3779b97f4a7c15) ^ length, lane1 = UINT64_C(0xc2b2ae3d27d4eb4f),
             lane2 = UINT64_C(0x165667b19e3779f9), lane3 = UINT64_C(0x27d4eb2f165667c5) + length;
    while (length >= 32) {
        lane0 = fast_hash_lane(lane0, bytes);
        lane1 = fast_hash_lane(lane1, bytes + 8);
        lane2 = fast_hash_lane(lane2, bytes + 16);
        lane3 = fast_hash_lane(lane3, bytes + 24);
        bytes += 32;
        length -= 32;
    }
    uint64_t tail[4] = {0, 0, 0, 0};
    memcpy(tail, bytes, length);
    lane0 = fast_hash_mix((lane0 + tail[0]) * UINT64_C(0xff51afd7ed558ccd));
    lane1 = fast_hash_mix((lane1 + tail[1]) * UINT64_C(0xff51afd7ed558ccd));
    lane2 = fast_hash_mix((lane2 + tail[2]) * UINT64_C(0xff51afd7ed558ccd));
    lane3 = fast_hash_mix((lane3 + tail[3]) * UINT64_C(0xff51afd7ed558ccd));
    uint64_t low = fast_hash_mix(lane0 ^ fast_hash_rotate(lane1, 17) ^
                                 fast_hash_rotate(lane2, 29) ^ fast_hash_rotate(lane3, 43));
    uint64_t high = fast_hash_mix(lane3 ^ fast_hash_rotate(lane2, 13) ^
                                  fast_hash_rotate(lane1, 37) ^ fast_hash_rotate(lane0, 51) ^
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
