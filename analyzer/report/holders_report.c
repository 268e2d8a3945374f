/* holders_report.c - printing the holder scan's reasons (see the header). The reasons
 * are printed as the shim wrote them; only their first word is interpreted, to count. */
#include "holders_report.h"

#include <inttypes.h>
#include <string.h>

static bool starts_with(const char *text, const char *word)
{
    size_t n = strlen(word);
    return strncmp(text, word, n) == 0 && (text[n] == '\0' || text[n] == ' ');
}

size_t holders_report_print(FILE *out, const struct holder_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const struct holder_entry *e = &entries[i];
        fprintf(out, "%s (%" PRIu64 ") @ %s: %s\n", e->address, e->serial, e->class_name,
                e->reason);
        if (!starts_with(e->reason, "lost"))
            continue;
        for (size_t s = 0; s < e->site_count; s++)
            if (e->sites[s].balance > 0)
                fprintf(out, "    +%ld at %s\n", e->sites[s].balance, e->sites[s].frame);
    }
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
