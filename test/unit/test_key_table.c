/* Unit tests for the depot's open-addressing table (shim/record/key_table.h): every key
 * added is found with its value through the table's growth, absent keys are not, keys
 * whose slots collide keep their own values, and a filter keeps exactly what it is told. */
#include <check.h>
#include <stdint.h>

#include "key_table.h"

#define MANY 5000               /* several doublings past the first capacity */

/* Keys shaped like the depot's: return addresses a few bytes apart, and node keys. */
static uint64_t address_key(unsigned i)
{
    return 0x7f0000401000ull + 5u * i;
}

static uint64_t node_key(unsigned i)
{
    return (uint64_t)(i / 7) << 32 | (i % 7);
}

START_TEST(added_keys_are_found_through_growth)
{
    struct key_table t = KEY_TABLE_INIT;
    for (unsigned i = 0; i < MANY; i++) {
        ck_assert(key_table_add(&t, address_key(i), i + 1));
        ck_assert_uint_eq(key_table_find(&t, address_key(i)), i + 1);
    }
    ck_assert_uint_eq(t.count, MANY);
    ck_assert_uint_ge(t.capacity, 2 * MANY);
    for (unsigned i = 0; i < MANY; i++)
        ck_assert_uint_eq(key_table_find(&t, address_key(i)), i + 1);
    ck_assert_uint_eq(key_table_find(&t, address_key(MANY)), 0);
    ck_assert_uint_eq(key_table_find(&t, address_key(0) + 1), 0);
    key_table_clear(&t);
    ck_assert_uint_eq(key_table_find(&t, address_key(0)), 0);
}
END_TEST

START_TEST(zero_key_and_node_keys_keep_their_values)
{
    struct key_table t = KEY_TABLE_INIT;
    ck_assert_uint_eq(key_table_find(&t, 0), 0);      /* an empty table has no slots */
    for (unsigned i = 0; i < MANY; i++)
        ck_assert(key_table_add(&t, node_key(i), 10u * i + 3));
    for (unsigned i = 0; i < MANY; i++)
        ck_assert_uint_eq(key_table_find(&t, node_key(i)), 10u * i + 3);
    ck_assert_uint_eq(key_table_find(&t, 0), 3);      /* node_key(0): parent 0, frame 0 */
    key_table_clear(&t);
}
END_TEST

/* Keeps the keys of even values, as depot_forget_frames keeps frames outside a range. */
static bool even_value(uint64_t key, uint64_t value, void *arg)
{
    (void)key;
    ++*(unsigned *)arg;
    return value % 2 == 0;
}

static void sum_values(uint64_t key, uint64_t value, void *arg)
{
    (void)key;
    *(uint64_t *)arg += value;
}

START_TEST(filter_keeps_what_it_is_told_and_each_visits_all)
{
    struct key_table t = KEY_TABLE_INIT;
    uint64_t all = 0, even = 0;
    for (unsigned i = 0; i < MANY; i++) {
        ck_assert(key_table_add(&t, address_key(i), i + 1));
        all += i + 1;
        even += (i + 1) % 2 == 0 ? i + 1 : 0;
    }
    uint64_t sum = 0;
    key_table_each(&t, sum_values, &sum);
    ck_assert_uint_eq(sum, all);
    unsigned asked = 0;
    ck_assert(key_table_filter(&t, even_value, &asked));
    ck_assert_uint_eq(asked, MANY);
    ck_assert_uint_eq(t.count, MANY / 2);
    for (unsigned i = 0; i < MANY; i++)
        ck_assert_uint_eq(key_table_find(&t, address_key(i)), (i + 1) % 2 == 0 ? i + 1 : 0);
    sum = 0;
    key_table_each(&t, sum_values, &sum);
    ck_assert_uint_eq(sum, even);
    ck_assert(key_table_add(&t, address_key(0), 7));  /* a dropped key may come back */
    ck_assert_uint_eq(key_table_find(&t, address_key(0)), 7);
    key_table_clear(&t);
}
END_TEST

Suite *key_table_suite(void)
{
    Suite *s = suite_create("key_table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, added_keys_are_found_through_growth);
    tcase_add_test(tc, zero_key_and_node_keys_keep_their_values);
    tcase_add_test(tc, filter_keeps_what_it_is_told_and_each_visits_all);
    suite_add_tcase(s, tc);
    return s;
}
