/* Growable text buffer with the few formatting primitives log records need. Numbers are
 * formatted by hand because snprintf is several times slower on the logging path. */
#include "textbuf.h"

#include <stdlib.h>
#include <string.h>

bool textbuf_reserve(struct textbuf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return true;
    if (b->fixed) {
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (grown == NULL) {
        b->failed = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

void textbuf_add(struct textbuf *b, const char *s, size_t n)
{
    if (!textbuf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void textbuf_add_str(struct textbuf *b, const char *s)
{
    textbuf_add(b, s, strlen(s));
}

void textbuf_add_field(struct textbuf *b, const char *s, const char *alt)
{
    if (s == NULL || *s == '\0')
        s = alt;
    size_t n = strlen(s);
    if (!textbuf_reserve(b, n))
        return;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        b->data[b->len++] = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    }
}

void textbuf_add_hex(struct textbuf *b, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v != 0);
    if (!textbuf_reserve(b, n + 2))
        return;
    b->data[b->len++] = '0';
    b->data[b->len++] = 'x';
    while (n > 0)
        b->data[b->len++] = tmp[--n];
}

void textbuf_clear(struct textbuf *b)
{
    b->len = 0;
    b->failed = false;
}

void textbuf_free(struct textbuf *b)
{
    if (!b->fixed)
        free(b->data);
    memset(b, 0, sizeof *b);
}
