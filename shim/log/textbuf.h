/* A growable byte buffer for composing log records before they are written. */
#ifndef REFSHIM_TEXTBUF_H
#define REFSHIM_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct textbuf {
    char *data;
    size_t len, cap;
    bool failed;            /* an allocation failed: the content is incomplete */
    bool fixed;             /* DATA is the caller's storage and never grows */
};

/* A buffer over the caller's STORAGE (on the stack, typically), for one record. */
static inline struct textbuf textbuf_on(char *storage, size_t cap)
{
    struct textbuf b = {storage, 0, cap, false, true};
    return b;
}

void textbuf_add(struct textbuf *b, const char *s, size_t n);
void textbuf_add_str(struct textbuf *b, const char *s);
/* Adds S as one log field: TABs, CRs and newlines become spaces, NULL becomes ALT. */
void textbuf_add_field(struct textbuf *b, const char *s, const char *alt);
/* Makes room for EXTRA more bytes; false (and FAILED set) when there is none. */
bool textbuf_reserve(struct textbuf *b, size_t extra);

/* The two calls of every event record: inline, since they run millions of times. */
static inline void textbuf_add_char(struct textbuf *b, char c)
{
    if (b->len < b->cap || textbuf_reserve(b, 1))
        b->data[b->len++] = c;
}

/* Two digits a division, from a table of the hundred pairs: a digit at a time was a
 * tenth of the shim's instructions in a program's start-up, where every new stack node
 * writes three numbers. */
static inline void textbuf_add_uint(struct textbuf *b, uint64_t v)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char tmp[20];
    size_t at = sizeof tmp;
    while (v >= 100) {
        const char *pair = pairs + 2 * (v % 100);
        v /= 100;
        tmp[--at] = pair[1];
        tmp[--at] = pair[0];
    }
    if (v >= 10) {
        tmp[--at] = pairs[2 * v + 1];
        tmp[--at] = pairs[2 * v];
    } else {
        tmp[--at] = (char)('0' + v);
    }
    size_t n = sizeof tmp - at;
    if (b->len + n > b->cap && !textbuf_reserve(b, n))
        return;
    memcpy(b->data + b->len, tmp + at, n);
    b->len += n;
}
void textbuf_add_hex(struct textbuf *b, uint64_t v);     /* 0x-prefixed, lowercase */
void textbuf_clear(struct textbuf *b);
void textbuf_free(struct textbuf *b);

#endif
