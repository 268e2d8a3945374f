/* parse_number.h - strict parsing of the numbers found in logs and on command lines.
 *
 * strtoull alone accepts leading blanks, signs and trailing junk; a log field must be
 * exactly one number, so these helpers reject anything else. */
#ifndef REFSHIM_PARSE_NUMBER_H
#define REFSHIM_PARSE_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal, or hexadecimal when it starts with 0x/0X (the log format's rule). */
bool parse_u64(const char *text, uint64_t *value);
/* Like parse_u64 but with an optional leading '-'. */
bool parse_i64(const char *text, int64_t *value);
/* Hexadecimal with or without a 0x prefix: addresses are always hex. */
bool parse_hex_u64(const char *text, uint64_t *value);

/* The block readers' digits: reads the decimal digits at P up to the first other byte,
 * which must come (a line end bounds every field they read), and returns where it is;
 * *VALUE gets their number, exact for up to 19 digits, which the caller checks. */
static inline const char *digit_run(const char *p, uint64_t *value)
{
    uint64_t parsed = 0;
    unsigned digit;
    while ((digit = (unsigned)(unsigned char)*p - '0') < 10) {
        parsed = parsed * 10 + digit;
        p++;
    }
    *value = parsed;
    return p;
}

#endif
