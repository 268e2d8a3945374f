/* stack_groups.c - leaked objects by allocation stack (see stack_groups.h).
 *
 * The leaked objects are sorted by stack, then runs of one stack form a group; groups
 * are printed largest first, ties in the order of their first serial. A group lists
 * at most MAX_LISTED of its objects, since one leaking loop can leave millions; its
 * `count` tells them all. */
#include "stack_groups.h"

#include <inttypes.h>
#include <stdlib.h>

#include "alloc.h"

enum { MAX_LISTED = 10 };

struct group {
    struct leaked_object **objects; /* a run of the sorted array */
    size_t count;
};

static int by_stack_then_serial(const void *left, const void *right)
{
    const struct leaked_object *a = *(const struct leaked_object *const *)left;
    const struct leaked_object *b = *(const struct leaked_object *const *)right;
    if (a->stack->id != b->stack->id)
        return (a->stack->id > b->stack->id) - (a->stack->id < b->stack->id);
    return (a->serial > b->serial) - (a->serial < b->serial);
}

static int largest_first(const void *left, const void *right)
{
    const struct group *a = left, *b = right;
    if (a->count != b->count)
        return (a->count < b->count) - (a->count > b->count);
    uint64_t first_a = a->objects[0]->serial, first_b = b->objects[0]->serial;
    return (first_a > first_b) - (first_a < first_b);
}

static const struct text_format group_format = {
    "{count} leaked object{plural} allocated at:\n{stack}",
    "{?more}  ... and {more} more\n{/}\n", OUTPUT_BOTH};
static const struct text_format member_format = {"  {address} ({serial}) @ {class}\n", NULL,
                                                 OUTPUT_BOTH};

static void write_group(struct output *output, const struct group *group)
{
    out_begin_object(output, NULL, &group_format);
    out_uint(output, "count", group->count);
    out_text_field(output, "plural", group->count == 1 ? "" : "s");
    const struct stored_stack *stack = group->objects[0]->stack;
    out_stack(output, "stack", stack->frames, stack->frame_count);
    size_t listed = group->count < MAX_LISTED ? group->count : MAX_LISTED;
    out_begin_list(output, "objects", NULL);
    for (size_t i = 0; i < listed; i++) {
        const struct leaked_object *object = group->objects[i];
        out_begin_object(output, NULL, &member_format);
        out_string(output, "address", object->address);
        out_uint(output, "serial", object->serial);
        out_string(output, "class", object->class_stats->name);
        out_int(output, "count", object->count);
        out_end_object(output);
    }
    out_end_list(output);
    if (group->count > listed) {
        char more[24];
        snprintf(more, sizeof more, "%zu", group->count - listed);
        out_text_field(output, "more", more);
    }
    out_end_object(output);
}

size_t stack_groups_write(struct output *output, const struct leak_table *table)
{
    size_t count;
    struct leaked_object **leaked = leak_table_leaked(table, &count);
    qsort(leaked, count, sizeof *leaked, by_stack_then_serial);
    struct group *groups = xmalloc((count ? count : 1) * sizeof *groups);
    size_t group_count = 0;
    for (size_t i = 0; i < count; i++) {
        if (i == 0 || leaked[i]->stack->id != leaked[i - 1]->stack->id)
            groups[group_count++] = (struct group){&leaked[i], 0};
        groups[group_count - 1].count++;
    }
    qsort(groups, group_count, sizeof *groups, largest_first);
    out_begin_list(output, "groups", NULL);
    for (size_t i = 0; i < group_count; i++)
        write_group(output, &groups[i]);
    out_end_list(output);
    free(groups);
    free(leaked);
    return count;
}

size_t stack_groups_print(const struct leak_table *table, FILE *out)
{
    struct output *output = output_new_text(out);
    size_t leaked = stack_groups_write(output, table);
    output_free(output);
    return leaked;
}
