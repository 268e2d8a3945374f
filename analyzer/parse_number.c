/* parse_number.c - strict number parsing (see parse_number.h). */
#include "parse_number.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

static bool parse_digits(const char *digits, int base, uint64_t *value)
{
    /* strtoull would skip blanks and accept a sign: insist on a digit first. */
    char first = digits[0];
    bool is_digit = (first >= '0' && first <= '9') ||
                    (base == 16 && ((first >= 'a' && first <= 'f') || (first >= 'A' && first <= 'F')));
    if (!is_digit)
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long parsed = strtoull(digits, &end, base);
    if (errno != 0 || *end != '\0')
        return false;
    *value = (uint64_t)parsed;
    return true;
}

static bool has_hex_prefix(const char *text)
{
    return text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

bool parse_u64(const char *text, uint64_t *value)
{
    if (has_hex_prefix(text))
        return parse_digits(text + 2, 16, value);
    return parse_digits(text, 10, value);
}

bool parse_i64(const char *text, int64_t *value)
{
    bool negative = text[0] == '-';
    uint64_t magnitude;
    if (!parse_u64(negative ? text + 1 : text, &magnitude))
        return false;
    if (negative) {
        if (magnitude > (uint64_t)INT64_MAX + 1)
            return false;
        *value = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
    } else {
        if (magnitude > (uint64_t)INT64_MAX)
            return false;
        *value = (int64_t)magnitude;
    }
    return true;
}

bool parse_hex_u64(const char *text, uint64_t *value)
{
    return parse_digits(has_hex_prefix(text) ? text + 2 : text, 16, value);
}
