/* object_tracker.c - live objects, their counts and the anomalies of a log
 * (see object_tracker.h).
 *
 * Objects are found by the log's serial when it has one (refshim logs, Mozilla logs
 * with XPCOM_MEM_LOG_CLASSES), else by address (Asterisk logs, other Mozilla logs).
 * Serials the tracker assigns itself count 1, 2, 3... in the order objects are first
 * seen, which for well-formed logs is the order of their creation lines. */
#include "object_tracker.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "id_map.h"
#include "object_table.h"
#include "string_pool.h"

/* Serials above this are not remembered once finished: their bitmap would be huge. */
#define MAX_REMEMBERED_SERIAL (UINT64_C(1) << 27)


struct object_tracker {
    struct object_table by_serial;
    struct object_table by_address;
    /* The live objects of by_serial again, keyed by address, `serial` holding their log
     * serial: two live objects at one address mean the log missed a destruction. */
    struct object_table serial_by_address;
    struct string_pool *classes;
    /* Addresses whose object was destroyed and that no object took since (the set of
     * them: the value is unused), address 0 apart, id_map's empty key. */
    struct id_map destroyed_addresses;
    bool destroyed_at_zero;
    uint8_t *finished_serials; /* one bit per serial */
    uint64_t finished_capacity; /* in bits */
    uint64_t next_serial;
    char anomaly[256];
};

struct object_tracker *object_tracker_new(void)
{
    struct object_tracker *tracker = xcalloc(1, sizeof *tracker);
    tracker->classes = string_pool_new();
    return tracker;
}

static void forget_object(struct object_table *table, struct tracked_object *object)
{
    free(object->address);
    object_table_remove(table, object);
}

/* Forgets OBJECT of TABLE and, for an object found by serial, its address entry. */
static void forget_tracked(struct object_tracker *tracker, struct object_table *table,
                           struct tracked_object *object)
{
    if (table == &tracker->by_serial) {
        struct tracked_object *at = object_table_find(&tracker->serial_by_address,
                                                      object->address_value);
        if (at && at->serial == object->key)
            object_table_remove(&tracker->serial_by_address, at);
    }
    forget_object(table, object);
}

static void free_objects(struct object_table *table)
{
    for (size_t i = 0; table->slots && i <= table->mask; i++)
        if (table->slots[i].used)
            free(table->slots[i].address);
    object_table_free(table);
}

void object_tracker_free(struct object_tracker *tracker)
{
    if (!tracker)
        return;
    free_objects(&tracker->by_serial);
    free_objects(&tracker->by_address);
    free_objects(&tracker->serial_by_address);
    string_pool_free(tracker->classes);
    id_map_free(&tracker->destroyed_addresses);
    free(tracker->finished_serials);
    free(tracker);
}

static void remember_finished_serial(struct object_tracker *tracker, uint64_t serial)
{
    if (serial >= MAX_REMEMBERED_SERIAL)
        return;
    if (serial >= tracker->finished_capacity) {
        uint64_t capacity = tracker->finished_capacity ? tracker->finished_capacity : 4096;
        while (capacity <= serial)
            capacity *= 2;
        tracker->finished_serials = xrealloc(tracker->finished_serials, capacity / 8);
        memset(tracker->finished_serials + tracker->finished_capacity / 8, 0,
               (capacity - tracker->finished_capacity) / 8);
        tracker->finished_capacity = capacity;
    }
    tracker->finished_serials[serial / 8] |= (uint8_t)(1u << (serial % 8));
}

static bool serial_finished(const struct object_tracker *tracker, uint64_t serial)
{
    return serial < tracker->finished_capacity &&
           (tracker->finished_serials[serial / 8] & (1u << (serial % 8)));
}

bool object_tracker_serial_finished(const struct object_tracker *tracker, uint64_t serial)
{
    return serial_finished(tracker, serial);
}

static bool address_destroyed(const struct object_tracker *tracker, uint64_t address)
{
    return address ? id_map_find(&tracker->destroyed_addresses, address) != NULL
                   : tracker->destroyed_at_zero;
}

static void set_address_destroyed(struct object_tracker *tracker, uint64_t address, bool destroyed)
{
    if (address == 0)
        tracker->destroyed_at_zero = destroyed;
    else if (destroyed && !address_destroyed(tracker, address))
        id_map_add(&tracker->destroyed_addresses, address, tracker); /* any non-NULL value */
    else if (!destroyed)
        id_map_remove(&tracker->destroyed_addresses, address);
}

/* Called when an object is destroyed, so that later changes are known to come after. */
static void remember_destruction(struct object_tracker *tracker, bool by_serial, uint64_t key)
{
    if (by_serial) {
        remember_finished_serial(tracker, key);
    } else {
        set_address_destroyed(tracker, key, true);
    }
}

static bool was_destroyed(struct object_tracker *tracker, bool by_serial, uint64_t key)
{
    return by_serial ? serial_finished(tracker, key) : address_destroyed(tracker, key);
}

static struct tracked_object *start_object(struct object_tracker *tracker,
                                           struct object_table *table, uint64_t key,
                                           bool by_serial, const struct log_event *event)
{
    struct tracked_object *object = object_table_add(table, key);
    object->serial = by_serial ? key : ++tracker->next_serial;
    object->class_name = string_pool_intern(tracker->classes, event->class_name ? event->class_name : "?");
    object->address = xstrdup(event->address ? event->address : "?");
    object->address_value = event->address_value;
    if (by_serial) {
        struct tracked_object *at = object_table_find(&tracker->serial_by_address,
                                                      event->address_value);
        if (!at)
            at = object_table_add(&tracker->serial_by_address, event->address_value);
        at->serial = key;
    } else {
        /* The address lives again: a later change belongs to this new object. */
        set_address_destroyed(tracker, key, false);
    }
    return object;
}

static void note(struct object_tracker *tracker, struct log_event *event, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void note(struct object_tracker *tracker, struct log_event *event, const char *format, ...)
{
    if (event->anomaly)
        return; /* the first problem of a line is the one worth telling */
    va_list args;
    va_start(args, format);
    vsnprintf(tracker->anomaly, sizeof tracker->anomaly, format, args);
    va_end(args);
    event->anomaly = tracker->anomaly;
}

/* The log's count disagrees with the events before it. Said in the terms of the log: the
 * count after the change (refshim, Mozilla) or before it (Asterisk's STATE), so that the
 * two numbers compared are the one written on the line and the one it should be. */
static void note_count_mismatch(struct object_tracker *tracker, const struct change *change,
                                struct log_event *event, int64_t count_before)
{
    if (change->logs_count_before) {
        note(tracker, event, "the count before this change is %" PRId64 " in the log but %"
             PRId64 " after the events before it: an event is missing",
             event->count - event->delta, count_before);
        return;
    }
    const char *what = event->delta > 0 ? "AddRef" : event->delta < 0 ? "Release" : "change";
    note(tracker, event, "the count after this %s is %" PRId64 " in the log but %" PRId64
         " after the events before it: an event is missing",
         what, event->count, count_before + event->delta);
}

static void deliver_stray(struct log_event *event, struct log_sink *sink,
                          const struct tracked_object *alive)
{
    event->op = LOG_OP_STRAY;
    event->serial = alive ? alive->serial : 0;
    if (alive) {
        event->address = alive->address;
        event->class_name = alive->class_name;
        event->count = alive->count;
    }
    sink->on_event(event, sink->user);
}

/* OBJECT is alive, yet object NEW_SERIAL starts at its address with EVENT: its end is
 * missing from the log. Two live objects at one address are impossible, so the older
 * one is taken as ended here (told as LOG_OP_KEPT: not leaked, not destroyed by any
 * stack), with a warning. */
static void end_unseen(struct object_tracker *tracker, struct object_table *table,
                       struct tracked_object *object, const struct log_event *event,
                       struct log_sink *sink, uint64_t new_serial)
{
    if (object->successor != 0)
        new_serial = object->successor;
    struct log_event ended = {
        .op = LOG_OP_KEPT,
        .serial = object->serial,
        .address = object->address,
        .address_value = object->address_value,
        .class_name = object->class_name,
        .count = object->count,
        .tid = event->tid,
        .line = event->line,
    };
    snprintf(tracker->anomaly, sizeof tracker->anomaly, "object %" PRIu64 " starts at this "
             "address while object %" PRIu64 " is alive there: the log misses the destruction "
             "of %" PRIu64 ", taken as ended here", new_serial, object->serial, object->serial);
    ended.anomaly = tracker->anomaly;
    sink->on_event(&ended, sink->user);
    forget_tracked(tracker, table, object);
}

void object_tracker_apply(struct object_tracker *tracker, const struct change *change,
                          struct log_event *event, struct log_sink *sink)
{
    bool by_serial = change->log_serial != 0;
    struct object_table *table = by_serial ? &tracker->by_serial : &tracker->by_address;
    uint64_t key = by_serial ? change->log_serial : event->address_value;
    struct tracked_object *object = object_table_find(table, key);
    event->anomaly = NULL;
    event->first_seen = false;

    if (change->kind == CHANGE_KEPT) {
        if (!object)
            return; /* a note about an object that is not alive says nothing */
        event->op = LOG_OP_KEPT;
        event->serial = object->serial;
        event->address = object->address;
        event->class_name = object->class_name;
        event->count = object->count;
        sink->on_event(event, sink->user);
        forget_tracked(tracker, table, object);
        return;
    }
    if (change->kind == CHANGE_INVALID) {
        note(tracker, event, "change to an invalid object (bad magic number or count below zero)");
        deliver_stray(event, sink, object);
        return;
    }
    enum change_kind kind = change->kind;
    /* A log holding both alloc and refcount lines: AddRef to 1 after the Ctor. */
    if (kind == CHANGE_CREATE && object && object->count_is_nominal && !change->alloc_only)
        kind = CHANGE_COUNT;
    if (kind == CHANGE_CREATE && object) {
        end_unseen(tracker, table, object, event, sink, tracker->next_serial + 1);
        object = NULL;
    }
    if (!object && by_serial && !(kind != CHANGE_CREATE && was_destroyed(tracker, true, key))) {
        struct tracked_object *at = object_table_find(&tracker->serial_by_address,
                                                      event->address_value);
        struct tracked_object *older = at ? object_table_find(table, at->serial) : NULL;
        if (older && older->successor == 0) {
            older->successor = key;     /* ended at the end of the log if still alive */
            older->successor_line = event->line;
        }
    }
    int64_t count_before;
    if (!object) {
        if (kind != CHANGE_CREATE) {
            if (was_destroyed(tracker, by_serial, key)) {
                note(tracker, event, "change after the object's destruction");
                deliver_stray(event, sink, NULL);
                return;
            }
            event->first_seen = true;
            if (event->delta < 0)
                note(tracker, event, "%s of an object never created",
                     kind == CHANGE_DESTROY ? "destruction" : "Release");
        }
        object = start_object(tracker, table, key, by_serial, event);
        object->count_is_nominal = change->alloc_only;
        object->alloc_created = change->alloc_only && kind == CHANGE_CREATE;
        count_before = change->count_known ? event->count - event->delta : 0;
        object->first_tid = event->tid;
    } else {
        count_before = object->count;
        if (event->tid != object->first_tid)
            object->shared_by_threads = true;
    }
    bool check_count = !object->count_is_nominal && !event->first_seen &&
                       !object->shared_by_threads;

    int64_t count_after = count_before + event->delta;
    if (change->alloc_only) {
        count_after = object->count_is_nominal ? 1 : object->count;
    } else if (change->count_known) {
        if (event->count != count_after && check_count)
            note_count_mismatch(tracker, change, event, count_before);
        count_after = event->count;
        object->count_is_nominal = false;
    } else if (kind == CHANGE_DESTROY && count_after != 0 && check_count) {
        note(tracker, event, "destroyed while its count was %" PRId64 ": an event is missing",
             count_before);
    }
    if (kind == CHANGE_DESTROY)
        count_after = 0;
    object->count = count_after;

    /* An object made by a Ctor lives until its Dtor, whatever its count says. */
    bool destroyed = kind == CHANGE_DESTROY || (!object->alloc_created && count_after <= 0);
    if (count_after < 0)
        note(tracker, event, "count below zero (%" PRId64 ")", count_after);
    if (destroyed)
        event->op = LOG_OP_DESTROY;
    else if (kind == CHANGE_CREATE)
        event->op = LOG_OP_NEW;
    else
        event->op = event->delta >= 0 ? LOG_OP_ADDREF : LOG_OP_RELEASE;
    event->serial = object->serial;
    event->address = object->address;
    event->class_name = object->class_name;
    event->count = count_after;
    sink->on_event(event, sink->user);
    if (destroyed) {
        remember_destruction(tracker, by_serial, key);
        forget_tracked(tracker, table, object);
    }
}

static int compare_serials(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void object_tracker_finish(struct object_tracker *tracker, unsigned long last_line,
                           struct log_sink *sink)
{
    struct object_table *table = &tracker->by_serial;
    size_t count = 0;
    uint64_t *serials = NULL;
    /* The serials first: ending an object changes the table being walked. */
    for (size_t i = 0; table->slots && i <= table->mask; i++) {
        if (table->slots[i].used && table->slots[i].successor != 0) {
            serials = xrealloc(serials, (count + 1) * sizeof *serials);
            serials[count++] = table->slots[i].key;
        }
    }
    if (count == 0)
        return;
    qsort(serials, count, sizeof *serials, compare_serials);    /* told in log order */
    for (size_t i = 0; i < count; i++) {
        struct tracked_object *object = object_table_find(table, serials[i]);
        if (!object)
            continue;
        /* Told where the successor started: that is where the log went wrong. */
        struct log_event there = {.line = object->successor_line ? object->successor_line
                                                                  : last_line};
        end_unseen(tracker, table, object, &there, sink, object->successor);
    }
    free(serials);
}
