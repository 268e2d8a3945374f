/* holders_report.c - the holder scan's reasons, as text or JSON (see the header). The
 * reasons are written as the shim wrote them; only their first word is interpreted, to
 * count. */
#include "holders_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool starts_with(const char *text, const char *word)
{
    size_t n = strlen(word);
    return strncmp(text, word, n) == 0 && (text[n] == '\0' || text[n] == ' ');
}

static const struct text_format entry_format = {
    "{address} ({serial}) @ {class}: {reason}\n", NULL, OUTPUT_BOTH};
static const struct text_format site_format = {"    +{balance} at {frame}\n", NULL, OUTPUT_BOTH};
static const struct text_format global_format = {"{count} held by {reason}\n", NULL,
                                                 OUTPUT_BOTH};

/* Under a lost object, the call sites whose AddRefs were never given back. */
static void write_sites(struct output *output, const struct holder_entry *e)
{
    out_begin_list(output, "sites", NULL);
    for (size_t s = 0; s < e->site_count; s++) {
        if (e->sites[s].balance <= 0)
            continue;
        out_begin_object(output, NULL, &site_format);
        out_int(output, "balance", e->sites[s].balance);
        out_string(output, "frame", e->sites[s].frame);
        out_end_object(output);
    }
    out_end_list(output);
}

static void write_entry(struct output *output, const struct holder_entry *e)
{
    out_begin_object(output, NULL, &entry_format);
    out_string(output, "address", e->address);
    out_uint(output, "serial", e->serial);
    out_string(output, "class", e->class_name);
    out_string(output, "reason", e->reason);
    if (starts_with(e->reason, "lost"))
        write_sites(output, e);
    out_end_object(output);
}

size_t holders_report_write(struct output *output, const struct holder_entry *entries,
                            size_t count)
{
    out_begin_list(output, "objects", NULL);
    for (size_t i = 0; i < count; i++)
        write_entry(output, &entries[i]);
    out_end_list(output);
    return count;
}

size_t holders_report_print(FILE *out, const struct holder_entry *entries, size_t count)
{
    struct output *output = output_new_text(out);
    holders_report_write(output, entries, count);
    output_free(output);
    return count;
}

static int by_reason(const void *left, const void *right)
{
    const char *a = *(const char *const *)left, *b = *(const char *const *)right;
    return strcmp(a, b);
}

/* `N held by global NAME` per global, most objects first. */
static void write_globals(struct output *output, const struct holder_entry *entries, size_t count)
{
    const char **names = malloc((count ? count : 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; names && i < count; i++)
        if (starts_with(entries[i].reason, "global"))
            names[n++] = entries[i].reason;
    if (!names)
        return;
    qsort(names, n, sizeof *names, by_reason);
    out_begin_list(output, "globals", NULL);
    /* Runs of one name, printed largest first: repeated passes, since there are few. */
    for (size_t printed = 0; printed < n;) {
        size_t best = 0, best_len = 0;
        for (size_t i = 0, run; i < n; i += run) {
            for (run = 1; i + run < n && strcmp(names[i], names[i + run]) == 0; run++)
                ;
            if (names[i][0] && run > best_len) {
                best = i;
                best_len = run;
            }
        }
        out_begin_object(output, NULL, &global_format);
        out_string(output, "reason", names[best]);
        out_uint(output, "count", best_len);
        out_end_object(output);
        for (size_t i = best; i < best + best_len; i++)
            names[i] = "";
        printed += best_len;
    }
    out_end_list(output);
    free(names);
}

size_t holders_report_write_brief(struct output *output, const struct holder_entry *entries,
                                  size_t count)
{
    static const char *const first[] = {"lost", "cycle"};
    out_begin_list(output, "objects", NULL);
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < count; i++)
            if (starts_with(entries[i].reason, first[k]))
                write_entry(output, &entries[i]);
    out_end_list(output);
    size_t held = 0, stack = 0, heap = 0, unknown = 0;
    for (size_t i = 0; i < count; i++) {
        const char *r = entries[i].reason;
        held += starts_with(r, "held");
        stack += starts_with(r, "stack");
        heap += starts_with(r, "heap");
        unknown += strcmp(r, "?") == 0;
    }
    if (held)
        out_uint_line(output, "held_by_leaked", held, "{held_by_leaked} held by leaked objects\n");
    write_globals(output, entries, count);
    if (stack)
        out_uint_line(output, "stack", stack, "{stack} held from stacks\n");
    if (heap)
        out_uint_line(output, "heap", heap, "{heap} held from other heap memory\n");
    if (unknown)
        out_uint_line(output, "not_scanned", unknown, "{not_scanned} not scanned\n");
    return count;
}

void holders_report_summary(FILE *out, const struct holder_entry *entries, size_t count)
{
    static const char *const kinds[] = {"lost", "cycle", "held", "global", "stack", "heap"};
    size_t tally[7] = {0};
    for (size_t i = 0; i < count; i++) {
        size_t k = 0;
        while (k < 6 && !starts_with(entries[i].reason, kinds[k]))
            k++;
        tally[k]++;
    }
    fprintf(out, "refleaks: why alive: %zu lost, %zu in cycles, %zu held by leaked objects, "
                 "%zu held by globals, %zu from stacks, %zu from other heap memory",
            tally[0], tally[1], tally[2], tally[3], tally[4], tally[5]);
    if (tally[6])
        fprintf(out, ", %zu not scanned", tally[6]);
    fputc('\n', out);
}
