/* Unit tests for name lists: class filters and function patterns. */
#include <check.h>
#include <stdlib.h>

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

START_TEST(patterns_may_name_their_class)
{
    struct name_list f;
    char err[200];
    ck_assert(name_list_parse_patterns(&f, "hb_blob_create*=hb_blob, widget_*,Foo::operator=",
                                       err, sizeof err));
    ck_assert_uint_eq(f.count, 3);
    ck_assert_str_eq(f.names[0], "hb_blob_create*");
    ck_assert_str_eq(f.labels[0], "hb_blob");
    ck_assert_ptr_null(f.labels[1]);
    ck_assert_str_eq(f.names[2], "Foo::operator=");
    ck_assert_ptr_null(f.labels[2]);
    ck_assert_int_eq(name_list_glob_index(&f, "hb_blob_create_or_fail"), 0);
    ck_assert_int_eq(name_list_glob_index(&f, "widget_new"), 1);
    ck_assert_int_eq(name_list_glob_index(&f, "gadget_new"), -1);
    name_list_free(&f);
    ck_assert(!name_list_parse_patterns(&f, "=hb_blob", err, sizeof err));
    ck_assert_str_eq(err, "no function before \"=hb_blob\"");
}
END_TEST

static void assert_class(const char *function, const char *class_name)
{
    char *derived = function_class_name(function);
    ck_assert_str_eq(derived, class_name);
    free(derived);
}

START_TEST(classes_of_function_names)
{
    assert_class("hb_blob_create_or_fail", "hb_blob");
    assert_class("hb_blob_create", "hb_blob");
    assert_class("hb_blob_reference", "hb_blob");
    assert_class("dbus_message_new_method_call", "dbus_message");
    assert_class("dbus_message_unref", "dbus_message");
    assert_class("widget_retain", "widget");
    assert_class("free_list_new", "free_list");
    assert_class("widget_grow", "widget");
    assert_class("retain", "retain");
    assert_class("Gadget::retain", "Gadget");
    assert_class("ns::Gadget::create_or_fail", "ns::Gadget");
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
    tcase_add_test(tc, patterns_may_name_their_class);
    tcase_add_test(tc, classes_of_function_names);
    suite_add_tcase(s, tc);
    return s;
}
