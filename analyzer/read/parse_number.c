/* parse_number.c - strict number parsing (see parse_number.h). */
#include "parse_number.h"

#include <limits.h>

/* Value of digit C in BASE (10 or 16), or -1. */
static int digit_value(char c, int base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* By hand rather than with strtoull, which skips blanks, accepts a sign and is slow
 * enough to show on gigabyte logs. At least one digit, nothing after, no overflow. */
static bool parse_digits(const char *digits, int base, uint64_t *value)
{
    /* Overflow is checked against constants: a division per digit would be slow. */
    const uint64_t limit = base == 16 ? UINT64_MAX / 16 : UINT64_MAX / 10;
    const uint64_t last_digit_limit = base == 16 ? UINT64_MAX % 16 : UINT64_MAX % 10;
    uint64_t parsed = 0;
    const char *at = digits;
    for (; *at; at++) {
        int digit = digit_value(*at, base);
        if (digit < 0 || parsed > limit || (parsed == limit && (uint64_t)digit > last_digit_limit))
            return false;
        parsed = parsed * (uint64_t)base + (uint64_t)digit;
    }
    if (at == digits)
        return false;
    *value = parsed;
    return true;
}

static bool has_hex_prefix(const char *text)
{
    return text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

/* The common case of parse_digits in base 10, without its checks: 19 decimal digits
 * cannot overflow 64 bits. Anything longer or odd goes the careful way. */
static bool parse_short_decimal(const char *digits, uint64_t *value)
{
    uint64_t parsed = 0;
    const char *at = digits;
    while (at - digits < 19 && (unsigned char)(*at - '0') < 10)
        parsed = parsed * 10 + (uint64_t)(*at++ - '0');
    if (*at != '\0' || at == digits)
        return parse_digits(digits, 10, value);
    *value = parsed;
    return true;
}

bool parse_u64(const char *text, uint64_t *value)
{
    if (has_hex_prefix(text))
        return parse_digits(text + 2, 16, value);
    return parse_short_decimal(text, value);
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
