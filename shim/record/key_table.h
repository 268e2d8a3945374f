/* A table from 64-bit keys to non-zero 64-bit values, open addressing with linear probing,
 * for the depot's frames, stack nodes and whole stacks. uthash walked a chain of separately
 * allocated entries per lookup, a cache miss each: at a traced program's start, when most
 * stacks are new and every new stack looks up each of its frames and nodes, that was most
 * of the depot's time. Here a lookup reads one or two adjacent slots. Not thread-safe: the
 * depot's lock guards it. Header-only, so that the depot's unit tests need no more objects. */
#ifndef REFSHIM_KEY_TABLE_H
#define REFSHIM_KEY_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct key_slot {
    uint64_t key;
    uint64_t value;             /* 0: the slot is free */
};

struct key_table {
    struct key_slot *slots;
    size_t capacity;            /* a power of two, or 0 */
    size_t count;
};

#define KEY_TABLE_INIT {NULL, 0, 0}
#define KEY_TABLE_FIRST_CAPACITY 1024

/* Fibonacci hashing: the multiply spreads return addresses and node keys, whose low bits
 * vary little, over the high bits, which pick the slot. */
static inline size_t key_table_home(const struct key_table *t, uint64_t key)
{
    return (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - __builtin_ctzll(t->capacity)));
}

/* The value of KEY, or 0 when absent. */
static inline uint64_t key_table_find(const struct key_table *t, uint64_t key)
{
    if (t->count == 0)
        return 0;
    for (size_t i = key_table_home(t, key);; i = (i + 1) & (t->capacity - 1)) {
        const struct key_slot *s = &t->slots[i];
        if (s->value == 0)
            return 0;
        if (s->key == key)
            return s->value;
    }
}

/* Puts KEY (absent from T) with VALUE in a table that has room. */
static inline void key_table_place(struct key_table *t, uint64_t key, uint64_t value)
{
    size_t i = key_table_home(t, key);
    while (t->slots[i].value != 0)
        i = (i + 1) & (t->capacity - 1);
    t->slots[i] = (struct key_slot){key, value};
    t->count++;
}

/* Rebuilds T with CAPACITY slots, keeping the entries KEEP says yes to (NULL: all). */
static inline bool key_table_rebuild(struct key_table *t, size_t capacity,
                                     bool (*keep)(uint64_t key, uint64_t value, void *arg),
                                     void *arg)
{
    struct key_slot *fresh = calloc(capacity, sizeof *fresh);
    if (fresh == NULL)
        return false;
    struct key_table old = *t;
    *t = (struct key_table){fresh, capacity, 0};
    for (size_t i = 0; i < old.capacity; i++) {
        const struct key_slot *s = &old.slots[i];
        if (s->value != 0 && (keep == NULL || keep(s->key, s->value, arg)))
            key_table_place(t, s->key, s->value);
    }
    free(old.slots);
    return true;
}

/* Adds KEY, which must be absent, with VALUE (not 0). False when out of memory. */
static inline bool key_table_add(struct key_table *t, uint64_t key, uint64_t value)
{
    if ((t->count + 1) * 2 > t->capacity &&
        !key_table_rebuild(t, t->capacity ? t->capacity * 2 : KEY_TABLE_FIRST_CAPACITY, NULL,
                           NULL))
        return false;
    key_table_place(t, key, value);
    return true;
}

/* Drops the entries KEEP says no to. Out of memory, it keeps them all: false. */
static inline bool key_table_filter(struct key_table *t,
                                    bool (*keep)(uint64_t key, uint64_t value, void *arg),
                                    void *arg)
{
    return t->capacity == 0 || key_table_rebuild(t, t->capacity, keep, arg);
}

/* Calls EACH for every entry, in no particular order. */
static inline void key_table_each(const struct key_table *t,
                                  void (*each)(uint64_t key, uint64_t value, void *arg), void *arg)
{
    for (size_t i = 0; i < t->capacity; i++)
        if (t->slots[i].value != 0)
            each(t->slots[i].key, t->slots[i].value, arg);
}

static inline void key_table_clear(struct key_table *t)
{
    free(t->slots);
    *t = (struct key_table)KEY_TABLE_INIT;
}

#endif
