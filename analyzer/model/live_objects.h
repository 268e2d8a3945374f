/* live_objects.h - which objects are still alive, for refleaks.
 *
 * An object is alive from its first event until its `D` event; whatever is alive at the
 * end of a log leaked (or was still in use when the log ends). */
#ifndef REFSHIM_LIVE_OBJECTS_H
#define REFSHIM_LIVE_OBJECTS_H

#include <stddef.h>
#include <stdio.h>

#include "log_reader.h"

struct live_objects;

struct live_objects *live_objects_new(void);
void live_objects_free(struct live_objects *objects);
/* Notes EVENT: the object becomes alive, or is forgotten on `D`. */
void live_objects_record(struct live_objects *objects, const struct log_event *event);
size_t live_objects_count(const struct live_objects *objects);
/* Prints `ADDRESS (SERIAL) @ CLASS` per live object in serial (allocation) order;
 * returns how many. */
size_t live_objects_print(const struct live_objects *objects, FILE *out);

#endif
