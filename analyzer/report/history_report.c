/* history_report.c - the sectioned object histories of refleaks --history
 * (see history_report.h).
 *
 * Where refcounter.py is wrong we are right: an object first seen in mid-life starts
 * from the count its first line implies (refcounter.py ignores that line's change, so
 * such an object never reaches zero and is reported as leaked too). */
#include "history_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"
#include "frame_text.h"
#include "stack_store.h"
#include "string_pool.h"

enum section { INVALID, LEAKED, SKEWED, FINALIZED, SECTION_COUNT };

static const char *const section_names[SECTION_COUNT] = {
    "Invalid Referenced", "Leaked", "Skewed", "Finalized",
};

struct history_entry {
    uint64_t tid;
    int64_t delta;
    const struct stored_stack *stack;
    const char *tag;      /* pooled */
    const char *state;    /* pooled */
    const char *anomaly;  /* pooled, or NULL */
};

struct object_history {
    uint64_t serial;
    const char *address;  /* pooled */
    bool invalid, skewed;
    struct history_entry *entries;
    size_t count, capacity;
    UT_hash_handle hh;
};

struct history_report {
    struct history_options options;
    struct object_history *alive;
    struct stack_store *stacks;
    struct string_pool *strings;
    FILE *spill[SECTION_COUNT]; /* finished objects of the sections shown; none for LEAKED */
    struct output *spill_output[SECTION_COUNT]; /* writing there as the report's output */
    unsigned long listed[SECTION_COUNT];
    int status;
};

static bool section_hidden(const struct history_report *report, enum section section)
{
    switch (section) {
    case INVALID: return report->options.hide_invalid;
    case LEAKED: return report->options.hide_leaked;
    case SKEWED: return report->options.hide_skewed;
    default: return report->options.hide_finalized;
    }
}

struct history_report *history_report_new_for(const struct history_options *options,
                                              const struct output *like)
{
    struct history_report *report = xcalloc(1, sizeof *report);
    report->options = *options;
    report->stacks = stack_store_new();
    report->strings = string_pool_new();
    for (int section = 0; section < SECTION_COUNT; section++) {
        if (section == LEAKED || section_hidden(report, section))
            continue;
        report->spill[section] = tmpfile();
        if (!report->spill[section]) {
            perror("refleaks: temporary file");
            history_report_free(report);
            return NULL;
        }
        report->spill_output[section] = output_new_like(like, report->spill[section]);
    }
    return report;
}

static void forget(struct history_report *report, struct object_history *object)
{
    HASH_DEL(report->alive, object);
    free(object->entries);
    free(object);
}

void history_report_free(struct history_report *report)
{
    if (!report)
        return;
    struct object_history *object, *next;
    HASH_ITER(hh, report->alive, object, next)
        forget(report, object);
    for (int section = 0; section < SECTION_COUNT; section++)
        if (report->spill[section]) {
            output_free(report->spill_output[section]);
            fclose(report->spill[section]);
        }
    stack_store_free(report->stacks);
    string_pool_free(report->strings);
    free(report);
}

static const char *op_tag(enum log_op op)
{
    switch (op) {
    case LOG_OP_NEW: return "create";
    case LOG_OP_ADDREF: return "AddRef";
    case LOG_OP_RELEASE: return "Release";
    case LOG_OP_DESTROY: return "destroy";
    default: return "stray change";
    }
}

/* The STATE column: Asterisk's own field, else what it would have said. */
static const char *state_text(const struct log_event *event, char *buffer, size_t size)
{
    if (event->state)
        return event->state;
    if (event->op == LOG_OP_NEW)
        return "**constructor**";
    if (event->op == LOG_OP_DESTROY)
        return "**destructor**";
    if (event->op == LOG_OP_STRAY)
        return "**invalid**";
    snprintf(buffer, size, "%" PRId64, event->count - event->delta);
    return buffer;
}

static struct history_entry make_entry(struct history_report *report,
                                       const struct log_event *event)
{
    char buffer[32];
    struct history_entry entry = {
        .tid = event->tid,
        .delta = event->delta,
        .stack = stack_store_keep(report->stacks, event),
        .tag = string_pool_intern(report->strings, event->tag ? event->tag : op_tag(event->op)),
        .state = string_pool_intern(report->strings, state_text(event, buffer, sizeof buffer)),
        .anomaly = string_pool_intern(report->strings, event->anomaly),
    };
    return entry;
}

static const struct text_format object_format = {"==== {section} Object {address} history ====\n",
                                                 "\n", OUTPUT_BOTH};
static const struct text_format section_format = {"======== {section} Objects ========\n\n",
                                                  NULL, OUTPUT_BOTH};
static const struct text_format event_format = {
    "{thread} {location} {function}: {delta_text} {tag} - [{state}]\n"
    "{?anomaly}    !! {anomaly}\n{/}", NULL, OUTPUT_BOTH};

/* `[TID] FILE:LINE FUNC: DELTA TAG - [STATE]`, as refcounter.py writes it. */
static void write_entry(struct output *output, const struct history_entry *entry)
{
    char location[512], text[32];
    const char *function = "???";
    const char *where = "?";
    if (entry->stack->frame_count > 0) {
        const struct log_frame *frame = &entry->stack->frames[0];
        function = frame->function;
        where = frame_text_location(frame, location, sizeof location);
        if (frame_text_is_nameless(frame) && frame->module)
            frame_text_note_nameless(frame->module, frame->offset);
    }
    out_begin_object(output, NULL, &event_format);
    out_uint(output, "tid", entry->tid);
    snprintf(text, sizeof text, entry->tid > UINT32_MAX ? "[0x%" PRIx64 "]" : "[%" PRIu64 "]",
             entry->tid);
    out_text_field(output, "thread", text);
    out_string(output, "location", where);
    out_string(output, "function", function);
    out_int(output, "delta", entry->delta);
    snprintf(text, sizeof text, "%+" PRId64, entry->delta);
    out_text_field(output, "delta_text", text);
    out_string(output, "tag", entry->tag);
    out_string(output, "state", entry->state);
    if (entry->anomaly)
        out_string(output, "anomaly", entry->anomaly);
    out_end_object(output);
}

static void write_object(struct output *output, enum section section, const char *address,
                         const struct history_entry *entries, size_t count)
{
    out_begin_object(output, NULL, &object_format);
    out_text_field(output, "section", section_names[section]);
    out_string(output, "address", address);
    out_begin_list(output, "events", NULL);
    for (size_t i = 0; i < count; i++)
        write_entry(output, &entries[i]);
    out_end_list(output);
    out_end_object(output);
}

static void list_in(struct history_report *report, enum section section,
                    const char *address, const struct history_entry *entries, size_t count)
{
    report->listed[section]++;
    if (report->spill_output[section])
        write_object(report->spill_output[section], section, address, entries, count);
}

static void append(struct object_history *object, struct history_entry entry)
{
    if (object->count == object->capacity) {
        object->capacity = object->capacity ? object->capacity * 2 : 4;
        object->entries = xrealloc(object->entries, object->capacity * sizeof *object->entries);
    }
    object->entries[object->count++] = entry;
}

void history_report_event(const struct log_event *event, void *opaque)
{
    struct history_report *report = opaque;
    struct history_entry entry = make_entry(report, event);
    struct object_history *object = NULL;
    if (event->serial != 0)
        HASH_FIND(hh, report->alive, &event->serial, sizeof event->serial, object);
    if (event->op == LOG_OP_STRAY && !object) {
        /* A change to no live object is its own one-line history. */
        report->status |= HISTORY_INVALID;
        list_in(report, INVALID, event->address, &entry, 1);
        return;
    }
    if (!object) {
        object = xcalloc(1, sizeof *object);
        object->serial = event->serial;
        object->address = string_pool_intern(report->strings, event->address);
        HASH_ADD(hh, report->alive, serial, sizeof object->serial, object);
    }
    if (event->op == LOG_OP_KEPT) {
        /* Alive on purpose: not leaked. Its troubles, if any, are still told. */
        if (object->invalid) {
            report->status |= HISTORY_INVALID;
            list_in(report, INVALID, object->address, object->entries,
                    object->count);
        }
        forget(report, object);
        return;
    }
    append(object, entry);
    /* An object first seen in mid-life is skewed; only its later troubles make it
     * invalid too. */
    if (event->anomaly && !event->first_seen)
        object->invalid = true;
    if (event->first_seen)
        object->skewed = true;
    if (event->op != LOG_OP_DESTROY)
        return;
    if (object->invalid) {
        report->status |= HISTORY_INVALID;
        list_in(report, INVALID, object->address, object->entries,
                object->count);
    }
    if (object->skewed) {
        report->status |= HISTORY_SKEWED;
        list_in(report, SKEWED, object->address, object->entries,
                object->count);
    }
    list_in(report, FINALIZED, object->address, object->entries,
            object->count);
    forget(report, object);
}

static int by_serial(const void *left, const void *right)
{
    const struct object_history *a = *(const struct object_history *const *)left;
    const struct object_history *b = *(const struct object_history *const *)right;
    return (a->serial > b->serial) - (a->serial < b->serial);
}

int history_report_write(struct history_report *report, struct output *output)
{
    /* Objects alive at the end, in serial order, complete the sections. */
    size_t alive_count = HASH_COUNT(report->alive);
    struct object_history **alive = xmalloc((alive_count ? alive_count : 1) * sizeof *alive);
    size_t i = 0;
    for (struct object_history *object = report->alive; object; object = object->hh.next)
        alive[i++] = object;
    qsort(alive, alive_count, sizeof *alive, by_serial);
    for (i = 0; i < alive_count; i++) {
        report->status |= HISTORY_LEAKED;
        report->listed[LEAKED]++;
        if (alive[i]->invalid) {
            report->status |= HISTORY_INVALID;
            list_in(report, INVALID, alive[i]->address, alive[i]->entries, alive[i]->count);
        }
        if (alive[i]->skewed) {
            report->status |= HISTORY_SKEWED;
            list_in(report, SKEWED, alive[i]->address, alive[i]->entries,
                    alive[i]->count);
        }
    }
    bool ok = true;
    out_begin_list(output, "sections", NULL);
    for (int section = 0; section < SECTION_COUNT && ok; section++) {
        if (section_hidden(report, section) || report->listed[section] == 0)
            continue;
        out_begin_object(output, NULL, &section_format);
        out_string(output, "section", section_names[section]);
        out_begin_list(output, "objects", NULL);
        if (section == LEAKED) {
            for (i = 0; i < alive_count; i++)
                write_object(output, LEAKED, alive[i]->address, alive[i]->entries,
                             alive[i]->count);
        } else {
            ok = output_flush(report->spill_output[section]) == 0 &&
                 out_copy_list(output, report->spill[section], report->listed[section]);
        }
        out_end_list(output);
        out_end_object(output);
    }
    out_end_list(output);
    free(alive);
    return ok ? report->status : -1;
}

struct history_report *history_report_new(const struct history_options *options)
{
    struct output *text = output_new_text(stdout); /* a model only: never written to */
    struct history_report *report = history_report_new_for(options, text);
    output_free(text);
    return report;
}

int history_report_print(struct history_report *report, FILE *out)
{
    struct output *output = output_new_text(out);
    int status = history_report_write(report, output);
    output_free(output);
    return status;
}
