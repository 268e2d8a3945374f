/* test_asterisk_scan.c - the pieces of the reading thread's Asterisk scan
 * (asterisk_scan.h): the separator bits against a byte-by-byte reference at every length
 * and alignment, the cursors across word ends, and the field readers against the
 * byte-a-step reading they replace, on their vector and their byte paths. Whole logs of
 * lines the scan must not mistake are test_asterisk_readers.c's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asterisk_scan.h"
#include "log_reader.h"

static char random_byte(unsigned *seed)
{
    static const char alphabet[] = ",\n,a0x\r*\xe9";
    *seed = *seed * 1103515245u + 12345u;
    return alphabet[(*seed >> 16) % (sizeof alphabet - 1)];
}

START_TEST(separator_bits_match_every_byte)
{
    unsigned seed = 7;
    for (size_t length = 0; length <= 300; length++) {
        for (size_t shift = 0; shift < 3; shift++) {
            /* LENGTH bytes ending their block, at any alignment: a read past them is ASan's */
            char *block = malloc(length + shift + 1);
            ck_assert_ptr_nonnull(block);
            char *data = block + shift + 1;
            for (size_t i = 0; i < length; i++)
                data[i] = random_byte(&seed);
            size_t words = (length + 63) / 64;
            uint64_t commas[8], newlines[8];
            memset(commas, 0xa5, sizeof commas);
            memset(newlines, 0xa5, sizeof newlines);
            asterisk_mark_separators(data, length, commas, newlines);
            for (size_t i = 0; i < words * 64; i++) {
                bool comma = (commas[i / 64] >> (i % 64)) & 1;
                bool newline = (newlines[i / 64] >> (i % 64)) & 1;
                ck_assert_int_eq(comma, i < length && data[i] == ',');
                ck_assert_int_eq(newline, i < length && data[i] == '\n');
            }
            free(block);
        }
    }
}
END_TEST

START_TEST(separator_cursor_crosses_words)
{
    /* commas at 0, 63, 64, 200; a word of all bits past the last, as the scan puts */
    uint64_t words[5] = {1 | UINT64_C(1) << 63, 1, 0, UINT64_C(1) << 8, ~UINT64_C(0)};
    struct separator_cursor cursor = separator_at(words, 0);
    ck_assert_uint_eq(separator_take(words, &cursor), 0);
    ck_assert_uint_eq(separator_take(words, &cursor), 63);
    ck_assert_uint_eq(separator_take(words, &cursor), 64);
    ck_assert_uint_eq(separator_take(words, &cursor), 200);
    ck_assert_uint_eq(separator_take(words, &cursor), 256);
    cursor = separator_at(words, 64);
    ck_assert_uint_eq(separator_take(words, &cursor), 64);
    cursor = separator_at(words, 65);
    ck_assert_uint_eq(separator_take(words, &cursor), 200);
    cursor = separator_at(words, 201);
    ck_assert_uint_eq(separator_take(words, &cursor), 256);
}
END_TEST

/* The reference: asterisk_block.c's scan_hex, a byte a step, on the whole field. */
static bool reference_hex(const char *text, uint64_t *value, bool *plain)
{
    const char *p = text;
    bool prefix = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    bool lower_x = prefix && p[1] == 'x';
    p += prefix ? 2 : 0;
    const char *digits = p;
    uint64_t parsed = 0;
    unsigned all_bytes = 0xff;
    for (;; p++) {
        unsigned c = (unsigned char)*p;
        unsigned digit = c - '0' < 10 ? c - '0' : (c | 0x20) - 'a' < 6 ? (c | 0x20) - 'a' + 10 : 99;
        if (digit == 99)
            break;
        parsed = parsed << 4 | digit;
        all_bytes &= c;
    }
    if (*p != '\0' || p == digits || p - digits > 16)
        return false;
    *value = parsed;
    *plain = lower_x && (digits[0] != '0' || p - digits == 1) && (all_bytes & 0x20);
    return true;
}

/* TEXT as a field: in a buffer with room for vectors past it (ROOM) or none. */
static void check_hex(const char *text)
{
    uint64_t want_value = 0, value = 0;
    bool want_plain = false, plain = false;
    bool want = reference_hex(text, &want_value, &want_plain);
    size_t length = strlen(text);
    char *field = malloc(length + 40);
    ck_assert_ptr_nonnull(field);
    memset(field, 'f', length + 40);    /* hex digits past the field are not its own */
    memcpy(field, text, length);
    for (int room = 0; room < 2; room++) {
        const char *limit = field + length + (room ? 40 : 0);
        bool got = asterisk_hex_field(field, field + length, limit, &value, &plain);
        ck_assert_msg(got == want, "'%s' (room %d): %d, not %d", text, room, got, want);
        if (want) {
            ck_assert_msg(value == want_value, "'%s' (room %d)", text, room);
            ck_assert_msg(plain == want_plain, "'%s' (room %d): plain %d", text, room, plain);
        }
    }
    free(field);
}

START_TEST(hex_fields_read_as_byte_by_byte)
{
    static const char *const fields[] = {
        "0x7f3a406ecc80", "0X7F3A406ECC80", "0x7F3a406ecc80", "0", "0x0", "0x", "", "x1",
        "0x00ab", "ab", "AB", "0xffffffffffffffff", "0x10000000000000000", "ffffffffffffffff",
        "1234567890abcdef1", "0xg", "0x1g", "0x1 ", " 0x1", "0x\xe9", "0x1\xe9", "0xa:", "0x@",
        "0x`", "0xG", "0x/", "0x9", "0xF", "0x0000000000000001", "0x123456789", "0x1,",
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        check_hex(fields[i]);
    /* every count of digits, every byte in every place */
    char text[24];
    for (size_t digits = 1; digits <= 17; digits++)
        for (unsigned byte = 1; byte < 256; byte += 3) {
            snprintf(text, sizeof text, "0x%.*s", (int)digits, "0123456789abcdefABCDEF");
            text[2 + (byte % digits)] = (char)byte;
            check_hex(text);
            check_hex(text + 2);
        }
}
END_TEST

START_TEST(decimal_fields_read_as_byte_by_byte)
{
    uint64_t value;
    int64_t signed_value;
    ck_assert(asterisk_decimal_field("20009,", strchr("20009,", ','), &value));
    ck_assert_uint_eq(value, 20009);
    const char *eighteen = "999999999999999999";
    ck_assert(asterisk_decimal_field(eighteen, eighteen + 18, &value));
    ck_assert_uint_eq(value, 999999999999999999u);
    const char *nineteen = "9999999999999999999";
    ck_assert(!asterisk_decimal_field(nineteen, nineteen + 19, &value));
    const char *empty = ",";
    ck_assert(!asterisk_decimal_field(empty, empty, &value));
    ck_assert(!asterisk_decimal_field("1x", strchr("1x", '\0'), &value));
    ck_assert(!asterisk_decimal_field("0x1", strchr("0x1", '\0'), &value));
    ck_assert(!asterisk_decimal_field("1 ", strchr("1 ", '\0'), &value));
    ck_assert(!asterisk_decimal_field("/", strchr("/", '\0'), &value));
    ck_assert(!asterisk_decimal_field(":", strchr(":", '\0'), &value));
    ck_assert(asterisk_signed_field("-12", strchr("-12", '\0'), &signed_value));
    ck_assert_int_eq(signed_value, -12);
    ck_assert(!asterisk_signed_field("-", strchr("-", '\0'), &signed_value));
    ck_assert(!asterisk_signed_field("--1", strchr("--1", '\0'), &signed_value));
    ck_assert(!asterisk_signed_field("+1", strchr("+1", '\0'), &signed_value));
}
END_TEST

Suite *asterisk_scan_suite(void)
{
    Suite *suite = suite_create("asterisk_scan");
    TCase *cases = tcase_create("pieces");
    tcase_set_timeout(cases, 60);
    tcase_add_test(cases, separator_bits_match_every_byte);
    tcase_add_test(cases, separator_cursor_crosses_words);
    tcase_add_test(cases, hex_fields_read_as_byte_by_byte);
    tcase_add_test(cases, decimal_fields_read_as_byte_by_byte);
    suite_add_tcase(suite, cases);
    return suite;
}
