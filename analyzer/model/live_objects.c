/* live_objects.c - the live objects by serial (see live_objects.h).
 *
 * Kept in an object_table (the tracker's open-addressing table): with tens of thousands
 * of objects alive, a chained table's lookups were cache misses on every creation and
 * destruction. Only the key (the serial), the address and the class are used here;
 * both strings are copies owned by this table, since the log's are gone by the time
 * the report is printed. */
#include "live_objects.h"

#include <inttypes.h>
#include <stdlib.h>

#include "alloc.h"
#include "object_table.h"
#include "string_pool.h"

struct live_objects {
    struct object_table by_serial;
    struct string_pool *classes;
};

struct live_objects *live_objects_new(void)
{
    struct live_objects *objects = xcalloc(1, sizeof(struct live_objects));
    objects->classes = string_pool_new();
    return objects;
}

void live_objects_free(struct live_objects *objects)
{
    if (!objects)
        return;
    struct object_table *table = &objects->by_serial;
    for (size_t i = 0; table->slots && i <= table->mask; i++)
        if (table->slots[i].used)
            free(table->slots[i].address);
    object_table_free(table);
    string_pool_free(objects->classes);
    free(objects);
}

void live_objects_record(struct live_objects *objects, const struct log_event *event)
{
    if (event->op == LOG_OP_STRAY)
        return; /* belongs to no live object */
    /* The tracker starts every object with a creation or a first-seen event, so a
     * plain AddRef or Release is of an object already here: no lookup, which would be
     * most of this table's work. */
    if ((event->op == LOG_OP_ADDREF || event->op == LOG_OP_RELEASE) && !event->first_seen)
        return;
    struct tracked_object *object = object_table_find(&objects->by_serial, event->serial);
    if (event->op == LOG_OP_DESTROY || event->op == LOG_OP_KEPT) {
        if (object) {
            free(object->address);
            object_table_remove(&objects->by_serial, object);
        }
        return;
    }
    if (object)
        return;
    object = object_table_add(&objects->by_serial, event->serial);
    object->serial = event->serial;
    object->address = xstrdup(event->address);
    object->class_name = string_pool_intern(objects->classes, event->class_name);
}

size_t live_objects_count(const struct live_objects *objects)
{
    return objects->by_serial.count;
}

static int by_serial(const void *left, const void *right)
{
    const struct tracked_object *a = *(const struct tracked_object *const *)left;
    const struct tracked_object *b = *(const struct tracked_object *const *)right;
    return (a->serial > b->serial) - (a->serial < b->serial);
}

size_t live_objects_print(const struct live_objects *objects, FILE *out)
{
    const struct object_table *table = &objects->by_serial;
    size_t count = table->count;
    if (count == 0)
        return 0;
    /* Serials give allocation order. */
    const struct tracked_object **sorted = xmalloc(count * sizeof *sorted);
    size_t n = 0;
    for (size_t i = 0; i <= table->mask; i++)
        if (table->slots[i].used)
            sorted[n++] = &table->slots[i];
    qsort(sorted, n, sizeof *sorted, by_serial);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s (%" PRIu64 ") @ %s\n", sorted[i]->address, sorted[i]->serial,
                sorted[i]->class_name);
    free(sorted);
    return n;
}
