/* bloat_report.c - the per-class table and the leaked serials (see bloat_report.h).
 *
 * Columns: bytes per instance and bytes leaked (`-` when the log does not give the
 * size: only alloc-log `Ctor (SIZE)` lines and newer Asterisk constructor lines do),
 * objects created, destroyed and leaked. A TOTAL row comes first, as in BloatView;
 * its bytes count only the classes whose size is known. */
#include "bloat_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frame_text.h"

static uint64_t leaked_of(const struct class_stats *stats)
{
    return stats->created - stats->destroyed - stats->kept;
}

static void print_row(FILE *out, int name_width, const char *name, const char *per_instance,
                      const char *bytes_leaked, uint64_t created, uint64_t destroyed,
                      uint64_t leaked)
{
    fprintf(out, "%-*s %10s %12s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", name_width, name,
            per_instance, bytes_leaked, created, destroyed, leaked);
}

static void print_class(FILE *out, int name_width, const struct class_stats *stats)
{
    char per_instance[24] = "-", bytes_leaked[24] = "-";
    if (stats->size) {
        snprintf(per_instance, sizeof per_instance, "%" PRIu64, stats->size);
        snprintf(bytes_leaked, sizeof bytes_leaked, "%" PRIu64,
                 stats->size * leaked_of(stats));
    }
    print_row(out, name_width, stats->name, per_instance, bytes_leaked, stats->created,
              stats->destroyed, leaked_of(stats));
}

static void print_leaked(FILE *out, struct leaked_object **leaked, size_t count)
{
    fputs("\nSerial Numbers of Leaked Objects:\n", out);
    for (size_t i = 0; i < count; i++) {
        const struct leaked_object *object = leaked[i];
        fprintf(out, "%" PRIu64 " @%s (refcount %" PRId64 ", %s)\n", object->serial,
                object->address, object->count, object->class_stats->name);
        frame_text_print_stack(out, object->stack->frames, object->stack->frame_count);
    }
}

size_t bloat_report_print(const struct leak_table *table, FILE *out)
{
    size_t class_count, leaked_count;
    struct class_stats **classes = leak_table_classes(table, &class_count);
    struct leaked_object **leaked = leak_table_leaked(table, &leaked_count);
    int name_width = 5;
    uint64_t created = 0, destroyed = 0, leaked_total = 0, bytes = 0;
    bool any_size = false;
    for (size_t i = 0; i < class_count; i++) {
        int length = (int)strlen(classes[i]->name);
        if (length > name_width)
            name_width = length > 200 ? 200 : length;
        created += classes[i]->created;
        destroyed += classes[i]->destroyed;
        leaked_total += leaked_of(classes[i]);
        bytes += classes[i]->size * leaked_of(classes[i]);
        any_size |= classes[i]->size != 0;
    }
    char total_bytes[24] = "-";
    if (any_size)
        snprintf(total_bytes, sizeof total_bytes, "%" PRIu64, bytes);
    fprintf(out, "%-*s %10s %12s %10s %10s %10s\n", name_width, "Class", "Per-Inst",
            "Bytes-Leaked", "Created", "Destroyed", "Leaked");
    print_row(out, name_width, "TOTAL", "", total_bytes, created, destroyed, leaked_total);
    for (size_t i = 0; i < class_count; i++)
        print_class(out, name_width, classes[i]);
    if (leaked_count > 0)
        print_leaked(out, leaked, leaked_count);
    free(classes);
    free(leaked);
    return leaked_count;
}
