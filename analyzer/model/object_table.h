/* object_table.h - the object tracker's live objects, by a 64-bit key (serial or
 * address), stored in the table itself.
 *
 * Every event of a log looks its object up, and with tens of thousands of objects alive
 * a chained table (uthash) costs a cache miss for the bucket and more for the nodes.
 * Here a lookup walks one array of objects (open addressing, linear probing), usually
 * touching a single slot. Adding or removing an object moves others: a pointer to an
 * object is good only until the next add or remove. */
#ifndef REFSHIM_OBJECT_TABLE_H
#define REFSHIM_OBJECT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fast_hash.h"

struct tracked_object {
    uint64_t key;           /* log serial, or address */
    uint64_t serial;
    int64_t count;
    /* Threads log their changes in an order that need not be the order of the atomic
     * operations, so counts are compared only while one thread alone used the object. */
    uint64_t first_tid;
    const char *class_name; /* interned */
    char *address;
    uint64_t address_value; /* the same, as a number */
    bool used;              /* the slot holds an object */
    bool alloc_created;     /* created by an alloc-log line: only its Dtor/Destroy ends it */
    bool count_is_nominal;  /* no line has told its count yet */
    bool shared_by_threads;
    /* A log with serials: the serial of a later object that started at this address while
     * this one was alive (0: none). Threads may log the older one's end after the newer
     * one's start, so it is ended only if the log ends without its destruction. */
    uint64_t successor;
    unsigned long successor_line;   /* where the successor started */
};

struct object_table {
    struct tracked_object *slots;
    size_t mask;            /* slot count - 1, a power of two; 0 before the first add */
    size_t count;
};

static inline size_t object_table_home(const struct object_table *table, uint64_t key)
{
    return (size_t)fast_hash_mix(key) & table->mask;
}

static inline struct tracked_object *object_table_find(const struct object_table *table,
                                                       uint64_t key)
{
    if (!table->slots)
        return NULL;
    for (size_t i = object_table_home(table, key);; i = (i + 1) & table->mask) {
        struct tracked_object *object = &table->slots[i];
        if (!object->used)
            return NULL;
        if (object->key == key)
            return object;
    }
}

/* A new zeroed object with KEY, which must not be in TABLE yet. */
struct tracked_object *object_table_add(struct object_table *table, uint64_t key);
/* Removes OBJECT (its address string is the caller's to free first). */
void object_table_remove(struct object_table *table, struct tracked_object *object);
/* Frees the slots; the objects' strings are the caller's. */
void object_table_free(struct object_table *table);

#endif
