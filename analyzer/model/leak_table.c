/* leak_table.c - class counts, and the live objects' stacks (see leak_table.h).
 *
 * Class names from the tracker are interned per log, so the class table is keyed by the
 * name's pointer and costs no string hashing per event. The live objects themselves are
 * the tracker's: a stack per object, in its user slot, is all this table adds. */
#include "leak_table.h"

#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"
#include "string_pool.h"

struct class_entry {
    const char *key;            /* the tracker's pointer */
    struct class_stats stats;
    UT_hash_handle hh;
};

struct leak_table {
    struct class_entry *classes;
    struct stack_store *stacks;   /* NULL: no stacks */
    struct string_pool *strings;
    struct tracker_claim claim;
};

struct leak_table *leak_table_new(bool with_stacks)
{
    struct leak_table *table = xcalloc(1, sizeof *table);
    table->stacks = with_stacks ? stack_store_new() : NULL;
    table->strings = string_pool_new();
    table->claim.user_slots = with_stacks;
    object_tracker_claim_next(&table->claim);
    return table;
}

void leak_table_free(struct leak_table *table)
{
    if (!table)
        return;
    struct class_entry *class_entry, *next_class;
    HASH_ITER(hh, table->classes, class_entry, next_class) {
        HASH_DEL(table->classes, class_entry);
        free(class_entry);
    }
    object_tracker_end_claim(&table->claim);
    stack_store_free(table->stacks);
    string_pool_free(table->strings);
    free(table);
}

const struct object_tracker *leak_table_tracker(const struct leak_table *table)
{
    return table->claim.tracker;
}

static struct class_entry *class_for(struct leak_table *table, const char *name)
{
    struct class_entry *entry;
    HASH_FIND_PTR(table->classes, &name, entry);
    if (!entry) {
        entry = xcalloc(1, sizeof *entry);
        entry->key = name;
        entry->stats.name = string_pool_intern(table->strings, name);
        HASH_ADD_PTR(table->classes, key, entry);
    }
    return entry;
}

/* The object of EVENT ends: its stack is no longer needed. */
static void let_go(struct leak_table *table, void **slot)
{
    if (slot && *slot) {
        stack_store_release(table->stacks, *slot);
        *slot = NULL;
    }
}

void leak_table_event(const struct log_event *event, void *opaque)
{
    struct leak_table *table = opaque;
    if (event->op == LOG_OP_STRAY || !table->claim.tracker)
        return;
    void **slot = object_tracker_event_slot(&table->claim);
    if (event->op == LOG_OP_KEPT) {
        class_for(table, event->class_name)->stats.kept++;
        let_go(table, slot);
        return;
    }
    /* Only an object's start and end count here, so that a reading of lives
     * (LOG_EVENTS_LIVES), which delivers no other change, gives the same table. */
    bool starts = event->op == LOG_OP_NEW || event->first_seen;
    if (!starts && event->op != LOG_OP_DESTROY)
        return;
    struct class_entry *class_entry = class_for(table, event->class_name);
    if (event->size)
        class_entry->stats.size = event->size;
    if (starts) {
        class_entry->stats.created++;
        if (slot)
            *slot = (void *)stack_store_keep(table->stacks, event);
    }
    if (event->op == LOG_OP_DESTROY) {
        class_entry->stats.destroyed++;
        let_go(table, slot);
    }
}

static int by_name(const void *left, const void *right)
{
    const struct class_stats *a = *(const struct class_stats *const *)left;
    const struct class_stats *b = *(const struct class_stats *const *)right;
    return strcmp(a->name, b->name);
}

struct class_stats **leak_table_classes(const struct leak_table *table, size_t *count)
{
    *count = HASH_COUNT(table->classes);
    struct class_stats **classes = xmalloc((*count ? *count : 1) * sizeof *classes);
    size_t i = 0;
    for (struct class_entry *entry = table->classes; entry; entry = entry->hh.next)
        classes[i++] = &entry->stats;
    qsort(classes, *count, sizeof *classes, by_name);
    return classes;
}

struct leaked_object **leak_table_leaked(const struct leak_table *table, size_t *count)
{
    const struct object_tracker *tracker = table->claim.tracker;
    uint32_t *handles = tracker ? object_tracker_live_objects(tracker, count) : NULL;
    if (!tracker)
        *count = 0;
    /* The pointers first, the objects after them, in one block. */
    struct leaked_object **objects = xmalloc((*count ? *count : 1) *
                                             (sizeof *objects + sizeof **objects));
    struct leaked_object *object = (struct leaked_object *)(objects + (*count ? *count : 1));
    struct live_object_view view;
    for (size_t i = 0; i < *count; i++, object++) {
        object_tracker_view(tracker, handles[i], &view);
        struct class_entry *class_entry;
        HASH_FIND_PTR(table->classes, &view.class_name, class_entry);
        object->serial = view.serial;
        memcpy(object->address_buffer, view.address_buffer, sizeof object->address_buffer);
        object->address = view.address == view.address_buffer ? object->address_buffer
                                                               : view.address;
        object->class_stats = &class_entry->stats;
        object->count = view.count;
        object->stack = object_tracker_user_value(&table->claim, handles[i]);
        objects[i] = object;
    }
    free(handles);
    return objects;
}
