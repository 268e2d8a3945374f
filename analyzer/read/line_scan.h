/* line_scan.h - reads past the frame lines of a Mozilla record, 16 bytes a step.
 *
 * A record's stack is the run of lines that start with a blank; it ends at the first
 * newline followed by anything else. Going over those lines is most of the work of
 * reading a Mozilla log, and most stacks are never looked at, so the lines are not cut
 * out one by one: the newlines of 16 bytes at once are found with SSE2 where the
 * compiler has it (every x86-64), a plain loop elsewhere, and at each newline only the
 * few bytes that say whether the next line is a usual frame line are read. With AVX-512
 * the middle of a stack is gone over 64 bytes a step, its lines checked all at once. */
#ifndef REFSHIM_LINE_SCAN_H
#define REFSHIM_LINE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* What scan_frame_lines found. */
struct frame_lines {
    const char *kept;         /* the first frame line that is kept (not a first #01) */
    const char *last_newline; /* the '\n' that ends the last frame line, or the record
                               * line if it has none */
    unsigned long count;      /* frame lines, a dropped #01 included */
};

enum frame_scan {
    FRAMES_GO_ON,   /* (between lines) */
    FRAMES_READ,    /* *LINES tells where the stack is */
    FRAMES_CUT,     /* the stack goes on past the end of the bytes */
    FRAMES_UNUSUAL  /* a line is not the usual `    #NN: ` frame, or ends in "\r\n" */
};

/* The stack ends at newline P (P + 1 < END), whose next byte is not a blank. */
static inline enum frame_scan frame_lines_end(const char *p, struct frame_lines *lines)
{
    /* A '\r' before it: the line reader would cut it off; left to that reader. */
    if (lines->count > 0 && p[-1] == '\r')
        return FRAMES_UNUSUAL;
    lines->last_newline = p;
    if (!lines->kept)
        lines->kept = p + 1;
    return FRAMES_READ;
}

/* A frame line starts after newline P: it must read `?   #NN: ` (its first byte a blank)
 * as the line reader's usual case has it. The record's first frame line is dropped if
 * it is #01. */
static inline enum frame_scan frame_line_after(const char *p, const char *end,
                                               struct frame_lines *lines)
{
    if (end - p < 10)
        return FRAMES_CUT;
    if (p[5] != '#' || p[8] != ':' || p[9] != ' ')
        return FRAMES_UNUSUAL;
    if (lines->count++ == 0) {
        if (p[6] == '0' && p[7] == '1')
            return FRAMES_GO_ON;
    } else if (p[-1] == '\r') {
        return FRAMES_UNUSUAL;
    }
    if (!lines->kept)
        lines->kept = p + 1;
    return FRAMES_GO_ON;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LINE_SCAN_AVX2 1

/* The 32-byte steps of scan_frame_lines, for CPUs with AVX2 (nearly every x86-64 since
 * 2013; checked at run time): half the steps of SSE2 over the frame lines, which are most
 * of a Mozilla log's bytes. Moves *AT up to where the 16-byte steps go on, or returns
 * what scan_frame_lines returns. */
__attribute__((target("avx2"))) static enum frame_scan
scan_frame_lines_avx2(const char **at_inout, const char *end, struct frame_lines *lines)
{
    const char *at = *at_inout;
    enum frame_scan step;
    const __m256i newline = _mm256_set1_epi8('\n'), space = _mm256_set1_epi8(' '),
                  tab = _mm256_set1_epi8('\t');
    /* 33 bytes: each newline of the 32 needs its next byte. */
    for (; end - at >= 33; at += 32) {
        __m256i here = _mm256_loadu_si256((const __m256i *)(const void *)at);
        unsigned newlines = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(here, newline));
        if (!newlines)
            continue;
        __m256i next = _mm256_loadu_si256((const __m256i *)(const void *)(at + 1));
        unsigned blank = (unsigned)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(next, space), _mm256_cmpeq_epi8(next, tab)));
        unsigned ends = newlines & ~blank;
        unsigned before_end = ends ? (ends & (0u - ends)) - 1 : 0xffffffffu;
        for (unsigned starts = newlines & blank & before_end; starts; starts &= starts - 1)
            if ((step = frame_line_after(at + __builtin_ctz(starts), end, lines)) != FRAMES_GO_ON)
                return step;
        if (ends)
            return frame_lines_end(at + __builtin_ctz(ends), lines);
    }
    *at_inout = at;
    return FRAMES_GO_ON;
}

/* The rest of a stack, 64 bytes a step, on CPUs with AVX-512BW (checked at run time),
 * whose compares give a bit per byte, after its first line (*AT follows a newline
 * already read, LINES counts it): the newlines of a step that all start usual frame
 * lines and end no '\r' line are only counted, with no branch per line, whose outcome
 * the CPU could not foresee; the step that holds the stack's end is read at once too if
 * all of its lines before the end are usual. Returns FRAMES_READ then, else
 * FRAMES_GO_ON with *AT at the step the line by line steps go on from. */
__attribute__((target("avx512bw,popcnt,bmi"))) static enum frame_scan
scan_frame_lines_avx512(const char **at_inout, const char *end, struct frame_lines *lines)
{
    const char *at = *at_inout;
    const __m512i newline = _mm512_set1_epi8('\n'), space = _mm512_set1_epi8(' '),
                  tab = _mm512_set1_epi8('\t'), hash = _mm512_set1_epi8('#'),
                  colon = _mm512_set1_epi8(':'), carriage = _mm512_set1_epi8('\r');
    /* A newline's line is read up to its tenth byte (frame_line_after). */
    for (; end - at >= 64 + 10; at += 64) {
        __m512i next = _mm512_loadu_si512(at + 1);
        uint64_t newlines = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(at), newline);
        uint64_t blank = _mm512_cmpeq_epi8_mask(next, space) | _mm512_cmpeq_epi8_mask(next, tab);
        uint64_t after_carriage = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(at - 1), carriage);
        uint64_t numbered = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(at + 5), hash) &
                            _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(at + 8), colon) &
                            _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(at + 9), space);
        uint64_t ends = newlines & ~blank;
        /* the lines up to the first end, and that end */
        uint64_t upto_end = ends ? ends ^ (ends - 1) : ~UINT64_C(0);
        uint64_t starts = newlines & blank & upto_end;
        if ((starts & ~numbered) | (newlines & upto_end & after_carriage)) {
            *at_inout = at;
            return FRAMES_GO_ON;    /* an unusual line: read line by line */
        }
        if (!lines->kept && starts)
            lines->kept = at + __builtin_ctzll(starts) + 1;
        lines->count += (unsigned long)__builtin_popcountll(starts);
        if (ends)
            return frame_lines_end(at + __builtin_ctzll(ends), lines);
    }
    *at_inout = at;
    return FRAMES_GO_ON;
}
#endif

/* Reads the frame lines after AT, the newline that ends a record line, up to END. */
static inline enum frame_scan scan_frame_lines(const char *at, const char *end,
                                               struct frame_lines *lines)
{
    lines->kept = NULL;
    lines->count = 0;
    enum frame_scan step;
#ifdef LINE_SCAN_AVX2
    /* The first frame line alone (the #01 it may drop), then the lines after it. */
    if (__builtin_cpu_supports("avx512bw") && end - at >= 2 && (at[1] == ' ' || at[1] == '\t')) {
        if ((step = frame_line_after(at, end, lines)) != FRAMES_GO_ON)
            return step;
        at++;
        if ((step = scan_frame_lines_avx512(&at, end, lines)) != FRAMES_GO_ON)
            return step;
    }
    if (__builtin_cpu_supports("avx2") &&
        (step = scan_frame_lines_avx2(&at, end, lines)) != FRAMES_GO_ON)
        return step;
#endif
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n'), space = _mm_set1_epi8(' '),
                  tab = _mm_set1_epi8('\t');
    /* 17 bytes: each newline of the 16 needs its next byte. */
    for (; end - at >= 17; at += 16) {
        __m128i here = _mm_loadu_si128((const __m128i *)(const void *)at);
        unsigned newlines = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(here, newline));
        if (!newlines)
            continue;
        __m128i next = _mm_loadu_si128((const __m128i *)(const void *)(at + 1));
        unsigned blank = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(next, space), _mm_cmpeq_epi8(next, tab)));
        unsigned ends = newlines & ~blank;
        unsigned before_end = ends ? (ends & (0u - ends)) - 1 : 0xffffu;
        for (unsigned starts = newlines & blank & before_end; starts; starts &= starts - 1)
            if ((step = frame_line_after(at + __builtin_ctz(starts), end, lines)) != FRAMES_GO_ON)
                return step;
        if (ends)
            return frame_lines_end(at + __builtin_ctz(ends), lines);
    }
#endif
    for (; end - at >= 2; at++) {
        if (*at != '\n')
            continue;
        if (at[1] != ' ' && at[1] != '\t')
            return frame_lines_end(at, lines);
        if ((step = frame_line_after(at, end, lines)) != FRAMES_GO_ON)
            return step;
    }
    return FRAMES_CUT;
}

#endif
