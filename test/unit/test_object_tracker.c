/* Unit tests for the object tracker (analyzer/model/object_tracker.c), which every log
 * format feeds: serials, ops, counts and the anomalies it finds, one change at a time. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object_tracker.h"

static struct object_tracker *tracker;
static char delivered[256];     /* the last event, as text; "" if none was delivered */

static void remember_event(const struct log_event *event, void *user)
{
    (void)user;
    snprintf(delivered, sizeof delivered, "%c %" PRIu64 " %s %s %" PRId64 "%s%s",
             (char)event->op, event->serial, event->address, event->class_name, event->count,
             event->anomaly ? " !" : "", event->anomaly ? event->anomaly : "");
}

static void start(void)
{
    tracker = object_tracker_new();
}

static void stop(void)
{
    object_tracker_free(tracker);
}

/* Applies a change of KIND by DELTA to the object at ADDRESS (log serial SERIAL, 0 for
 * none); COUNT is the count after it as the log gives it, or -1 when the log has none.
 * Returns the delivered event as text. */
static const char *apply(enum change_kind kind, uint64_t serial, const char *address,
                         int64_t delta, int64_t count)
{
    char error[128] = "";
    struct log_sink sink = {remember_event, NULL, error, sizeof error, false};
    struct log_event event = {
        .address = address,
        .address_value = strtoull(address, NULL, 16),
        .class_name = "nsFoo",
        .count = count,
        .tid = 7,
        .delta = delta,
    };
    struct change change = {.kind = kind, .log_serial = serial, .count_known = count >= 0};
    delivered[0] = '\0';
    object_tracker_apply(tracker, &change, &event, &sink);
    return delivered;
}

START_TEST(a_life_from_creation_to_destruction)
{
    ck_assert_str_eq(apply(CHANGE_CREATE, 0, "0x10", 1, 1), "N 1 0x10 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", 1, 2), "A 1 0x10 nsFoo 2");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", -1, 1), "R 1 0x10 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", -1, 0), "D 1 0x10 nsFoo 0");
}
END_TEST

START_TEST(serials_follow_creation_order)
{
    ck_assert_str_eq(apply(CHANGE_CREATE, 0, "0x10", 1, 1), "N 1 0x10 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_CREATE, 0, "0x20", 1, 1), "N 2 0x20 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", 1, 2), "A 1 0x10 nsFoo 2");
}
END_TEST

START_TEST(counts_without_the_log_are_kept_by_the_tracker)
{
    ck_assert_str_eq(apply(CHANGE_CREATE, 0, "0x10", 1, -1), "N 1 0x10 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", 1, -1), "A 1 0x10 nsFoo 2");
    ck_assert_str_eq(apply(CHANGE_DESTROY, 0, "0x10", -1, -1),
                     "D 1 0x10 nsFoo 0 !destroyed while its count was 2: an event is missing");
}
END_TEST

START_TEST(a_count_that_jumps_is_an_anomaly)
{
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", 1, 5),
                     "A 1 0x10 nsFoo 5 !the count after this AddRef is 5 in the log but 2 "
                     "after the events before it: an event is missing");
}
END_TEST

START_TEST(release_of_an_object_never_created)
{
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x30", -1, 3),
                     "R 1 0x30 nsFoo 3 !Release of an object never created");
}
END_TEST

START_TEST(change_after_destruction_is_stray)
{
    /* With the log's own serials, those are the serials. */
    ck_assert_str_eq(apply(CHANGE_CREATE, 4, "0x10", 1, 1), "N 4 0x10 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 4, "0x10", -1, 0), "D 4 0x10 nsFoo 0");
    ck_assert(object_tracker_serial_finished(tracker, 4));
    ck_assert(!object_tracker_serial_finished(tracker, 5));
    const char *stray = apply(CHANGE_COUNT, 4, "0x10", 1, 1);
    ck_assert_str_eq(strstr(stray, " !") ? strstr(stray, " !") : stray,
                     " !change after the object's destruction");
    ck_assert_int_eq(stray[0], LOG_OP_STRAY);
}
END_TEST

START_TEST(kept_objects_are_forgotten)
{
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);
    ck_assert_str_eq(apply(CHANGE_KEPT, 0, "0x10", 0, -1), "K 1 0x10 nsFoo 1");
    /* A note about an object that is not alive is no event. */
    ck_assert_str_eq(apply(CHANGE_KEPT, 0, "0x10", 0, -1), "");
}
END_TEST

Suite *object_tracker_suite(void)
{
    Suite *s = suite_create("object_tracker");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, start, stop);
    tcase_add_test(tc, a_life_from_creation_to_destruction);
    tcase_add_test(tc, serials_follow_creation_order);
    tcase_add_test(tc, counts_without_the_log_are_kept_by_the_tracker);
    tcase_add_test(tc, a_count_that_jumps_is_an_anomaly);
    tcase_add_test(tc, release_of_an_object_never_created);
    tcase_add_test(tc, change_after_destruction_is_stray);
    tcase_add_test(tc, kept_objects_are_forgotten);
    suite_add_tcase(s, tc);
    return s;
}
