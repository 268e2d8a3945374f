/* Unit tests for serial-number sets (REFLOG_OBJECTS). */
#include <check.h>
#include <string.h>

#include "ranges.h"

static struct serial_set set;
static char err[200];

START_TEST(parses_numbers_and_ranges)
{
    ck_assert(serial_set_parse(&set, "1,37-42,73,165", err, sizeof err));
    ck_assert_uint_eq(set.count, 4);
    ck_assert(serial_set_contains(&set, 1));
    ck_assert(!serial_set_contains(&set, 2));
    ck_assert(!serial_set_contains(&set, 36));
    ck_assert(serial_set_contains(&set, 37));
    ck_assert(serial_set_contains(&set, 40));
    ck_assert(serial_set_contains(&set, 42));
    ck_assert(!serial_set_contains(&set, 43));
    ck_assert(serial_set_contains(&set, 73));
    ck_assert(serial_set_contains(&set, 165));
    ck_assert(!serial_set_contains(&set, 166));
    serial_set_free(&set);
}
END_TEST

START_TEST(merges_overlapping_and_unsorted_ranges)
{
    ck_assert(serial_set_parse(&set, "10-20, 5 - 12,21,30", err, sizeof err));
    ck_assert_uint_eq(set.count, 2);
    ck_assert_uint_eq(set.ranges[0].first, 5);
    ck_assert_uint_eq(set.ranges[0].last, 21);
    ck_assert_uint_eq(set.ranges[1].first, 30);
    ck_assert(serial_set_contains(&set, 21));
    ck_assert(!serial_set_contains(&set, 22));
    serial_set_free(&set);
}
END_TEST

START_TEST(rejects_bad_input_with_a_reason)
{
    ck_assert(!serial_set_parse(&set, "abc", err, sizeof err));
    ck_assert_str_eq(err, "expected a serial number (1, 2, ...) at \"abc\"");
    ck_assert(!serial_set_parse(&set, "0", err, sizeof err));
    ck_assert(!serial_set_parse(&set, "", err, sizeof err));
    ck_assert(!serial_set_parse(&set, "1,,2", err, sizeof err));
    ck_assert(!serial_set_parse(&set, "5-", err, sizeof err));
    ck_assert_str_eq(err, "expected the end of the range at \"5-\"");
    ck_assert(!serial_set_parse(&set, "9-3", err, sizeof err));
    ck_assert_str_eq(err, "range 9-3 runs backwards");
    ck_assert(!serial_set_parse(&set, "1;2", err, sizeof err));
    ck_assert_str_eq(err, "unexpected \";\" in \"1;2\"");
    ck_assert(!serial_set_parse(&set, "99999999999999999999999", err, sizeof err));
    ck_assert_ptr_null(set.ranges);
}
END_TEST

Suite *ranges_suite(void)
{
    Suite *s = suite_create("ranges");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parses_numbers_and_ranges);
    tcase_add_test(tc, merges_overlapping_and_unsorted_ranges);
    tcase_add_test(tc, rejects_bad_input_with_a_reason);
    suite_add_tcase(s, tc);
    return s;
}
