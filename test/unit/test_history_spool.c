/* test_history_spool.c - unit tests for what keeps refleaks --history within bounded
 * memory: the spool of per-object record chains (read back in order from its in-memory
 * tail, from its file, and through the overflow of a long chain) and the numbered texts
 * with their budget. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_dict.h"
#include "event_spool.h"

/* Three objects' records, interleaved; each record says whose and which it is. */
START_TEST(chains_come_back_oldest_first_from_tail_file_and_overflow)
{
    /* A tail of 64 bytes and chains of 3 offsets in memory: almost everything is read
     * from the file, and every chain longer than 3 overflows. */
    struct event_spool *spool = event_spool_new(64, 3);
    ck_assert_ptr_nonnull(spool);
    enum { OBJECTS = 3, RECORDS = 1000 };
    uint64_t last[OBJECTS] = {SPOOL_NONE, SPOOL_NONE, SPOOL_NONE};
    char text[128];
    for (int i = 0; i < RECORDS; i++) {
        int object = (i * 7) % OBJECTS;
        /* Some records larger than the whole tail go straight to the file. */
        int length = snprintf(text, sizeof text, i % 50 == 0 ? "%d:%d:%-70s" : "%d:%d%s", object,
                              i, "");
        last[object] = event_spool_append(spool, last[object], text, (size_t)length);
    }
    for (int object = 0; object < OBJECTS; object++) {
        struct spool_chain *chain = spool_chain_open(spool, last[object]);
        for (int pass = 0; pass < 2; pass++) {
            const unsigned char *data;
            size_t length;
            int expected = 0;
            while ((expected * 7) % OBJECTS != object)
                expected++;
            while (spool_chain_next(chain, &data, &length)) {
                int got_object, got_index;
                char copy[128];
                ck_assert_uint_lt(length, sizeof copy);
                memcpy(copy, data, length);
                copy[length] = '\0';
                ck_assert_int_eq(sscanf(copy, "%d:%d", &got_object, &got_index), 2);
                ck_assert_int_eq(got_object, object);
                ck_assert_int_eq(got_index, expected);
                do
                    expected++;
                while (expected < RECORDS && (expected * 7) % OBJECTS != object);
            }
            ck_assert_int_ge(expected, RECORDS);
            spool_chain_rewind(chain);
        }
        spool_chain_close(chain);
    }
    ck_assert(event_spool_ok(spool));
    /* A chain that ends at nothing is empty. */
    struct spool_chain *empty = spool_chain_open(spool, SPOOL_NONE);
    const unsigned char *data;
    size_t length;
    ck_assert(!spool_chain_next(empty, &data, &length));
    spool_chain_close(empty);
    event_spool_free(spool);
}
END_TEST

START_TEST(texts_are_numbered_once_and_not_past_the_budget)
{
    struct blob_dict *dict = blob_dict_new(4096);
    char text[32];
    int64_t first = blob_dict_number(dict, "AddRef", 7);
    ck_assert_int_eq(first, 0);
    ck_assert_int_eq(blob_dict_number(dict, "Release", 8), 1);
    ck_assert_int_eq(blob_dict_number(dict, "AddRef", 7), 0);
    int64_t numbered = 2;
    for (int i = 0; i < 1000; i++) {
        int length = snprintf(text, sizeof text, "text %d", i);
        int64_t number = blob_dict_number(dict, text, (size_t)length);
        if (number < 0)
            break;
        ck_assert_int_eq(number, numbered++);
    }
    /* The budget is spent long before 1000 texts; the old ones keep their numbers. */
    ck_assert_int_lt(numbered, 200);
    ck_assert_int_eq(blob_dict_number(dict, "something new", 13), -1);
    ck_assert_int_eq(blob_dict_number(dict, "Release", 8), 1);
    size_t length;
    ck_assert_str_eq(blob_dict_text(dict, 2, &length), "text 0");
    ck_assert_uint_eq(length, 6);
    ck_assert_ptr_null(blob_dict_text(dict, (uint64_t)numbered, &length));
    blob_dict_free(dict);
}
END_TEST

Suite *history_spool_suite(void)
{
    Suite *suite = suite_create("history_spool");
    TCase *cases = tcase_create("history_spool");
    tcase_add_test(cases, chains_come_back_oldest_first_from_tail_file_and_overflow);
    tcase_add_test(cases, texts_are_numbered_once_and_not_past_the_budget);
    suite_add_tcase(suite, cases);
    return suite;
}
