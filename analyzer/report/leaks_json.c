/* leaks_json.c - the leak table as JSON (see leaks_json.h).
 *
 * Issue 9's reason why an object leaked is not known yet: its key, "reason", will be
 * added to each leaked object when it is, and is left out until then (doc/json.md). */
#include "leaks_json.h"

#include <stdlib.h>

#include "json_frames.h"

static uint64_t leaked_of(const struct class_stats *stats)
{
    return stats->created - stats->destroyed - stats->kept;
}

static void write_classes(struct json_writer *writer, const struct leak_table *table)
{
    size_t count;
    struct class_stats **classes = leak_table_classes(table, &count);
    json_key(writer, "classes");
    json_begin_array(writer);
    for (size_t i = 0; i < count; i++) {
        json_begin_object(writer);
        json_member_string(writer, "class", classes[i]->name);
        if (classes[i]->size)
            json_member_uint(writer, "size", classes[i]->size);
        json_member_uint(writer, "created", classes[i]->created);
        json_member_uint(writer, "destroyed", classes[i]->destroyed);
        json_member_uint(writer, "kept", classes[i]->kept);
        json_member_uint(writer, "leaked", leaked_of(classes[i]));
        json_end_object(writer);
    }
    json_end_array(writer);
    free(classes);
}

static void write_leaked_object(struct json_writer *writer, const struct leaked_object *object)
{
    json_begin_object(writer);
    json_member_string(writer, "address", object->address);
    json_member_uint(writer, "serial", object->serial);
    json_member_string(writer, "class", object->class_stats->name);
    json_member_int(writer, "count", object->count);
    if (object->class_stats->size)
        json_member_uint(writer, "size", object->class_stats->size);
    json_key(writer, "stack");
    json_write_stack(writer, object->stack->frames, object->stack->frame_count);
    json_end_object(writer);
}

size_t leaks_json_write(struct json_writer *writer, const char *log_name,
                        const struct leak_table *table, bool with_classes)
{
    size_t count;
    struct leaked_object **leaked = leak_table_leaked(table, &count);
    json_begin_object(writer);
    json_member_string(writer, "log", log_name);
    if (with_classes)
        write_classes(writer, table);
    json_key(writer, "leaked");
    json_begin_array(writer);
    for (size_t i = 0; i < count; i++)
        write_leaked_object(writer, leaked[i]);
    json_end_array(writer);
    json_end_object(writer);
    free(leaked);
    return count;
}
