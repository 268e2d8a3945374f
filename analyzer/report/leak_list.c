/* leak_list.c - the leaked objects, written once for text and JSON (see leak_list.h).
 *
 * Issue 9's reason why an object leaked comes from the holder records the shim writes at
 * a normal exit; a log without them gives no `reason`, nor does an object the scan did
 * not name (`?`). */
#include "leak_list.h"

#include <stdlib.h>
#include <string.h>

const struct text_format leak_list_plain_format = {"{address} ({serial}) @ {class}\n", NULL,
                                                   OUTPUT_BOTH};

static void write_leaked_object(struct output *output, const struct leaked_object *object,
                                const char *reason, const struct text_format *format)
{
    out_begin_object(output, NULL, format);
    out_string(output, "address", object->address);
    out_uint(output, "serial", object->serial);
    out_string(output, "class", object->class_stats->name);
    out_int(output, "count", object->count);
    if (object->class_stats->size)
        out_uint(output, "size", object->class_stats->size);
    out_stack(output, "stack", object->stack->frames, object->stack->frame_count);
    if (reason && strcmp(reason, "?") != 0)
        out_string(output, "reason", reason);
    out_end_object(output);
}

size_t leak_list_write(struct output *output, const struct leak_table *table,
                       const struct leak_reasons *reasons,
                       const struct text_format *list_format,
                       const struct text_format *object_format)
{
    size_t count;
    struct leaked_object **leaked = leak_table_leaked(table, &count);
    out_begin_list(output, "leaked", count ? list_format : NULL);
    size_t next_reason = 0; /* both lists are in serial order */
    for (size_t i = 0; i < count; i++) {
        const char *reason = NULL;
        while (reasons && next_reason < reasons->count &&
               reasons->entries[next_reason].serial < leaked[i]->serial)
            next_reason++;
        if (reasons && next_reason < reasons->count &&
            reasons->entries[next_reason].serial == leaked[i]->serial)
            reason = reasons->entries[next_reason].reason;
        write_leaked_object(output, leaked[i], reason, object_format);
    }
    out_end_list(output);
    free(leaked);
    return count;
}
