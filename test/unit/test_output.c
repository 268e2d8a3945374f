/* Unit tests of the output layer: one description of a record gives the text of its
 * formats (placeholders, padding, fallbacks, conditional parts, heads before nested
 * values, tails) and the JSON of its fields, and each back-end skips what is not its own. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

static const struct text_format row = {"{name:-*}|{size:4|-}|{?note}note {note}{/}{!note}none{/}\n",
                                       NULL, OUTPUT_BOTH};
static const struct text_format group = {"group {label}:\n", "end {count}\n", OUTPUT_BOTH};
static const struct text_format member = {"  {id}\n", NULL, OUTPUT_BOTH};
static const struct text_format text_only = {"T {x}\n", NULL, OUTPUT_TEXT_ONLY};
static const struct text_format json_only = {"J\n", NULL, OUTPUT_JSON_ONLY};

/* One description of everything the formats can do. */
static void describe(struct output *o)
{
    output_set_width(o, 6);
    out_begin_object(o, NULL, NULL);
    out_begin_list(o, "rows", NULL);
    out_begin_object(o, NULL, &row);
    out_string(o, "name", "ab");
    out_uint(o, "size", 12);
    out_string(o, "note", "x\"y");
    out_end_object(o);
    out_begin_object(o, NULL, &row);
    out_string(o, "name", "long-name");
    out_end_object(o);
    out_end_list(o);
    out_begin_object(o, "group", &group);
    out_text_field(o, "label", "L");
    out_begin_list(o, "members", NULL);
    for (int id = 1; id <= 2; id++) {
        out_begin_object(o, NULL, &member);
        out_int(o, "id", -id);
        out_end_object(o);
    }
    out_end_list(o);
    out_uint(o, "count", 2); /* after the nested list: in the tail */
    out_end_object(o);
    out_begin_object(o, NULL, &text_only);
    out_string(o, "x", "only text");
    out_end_object(o);
    out_begin_list(o, "extra", &json_only);
    out_begin_object(o, NULL, NULL);
    out_uint(o, "n", 1);
    out_end_object(o);
    out_end_list(o);
    out_uint_line(o, "total", 7, "{total} in all\n");
    out_end_object(o);
}

static char *written(bool json)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    struct output *o = json ? output_new_json(out, false) : output_new_text(out);
    describe(o);
    output_free(o);
    fclose(out);
    return text;
}

START_TEST(text_back_end_renders_the_formats)
{
    char *text = written(false);
    ck_assert_str_eq(text, "ab    |  12|note x\"y\n"
                           "long-name|   -|none\n"
                           "group L:\n"
                           "  -1\n"
                           "  -2\n"
                           "end 2\n"
                           "T only text\n"
                           "7 in all\n");
    free(text);
}
END_TEST

START_TEST(json_back_end_writes_the_fields)
{
    char *text = written(true);
    ck_assert_str_eq(text, "{\"rows\":[{\"name\":\"ab\",\"size\":12,\"note\":\"x\\\"y\"},"
                           "{\"name\":\"long-name\"}],"
                           "\"group\":{\"members\":[{\"id\":-1},{\"id\":-2}],\"count\":2},"
                           "\"extra\":[{\"n\":1}],\"total\":7}");
    free(text);
}
END_TEST

/* What a second output wrote (refleaks --history's spill files) joins a list. */
START_TEST(copied_lists_join_with_commas)
{
    for (int json = 0; json <= 1; json++) {
        FILE *spill = tmpfile();
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        struct output *o = json ? output_new_json(out, false) : output_new_text(out);
        struct output *s = output_new_like(o, spill);
        for (int id = 2; id <= 3; id++) {
            out_begin_object(s, NULL, &member);
            out_int(s, "id", id);
            out_end_object(s);
        }
        output_flush(s);
        out_begin_list(o, NULL, NULL);
        out_begin_object(o, NULL, &member);
        out_int(o, "id", 1);
        out_end_object(o);
        ck_assert(out_copy_list(o, spill, 2));
        out_begin_object(o, NULL, &member);
        out_int(o, "id", 4);
        out_end_object(o);
        out_end_list(o);
        output_free(s);
        output_free(o);
        fclose(spill);
        fclose(out);
        ck_assert_str_eq(text, json ? "[{\"id\":1},{\"id\":2},{\"id\":3},{\"id\":4}]"
                                    : "  1\n  2\n  3\n  4\n");
        free(text);
    }
}
END_TEST

/* 100,000 nested levels, as a runaway recursion's balance tree: no recursion, and the
 * text heads come out in order. */
START_TEST(deep_nesting)
{
    static const struct text_format node = {"{pad:*}{d}\n", NULL, OUTPUT_BOTH};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    struct output *o = output_new_text(out);
    enum { DEPTH = 100000 };
    for (int d = 0; d < DEPTH; d++) {
        output_set_width(o, d < 2 ? d : 2);
        out_begin_object(o, NULL, &node);
        out_int(o, "d", d);
        out_begin_list(o, "children", NULL);
    }
    for (int d = 0; d < DEPTH; d++) {
        out_end_list(o);
        out_end_object(o);
    }
    output_free(o);
    fclose(out);
    ck_assert(strncmp(text, "0\n 1\n  2\n  3\n", 13) == 0);
    ck_assert_ptr_nonnull(strstr(text, "  99999\n"));
    free(text);
}
END_TEST

Suite *output_suite(void);
Suite *output_suite(void)
{
    Suite *suite = suite_create("output");
    TCase *tc = tcase_create("output");
    tcase_add_test(tc, text_back_end_renders_the_formats);
    tcase_add_test(tc, json_back_end_writes_the_fields);
    tcase_add_test(tc, copied_lists_join_with_commas);
    tcase_add_test(tc, deep_nesting);
    suite_add_tcase(suite, tc);
    return suite;
}
