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

/* Two hashes of DATA from different seeds and multipliers. */
static inline struct fast_digest fast_digest(const void *data, size_t length)
{
    const unsigned char *bytes = data;
    uint64_t a = UINT64_C(0x9e3779b97f4a7c15) ^ length, b = UINT64_C(0xc2b2ae3d27d4eb4f) + length;
    uint64_t c = UINT64_C(0x165667b19e3779f9), d = UINT64_C(0x27d4eb2f165667c5) ^ length;
    while (length >= 16) {
        uint64_t first, second;
        memcpy(&first, bytes, 8);
        memcpy(&second, bytes + 8, 8);
        a = (a ^ first) * UINT64_C(0xff51afd7ed558ccd);
        b = (b ^ second) * UINT64_C(0xc4ceb9fe1a85ec53);
        c = (c ^ first) * UINT64_C(0x9fb21c651e98df25);
        d = (d ^ second) * UINT64_C(0xd6e8feb86659fd93);
        a ^= a >> 29;
        b ^= b >> 31;
        c ^= c >> 27;
        d ^= d >> 33;
        bytes += 16;
        length -= 16;
    }
    uint64_t tail[2] = {0, 0};
    memcpy(tail, bytes, length);
    a = fast_hash_mix(a ^ tail[0]) + fast_hash_mix(b ^ tail[1]);
    c = fast_hash_mix(c ^ tail[1] ^ UINT64_C(0x5bd1e995)) + fast_hash_mix(d ^ tail[0]);
    return (struct fast_digest){fast_hash_mix(a), fast_hash_mix(c ^ a)};
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
