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

/* TEXT as a decimal field (SIGNED: with an optional '-') on both paths: with room for
 * an 8-byte load past it and without. */
static void check_decimal(const char *text, bool is_signed, bool want, int64_t want_value)
{
    size_t length = strlen(text);
    char *field = malloc(length + 16);
    ck_assert_ptr_nonnull(field);
    memset(field, '7', length + 16);    /* digits past the field are not its own */
    memcpy(field, text, length);
    for (int room = 0; room < 2; room++) {
        const char *limit = field + length + (room ? 16 : 0);
        int64_t value = -99;
        uint64_t unsigned_value = 99;
        bool got = is_signed
                       ? asterisk_signed_field(field, field + length, limit, &value)
                       : asterisk_decimal_field(field, field + length, limit, &unsigned_value);
        if (!is_signed)
            value = (int64_t)unsigned_value;
        ck_assert_msg(got == want, "'%s' (room %d): %d, not %d", text, room, got, want);
        if (want)
            ck_assert_msg(value == want_value, "'%s' (room %d): %lld", text, room,
                          (long long)value);
    }
    free(field);
}

START_TEST(decimal_fields_read_as_byte_by_byte)
{
    check_decimal("20009", false, true, 20009);
    check_decimal("0", false, true, 0);
    check_decimal("7", false, true, 7);
    /* one digit, read by itself: a delta or a count before the change */
    check_decimal("9", false, true, 9);
    check_decimal("-1", true, true, -1);
    check_decimal("*", false, false, 0);
    check_decimal("-*", true, false, 0);
    check_decimal("12345678", false, true, 12345678);
    check_decimal("99999999", false, true, 99999999);
    check_decimal("123456789", false, true, 123456789);
    check_decimal("00000001", false, true, 1);
    check_decimal("999999999999999999", false, true, 999999999999999999);
    check_decimal("9999999999999999999", false, false, 0);
    check_decimal("", false, false, 0);
    check_decimal("1x", false, false, 0);
    check_decimal("0x1", false, false, 0);
    check_decimal("1 ", false, false, 0);
    check_decimal(" 1", false, false, 0);
    check_decimal("/", false, false, 0);
    check_decimal(":", false, false, 0);
    check_decimal("1/2", false, false, 0);
    check_decimal("12\xb9", false, false, 0);
    check_decimal("\xb9" "1", false, false, 0);
    check_decimal("-12", true, true, -12);
    check_decimal("-0", true, true, 0);
    check_decimal("-", true, false, 0);
    check_decimal("--1", true, false, 0);
    check_decimal("+1", true, false, 0);
    check_decimal("1-", true, false, 0);
    check_decimal("-12345678", true, true, -12345678);
    /* every byte in every place of every count */
    char text[12];
    for (size_t digits = 1; digits <= 10; digits++)
        for (unsigned byte = 1; byte < 256; byte++) {
            snprintf(text, sizeof text, "%.*s", (int)digits, "3141592653");
            text[byte % digits] = (char)byte;
            bool want = true;
            int64_t value = 0;
            for (size_t i = 0; i < digits; i++) {
                want = want && text[i] >= '0' && text[i] <= '9';
                value = value * 10 + (text[i] - '0');
            }
            check_decimal(text, false, want, value);
        }
}
END_TEST

/* A line's newline and first seven commas from the separator words, where they fall
 * across the words' ends. */
START_TEST(separator_line_finds_commas_across_words)
{
    for (size_t at = 0; at < 130; at++) {
        for (size_t length = 1; length < 130; length += 7) {
            uint64_t commas[8] = {0}, newlines[8] = {0};
            size_t place[7];
            for (unsigned i = 0; i < 7; i++) {
                place[i] = at + (i * 13 + at) % (length + 6);   /* some past the line */
                if (i && place[i] <= place[i - 1])
                    place[i] = place[i - 1] + 1;
                commas[place[i] / 64] |= UINT64_C(1) << (place[i] % 64);
            }
            newlines[(at + length) / 64] |= UINT64_C(1) << ((at + length) % 64);
            for (unsigned i = 5; i < 8; i++)
                commas[i] = newlines[i] = ~UINT64_C(0);
            uint16_t offset[7];
            unsigned end = separator_line(commas, newlines, at, offset);
            ck_assert_uint_eq(end, length < 127 ? length : 127);
            if (length >= 127)
                continue;
            for (unsigned i = 0; i < 7; i++)
                if (place[i] - at < 127)
                    ck_assert_uint_eq(offset[i], place[i] - at);
                else
                    ck_assert_uint_ge(offset[i], 127);
        }
    }
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
    tcase_add_test(cases, separator_line_finds_commas_across_words);
    suite_add_tcase(suite, cases);
    return suite;
}
