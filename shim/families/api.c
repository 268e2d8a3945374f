/* The instrumentation API of include/refshim.h, as the shim defines it. These are the
 * only symbols the shim exports. A constructed object that is not reference counted is
 * treated as holding one reference from its constructor to its destructor. */
#include "refshim.h"

#include "hooks.h"
#include "recorder.h"
#include "shim_state.h"

#define API __attribute__((visibility("default")))

/* Records OP unless the shim is not tracing, the class is filtered out, or the shim's own
 * code is already running on this thread. */
static void record_api_event(const char *class_name, enum ref_op op, void *object,
                             unsigned long count, unsigned long size)
{
    if (!shim_tracing() || object == NULL || class_name == NULL)
        return;
    if (!recorder_class_wanted(class_name) || !shim_enter())
        return;
    recorder_note_instrumented(class_name);
    recorder_event(class_name, NULL, op, object, (uint32_t)count, size, true, FAMILY_PLAIN);
    shim_leave();
}

API void refshim_log_addref(void *object, unsigned long count, const char *class_name,
                            unsigned long size)
{
    record_api_event(class_name, count == 1 ? OP_CREATE : OP_ADD, object, count, size);
}

API void refshim_log_release(void *object, unsigned long count, const char *class_name)
{
    record_api_event(class_name, count == 0 ? OP_DESTROY : OP_RELEASE, object, count, 0);
}

API void refshim_log_ctor(void *object, const char *class_name, unsigned long size)
{
    record_api_event(class_name, OP_CREATE, object, 1, size);
}

API void refshim_log_dtor(void *object, const char *class_name, unsigned long size)
{
    (void)size;
    record_api_event(class_name, OP_DESTROY, object, 0, 0);
}
