/* leak_table.c - live objects and class counts (see leak_table.h).
 *
 * Class names from the readers are interned per log, so the class table is keyed by the
 * name's pointer and costs no string hashing per event. */
#include "leak_table.h"

#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"
#include "string_pool.h"

struct class_entry {
    const char *key;            /* the reader's pointer */
    struct class_stats stats;
    UT_hash_handle hh;
};

struct object_entry {
    struct leaked_object object;
    UT_hash_handle hh;
};

struct leak_table {
    struct class_entry *classes;
    struct object_entry *alive;
    struct stack_store *stacks;   /* NULL: no stacks */
    struct string_pool *strings;
};

struct leak_table *leak_table_new(bool with_stacks)
{
    struct leak_table *table = xcalloc(1, sizeof *table);
    table->stacks = with_stacks ? stack_store_new() : NULL;
    table->strings = string_pool_new();
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
    struct object_entry *object, *next_object;
    HASH_ITER(hh, table->alive, object, next_object) {
        HASH_DEL(table->alive, object);
        free(object);
    }
    stack_store_free(table->stacks);
    string_pool_free(table->strings);
    free(table);
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

static void forget_object(struct leak_table *table, struct object_entry *object)
{
    if (object->object.stack)
        stack_store_release(table->stacks, object->object.stack);
    HASH_DEL(table->alive, object);
    free(object);
}

void leak_table_event(const struct log_event *event, void *opaque)
{
    struct leak_table *table = opaque;
    if (event->op == LOG_OP_STRAY)
        return;
    struct object_entry *object;
    HASH_FIND(hh, table->alive, &event->serial, sizeof event->serial, object);
    if (event->op == LOG_OP_KEPT) {
        if (object) {
            ((struct class_stats *)object->object.class_stats)->kept++;
            forget_object(table, object);
        }
        return;
    }
    bool starts = event->op == LOG_OP_NEW || event->first_seen;
    struct class_entry *class_entry = NULL;
    if (starts || event->op == LOG_OP_DESTROY || event->size)
        class_entry = class_for(table, event->class_name);
    if (class_entry && event->size)
        class_entry->stats.size = event->size;
    if (starts)
        class_entry->stats.created++;
    if (starts && !object) {
        object = xcalloc(1, sizeof *object);
        object->object.serial = event->serial;
        object->object.address = string_pool_intern(table->strings, event->address);
        object->object.class_stats = &class_entry->stats;
        object->object.stack = table->stacks ? stack_store_keep(table->stacks, event) : NULL;
        HASH_ADD(hh, table->alive, object.serial, sizeof object->object.serial, object);
    }
    if (!object)
        return;
    object->object.count = event->count;
    if (event->op == LOG_OP_DESTROY) {
        class_entry->stats.destroyed++;
        forget_object(table, object);
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

static int by_serial(const void *left, const void *right)
{
    const struct leaked_object *a = *(const struct leaked_object *const *)left;
    const struct leaked_object *b = *(const struct leaked_object *const *)right;
    return (a->serial > b->serial) - (a->serial < b->serial);
}

struct leaked_object **leak_table_leaked(const struct leak_table *table, size_t *count)
{
    *count = HASH_COUNT(table->alive);
    struct leaked_object **objects = xmalloc((*count ? *count : 1) * sizeof *objects);
    size_t i = 0;
    for (struct object_entry *entry = table->alive; entry; entry = entry->hh.next)
        objects[i++] = &entry->object;
    qsort(objects, *count, sizeof *objects, by_serial);
    return objects;
}
