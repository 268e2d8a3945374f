/* stack_groups.c - leaked objects by allocation stack (see stack_groups.h).
 *
 * The leaked objects are sorted by stack, then runs of one stack form a group; groups
 * are printed largest first, ties in the order of their first serial. A group lists
 * at most MAX_LISTED of its objects, since one leaking loop can leave millions. */
#include "stack_groups.h"

#include <inttypes.h>
#include <stdlib.h>

#include "alloc.h"
#include "frame_text.h"

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

static void print_group(FILE *out, const struct group *group)
{
    fprintf(out, "%zu leaked object%s allocated at:\n", group->count, group->count == 1 ? "" : "s");
    const struct stored_stack *stack = group->objects[0]->stack;
    frame_text_print_stack(out, stack->frames, stack->frame_count);
    size_t listed = group->count < MAX_LISTED ? group->count : MAX_LISTED;
    for (size_t i = 0; i < listed; i++)
        fprintf(out, "  %s (%" PRIu64 ") @ %s\n", group->objects[i]->address,
                group->objects[i]->serial, group->objects[i]->class_stats->name);
    if (group->count > listed)
        fprintf(out, "  ... and %zu more\n", group->count - listed);
    fputc('\n', out);
}

size_t stack_groups_print(const struct leak_table *table, FILE *out)
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
    for (size_t i = 0; i < group_count; i++)
        print_group(out, &groups[i]);
    free(groups);
    free(leaked);
    return count;
}
