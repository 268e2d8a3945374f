/* asterisk_scan.c - the commas and newlines of a chunk of Asterisk lines as bits (asterisk_scan.h),
 * 64 bytes a step, in the widest vectors the CPU has: the scan then reads each line's
 * fields between bits it already has, instead of searching each line byte by byte. */
#include "asterisk_scan.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SEPARATORS_WIDE 1
#endif

/* Each function marks the whole 64-byte blocks of LENGTH bytes at DATA into COMMAS and
 * NEWLINES. */

#ifndef __SSE2__
static void mark_blocks_plain(const char *data, size_t length, uint64_t *commas,
                              uint64_t *newlines)
{
    for (size_t block = 0; block + 64 <= length; block += 64) {
        uint64_t comma = 0, newline = 0;
        for (unsigned i = 0; i < 64; i++) {
            comma |= (uint64_t)(data[block + i] == ',') << i;
            newline |= (uint64_t)(data[block + i] == '\n') << i;
        }
        commas[block / 64] = comma;
        newlines[block / 64] = newline;
    }
}
#endif

#ifdef __SSE2__
static void mark_blocks_sse2(const char *data, size_t length, uint64_t *commas,
                              uint64_t *newlines)
{
    const __m128i newline = _mm_set1_epi8('\n'), comma = _mm_set1_epi8(',');
    for (size_t block = 0; block + 64 <= length; block += 64) {
        uint64_t comma_bits = 0, newline_bits = 0;
        for (unsigned i = 0; i < 4; i++) {
            __m128i here = _mm_loadu_si128((const __m128i *)(const void *)(data + block + 16 * i));
            comma_bits |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, comma))
                          << (16 * i);
            newline_bits |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, newline))
                            << (16 * i);
        }
        commas[block / 64] = comma_bits;
        newlines[block / 64] = newline_bits;
    }
}
#endif

#ifdef SEPARATORS_WIDE
__attribute__((target("avx2"))) static void mark_blocks_avx2(const char *data, size_t length,
                                                             uint64_t *commas,
                              uint64_t *newlines)
{
    const __m256i newline = _mm256_set1_epi8('\n'), comma = _mm256_set1_epi8(',');
    for (size_t block = 0; block + 64 <= length; block += 64) {
        __m256i low = _mm256_loadu_si256((const __m256i *)(const void *)(data + block));
        __m256i high = _mm256_loadu_si256((const __m256i *)(const void *)(data + block + 32));
        commas[block / 64] =
            (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, comma)) << 32 |
            (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, comma));
        newlines[block / 64] =
            (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, newline)) << 32 |
            (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, newline));
    }
}

__attribute__((target("avx512bw"))) static void mark_blocks_avx512(const char *data,
                                                                   size_t length, uint64_t *commas,
                              uint64_t *newlines)
{
    const __m512i newline = _mm512_set1_epi8('\n'), comma = _mm512_set1_epi8(',');
    for (size_t block = 0; block + 64 <= length; block += 64) {
        __m512i here = _mm512_loadu_si512(data + block);
        commas[block / 64] = _mm512_cmpeq_epi8_mask(here, comma);
        newlines[block / 64] = _mm512_cmpeq_epi8_mask(here, newline);
    }
}
#endif

typedef void (*mark_blocks_fn)(const char *, size_t, uint64_t *, uint64_t *);

static mark_blocks_fn widest_marker(void)
{
#ifdef SEPARATORS_WIDE
    if (__builtin_cpu_supports("avx512bw"))
        return mark_blocks_avx512;
    if (__builtin_cpu_supports("avx2"))
        return mark_blocks_avx2;
#endif
#ifdef __SSE2__
    return mark_blocks_sse2;
#else
    return mark_blocks_plain;
#endif
}

void asterisk_mark_separators(const char *data, size_t length, uint64_t *commas,
                              uint64_t *newlines)
{
    mark_blocks_fn mark = widest_marker();
    mark(data, length, commas, newlines);
    size_t whole = length / 64 * 64;
    if (whole < length) {
        /* The last bytes, in a block of their own padded with bytes that are no
         * separator: vectors never read past DATA's end. */
        char last[64] = {0};
        memcpy(last, data + whole, length - whole);
        mark(last, sizeof last, &commas[whole / 64], &newlines[whole / 64]);
    }
}
