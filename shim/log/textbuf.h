/* A growable byte buffer for composing log records before they are written. */
#ifndef REFSHIM_TEXTBUF_H
#define REFSHIM_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

static inline void textbuf_add_uint(struct textbuf *b, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (b->len + n > b->cap && !textbuf_reserve(b, n))
        return;
    while (n > 0)
        b->data[b->len++] = tmp[--n];
}
void textbuf_add_hex(struct textbuf *b, uint64_t v);     /* 0x-prefixed, lowercase */
void textbuf_clear(struct textbuf *b);
void textbuf_free(struct textbuf *b);

#endif
