/* test_func_name.c - unit tests for func_name.c: parameter lists removed, names kept. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "func_name.h"

static void assert_key(const char *name, const char *expected)
{
    char *key = func_name_key_dup(name);
    ck_assert_msg(strcmp(key, expected) == 0, "key of '%s' is '%s', expected '%s'", name, key,
                  expected);
    free(key);
}

START_TEST(plain_parameter_lists_are_removed)
{
    assert_key("NS_NewFoo(nsFoo**)", "NS_NewFoo");
    assert_key("DoSomethingWithFooAndReturnItToo()", "DoSomethingWithFooAndReturnItToo");
    assert_key("ns::Foo::Bar(int, char const*)", "ns::Foo::Bar");
    assert_key("foo::bar(int) const", "foo::bar");
}
END_TEST

START_TEST(names_without_parameters_are_kept)
{
    assert_key("main", "main");
    assert_key("???", "???");
    assert_key("g_object_ref", "g_object_ref");
    assert_key("", "");
}
END_TEST

START_TEST(parentheses_inside_the_name_are_kept)
{
    assert_key("std::function<void (int)>::operator()(int) const",
               "std::function<void (int)>::operator()");
    assert_key("(anonymous namespace)::f()", "(anonymous namespace)::f");
    assert_key("Foo::operator()()", "Foo::operator()");
    assert_key("Foo::operator()", "Foo::operator()");
    assert_key("run()::{lambda(int)#1}::operator()(int) const",
               "run()::{lambda(int)#1}::operator()");
    assert_key("(anonymous namespace)", "(anonymous namespace)");
}
END_TEST

START_TEST(trailing_qualifiers_are_removed)
{
    assert_key("Foo::get() const &", "Foo::get");
    assert_key("Foo::take() &&", "Foo::take");
    assert_key("Foo::swap(Foo&) noexcept", "Foo::swap");
    assert_key("Foo::v() const volatile", "Foo::v");
    assert_key("foo(int) [clone .cold]", "foo");
    assert_key("foo(int) [clone .constprop.0] [clone .isra.0]", "foo");
    assert_key("foo[abi:cxx11](int)", "foo[abi:cxx11]");
}
END_TEST

START_TEST(look_alike_words_are_not_qualifiers)
{
    assert_key("myconst", "myconst");
    assert_key("my_operator()", "my_operator");
    assert_key("Foo::operator<<(std::ostream&)", "Foo::operator<<");
    assert_key("Foo::operator new(unsigned long)", "Foo::operator new");
}
END_TEST

START_TEST(malformed_names_do_not_crash)
{
    assert_key("foo(int", "foo(int");
    assert_key("foo)", "foo)");
    assert_key("()", "()");
    assert_key(")(", ")(");
    assert_key("   ", "   ");
    assert_key(" const", " const");
}
END_TEST

START_TEST(key_equals_compares_without_parameters)
{
    ck_assert(func_name_key_equals("main", "main", 4));
    ck_assert(func_name_key_equals("NS_NewFoo(nsFoo**)", "NS_NewFoo", 9));
    ck_assert(!func_name_key_equals("NS_NewFooBar()", "NS_NewFoo", 9));
    ck_assert(!func_name_key_equals("mai", "main", 4));
    ck_assert_uint_eq(func_name_key_length("foo::bar(int) const"), 8);
}
END_TEST

Suite *func_name_suite(void)
{
    Suite *suite = suite_create("func_name");
    TCase *tc = tcase_create("keys");
    tcase_add_test(tc, plain_parameter_lists_are_removed);
    tcase_add_test(tc, names_without_parameters_are_kept);
    tcase_add_test(tc, parentheses_inside_the_name_are_kept);
    tcase_add_test(tc, trailing_qualifiers_are_removed);
    tcase_add_test(tc, look_alike_words_are_not_qualifiers);
    tcase_add_test(tc, malformed_names_do_not_crash);
    tcase_add_test(tc, key_equals_compares_without_parameters);
    suite_add_tcase(suite, tc);
    return suite;
}
