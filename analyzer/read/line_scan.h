/* line_scan.h - finds where the frame lines of a Mozilla record end, 16 bytes a step.
 *
 * A record's stack is the run of lines that start with a blank; it ends at the first
 * newline followed by anything else. Looking for that newline is most of the work of
 * reading a Mozilla log, so it is done over whole runs of lines at once, with SSE2 where
 * the compiler has it (every x86-64) and a plain loop elsewhere, instead of cutting
 * each line out and looking at its first byte. */
#ifndef REFSHIM_LINE_SCAN_H
#define REFSHIM_LINE_SCAN_H

#include <stddef.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The first '\n' in [AT, END) whose next byte, also before END, is neither ' ' nor
 * '\t'; NULL if the bytes end first. */
static inline const char *scan_stack_end(const char *at, const char *end)
{
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n'), space = _mm_set1_epi8(' '),
                  tab = _mm_set1_epi8('\t');
    /* 17 bytes: each newline of the 16 needs its next byte. */
    while (end - at >= 17) {
        __m128i here = _mm_loadu_si128((const __m128i *)(const void *)at);
        unsigned newlines = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, newline));
        if (newlines) {
            __m128i next = _mm_loadu_si128((const __m128i *)(const void *)(at + 1));
            unsigned blank = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(next, space), _mm_cmpeq_epi8(next, tab)));
            unsigned ends = newlines & ~blank;
            if (ends)
                return at + __builtin_ctz(ends);
        }
        at += 16;
    }
#endif
    for (; end - at >= 2; at++)
        if (at[0] == '\n' && at[1] != ' ' && at[1] != '\t')
            return at;
    return NULL;
}

#endif
