/* leak_table.h - live objects with their allocation stacks, and counts per class.
 *
 * What refleaks --bloat and --by-stack need: for each class, the objects created and
 * destroyed and their size when the log tells it; for each object alive at the end,
 * its serial, address, count and the stack of its first event.
 *
 * The objects are the reading's tracker's (object_tracker.h): the table claims the
 * tracker of the next reading, and keeps only each live object's stack in the
 * tracker's user slot, and its counts per class. */
#ifndef REFSHIM_LEAK_TABLE_H
#define REFSHIM_LEAK_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_reader.h"
#include "object_tracker.h"
#include "stack_store.h"

struct class_stats {
    const char *name;
    uint64_t size;        /* bytes per instance, 0 if unknown */
    uint64_t created, destroyed;
    uint64_t kept;        /* alive at the end on purpose (may-be-leaked): not leaked */
};

struct leaked_object {
    uint64_t serial;
    const char *address;        /* in address_buffer, or the tracker's */
    char address_buffer[24];
    const struct class_stats *class_stats;
    int64_t count;
    const struct stored_stack *stack;
};

struct leak_table;

/* WITH_STACKS: keep each live object's stack (--by-stack, --json); without, stack is NULL
 * and no stack is kept. Either way only the live objects' stacks are kept. The table
 * claims the tracker of the next reading: make it just before reading its log. */
struct leak_table *leak_table_new(bool with_stacks);
void leak_table_free(struct leak_table *table);
void leak_table_event(const struct log_event *event, void *table);
/* The classes sorted by name; the array is the caller's to free. */
struct class_stats **leak_table_classes(const struct leak_table *table, size_t *count);
/* The objects alive at the end in serial order; the array (one block with the objects)
 * is the caller's to free. */
struct leaked_object **leak_table_leaked(const struct leak_table *table, size_t *count);
/* The tracker of the table's reading (NULL if the log had no known format). */
const struct object_tracker *leak_table_tracker(const struct leak_table *table);

#endif
