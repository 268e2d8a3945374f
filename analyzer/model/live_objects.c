/* live_objects.c - the plain list of the live objects (see live_objects.h). */
#include "live_objects.h"

#include <inttypes.h>
#include <stdlib.h>

size_t live_objects_print(const struct object_tracker *tracker, FILE *out)
{
    if (!tracker)
        return 0;
    size_t count;
    uint32_t *objects = object_tracker_live_objects(tracker, &count);
    struct live_object_view view;
    for (size_t i = 0; i < count; i++) {
        object_tracker_view(tracker, objects[i], &view);
        fprintf(out, "%s (%" PRIu64 ") @ %s\n", view.address, view.serial, view.class_name);
    }
    free(objects);
    return count;
}
