/* Unit tests for the object tracker (analyzer/model/object_tracker.c), which every log
 * format feeds: serials, ops, counts and the anomalies it finds, one change at a time. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object_tracker.h"

static struct object_tracker *tracker;
static struct tracker_claim *slot_claim;   /* whose user slots remember_event marks */
static char delivered[256];     /* the last event, as text; "" if none was delivered */
/* The user slot of the last event's object, as it was before the event marked it with
 * the object's serial; slot_given is false if the event had none. */
static void *slot_before;
static bool slot_given;

static void remember_event(const struct log_event *event, void *user)
{
    (void)user;
    void **slot = slot_claim ? object_tracker_event_slot(slot_claim) : NULL;
    slot_given = slot != NULL;
    if (slot) {
        slot_before = *slot;
        *slot = (void *)(uintptr_t)event->serial;
    }
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
    struct log_sink sink = {.on_event = remember_event, .error = error, .error_size = sizeof error};
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

/* As apply, with a record hint and a class id cell (struct change) for the object at
 * ADDRESS, found by address. */
static const char *apply_hinted(enum change_kind kind, const char *address, int64_t delta,
                                int64_t count, uint32_t hint, uint32_t *class_id_cache,
                                const char *class_name)
{
    char error[128] = "";
    struct log_sink sink = {.on_event = remember_event, .error = error, .error_size = sizeof error};
    struct log_event event = {
        .address = address,
        .address_value = strtoull(address, NULL, 16),
        .class_name = class_name,
        .count = count,
        .tid = 7,
        .delta = delta,
    };
    struct change change = {.kind = kind, .count_known = count >= 0, .record_hint = hint,
                            .class_id_cache = class_id_cache};
    delivered[0] = '\0';
    object_tracker_apply(tracker, &change, &event, &sink);
    return delivered;
}

START_TEST(a_record_hint_of_an_ended_object_is_not_followed)
{
    int64_t count = -1;
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);
    uint32_t hint = object_tracker_find_address(tracker, 0x10, &count);
    ck_assert_uint_ne(hint, 0);
    ck_assert_int_eq(count, 1);
    ck_assert_str_eq(apply_hinted(CHANGE_COUNT, "0x10", 1, 2, hint, NULL, "?"), "A 1 0x10 nsFoo 2");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", -2, 0), "D 1 0x10 nsFoo 0");
    ck_assert_uint_eq(object_tracker_find_address(tracker, 0x10, &count), 0);
    /* The next object takes the freed record: the hint now names it, at another address. */
    apply(CHANGE_CREATE, 0, "0x20", 1, 1);
    ck_assert_uint_eq(object_tracker_find_address(tracker, 0x20, &count), hint);
    const char *stray = apply_hinted(CHANGE_COUNT, "0x10", 1, 1, hint, NULL, "?");
    ck_assert_int_eq(stray[0], LOG_OP_STRAY);
    ck_assert_str_eq(strstr(stray, " !"), " !change after the object's destruction");
    ck_assert_uint_eq(object_tracker_find_address(tracker, 0x20, &count), hint);
    ck_assert_int_eq(count, 1);
}
END_TEST

START_TEST(a_class_id_cell_names_the_class_of_later_objects)
{
    uint32_t cell = 0;
    ck_assert_str_eq(apply_hinted(CHANGE_CREATE, "0x10", 1, 1, 0, &cell, "ast_channel"),
                     "N 1 0x10 ast_channel 1");
    ck_assert_uint_ne(cell, 0);
    ck_assert_str_eq(apply_hinted(CHANGE_CREATE, "0x20", 1, 1, 0, NULL, "ast_bridge"),
                     "N 2 0x20 ast_bridge 1");
    ck_assert_str_eq(apply_hinted(CHANGE_CREATE, "0x30", 1, 1, 0, &cell, "ast_channel"),
                     "N 3 0x30 ast_channel 1");
}
END_TEST

/* object_tracker_quiet_count_from: ADDRESS's object changed by DELTA from COUNT_BEFORE, on
 * a reading of lives; true if it was taken. */
static bool quiet_from(uint64_t address, int64_t count_before, int64_t delta)
{
    char error[128] = "";
    struct log_sink sink = {.on_event = remember_event, .error = error,
                            .error_size = sizeof error, .lives_only = true};
    return object_tracker_quiet_count_from(tracker, &sink, address, count_before, delta, 7);
}

START_TEST(a_quiet_change_from_the_count_before_is_taken_only_where_it_fits)
{
    int64_t count = -1;
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);
    ck_assert(!quiet_from(0x20, 1, 1));        /* no object there */
    ck_assert(!quiet_from(0x10, 2, 1));        /* the count before is not the object's */
    ck_assert(object_tracker_find_address(tracker, 0x10, &count));
    ck_assert_int_eq(count, 1);
    ck_assert(quiet_from(0x10, 1, 1));
    ck_assert(object_tracker_find_address(tracker, 0x10, &count));
    ck_assert_int_eq(count, 2);
    ck_assert(!quiet_from(0x10, 2, -2));       /* an end: not quiet, nothing changed */
    ck_assert(object_tracker_find_address(tracker, 0x10, &count));
    ck_assert_int_eq(count, 2);
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", -1, 1), "R 1 0x10 nsFoo 1");
}
END_TEST

/* object_tracker_quiet_run of CHANGES (COUNT of them) by thread TID, on a reading of
 * lives that follows FOLLOW/KEY; how many it applied. */
static size_t quiet_run(const struct quiet_change *changes, size_t count, uint64_t tid,
                        enum log_follow follow, uint64_t key)
{
    char error[128] = "";
    struct log_sink sink = {.on_event = remember_event, .error = error,
                            .error_size = sizeof error, .lives_only = true,
                            .follow = follow, .follow_key = key};
    return object_tracker_quiet_run(tracker, &sink, changes, count, tid);
}

START_TEST(a_quiet_run_applies_changes_up_to_the_first_that_is_not_quiet)
{
    apply(CHANGE_CREATE, 5, "0x50", 1, 1);
    apply(CHANGE_CREATE, 6, "0x60", 1, 1);
    const struct quiet_change run[] = {
        {5, 2, 1}, {6, 2, 1}, {5, 1, -1},
        {6, 5, 1},                  /* the count jumps: object_tracker_apply tells it */
        {5, 2, 1},
    };
    ck_assert_uint_eq(quiet_run(run, 5, 7, LOG_FOLLOW_NONE, 0), 3);
    /* 5 is at 1 and 6 at 2: their next changes fit with no warning */
    ck_assert_str_eq(apply(CHANGE_COUNT, 6, "0x60", 1, 3), "A 6 0x60 nsFoo 3");
    ck_assert_str_eq(apply(CHANGE_COUNT, 5, "0x50", 1, 2), "A 5 0x50 nsFoo 2");
    /* an end is not quiet, nor is an object never created */
    const struct quiet_change end[] = {{5, 0, -2}};
    ck_assert_uint_eq(quiet_run(end, 1, 7, LOG_FOLLOW_NONE, 0), 0);
    const struct quiet_change unknown[] = {{8, 2, 1}};
    ck_assert_uint_eq(quiet_run(unknown, 1, 7, LOG_FOLLOW_NONE, 0), 0);
    /* the followed object's changes are delivered: the run stops at them */
    const struct quiet_change followed[] = {{5, 3, 1}, {6, 4, 1}, {5, 4, 1}};
    ck_assert_uint_eq(quiet_run(followed, 3, 7, LOG_FOLLOW_SERIAL, 6), 1);
    ck_assert_uint_eq(quiet_run(followed + 1, 2, 7, LOG_FOLLOW_ADDRESS, 0x50), 1);
    /* another thread: 6 is shared from then on, its counts no longer compared */
    const struct quiet_change other_thread[] = {{6, 9, 1}, {6, 20, 1}};
    ck_assert_uint_eq(quiet_run(other_thread, 2, 9, LOG_FOLLOW_NONE, 0), 2);
    ck_assert_str_eq(apply(CHANGE_COUNT, 6, "0x60", -1, 19), "R 6 0x60 nsFoo 19");
}
END_TEST

/* Makes the fixture's tracker one claimed by CLAIM, as a report claims a reading's. */
static void claim_tracker(struct tracker_claim *claim, bool user_slots)
{
    object_tracker_free(tracker);
    *claim = (struct tracker_claim){.user_slots = user_slots};
    object_tracker_claim_next(claim);
    tracker = object_tracker_new();
    ck_assert_ptr_eq(claim->tracker, tracker);
    slot_claim = claim;
}

/* The claimant is done: the fixture gets a tracker of its own again. */
static void end_claim(struct tracker_claim *claim)
{
    object_tracker_end_claim(claim);
    ck_assert_ptr_null(claim->tracker);
    slot_claim = NULL;
    tracker = object_tracker_new();
}

/* The live objects of the claimed tracker, `SERIAL ADDRESS CLASS COUNT;` each. */
static const char *live_list(void)
{
    static char text[4096];
    size_t count, used = 0;
    uint32_t *objects = object_tracker_live_objects(tracker, &count);
    ck_assert_uint_eq(count, object_tracker_live_count(tracker));
    text[0] = '\0';
    for (size_t i = 0; i < count && used < sizeof text; i++) {
        struct live_object_view view;
        object_tracker_view(tracker, objects[i], &view);
        used += (size_t)snprintf(text + used, sizeof text - used, "%" PRIu64 " %s %s %" PRId64 ";",
                                 view.serial, view.address, view.class_name, view.count);
    }
    free(objects);
    return text;
}

/* object_tracker_birth_at_address of an object at ADDRESS by DELTA, by thread TID; the
 * delivered event as text, "" if none, "refused" if it was not taken. */
static const char *birth(const char *address, int64_t delta, uint32_t *class_id_cache,
                         const char *class_name, uint64_t tid)
{
    char error[128] = "";
    struct log_sink sink = {.on_event = remember_event, .error = error,
                            .error_size = sizeof error, .lives_only = true};
    struct log_event event = {.address = address, .address_value = strtoull(address, NULL, 16),
                              .class_name = class_name, .count = delta, .tid = tid,
                              .delta = delta, .address_plain = true};
    delivered[0] = '\0';
    if (!object_tracker_birth_at_address(tracker, &event, class_id_cache, &sink))
        return "refused";
    return delivered;
}

/* object_tracker_death_at_address of the object at ADDRESS by DELTA, by thread TID. */
static const char *death(const char *address, int64_t delta, uint64_t tid)
{
    char error[128] = "";
    struct log_sink sink = {.on_event = remember_event, .error = error,
                            .error_size = sizeof error, .lives_only = true};
    struct log_event event = {.address = address, .address_value = strtoull(address, NULL, 16),
                              .class_name = "?", .tid = tid, .delta = delta,
                              .address_plain = true};
    delivered[0] = '\0';
    if (!object_tracker_death_at_address(tracker, &event, &sink))
        return "refused";
    return delivered;
}

START_TEST(births_and_deaths_at_an_address_are_told_as_apply_tells_them)
{
    uint32_t cell = 0;
    int64_t count = -1;
    ck_assert_str_eq(death("0x10", -1, 7), "refused");     /* none alive there yet */
    ck_assert_str_eq(birth("0x10", 1, &cell, "ast_channel", 7), "N 1 0x10 ast_channel 1");
    ck_assert_uint_ne(cell, 0);
    ck_assert(object_tracker_find_address(tracker, 0x10, &count));
    ck_assert_int_eq(count, 1);
    ck_assert_str_eq(birth("0x10", 1, &cell, "ast_channel", 7), "refused");   /* alive */
    ck_assert_str_eq(birth("0x18", 0, &cell, "ast_channel", 7), "refused");   /* no count */
    ck_assert_str_eq(birth("0x20", 1, &cell, "ast_channel", 7), "N 2 0x20 ast_channel 1");
    /* The classes come from the cell once it is set. */
    ck_assert_str_eq(birth("0x30", 1, &cell, "other", 7), "N 3 0x30 ast_channel 1");
    ck_assert_str_eq(death("0x10", -1, 7), "D 1 0x10 ast_channel 0");
    ck_assert_uint_eq(object_tracker_find_address(tracker, 0x10, &count), 0);
    ck_assert_str_eq(death("0x10", -1, 7), "refused");
    /* Its address is remembered as destroyed, as apply remembers it... */
    const char *stray = apply(CHANGE_COUNT, 0, "0x10", 1, 1);
    ck_assert_int_eq(stray[0], LOG_OP_STRAY);
    ck_assert_str_eq(strstr(stray, " !"), " !change after the object's destruction");
    /* ...until an object is born there again. */
    ck_assert_str_eq(birth("0x10", 1, NULL, "ast_bridge", 7), "N 4 0x10 ast_bridge 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x10", 1, 2), "A 4 0x10 ast_bridge 2");
    /* Not a death while the count stays above 0. */
    ck_assert_str_eq(death("0x10", 1, 7), "refused");
    ck_assert(object_tracker_find_address(tracker, 0x10, &count));
    ck_assert_int_eq(count, 2);
    ck_assert_str_eq(death("0x10", -1, 7), "refused");
    /* A destruction that takes the count below 0 is missing an event, told as apply
     * tells it, when one thread alone changed the object... */
    ck_assert_str_eq(death("0x10", -3, 7), "D 4 0x10 ast_bridge 0 !destroyed while its count "
                                           "was 2: an event is missing");
    /* ...and not when two did. */
    ck_assert_str_eq(apply(CHANGE_COUNT, 0, "0x20", 1, 2), "A 2 0x20 ast_channel 2");
    ck_assert_str_eq(death("0x20", -3, 8), "D 2 0x20 ast_channel 0");
    ck_assert_str_eq(live_list(), "3 0x30 ast_channel 1;");
}
END_TEST

/* Births fill the address index past the size it starts with: it grows, and every object
 * is still found. */
START_TEST(births_at_addresses_grow_the_index)
{
    char address[32];
    for (unsigned i = 1; i <= 3000; i++) {
        snprintf(address, sizeof address, "0x%x", i * 16);
        ck_assert_str_ne(birth(address, 1, NULL, "c", 7), "refused");
    }
    int64_t count;
    for (unsigned i = 1; i <= 3000; i++)
        ck_assert_uint_ne(object_tracker_find_address(tracker, i * 16, &count), 0);
    for (unsigned i = 1; i <= 3000; i += 2) {
        snprintf(address, sizeof address, "0x%x", i * 16);
        ck_assert_str_ne(death(address, -1, 7), "refused");
    }
    for (unsigned i = 1; i <= 3000; i++)
        ck_assert_uint_eq(object_tracker_find_address(tracker, i * 16, &count) != 0, i % 2 == 0);
    ck_assert_uint_eq(object_tracker_live_count(tracker), 1500);
}
END_TEST

START_TEST(live_objects_are_listed_in_serial_order_as_the_log_spells_them)
{
    struct tracker_claim claim;
    claim_tracker(&claim, false);
    /* Spellings other than 0x%x are the log's: kept, in events and in the list. */
    ck_assert_str_eq(apply(CHANGE_CREATE, 9, "0X00AB", 1, 1), "N 9 0X00AB nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_CREATE, 3, "0x20", 1, 1), "N 3 0x20 nsFoo 1");
    ck_assert_str_eq(apply(CHANGE_COUNT, 9, "0xab", 1, 2), "A 9 0X00AB nsFoo 2");
    /* Many lives, so that the tables grow and records are reused. */
    char address[32];
    for (uint64_t serial = 100; serial < 5100; serial++) {
        snprintf(address, sizeof address, "0x%" PRIx64, 0x1000 + serial);
        apply(CHANGE_CREATE, serial, address, 1, 1);
        if (serial % 1000 != 0)
            apply(CHANGE_COUNT, serial, address, -1, 0);
    }
    ck_assert_str_eq(apply(CHANGE_CREATE, 7, "?", 1, 1), "N 7 ? nsFoo 1");
    object_tracker_free(tracker); /* the reader's end: the claimant still has it */
    ck_assert_str_eq(live_list(), "3 0x20 nsFoo 1;7 ? nsFoo 1;9 0X00AB nsFoo 2;"
                                  "1000 0x13e8 nsFoo 1;2000 0x17d0 nsFoo 1;3000 0x1bb8 nsFoo 1;"
                                  "4000 0x1fa0 nsFoo 1;5000 0x2388 nsFoo 1;");
    end_claim(&claim);
}
END_TEST

START_TEST(a_user_slot_lives_and_dies_with_its_object)
{
    struct tracker_claim claim;
    claim_tracker(&claim, true);
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);
    ck_assert(slot_given);
    ck_assert_ptr_null(slot_before);          /* empty at the object's creation */
    apply(CHANGE_COUNT, 0, "0x10", 1, 2);
    ck_assert_ptr_eq(slot_before, (void *)1); /* what the creation's event left there */
    apply(CHANGE_COUNT, 0, "0x10", -2, 0);    /* destroyed: its record is free again */
    apply(CHANGE_CREATE, 0, "0x20", 1, 1);
    ck_assert_ptr_null(slot_before);
    apply(CHANGE_COUNT, 0, "0x99", -1, 0);    /* first seen and destroyed at once */
    ck_assert(slot_given);
    apply(CHANGE_INVALID, 0, "0x20", 0, 0);   /* a stray change to a live object: its slot */
    ck_assert(slot_given);
    ck_assert_ptr_eq(slot_before, (void *)2);
    apply(CHANGE_INVALID, 0, "0x30", 0, 0);   /* a stray change to no live object: none */
    ck_assert(!slot_given);
    ck_assert_str_eq(live_list(), "2 0x20 nsFoo 1;");
    end_claim(&claim);
    /* A tracker nobody claimed has no slots. */
    struct tracker_claim none = {0};
    slot_claim = &none;
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);
    ck_assert(!slot_given);
    slot_claim = NULL;
}
END_TEST

/* Two reports claim one reading (the fuzz harness: the leak table and the history): each
 * has slots of its own, and the tracker lives until both let go. */
START_TEST(two_claimants_have_slots_of_their_own)
{
    object_tracker_free(tracker);
    struct tracker_claim first = {.user_slots = true}, second = {.user_slots = true};
    object_tracker_claim_next(&first);
    object_tracker_claim_next(&second);
    tracker = object_tracker_new();
    ck_assert_ptr_eq(first.tracker, tracker);
    ck_assert_ptr_eq(second.tracker, tracker);
    slot_claim = &first;
    apply(CHANGE_CREATE, 0, "0x10", 1, 1);    /* first's slot of object 1: 1 */
    slot_claim = &second;
    apply(CHANGE_COUNT, 0, "0x10", 1, 2);     /* second's: empty, now 1 */
    ck_assert_ptr_null(slot_before);
    apply(CHANGE_COUNT, 0, "0x10", -1, 1);
    ck_assert_ptr_eq(slot_before, (void *)1);
    size_t count;
    uint32_t *handles = object_tracker_live_objects(tracker, &count);
    ck_assert_uint_eq(count, 1);
    ck_assert_ptr_eq(object_tracker_user_value(&first, handles[0]), (void *)1);
    ck_assert_ptr_eq(object_tracker_user_value(&second, handles[0]), (void *)1);
    free(handles);
    object_tracker_free(tracker);             /* the reader's end */
    object_tracker_end_claim(&first);         /* the second still holds it (ASan would say) */
    ck_assert_uint_eq(object_tracker_live_count(second.tracker), 1);
    object_tracker_end_claim(&second);
    slot_claim = NULL;
    tracker = object_tracker_new();
}
END_TEST

START_TEST(a_claim_no_tracker_took_is_withdrawn)
{
    struct tracker_claim claim = {0};
    object_tracker_claim_next(&claim);
    object_tracker_end_claim(&claim);       /* the log had no known format */
    struct object_tracker *other = object_tracker_new();
    ck_assert_ptr_null(claim.tracker);
    object_tracker_free(other);             /* unclaimed: really freed (ASan would say) */
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
    tcase_add_test(tc, a_record_hint_of_an_ended_object_is_not_followed);
    tcase_add_test(tc, a_class_id_cell_names_the_class_of_later_objects);
    tcase_add_test(tc, a_quiet_change_from_the_count_before_is_taken_only_where_it_fits);
    tcase_add_test(tc, births_and_deaths_at_an_address_are_told_as_apply_tells_them);
    tcase_add_test(tc, births_at_addresses_grow_the_index);
    tcase_add_test(tc, a_quiet_run_applies_changes_up_to_the_first_that_is_not_quiet);
    tcase_add_test(tc, live_objects_are_listed_in_serial_order_as_the_log_spells_them);
    tcase_add_test(tc, a_user_slot_lives_and_dies_with_its_object);
    tcase_add_test(tc, a_claim_no_tracker_took_is_withdrawn);
    tcase_add_test(tc, two_claimants_have_slots_of_their_own);
    suite_add_tcase(s, tc);
    return s;
}
