/* The table of live objects. Serial numbers count 1, 2, 3... over the objects of the
 * logged classes in the order the shim first sees them, like XPCOM's; an object leaves the
 * table when its count reaches 0, so a reused address gets a new serial. Not thread-safe:
 * the recorder calls it under its lock. */
#include "objects.h"

#include <stdlib.h>
#include <uthash.h>

struct object_entry {
    struct object object;
    UT_hash_handle hh;
};

static struct object_entry *table;
static uint64_t last_serial;

struct object *objects_find(uintptr_t address)
{
    struct object_entry *e;
    HASH_FIND(hh, table, &address, sizeof address, e);
    return e ? &e->object : NULL;
}

struct object *objects_create(uintptr_t address)
{
    struct object *old = objects_find(address);
    if (old != NULL)
        objects_remove(old);
    struct object_entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->object.address = address;
    e->object.serial = ++last_serial;
    HASH_ADD(hh, table, object.address, sizeof e->object.address, e);
    return &e->object;
}

void objects_remove(struct object *object)
{
    struct object_entry *e = (struct object_entry *)object;   /* object is the first member */
    HASH_DEL(table, e);
    free(e);
}

void objects_forget_introductions(void)
{
    for (struct object_entry *e = table; e != NULL; e = e->hh.next)
        e->object.introduced = false;
}

void objects_each(void (*visit)(struct object *object, void *arg), void *arg)
{
    for (struct object_entry *e = table; e != NULL; e = e->hh.next)
        visit(&e->object, arg);
}
