/* The recorder decides what an event is (N, A, R or D), which object and serial it
 * belongs to, whether REFLOG_OBJECTS selects it, and writes it with its stack.
 *
 * One lock orders everything: the object table, the depot and the write, so an object's
 * records reach the log in the order the shim saw its count change. */
#include "recorder.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "depot.h"
#include "log_writer.h"
#include "objects.h"
#include "report.h"
#include "stack_capture.h"
#include "textbuf.h"

static pthread_mutex_t recorder_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct config *config;
static struct textbuf out;

void recorder_init(const struct config *cfg)
{
    config = cfg;
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

/* Finds or starts the object a change applies to, and the operation it is. */
static struct object *classify(uintptr_t address, enum ref_change change, uint32_t count,
                               char *op)
{
    struct object *object = objects_find(address);
    if (change == REF_ADD) {
        if (count == 1 || object == NULL)
            object = start_object(address);    /* count 1: new, even at a known address */
        *op = count == 1 ? 'N' : 'A';
    } else {
        if (object == NULL)
            object = start_object(address);    /* alive before we saw it */
        *op = count == 0 ? 'D' : 'R';
    }
    return object;
}

void recorder_change(const char *class_name, enum ref_change change, void *object_ptr,
                     uint32_t count)
{
    uintptr_t ips[CONFIG_MAX_DEPTH];
    uintptr_t address = (uintptr_t)object_ptr;
    pthread_mutex_lock(&recorder_lock);
    char op;
    struct object *object = classify(address, change, count, &op);
    if (object == NULL) {
        report_once("out of memory; some events are missing from the log");
        goto out;
    }
    if (object->logged && log_is_open()) {
        textbuf_clear(&out);
        if (!object->introduced) {
            uint32_t class_id = depot_class(&out, class_name);
            textbuf_add_char(&out, 'o');
            add_field_uint(&out, object->serial);
            textbuf_add_char(&out, '\t');
            textbuf_add_hex(&out, address);
            add_field_uint(&out, class_id);
            textbuf_add_char(&out, '\n');
            object->introduced = true;
        }
        int depth = capture_stack(ips, config->depth);
        uint32_t stack = depot_stack(&out, ips, depth);
        textbuf_add_char(&out, op);
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
    if (op == 'D')
        objects_remove(object);
out:
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
