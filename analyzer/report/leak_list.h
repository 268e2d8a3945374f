/* leak_list.h - the objects alive at the end of a log, one record each, as refleaks
 * --json's `leaked` and --bloat's serial numbers; and the frame JSON of a stack. */
#ifndef REFSHIM_LEAK_LIST_H
#define REFSHIM_LEAK_LIST_H

#include <stddef.h>

#include "holder_table.h"
#include "leak_table.h"
#include "output.h"

/* `ADDRESS (SERIAL) @ CLASS`: the plain list's line. */
extern const struct text_format leak_list_plain_format;

/* Why the objects alive at exit are alive (holder_table_at_exit, in serial order), when
 * the log has the holder records; else entries NULL. */
struct leak_reasons {
    const struct holder_entry *entries;
    size_t count;
};

/* The list `leaked` of TABLE's leaked objects in serial order, each object written with
 * OBJECT_FORMAT (and LIST_FORMAT around the list when there is one), with its `reason`
 * when REASONS (may be NULL) name it. Returns how many. */
size_t leak_list_write(struct output *output, const struct leak_table *table,
                       const struct leak_reasons *reasons,
                       const struct text_format *list_format,
                       const struct text_format *object_format);

#endif
