/* test_scale.c - unit tests for what lets the analyzers read logs of any size: 64-bit
 * ids, serials, counts and byte counts (a log past 4 GB is too slow for a unit test, so
 * the types and functions are given the large values directly), the id table of the
 * per-event lookups, and the progress line. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_transcript.h"
#include "id_map.h"
#include "log_reader.h"
#include "parse_number.h"
#include "stack_store.h"

START_TEST(id_map_finds_adds_and_removes_ids_of_64_bits)
{
    struct id_map map = {0};
    static int values[3];
    const uint64_t large[] = {UINT64_C(1) << 32, (UINT64_C(1) << 32) + 1, UINT64_MAX};
    for (uint64_t id = 1; id <= 100000; id++)
        id_map_add(&map, id, (void *)(uintptr_t)id);
    for (size_t i = 0; i < 3; i++)
        id_map_add(&map, large[i], &values[i]);
    ck_assert_uint_eq(map.count, 100003);
    for (uint64_t id = 2; id <= 100000; id += 2)
        id_map_remove(&map, id);
    id_map_remove(&map, 200000); /* not there: nothing happens */
    id_map_remove(&map, large[0]);
    ck_assert_uint_eq(map.count, 50002);
    for (uint64_t id = 1; id <= 100000; id++)
        ck_assert_ptr_eq(id_map_find(&map, id), id % 2 ? (void *)(uintptr_t)id : NULL);
    ck_assert_ptr_null(id_map_find(&map, large[0]));
    ck_assert_ptr_eq(id_map_find(&map, large[1]), &values[1]);
    ck_assert_ptr_eq(id_map_find(&map, large[2]), &values[2]);
    ck_assert_ptr_null(id_map_find(&map, 0));
    id_map_free(&map);
    ck_assert_ptr_null(id_map_find(&map, 1));
}
END_TEST

START_TEST(id_set_adds_once_finds_and_removes_ids_of_64_bits)
{
    struct id_set set = {0};
    const uint64_t large[] = {UINT64_C(1) << 32, (UINT64_C(1) << 32) + 1, UINT64_MAX};
    for (uint64_t id = 1; id <= 100000; id++)
        id_set_add(&set, id);
    for (size_t i = 0; i < 3; i++)
        id_set_add(&set, large[i]);
    id_set_add(&set, 7);            /* there already: added once */
    id_set_add(&set, 0);            /* not an id: nothing happens */
    ck_assert_uint_eq(set.count, 100003);
    for (uint64_t id = 2; id <= 100000; id += 2)
        id_set_remove(&set, id);
    id_set_remove(&set, 200000);    /* not there: nothing happens */
    id_set_remove(&set, large[0]);
    ck_assert_uint_eq(set.count, 50002);
    for (uint64_t id = 1; id <= 100000; id++)
        ck_assert(id_set_contains(&set, id) == (id % 2 == 1));
    ck_assert(!id_set_contains(&set, large[0]));
    ck_assert(id_set_contains(&set, large[1]));
    ck_assert(id_set_contains(&set, large[2]));
    ck_assert(!id_set_contains(&set, 0));
    id_set_free(&set);
    ck_assert(!id_set_contains(&set, 1));
}
END_TEST

START_TEST(numbers_are_read_to_64_bits_and_no_further)
{
    uint64_t value = 0;
    ck_assert(parse_u64("4294967296", &value));
    ck_assert_uint_eq(value, UINT64_C(4294967296));
    ck_assert(parse_u64("9999999999999999999", &value));
    ck_assert_uint_eq(value, UINT64_C(9999999999999999999));
    ck_assert(parse_u64("18446744073709551615", &value));
    ck_assert_uint_eq(value, UINT64_MAX);
    ck_assert(parse_u64("00000000000000000000000042", &value)); /* long, yet small */
    ck_assert_uint_eq(value, 42);
    ck_assert(!parse_u64("18446744073709551616", &value));
    ck_assert(!parse_u64("99999999999999999999", &value));
    ck_assert(!parse_u64("", &value));
    ck_assert(!parse_u64("12a", &value));
    ck_assert(!parse_u64("-1", &value));
    int64_t signed_value = 0;
    ck_assert(parse_i64("-9223372036854775808", &signed_value));
    ck_assert(signed_value == INT64_MIN);
    ck_assert(!parse_i64("9223372036854775808", &signed_value));
}
END_TEST

START_TEST(progress_line_counts_past_4_gigabytes)
{
    char text[200];
    log_progress_text("big.log", UINT64_C(5000000000), UINT64_C(6000000000), text, sizeof text);
    ck_assert_str_eq(text, "big.log: 5000 of 6000 MB read (83%)");
    log_progress_text("big.log", UINT64_C(6000000000), UINT64_C(6000000000), text, sizeof text);
    ck_assert_str_eq(text, "big.log: 6000 of 6000 MB read (100%)");
    log_progress_text("<stdin>", UINT64_C(12000000000), 0, text, sizeof text);
    ck_assert_str_eq(text, "<stdin>: 12000 MB read");
}
END_TEST

START_TEST(serials_and_counts_past_32_bits_reach_the_events)
{
    const char *log = "# refshim 1\nc\t1\tnsFoo\no\t5000000000\t0x7f0000001000\t1\n"
                      "N\t5000000000\t1\t4294967299\t0\n"
                      "A\t5000000000\t2\t4294967299\t0\n";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "4: N 5000000000 0x7f0000001000=0x7f0000001000 nsFoo 1 4294967299 []\n"
                     "5: A 5000000000 0x7f0000001000=0x7f0000001000 nsFoo 2 4294967299 []\n");
    free(transcript.text);
}
END_TEST

START_TEST(serial_0_is_refused)
{
    assert_bad_log("# refshim 1\nc\t1\tnsFoo\no\t0\t0x10\t1\n",
                   "t.log:3: SERIAL 0 is reserved in 'o' record");
}
END_TEST

START_TEST(stored_stacks_go_when_nothing_holds_them)
{
    struct log_frame frames[2] = {{"inner", "/lib/a.so", 0x10, NULL}, {"main", NULL, 0x20, "m.c:3"}};
    struct log_event event = {.frames = frames, .frame_count = 2, .stack_id = 7};
    struct stack_store *store = stack_store_new();
    const struct stored_stack *first = stack_store_keep(store, &event);
    ck_assert_ptr_eq(stack_store_keep(store, &event), first);
    stack_store_release(store, first);
    ck_assert_str_eq(first->frames[0].function, "inner"); /* still held once */
    stack_store_release(store, first);
    /* Gone: kept again, it is a new copy of the same stack. */
    const struct stored_stack *again = stack_store_keep(store, &event);
    ck_assert_uint_eq(again->frame_count, 2);
    ck_assert_str_eq(again->frames[1].function, "main");
    ck_assert_str_eq(again->frames[1].source, "m.c:3");
    stack_store_free(store);
}
END_TEST

Suite *scale_suite(void)
{
    Suite *suite = suite_create("scale");
    TCase *cases = tcase_create("scale");
    tcase_add_test(cases, id_map_finds_adds_and_removes_ids_of_64_bits);
    tcase_add_test(cases, id_set_adds_once_finds_and_removes_ids_of_64_bits);
    tcase_add_test(cases, numbers_are_read_to_64_bits_and_no_further);
    tcase_add_test(cases, progress_line_counts_past_4_gigabytes);
    tcase_add_test(cases, serials_and_counts_past_32_bits_reach_the_events);
    tcase_add_test(cases, serial_0_is_refused);
    tcase_add_test(cases, stored_stacks_go_when_nothing_holds_them);
    suite_add_tcase(suite, cases);
    return suite;
}
