/* The recorder decides what an event is (N, A, R or D), which object and serial it
 * belongs to, whether REFLOG_OBJECTS selects it, and writes it with its stack.
 *
 * One lock orders everything: the object table, the depot and the write, so an object's
 * records reach the log in the order the shim saw its count change. */
#include "recorder.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "depot.h"
#include "log_writer.h"
#include "objects.h"
#include "report.h"
#include "stack_capture.h"
#include "textbuf.h"

#include <uthash.h>

static pthread_mutex_t recorder_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct config *config;
static struct textbuf out;

void recorder_init(const struct config *cfg)
{
    config = cfg;
}

bool recorder_class_wanted(const char *class_name)
{
    return config != NULL && name_list_matches(&config->classes, class_name);
}

struct instrumented_class {
    char *name;
    UT_hash_handle hh;
};

static struct instrumented_class *instrumented;
static bool any_instrumented;           /* read without the lock: the common case is false */

void recorder_note_instrumented(const char *class_name)
{
    pthread_mutex_lock(&recorder_lock);
    struct instrumented_class *c;
    HASH_FIND_STR(instrumented, class_name, c);
    if (c == NULL && (c = calloc(1, sizeof *c)) != NULL) {
        if ((c->name = strdup(class_name)) != NULL) {
            HASH_ADD_KEYPTR(hh, instrumented, c->name, strlen(c->name), c);
            __atomic_store_n(&any_instrumented, true, __ATOMIC_RELEASE);
        } else {
            free(c);
        }
    }
    pthread_mutex_unlock(&recorder_lock);
}

bool recorder_class_instrumented(const char *class_name)
{
    if (!__atomic_load_n(&any_instrumented, __ATOMIC_ACQUIRE))
        return false;
    pthread_mutex_lock(&recorder_lock);
    struct instrumented_class *c;
    HASH_FIND_STR(instrumented, class_name, c);
    pthread_mutex_unlock(&recorder_lock);
    return c != NULL;
}

static void add_field_uint(struct textbuf *b, uint64_t v)
{
    textbuf_add_char(b, '\t');
    textbuf_add_uint(b, v);
}

static struct object *start_object(uintptr_t address)
{
    struct object *object = objects_create(address);
    if (object != NULL)
        object->logged = !config->have_objects ||
                         serial_set_contains(&config->objects, object->serial);
    return object;
}

/* The object OP applies to: a creation always starts a new one (the address may have
 * been reused without us seeing the old object go), anything else continues the object
 * at ADDRESS or, when there is none, one that was alive before the shim saw it. */
static struct object *object_for(uintptr_t address, enum ref_op op)
{
    struct object *object = op == OP_CREATE ? NULL : objects_find(address);
    return object != NULL ? object : start_object(address);
}

/* Writes OBJECT's o record if it has none yet, then the event. Called under the lock. */
static void write_event(struct object *object, const char *class_name, enum ref_op op,
                        uint32_t count, size_t size)
{
    if (!object->logged || !log_is_open())
        return;
    uintptr_t ips[CONFIG_MAX_DEPTH];
    textbuf_clear(&out);
    if (!object->introduced) {
        uint32_t class_id = depot_class(&out, class_name);
        textbuf_add_char(&out, 'o');
        add_field_uint(&out, object->serial);
        textbuf_add_char(&out, '\t');
        textbuf_add_hex(&out, object->address);
        add_field_uint(&out, class_id);
        if (size != 0)
            add_field_uint(&out, size);
        textbuf_add_char(&out, '\n');
        object->introduced = true;
    }
    int depth = capture_stack(ips, config->depth);
    uint32_t stack = depot_stack(&out, ips, depth);
    textbuf_add_char(&out, (char)op);
    add_field_uint(&out, object->serial);
    add_field_uint(&out, count);
    add_field_uint(&out, (uint64_t)syscall(SYS_gettid));
    add_field_uint(&out, stack);
    textbuf_add_char(&out, '\n');
    if (out.failed)
        report_once("out of memory; some events are missing from the log");
    else
        log_write(out.data, out.len);
}

static void note_survivor(struct object *object, void *arg)
{
    const char *(*note_for)(void *) = (const char *(*)(void *))arg;
    if (!object->introduced)
        return;
    const char *note = note_for((void *)object->address);
    if (note == NULL)
        return;
    textbuf_add_char(&out, 'x');
    add_field_uint(&out, object->serial);
    textbuf_add_char(&out, '\t');
    textbuf_add_str(&out, note);
    textbuf_add_char(&out, '\n');
}

static void record(const char *class_name, enum ref_op op, uintptr_t address, uint32_t count,
                   size_t size, bool kept)
{
    pthread_mutex_lock(&recorder_lock);
    struct object *object = object_for(address, op);
    if (object == NULL) {
        report_once("out of memory; some events are missing from the log");
    } else {
        if (kept) {
            bool first_seen = !object->introduced && object->count == 0;
            if (op == OP_CREATE)
                object->count = 1;
            else if (op == OP_ADD)
                object->count = (first_seen ? 1 : object->count) + 1;
            else
                object->count = first_seen || object->count == 0 ? 0 : object->count - 1;
            count = object->count;
            if (op == OP_RELEASE && count == 0)
                op = OP_DESTROY;
        }
        write_event(object, class_name, op, count, size);
        if (op == OP_DESTROY)
            objects_remove(object);
    }
    pthread_mutex_unlock(&recorder_lock);
}

void recorder_counted(const char *class_name, enum ref_change change, void *object,
                      uint32_t count)
{
    enum ref_op op;
    if (change == REF_ADD)
        op = count == 1 ? OP_CREATE : OP_ADD;
    else
        op = count == 0 ? OP_DESTROY : OP_RELEASE;
    record(class_name, op, (uintptr_t)object, count, 0, false);
}

void recorder_event(const char *class_name, enum ref_op op, void *object, uint32_t count,
                    size_t size)
{
    record(class_name, op, (uintptr_t)object, count, size, false);
}

void recorder_kept(const char *class_name, enum ref_op op, void *object)
{
    record(class_name, op, (uintptr_t)object, 0, 0, true);
}

void recorder_annotate_survivors(const char *(*note_for)(void *object))
{
    pthread_mutex_lock(&recorder_lock);
    textbuf_clear(&out);
    objects_each(note_survivor, (void *)note_for);
    if (!out.failed && log_is_open())
        log_write(out.data, out.len);
    pthread_mutex_unlock(&recorder_lock);
}

void recorder_forget_code(uintptr_t start, uintptr_t end)
{
    pthread_mutex_lock(&recorder_lock);
    depot_forget_frames(start, end);
    pthread_mutex_unlock(&recorder_lock);
}

void recorder_before_fork(void)
{
    pthread_mutex_lock(&recorder_lock);
}

void recorder_after_fork_parent(void)
{
    pthread_mutex_unlock(&recorder_lock);
}

void recorder_after_fork_child(void)
{
    depot_reset();
    objects_forget_introductions();
    log_reopen_in_child(config);
    pthread_mutex_unlock(&recorder_lock);
}
