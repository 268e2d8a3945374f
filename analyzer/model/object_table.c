/* object_table.c - growth, insertion and removal for object_table.h. */
#include "object_table.h"

#include <stdlib.h>

#include "alloc.h"

enum { FIRST_SLOTS = 1024 };

static struct tracked_object *free_slot(struct object_table *table, uint64_t key)
{
    size_t i = object_table_home(table, key);
    while (table->slots[i].used)
        i = (i + 1) & table->mask;
    return &table->slots[i];
}

/* Kept at most half full, so that probes stay short. */
static void grow(struct object_table *table)
{
    struct tracked_object *old = table->slots;
    size_t old_count = old ? table->mask + 1 : 0;
    size_t capacity = old ? old_count * 2 : FIRST_SLOTS;
    table->slots = xcalloc(capacity, sizeof *table->slots);
    table->mask = capacity - 1;
    for (size_t i = 0; i < old_count; i++)
        if (old[i].used)
            *free_slot(table, old[i].key) = old[i];
    free(old);
}

struct tracked_object *object_table_add(struct object_table *table, uint64_t key)
{
    if (!table->slots || (table->count + 1) * 2 > table->mask + 1)
        grow(table);
    struct tracked_object *object = free_slot(table, key);
    *object = (struct tracked_object){.key = key, .used = true};
    table->count++;
    return object;
}

/* Linear probing without tombstones: the objects after the hole that could live in it
 * move back, so that every lookup still stops at the first empty slot. */
void object_table_remove(struct object_table *table, struct tracked_object *object)
{
    size_t hole = (size_t)(object - table->slots);
    table->slots[hole].used = false;
    table->count--;
    for (size_t i = (hole + 1) & table->mask; table->slots[i].used; i = (i + 1) & table->mask) {
        size_t home = object_table_home(table, table->slots[i].key);
        /* Movable if its home is not within (hole, i], cyclically. */
        bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
        if (movable) {
            table->slots[hole] = table->slots[i];
            table->slots[i].used = false;
            hole = i;
        }
    }
}

void object_table_free(struct object_table *table)
{
    free(table->slots);
    table->slots = NULL;
    table->mask = 0;
    table->count = 0;
}
