/* Unit tests of json_writer: commas in nested values, string escaping, bytes that are not
 * UTF-8, and the HTML-safe mode used to embed the data in refbalance --html. */
#include <check.h>
#include <stdlib.h>

#include "json_writer.h"

/* Runs WRITE on a memory stream and returns what it wrote (the caller frees it). */
static char *written(void (*write)(struct json_writer *), bool html_safe)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    struct json_writer writer;
    json_writer_init(&writer, out, html_safe);
    write(&writer);
    fclose(out);
    return text;
}

static void nested(struct json_writer *w)
{
    json_begin_object(w);
    json_member_string(w, "name", "a");
    json_key(w, "children");
    json_begin_array(w);
    json_begin_object(w);
    json_end_object(w);
    json_int(w, -3);
    json_begin_array(w);
    json_end_array(w);
    json_string(w, NULL);
    json_bool(w, true);
    json_end_array(w);
    json_member_uint(w, "n", 18446744073709551615u);
    json_end_object(w);
}

START_TEST(commas_go_between_values_only)
{
    char *text = written(nested, false);
    ck_assert_str_eq(text, "{\"name\":\"a\",\"children\":[{},-3,[],null,true],"
                           "\"n\":18446744073709551615}");
    free(text);
}
END_TEST

static void tricky(struct json_writer *w)
{
    json_string(w, "q\"b\\n\nt\tc\x01\x7f<a&b>");
}

START_TEST(strings_are_escaped)
{
    char *text = written(tricky, false);
    ck_assert_str_eq(text, "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u007f<a&b>\"");
    free(text);
}
END_TEST

START_TEST(html_safe_escapes_markup)
{
    char *text = written(tricky, true);
    ck_assert_str_eq(text, "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u007f\\u003ca\\u0026b\\u003e\"");
    free(text);
}
END_TEST

static void bytes(struct json_writer *w)
{
    /* é (valid), a lone continuation byte, an overlong '/', a surrogate, a cut sequence */
    json_string(w, "\xc3\xa9|\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
}

START_TEST(invalid_utf8_becomes_replacement_characters)
{
    char *text = written(bytes, false);
    ck_assert_str_eq(text, "\"\xc3\xa9|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
                           "\\ufffd\\ufffd\"");
    free(text);
}
END_TEST

Suite *json_writer_suite(void)
{
    Suite *suite = suite_create("json_writer");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, commas_go_between_values_only);
    tcase_add_test(tc, strings_are_escaped);
    tcase_add_test(tc, html_safe_escapes_markup);
    tcase_add_test(tc, invalid_utf8_becomes_replacement_characters);
    suite_add_tcase(suite, tc);
    return suite;
}
