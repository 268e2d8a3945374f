/* escape_text.c - escaping control characters in quoted input (see escape_text.h). */
#include "escape_text.h"

#include <string.h>

/* The escape of byte C into OUT (at least 5 bytes); returns its length. */
static size_t escape_byte(unsigned char c, char *out)
{
    static const char hex[] = "0123456789abcdef";
    const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
                      : c == '\\' ? "\\\\" : NULL;
    if (named) {
        memcpy(out, named, 2);
        return 2;
    }
    if (c < 0x20 || c == 0x7f) {
        out[0] = '\\';
        out[1] = 'x';
        out[2] = hex[c >> 4];
        out[3] = hex[c & 15];
        return 4;
    }
    out[0] = (char)c;
    return 1;
}

char *escape_text(const char *text, char *buffer, size_t size)
{
    size_t used = 0;
    for (const unsigned char *at = (const unsigned char *)text; *at; at++) {
        char escaped[5];
        size_t length = escape_byte(*at, escaped);
        if (used + length >= size)
            break;
        memcpy(buffer + used, escaped, length);
        used += length;
    }
    buffer[used] = '\0';
    return buffer;
}

void escape_text_print(FILE *out, const char *text)
{
    for (const unsigned char *at = (const unsigned char *)text; *at; at++) {
        char escaped[5];
        fwrite(escaped, 1, escape_byte(*at, escaped), out);
    }
}
