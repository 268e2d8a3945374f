/* live_objects.c - a hash table of live objects keyed by serial (see live_objects.h). */
#include "live_objects.h"

#include <inttypes.h>
#include <stdlib.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"

struct live_object {
    uint64_t serial;
    char *address;    /* as written in the log */
    char *class_name;
    UT_hash_handle hh;
};

struct live_objects {
    struct live_object *by_serial;
};

struct live_objects *live_objects_new(void)
{
    return xcalloc(1, sizeof(struct live_objects));
}

static void forget(struct live_objects *objects, struct live_object *object)
{
    HASH_DEL(objects->by_serial, object);
    free(object->address);
    free(object->class_name);
    free(object);
}

void live_objects_free(struct live_objects *objects)
{
    if (!objects)
        return;
    struct live_object *object, *next;
    HASH_ITER(hh, objects->by_serial, object, next)
        forget(objects, object);
    free(objects);
}

void live_objects_record(struct live_objects *objects, const struct log_event *event)
{
    if (event->op == LOG_OP_STRAY)
        return; /* belongs to no live object */
    struct live_object *object;
    HASH_FIND(hh, objects->by_serial, &event->serial, sizeof event->serial, object);
    if (event->op == LOG_OP_DESTROY || event->op == LOG_OP_KEPT) {
        if (object)
            forget(objects, object);
        return;
    }
    if (object)
        return;
    object = xcalloc(1, sizeof *object);
    object->serial = event->serial;
    object->address = xstrdup(event->address);
    object->class_name = xstrdup(event->class_name);
    HASH_ADD(hh, objects->by_serial, serial, sizeof object->serial, object);
}

size_t live_objects_count(const struct live_objects *objects)
{
    return HASH_COUNT(objects->by_serial);
}

static int by_serial(const void *left, const void *right)
{
    const struct live_object *a = *(const struct live_object *const *)left;
    const struct live_object *b = *(const struct live_object *const *)right;
    return (a->serial > b->serial) - (a->serial < b->serial);
}

size_t live_objects_print(const struct live_objects *objects, FILE *out)
{
    size_t count = HASH_COUNT(objects->by_serial);
    if (count == 0)
        return 0;
    /* The hash keeps first-event order; serials give allocation order. */
    struct live_object **sorted = xmalloc(count * sizeof *sorted);
    size_t i = 0;
    for (struct live_object *object = objects->by_serial; object; object = object->hh.next)
        sorted[i++] = object;
    qsort(sorted, count, sizeof *sorted, by_serial);
    for (i = 0; i < count; i++)
        fprintf(out, "%s (%" PRIu64 ") @ %s\n", sorted[i]->address, sorted[i]->serial,
                sorted[i]->class_name);
    free(sorted);
    return count;
}
