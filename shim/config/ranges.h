/* Sets of serial numbers written as "1,37-42,73" (REFLOG_OBJECTS). */
#ifndef REFSHIM_RANGES_H
#define REFSHIM_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct serial_range {
    uint64_t first, last;       /* inclusive */
};

struct serial_set {
    struct serial_range *ranges; /* sorted by first, not overlapping */
    size_t count;
};

/* Parses TEXT into SET. On error returns false and writes a one-line reason to ERR. */
bool serial_set_parse(struct serial_set *set, const char *text, char *err, size_t errlen);
bool serial_set_contains(const struct serial_set *set, uint64_t serial);
void serial_set_free(struct serial_set *set);

#endif
