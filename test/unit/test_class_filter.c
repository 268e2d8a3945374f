/* Unit tests for the class filter (REFLOG_CLASSES). */
#include <check.h>

#include "class_filter.h"

START_TEST(matches_listed_names_exactly)
{
    struct class_filter f;
    char err[200];
    ck_assert(class_filter_parse(&f, "nsDocShell, nsFoo ,GstPad", err, sizeof err));
    ck_assert_uint_eq(f.count, 3);
    ck_assert(class_filter_matches(&f, "nsDocShell"));
    ck_assert(class_filter_matches(&f, "nsFoo"));
    ck_assert(class_filter_matches(&f, "GstPad"));
    ck_assert(!class_filter_matches(&f, "nsFo"));
    ck_assert(!class_filter_matches(&f, "nsFooBar"));
    class_filter_free(&f);
}
END_TEST

START_TEST(no_filter_matches_everything)
{
    struct class_filter f = {0};
    ck_assert(class_filter_matches(&f, "anything"));
}
END_TEST

START_TEST(empty_items_are_errors)
{
    struct class_filter f;
    char err[200];
    ck_assert(!class_filter_parse(&f, "nsFoo,,nsBar", err, sizeof err));
    ck_assert_str_eq(err, "empty class name in \"nsFoo,,nsBar\"");
    ck_assert(!class_filter_parse(&f, "", err, sizeof err));
    ck_assert(!class_filter_parse(&f, "nsFoo,", err, sizeof err));
    ck_assert_ptr_null(f.names);
}
END_TEST

Suite *class_filter_suite(void)
{
    Suite *s = suite_create("class_filter");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, matches_listed_names_exactly);
    tcase_add_test(tc, no_filter_matches_everything);
    tcase_add_test(tc, empty_items_are_errors);
    suite_add_tcase(s, tc);
    return s;
}
