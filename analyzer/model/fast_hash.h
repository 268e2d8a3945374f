/* fast_hash.h - the analyzers' hashes: of a byte string (XXH3, from libxxhash), and a
 * mixer for integer keys.
 *
 * The readers hash every stack they see to find whether they have seen it before; on
 * gigabyte logs a byte-at-a-time hash would cost more than reading the file. None of
 * this is cryptographic. fast_digest gives 128 bits, enough to name a stack without
 * keeping and comparing its text: two different stacks of one log share a digest with
 * a probability near 2^-100 even for millions of stacks. */
#ifndef REFSHIM_FAST_HASH_H
#define REFSHIM_FAST_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

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

/* 128 bits of XXH3, inlined (XXH_INLINE_ALL): the readers digest a call site or a
 * stack on every line. */
static inline struct fast_digest fast_digest(const void *data, size_t length)
{
    XXH128_hash_t hash = XXH3_128bits(data, length);
    return (struct fast_digest){hash.low64, hash.high64};
}

static inline uint64_t fast_hash(const void *data, size_t length)
{
    return XXH3_64bits(data, length);
}

#endif
