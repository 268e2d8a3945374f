/* test_escape_text.c - unit tests for escape_text.c, and that the log reader's messages
 * quote a bad field escaped. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "escape_text.h"
#include "event_transcript.h"

START_TEST(control_characters_and_backslash_are_escaped)
{
    char buffer[64];
    ck_assert_str_eq(escape_text("a\nb\tc\rd\\e\x1b[31m\x7f", buffer, sizeof buffer),
                     "a\\nb\\tc\\rd\\\\e\\x1b[31m\\x7f");
    ck_assert_str_eq(escape_text("caf\xc3\xa9 /tmp/x.log", buffer, sizeof buffer),
                     "caf\xc3\xa9 /tmp/x.log");
}
END_TEST

START_TEST(a_short_buffer_cuts_at_a_whole_escape)
{
    char buffer[6];
    ck_assert_str_eq(escape_text("ab\x01zz", buffer, sizeof buffer), "ab");
    ck_assert_str_eq(escape_text("abcdefgh", buffer, sizeof buffer), "abcde");
}
END_TEST

START_TEST(print_writes_the_same)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    escape_text_print(out, "x\ny\x02");
    fclose(out);
    ck_assert_str_eq(text, "x\\ny\\x02");
    free(text);
}
END_TEST

START_TEST(log_reader_quotes_a_bad_field_escaped)
{
    assert_bad_log("# refshim 1\nc\t1\tFoo\no\t1\t0x1\x1b[2J\t1\n",
                   "t.log:3: bad ADDRESS '0x1\\x1b[2J' in 'o' record");
    assert_bad_log("# refshim 1\nz\\\x07\n", "t.log:2: unknown record kind 'z\\\\\\x07'");
}
END_TEST

Suite *escape_text_suite(void)
{
    Suite *suite = suite_create("escape_text");
    TCase *cases = tcase_create("escape");
    tcase_add_test(cases, control_characters_and_backslash_are_escaped);
    tcase_add_test(cases, a_short_buffer_cuts_at_a_whole_escape);
    tcase_add_test(cases, print_writes_the_same);
    tcase_add_test(cases, log_reader_quotes_a_bad_field_escaped);
    suite_add_tcase(suite, cases);
    return suite;
}
