/* The table of live objects. Serial numbers count 1, 2, 3... over the objects of the
 * logged classes in the order the shim first sees them, like XPCOM's; an object leaves the
 * table when its count reaches 0, so a reused address gets a new serial. An object pinned
 * by a call whose event is still to come (recorder.c, "pins") leaves the table but stays
 * in memory until that event is recorded. */
#include "objects.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "key_table.h"

#define STRIPES 64
#define STRIPE_FIRST_CAPACITY 16    /* 64 tables of 1,024 slots were 1 MB of fresh pages */

/* Each stripe finds its objects through an open-addressing table of address -> object:
 * a lookup reads one slot, where uthash walked a chain of separately allocated entries,
 * a cache miss each, on every logged event. */
struct object_stripe {
    pthread_mutex_t lock;
    struct key_table table;
} __attribute__((aligned(64)));        /* one cache line each: no false sharing */

static struct object_stripe stripes[STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;
static uint64_t last_serial;            /* atomic */

static void init_stripes(void)
{
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_init(&stripes[i].lock, NULL);
        stripes[i].table.first_capacity = STRIPE_FIRST_CAPACITY;
    }
}

struct object_stripe *objects_lock(uintptr_t address)
{
    pthread_once(&stripes_once, init_stripes);
    /* Objects are at least 8-byte aligned and often 16 or 64 apart: mix before picking.
     * The stripe takes six middle bits of the product: the table's slot takes its top
     * bits (key_table_home), and with the stripe taken from those too, every object of a
     * stripe had the same home slot in a small table. */
    uint64_t h = (uint64_t)address * 0x9e3779b97f4a7c15ull;
    struct object_stripe *stripe = &stripes[(h >> 26) & (STRIPES - 1)];
    pthread_mutex_lock(&stripe->lock);
    return stripe;
}

void objects_unlock(struct object_stripe *stripe)
{
    pthread_mutex_unlock(&stripe->lock);
}

struct object *objects_find(struct object_stripe *stripe, uintptr_t address)
{
    return (struct object *)(uintptr_t)key_table_find(&stripe->table, address);
}

struct object *objects_create(struct object_stripe *stripe, uintptr_t address)
{
    struct object *old = objects_find(stripe, address);
    if (old != NULL)
        objects_remove(stripe, old);
    struct object *object = calloc(1, sizeof *object);
    if (object == NULL)
        return NULL;
    if (!key_table_add(&stripe->table, address, (uintptr_t)object)) {
        free(object);
        return NULL;
    }
    object->address = address;
    object->serial = __atomic_add_fetch(&last_serial, 1, __ATOMIC_RELAXED);
    return object;
}

void objects_remove(struct object_stripe *stripe, struct object *object)
{
    if (!object->detached) {
        key_table_remove(&stripe->table, object->address);
        object->detached = true;
    }
    if (object->pins == 0)
        free(object);
}

struct visit {
    void (*visit)(struct object *object, void *arg);
    void *arg;
};

static void visit_entry(uint64_t address, uint64_t value, void *arg)
{
    (void)address;
    const struct visit *v = arg;
    v->visit((struct object *)(uintptr_t)value, v->arg);
}

void objects_each(void (*visit)(struct object *object, void *arg), void *arg)
{
    pthread_once(&stripes_once, init_stripes);
    struct visit v = {visit, arg};
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_lock(&stripes[i].lock);
        key_table_each(&stripes[i].table, visit_entry, &v);
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
