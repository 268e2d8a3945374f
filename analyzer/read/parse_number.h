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

#endif
