/* asterisk_scan.h - the pieces the reading thread's scan of Asterisk lines is made of
 * (asterisk_block.c's asterisk_scan_lines): the separators of a chunk as bits, found in
 * one vector pass before any line is read, and the numbers of a line read from fields
 * whose ends those bits already tell, a field's 8 or 16 bytes at once instead of a byte
 * a step. Each reads a field exactly as the byte-a-step readers of asterisk_block.c do
 * (scan_hex, scan_decimal), or says it cannot; unit tests compare them. */
#ifndef REFSHIM_ASTERISK_SCAN_H
#define REFSHIM_ASTERISK_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Sets bit I % 64 of COMMAS[I / 64] when DATA[I] is ',', and of NEWLINES[I / 64] when it
 * is '\n', for the LENGTH bytes at DATA, and clears the others: (LENGTH + 63) / 64 words
 * each. With the widest vectors the CPU has (checked at run time). */
void asterisk_mark_separators(const char *data, size_t length, uint64_t *commas,
                              uint64_t *newlines);

/* Separators of one kind taken in order from a line's start: a word of bits and where
 * it is. The words end in one with every bit set, so that taking never runs out. */
struct separator_cursor {
    size_t word_at;     /* the offset of the word's first byte */
    uint64_t bits;      /* the word's separators not yet taken */
};

/* The cursor at offset AT of WORDS: the separators from AT on. */
static inline struct separator_cursor separator_at(const uint64_t *words, size_t at)
{
    return (struct separator_cursor){at & ~(size_t)63,
                                     words[at / 64] & (~UINT64_C(0) << (at % 64))};
}

/* The offset of CURSOR's next separator, which it takes. */
static inline size_t separator_take(const uint64_t *words, struct separator_cursor *cursor)
{
    while (__builtin_expect(cursor->bits == 0, 0)) {
        cursor->word_at += 64;
        cursor->bits = words[cursor->word_at / 64];
    }
    size_t at = cursor->word_at + (size_t)__builtin_ctzll(cursor->bits);
    cursor->bits &= cursor->bits - 1;
    return at;
}

/* The first WANTED (at most 7) commas and the newline of the line at AT, from 128 bits
 * of COMMAS and NEWLINES from AT on, with no branch on where they fall: the line's
 * fields cross a word's end at a different place on every line, a branch the CPU
 * could not foresee. WORDS past the last must be readable (two more). Sets OFFSET[I]
 * to each comma's offset from AT (127 for one not there) and returns the newline's,
 * or 127 if it is not within 127 bytes (the caller then takes the separators one by
 * one). */
static inline unsigned separator_line(const uint64_t *commas, const uint64_t *newlines,
                                      size_t at, uint16_t offset[7])
{
    size_t word = at / 64;
    unsigned shift = (unsigned)(at % 64);
    /* two shifts, so that a SHIFT of 0 shifts the next word out and not by 64 */
#define SEPARATOR_BITS(words, i) \
    ((words)[word + (i)] >> shift | ((words)[word + (i) + 1] << 1) << (63 - shift))
    uint64_t newline_low = SEPARATOR_BITS(newlines, 0), newline_high = SEPARATOR_BITS(newlines, 1);
    uint64_t low = SEPARATOR_BITS(commas, 0), high = SEPARATOR_BITS(commas, 1);
#undef SEPARATOR_BITS
    const uint64_t last = UINT64_C(1) << 63;
    unsigned newline_low_at = (unsigned)__builtin_ctzll(newline_low | last);
    unsigned newline_high_at = 64 + (unsigned)__builtin_ctzll(newline_high | last);
    unsigned end = newline_low ? newline_low_at : newline_high_at;
#pragma GCC unroll 7
    for (unsigned i = 0; i < 7; i++) {
        uint64_t from = low ? low : high;
        unsigned base = low ? 0 : 64;
        offset[i] = (uint16_t)(base + (unsigned)__builtin_ctzll(from | last));
        uint64_t rest = from & (from - 1);
        high = low ? high : rest;
        low = low ? rest : 0;
    }
    return end;
}

/* Reads the hex number that is all of P..END (after an optional 0x or 0X, 1 to 16 digits)
 * into *VALUE, and whether it is spelled as the tracker spells addresses (0x, no leading
 * zero, lowercase) into *PLAIN; false if it is not such a number. Reads 16 bytes from
 * the digits on when LIMIT leaves room for them, else a byte a step. */
static inline bool asterisk_hex_field(const char *p, const char *end, const char *limit,
                                      uint64_t *value, bool *plain)
{
    bool prefix = end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    bool lower_x = prefix && p[1] == 'x';
    const char *digits = p + (prefix ? 2 : 0);
    size_t count = (size_t)(end - digits);
    if (end < digits || count == 0 || count > 16)
        return false;
    bool all_lower;
#ifdef __SSE2__
    if (limit - digits >= 16) {
        __m128i text = _mm_loadu_si128((const __m128i *)(const void *)digits);
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(text, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(text, _mm_set1_epi8('9' + 1)));
        __m128i folded = _mm_or_si128(text, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(folded, _mm_set1_epi8('f' + 1)));
        __m128i hex = _mm_or_si128(digit, letter);
        unsigned wanted = (1u << count) - 1;
        if (((unsigned)_mm_movemask_epi8(hex) & wanted) != wanted)
            return false;
        /* bit 0x20 of each byte moved to its top bit: digits and a-f have it, A-F not */
        all_lower = ((unsigned)_mm_movemask_epi8(_mm_slli_epi16(text, 2)) & wanted) == wanted;
        /* Each byte's value as a nibble (0 past the digits), then two to a byte, the
         * first digit highest, as the big-endian number of 16 digits. */
        __m128i nibble = _mm_and_si128(
            _mm_add_epi8(_mm_and_si128(text, _mm_set1_epi8(0x0f)),
                         _mm_and_si128(letter, _mm_set1_epi8(9))),
            hex);
        __m128i pairs = _mm_or_si128(
            _mm_and_si128(_mm_slli_epi16(nibble, 4), _mm_set1_epi16(0x00f0)),
            _mm_srli_epi16(nibble, 8));
        uint64_t packed = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs));
        *value = __builtin_bswap64(packed) >> (64 - 4 * count);
    } else
#endif
    {
        (void)limit;
        uint64_t parsed = 0;
        unsigned all_bytes = 0xff;
        for (const char *c = digits; c < end; c++) {
            unsigned char byte = (unsigned char)*c;
            unsigned digit = byte - '0', letter = (byte | 0x20u) - 'a';
            if (digit < 10)
                parsed = parsed << 4 | digit;
            else if (letter < 6)
                parsed = parsed << 4 | (letter + 10);
            else
                return false;
            all_bytes &= byte;
        }
        *value = parsed;
        all_lower = (all_bytes & 0x20) != 0;
    }
    *plain = lower_x && (digits[0] != '0' || count == 1) && all_lower;
    return true;
}

/* Reads the decimal number that is all of P..END, 1 to 18 digits (no overflow possible),
 * into *VALUE; false if it is not one. Up to 8 digits are read from one 8-byte load when
 * LIMIT leaves room for it, with no branch on their count: a loop's end, at a count that
 * changes from line to line (a source line number's digits), is a branch the CPU
 * mispredicts. */
static inline bool asterisk_decimal_field(const char *p, const char *end, const char *limit,
                                          uint64_t *value)
{
    size_t count = (size_t)(end - p);
    if (end <= p || count > 18)
        return false;
    if (count == 1) {
        /* A delta or a count before the change: nearly always one digit, a branch the CPU
         * foresees, and a fifth of the instructions of the 8-byte reading. */
        unsigned digit = (unsigned)(unsigned char)*p - '0';
        *value = digit;
        return digit < 10;
    }
    if (count <= 8 && limit - p >= 8) {
        uint64_t text;
        memcpy(&text, p, sizeof text);
        unsigned unused = 8 * (8 - (unsigned)count);
        uint64_t kept = ~UINT64_C(0) >> unused;     /* the field's bytes, first lowest */
        uint64_t digits = (text & kept) - (UINT64_C(0x3030303030303030) & kept);
        /* A byte below '0' borrows from the next, but is caught itself: the first byte
         * that is no digit is read with no borrow from the bytes before it. */
        if (((digits | (digits + UINT64_C(0x0606060606060606))) & UINT64_C(0xf0f0f0f0f0f0f0f0)) != 0)
            return false;
        /* The digits at the top, zeros before them, then two, four, eight at a time. */
        digits <<= unused;
        digits = (digits * 10 + (digits >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
        digits = (digits * 100 + (digits >> 16)) & UINT64_C(0x0000ffff0000ffff);
        *value = (digits * 10000 + (digits >> 32)) & UINT64_C(0xffffffff);
        return true;
    }
    uint64_t parsed = 0;
    for (const char *c = p; c < end; c++) {
        unsigned digit = (unsigned)(unsigned char)*c - '0';
        if (digit >= 10)
            return false;
        parsed = parsed * 10 + digit;
    }
    *value = parsed;
    return true;
}

/* The same after an optional '-'. */
static inline bool asterisk_signed_field(const char *p, const char *end, const char *limit,
                                         int64_t *value)
{
    bool negative = (end > p) & (*p == '-');   /* *END is a separator: it may be read */
    uint64_t magnitude;
    if (!asterisk_decimal_field(p + negative, end, limit, &magnitude))
        return false;
    *value = negative ? -(int64_t)magnitude : (int64_t)magnitude;
    return true;
}

#endif
