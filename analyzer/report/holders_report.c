/* holders_report.c - printing the holder scan's reasons (see the header). The reasons
 * are printed as the shim wrote them; only their first word is interpreted, to count. */
#include "holders_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool starts_with(const char *text, const char *word)
{
    size_t n = strlen(word);
    return strncmp(text, word, n) == 0 && (text[n] == '\0' || text[n] == ' ');
}

static void print_entry(FILE *out, const struct holder_entry *e)
{
    fprintf(out, "%s (%" PRIu64 ") @ %s: %s\n", e->address, e->serial, e->class_name, e->reason);
    if (!starts_with(e->reason, "lost"))
        return;
    for (size_t s = 0; s < e->site_count; s++)
        if (e->sites[s].balance > 0)
            fprintf(out, "    +%ld at %s\n", e->sites[s].balance, e->sites[s].frame);
}

size_t holders_report_print(FILE *out, const struct holder_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        print_entry(out, &entries[i]);
    return count;
}

static int by_reason(const void *left, const void *right)
{
    const char *a = *(const char *const *)left, *b = *(const char *const *)right;
    return strcmp(a, b);
}

/* `N held by global NAME` per global, most objects first. */
static void print_globals(FILE *out, const struct holder_entry *entries, size_t count)
{
    const char **names = malloc((count ? count : 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; names && i < count; i++)
        if (starts_with(entries[i].reason, "global"))
            names[n++] = entries[i].reason;
    if (!names)
        return;
    qsort(names, n, sizeof *names, by_reason);
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
        fprintf(out, "%zu held by %s\n", best_len, names[best]);
        for (size_t i = best; i < best + best_len; i++)
            names[i] = "";
        printed += best_len;
    }
    free(names);
}

size_t holders_report_print_brief(FILE *out, const struct holder_entry *entries, size_t count)
{
    static const char *const first[] = {"lost", "cycle"};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < count; i++)
            if (starts_with(entries[i].reason, first[k]))
                print_entry(out, &entries[i]);
    size_t held = 0, stack = 0, heap = 0, unknown = 0;
    for (size_t i = 0; i < count; i++) {
        const char *r = entries[i].reason;
        held += starts_with(r, "held");
        stack += starts_with(r, "stack");
        heap += starts_with(r, "heap");
        unknown += strcmp(r, "?") == 0;
    }
    if (held)
        fprintf(out, "%zu held by leaked objects\n", held);
    print_globals(out, entries, count);
    if (stack)
        fprintf(out, "%zu held from stacks\n", stack);
    if (heap)
        fprintf(out, "%zu held from other heap memory\n", heap);
    if (unknown)
        fprintf(out, "%zu not scanned\n", unknown);
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
