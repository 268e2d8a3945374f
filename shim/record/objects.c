/* The table of live objects. Serial numbers count 1, 2, 3... over the objects of the
 * logged classes in the order the shim first sees them, like XPCOM's; an object leaves the
 * table when its count reaches 0, so a reused address gets a new serial. An object pinned
 * by a call whose event is still to come (recorder.c, "pins") leaves the table but stays
 * in memory until that event is recorded. */
#include "objects.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The key is always an address: a multiply spreads it in a few instructions, where
 * uthash's default hash of its eight bytes takes some eighty, on every logged event.
 * The stripe takes the product's top bits (objects_lock); the buckets its middle ones. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                                              \
    do {                                                                                  \
        uint64_t key_;                                                                    \
        memcpy(&key_, (keyptr), sizeof key_);                                             \
        (hashv) = (unsigned)((key_ * 0x9e3779b97f4a7c15ull) >> 24);                       \
    } while (0)
#include <uthash.h>

#define STRIPES 64

struct object_entry {
    struct object object;
    UT_hash_handle hh;
};

struct object_stripe {
    pthread_mutex_t lock;
    struct object_entry *table;
} __attribute__((aligned(64)));        /* one cache line each: no false sharing */

static struct object_stripe stripes[STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;
static uint64_t last_serial;            /* atomic */

static void init_stripes(void)
{
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&stripes[i].lock, NULL);
}

struct object_stripe *objects_lock(uintptr_t address)
{
    pthread_once(&stripes_once, init_stripes);
    /* Objects are at least 8-byte aligned and often 16 or 64 apart: mix before picking. */
    uint64_t h = (uint64_t)address * 0x9e3779b97f4a7c15ull;
    struct object_stripe *stripe = &stripes[h >> 58];
    pthread_mutex_lock(&stripe->lock);
    return stripe;
}

void objects_unlock(struct object_stripe *stripe)
{
    pthread_mutex_unlock(&stripe->lock);
}

struct object *objects_find(struct object_stripe *stripe, uintptr_t address)
{
    struct object_entry *e;
    HASH_FIND(hh, stripe->table, &address, sizeof address, e);
    return e ? &e->object : NULL;
}

struct object *objects_create(struct object_stripe *stripe, uintptr_t address)
{
    struct object *old = objects_find(stripe, address);
    if (old != NULL)
        objects_remove(stripe, old);
    struct object_entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->object.address = address;
    e->object.serial = __atomic_add_fetch(&last_serial, 1, __ATOMIC_RELAXED);
    HASH_ADD(hh, stripe->table, object.address, sizeof e->object.address, e);
    return &e->object;
}

void objects_remove(struct object_stripe *stripe, struct object *object)
{
    struct object_entry *e = (struct object_entry *)object;   /* object is the first member */
    if (!object->detached) {
        HASH_DEL(stripe->table, e);
        object->detached = true;
    }
    if (object->pins == 0)
        free(e);
}

void objects_each(void (*visit)(struct object *object, void *arg), void *arg)
{
    pthread_once(&stripes_once, init_stripes);
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_lock(&stripes[i].lock);
        for (struct object_entry *e = stripes[i].table; e != NULL; e = e->hh.next)
            visit(&e->object, arg);
        pthread_mutex_unlock(&stripes[i].lock);
    }
}

void objects_lock_all(void)
{
    pthread_once(&stripes_once, init_stripes);
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_lock(&stripes[i].lock);
}

void objects_unlock_all(void)
{
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_unlock(&stripes[i].lock);
}
