/* bloat_report.c - the per-class table and the leaked serials (see bloat_report.h).
 *
 * Columns: bytes per instance and bytes leaked (`-` when the log does not give the
 * size: only alloc-log `Ctor (SIZE)` lines and newer Asterisk constructor lines do),
 * objects created, destroyed and leaked. A TOTAL row comes first, as in BloatView;
 * its bytes count only the classes whose size is known. The heading and TOTAL rows are
 * text only: JSON readers add up `classes` themselves. */
#include "bloat_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "leak_list.h"

#define ROW "{class:-*} {size:10|-} {bytes:12|-} {created:10} {destroyed:10} {leaked:10}\n"

static const struct text_format row_format = {ROW, NULL, OUTPUT_BOTH};
static const struct text_format text_row_format = {ROW, NULL, OUTPUT_TEXT_ONLY};
static const struct text_format serials_heading = {"\nSerial Numbers of Leaked Objects:\n",
                                                   NULL, OUTPUT_BOTH};
static const struct text_format serial_format = {
    "{serial} @{address} (refcount {count}, {class})\n{stack}", NULL, OUTPUT_BOTH};

static uint64_t leaked_of(const struct class_stats *stats)
{
    return stats->created - stats->destroyed - stats->kept;
}

static void text_number(struct output *output, const char *key, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRIu64, value);
    out_text_field(output, key, text);
}

static void write_heading(struct output *output)
{
    static const char *const columns[][2] = {
        {"class", "Class"}, {"size", "Per-Inst"}, {"bytes", "Bytes-Leaked"},
        {"created", "Created"}, {"destroyed", "Destroyed"}, {"leaked", "Leaked"},
    };
    out_begin_object(output, NULL, &text_row_format);
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        out_text_field(output, columns[i][0], columns[i][1]);
    out_end_object(output);
}

static void write_total(struct output *output, struct class_stats **classes, size_t count)
{
    uint64_t created = 0, destroyed = 0, leaked = 0, bytes = 0;
    bool any_size = false;
    for (size_t i = 0; i < count; i++) {
        created += classes[i]->created;
        destroyed += classes[i]->destroyed;
        leaked += leaked_of(classes[i]);
        bytes += classes[i]->size * leaked_of(classes[i]);
        any_size |= classes[i]->size != 0;
    }
    out_begin_object(output, NULL, &text_row_format);
    out_text_field(output, "class", "TOTAL");
    out_text_field(output, "size", "");
    if (any_size)
        text_number(output, "bytes", bytes);
    text_number(output, "created", created);
    text_number(output, "destroyed", destroyed);
    text_number(output, "leaked", leaked);
    out_end_object(output);
}

static void write_class(struct output *output, const struct class_stats *stats)
{
    out_begin_object(output, NULL, &row_format);
    out_string(output, "class", stats->name);
    if (stats->size) {
        out_uint(output, "size", stats->size);
        text_number(output, "bytes", stats->size * leaked_of(stats));
    }
    out_uint(output, "created", stats->created);
    out_uint(output, "destroyed", stats->destroyed);
    out_uint(output, "kept", stats->kept);
    out_uint(output, "leaked", leaked_of(stats));
    out_end_object(output);
}

size_t bloat_report_write(struct output *output, const struct leak_table *table,
                          const struct leak_reasons *reasons)
{
    size_t class_count;
    struct class_stats **classes = leak_table_classes(table, &class_count);
    int name_width = 5;
    for (size_t i = 0; i < class_count; i++) {
        int length = (int)strlen(classes[i]->name);
        if (length > name_width)
            name_width = length > 200 ? 200 : length;
    }
    output_set_width(output, name_width);
    out_begin_list(output, "classes", NULL);
    write_heading(output);
    write_total(output, classes, class_count);
    for (size_t i = 0; i < class_count; i++)
        write_class(output, classes[i]);
    out_end_list(output);
    free(classes);
    return leak_list_write(output, table, reasons, &serials_heading, &serial_format);
}

size_t bloat_report_print(const struct leak_table *table, FILE *out)
{
    struct output *output = output_new_text(out);
    size_t leaked = bloat_report_write(output, table, NULL);
    output_free(output);
    return leaked;
}
