/* live_objects.h - refleaks' plain list: the objects still alive at the end of a log.
 *
 * An object is alive from its first event until its `D` event; whatever is alive at the
 * end of a log leaked (or was still in use when the log ends). The list is read from
 * the tracker of the log's reading (object_tracker.h, claimed for it): it keeps no
 * table of its own, and costs nothing per event. */
#ifndef REFSHIM_LIVE_OBJECTS_H
#define REFSHIM_LIVE_OBJECTS_H

#include <stddef.h>
#include <stdio.h>

#include "object_tracker.h"

/* Prints `ADDRESS (SERIAL) @ CLASS` per live object of TRACKER (NULL: none) in serial
 * (allocation) order; returns how many. */
size_t live_objects_print(const struct object_tracker *tracker, FILE *out);

#endif
