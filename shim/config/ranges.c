/* Parsing and lookup of serial-number sets such as "1,37-42,73" (REFLOG_OBJECTS).
 * The set is kept as sorted, merged ranges so that a lookup is a binary search:
 * it runs for every new object, while the set is parsed once. */
#include "ranges.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int compare_ranges(const void *a, const void *b)
{
    const struct serial_range *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Reads one positive decimal number at *P, advancing *P past it. */
static bool read_serial(const char **p, uint64_t *out)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || v == 0)
        return false;
    *out = v;
    *p = end;
    return true;
}

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

bool serial_set_parse(struct serial_set *set, const char *text, char *err, size_t errlen)
{
    set->ranges = NULL;
    set->count = 0;
    size_t cap = 0;
    const char *p = text;
    for (;;) {
        skip_spaces(&p);
        const char *item = p;
        struct serial_range r;
        if (!read_serial(&p, &r.first)) {
            snprintf(err, errlen, "expected a serial number (1, 2, ...) at \"%s\"", item);
            goto fail;
        }
        r.last = r.first;
        skip_spaces(&p);
        if (*p == '-') {
            p++;
            skip_spaces(&p);
            if (!read_serial(&p, &r.last)) {
                snprintf(err, errlen, "expected the end of the range at \"%s\"", item);
                goto fail;
            }
            if (r.last < r.first) {
                snprintf(err, errlen, "range %llu-%llu runs backwards",
                         (unsigned long long)r.first, (unsigned long long)r.last);
                goto fail;
            }
            skip_spaces(&p);
        }
        if (set->count == cap) {
            cap = cap ? cap * 2 : 8;
            struct serial_range *grown = realloc(set->ranges, cap * sizeof *grown);
            if (!grown) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            set->ranges = grown;
        }
        set->ranges[set->count++] = r;
        if (*p == '\0')
            break;
        if (*p != ',') {
            snprintf(err, errlen, "unexpected \"%c\" in \"%s\"", *p, text);
            goto fail;
        }
        p++;
    }
    qsort(set->ranges, set->count, sizeof *set->ranges, compare_ranges);
    size_t merged = 0;
    for (size_t i = 1; i < set->count; i++) {
        struct serial_range *last = &set->ranges[merged];
        if (set->ranges[i].first <= last->last + 1) {
            if (set->ranges[i].last > last->last)
                last->last = set->ranges[i].last;
        } else {
            set->ranges[++merged] = set->ranges[i];
        }
    }
    set->count = merged + 1;
    return true;
fail:
    serial_set_free(set);
    return false;
}

bool serial_set_contains(const struct serial_set *set, uint64_t serial)
{
    size_t lo = 0, hi = set->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (serial < set->ranges[mid].first)
            hi = mid;
        else if (serial > set->ranges[mid].last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

void serial_set_free(struct serial_set *set)
{
    free(set->ranges);
    set->ranges = NULL;
    set->count = 0;
}
