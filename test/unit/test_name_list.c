/* Unit tests for name lists: class filters and function patterns. */
#include <check.h>

#include "name_list.h"

START_TEST(matches_listed_names_exactly)
{
    struct name_list f;
    char err[200];
    ck_assert(name_list_parse(&f, "nsDocShell, nsFoo ,GstPad", err, sizeof err));
    ck_assert_uint_eq(f.count, 3);
    ck_assert(name_list_matches(&f, "nsDocShell"));
    ck_assert(name_list_matches(&f, "nsFoo"));
    ck_assert(name_list_matches(&f, "GstPad"));
    ck_assert(!name_list_matches(&f, "nsFo"));
    ck_assert(!name_list_matches(&f, "nsFooBar"));
    name_list_free(&f);
}
END_TEST

START_TEST(no_filter_matches_everything)
{
    struct name_list f = {0};
    ck_assert(name_list_matches(&f, "anything"));
}
END_TEST

START_TEST(empty_items_are_errors)
{
    struct name_list f;
    char err[200];
    ck_assert(!name_list_parse(&f, "nsFoo,,nsBar", err, sizeof err));
    ck_assert_str_eq(err, "empty name in \"nsFoo,,nsBar\"");
    ck_assert(!name_list_parse(&f, "", err, sizeof err));
    ck_assert(!name_list_parse(&f, "nsFoo,", err, sizeof err));
    ck_assert_ptr_null(f.names);
}
END_TEST

START_TEST(globs_match_function_names)
{
    struct name_list f;
    char err[200];
    ck_assert(name_list_parse(&f, "widget_*,Gadget::retain*", err, sizeof err));
    ck_assert(name_list_glob_any(&f, "widget_retain"));
    ck_assert(name_list_glob_any(&f, "Gadget::retain()"));
    ck_assert(!name_list_glob_any(&f, "gadget_retain"));
    ck_assert(name_list_wants_demangled(&f));
    name_list_free(&f);
    ck_assert(name_list_parse(&f, "widget_new", err, sizeof err));
    ck_assert(!name_list_wants_demangled(&f));
    name_list_free(&f);
    struct name_list none = {0};
    ck_assert(!name_list_glob_any(&none, "widget_new"));
}
END_TEST

START_TEST(prefixes_of_class_filters)
{
    struct name_list f;
    char err[200];
    ck_assert(name_list_parse(&f, "nsFoo,GstBuffer", err, sizeof err));
    ck_assert(name_list_may_match_prefix(&f, "Gst"));
    ck_assert(!name_list_may_match_prefix(&f, "Gtk"));
    name_list_free(&f);
    struct name_list none = {0};
    ck_assert(name_list_may_match_prefix(&none, "Gst"));      /* no filter: every class */
}
END_TEST

Suite *name_list_suite(void)
{
    Suite *s = suite_create("name_list");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, matches_listed_names_exactly);
    tcase_add_test(tc, no_filter_matches_everything);
    tcase_add_test(tc, empty_items_are_errors);
    tcase_add_test(tc, globs_match_function_names);
    tcase_add_test(tc, prefixes_of_class_filters);
    suite_add_tcase(s, tc);
    return s;
}
