/* holder_table.c - the holder records of one log, with the objects they name (see the
 * header). Objects are keyed by serial in a uthash table while alive; a mark's entries
 * copy what they need, since the object may be destroyed before the log ends. */
#include "holder_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "alloc.h"
#include "frame_text.h"
#include "string_pool.h"

struct live_holder {
    uint64_t serial;
    char *address;
    const char *class_name;     /* pooled */
    const char *exit_reason;    /* pooled; NULL until mark 0 names it */
    struct holder_site *sites;
    size_t site_count, site_cap;
    UT_hash_handle hh;
};

struct mark_entries {
    uint64_t mark, last_serial;
    struct holder_entry *entries;
    size_t count, cap;
};

struct holder_table {
    bool with_sites;
    struct live_holder *live;
    struct string_pool *strings;
    struct mark_entries *marks;
    size_t mark_count, mark_cap;
};

struct holder_table *holder_table_new(bool with_sites)
{
    struct holder_table *table = xcalloc(1, sizeof *table);
    table->with_sites = with_sites;
    table->strings = string_pool_new();
    return table;
}

static void free_live(struct holder_table *table, struct live_holder *object)
{
    HASH_DEL(table->live, object);
    free(object->address);
    free(object->sites);
    free(object);
}

void holder_table_free(struct holder_table *table)
{
    if (!table)
        return;
    struct live_holder *object, *next;
    HASH_ITER(hh, table->live, object, next)
        free_live(table, object);
    for (size_t i = 0; i < table->mark_count; i++)
        free(table->marks[i].entries);
    free(table->marks);
    string_pool_free(table->strings);
    free(table);
}

/* The call site of an event: its innermost frame's function, or where it is when its
 * function is not known. An AddRef and the Release that matches it are usually in one
 * function, on different lines. */
static const char *site_key(struct holder_table *table, const struct log_event *event)
{
    const struct log_frame *frame;
    if (log_event_frames(event, &frame) == 0)
        return string_pool_intern(table->strings, "(no stack)");
    char location[512];
    if (strcmp(frame->function, "???") != 0)
        return string_pool_intern(table->strings, frame->function);
    return string_pool_intern(table->strings, frame_text_location(frame, location, sizeof location));
}

/* The site as printed: `function (file:line)` of its first event. */
static const char *site_text(struct holder_table *table, const struct log_event *event)
{
    const struct log_frame *frame;
    if (log_event_frames(event, &frame) == 0)
        return string_pool_intern(table->strings, "(no stack)");
    char location[512], text[1024];
    frame_text_location(frame, location, sizeof location);
    snprintf(text, sizeof text, "%s (%s)", frame->function, location);
    return string_pool_intern(table->strings, text);
}

static void count_site(struct holder_table *table, struct live_holder *object,
                       const struct log_event *event)
{
    const char *key = site_key(table, event);
    for (size_t i = 0; i < object->site_count; i++)
        if (object->sites[i].key == key) {
            object->sites[i].balance += event->delta;
            return;
        }
    if (object->site_count == object->site_cap) {
        object->site_cap = object->site_cap ? 2 * object->site_cap : 4;
        object->sites = xrealloc(object->sites, object->site_cap * sizeof *object->sites);
    }
    object->sites[object->site_count++] =
        (struct holder_site){key, site_text(table, event), event->delta};
}

void holder_table_event(const struct log_event *event, void *user)
{
    struct holder_table *table = user;
    if (event->op == LOG_OP_STRAY)
        return;
    /* Without sites a plain AddRef or Release changes nothing here: the tracker starts
     * every object with a creation or a first-seen event. No lookup, then. */
    if (!table->with_sites && (event->op == LOG_OP_ADDREF || event->op == LOG_OP_RELEASE) &&
        !event->first_seen)
        return;
    struct live_holder *object;
    HASH_FIND(hh, table->live, &event->serial, sizeof event->serial, object);
    if (event->op == LOG_OP_DESTROY || event->op == LOG_OP_KEPT) {
        if (object)
            free_live(table, object);
        return;
    }
    if (!object) {
        object = xcalloc(1, sizeof *object);
        object->serial = event->serial;
        object->address = xstrdup(event->address);
        object->class_name = string_pool_intern(table->strings, event->class_name);
        HASH_ADD(hh, table->live, serial, sizeof object->serial, object);
    }
    if (table->with_sites)
        count_site(table, object, event);
}

static struct mark_entries *find_mark(const struct holder_table *table, uint64_t mark)
{
    for (size_t i = table->mark_count; i-- > 0;)
        if (table->marks[i].mark == mark)
            return &table->marks[i];
    return NULL;
}

static void on_mark(const struct mark_record *record, void *user)
{
    struct holder_table *table = user;
    struct mark_entries *mark = find_mark(table, record->mark);
    if (!mark) {
        if (table->mark_count == table->mark_cap) {
            table->mark_cap = table->mark_cap ? 2 * table->mark_cap : 4;
            table->marks = xrealloc(table->marks, table->mark_cap * sizeof *table->marks);
        }
        mark = &table->marks[table->mark_count++];
        memset(mark, 0, sizeof *mark);
        mark->mark = record->mark;
    }
    mark->last_serial = record->last_serial;
}

static void on_holder(const struct holder_record *record, void *user)
{
    struct holder_table *table = user;
    struct live_holder *object;
    HASH_FIND(hh, table->live, &record->serial, sizeof record->serial, object);
    struct mark_entries *mark = find_mark(table, record->mark);
    if (!object || !mark)
        return;         /* destroyed while the scan ran, or a record without its mark */
    const char *reason = string_pool_intern(table->strings, record->reason);
    if (record->mark == 0)
        object->exit_reason = reason;
    if (mark->count == mark->cap) {
        mark->cap = mark->cap ? 2 * mark->cap : 64;
        mark->entries = xrealloc(mark->entries, mark->cap * sizeof *mark->entries);
    }
    mark->entries[mark->count++] = (struct holder_entry){
        record->serial, string_pool_intern(table->strings, object->address),
        object->class_name, reason, NULL, 0};
}

struct holder_listener holder_table_listener(struct holder_table *table)
{
    return (struct holder_listener){on_mark, on_holder, table};
}

bool holder_table_has_mark(const struct holder_table *table, uint64_t mark, uint64_t *last_serial)
{
    const struct mark_entries *found = find_mark(table, mark);
    if (found && last_serial)
        *last_serial = found->last_serial;
    return found != NULL;
}

static int by_serial(const void *left, const void *right)
{
    const struct holder_entry *a = left, *b = right;
    return (a->serial > b->serial) - (a->serial < b->serial);
}

struct holder_entry *holder_table_at_exit(const struct holder_table *table, size_t *count)
{
    size_t n = HASH_COUNT(table->live);
    struct holder_entry *entries = xmalloc((n ? n : 1) * sizeof *entries);
    size_t i = 0;
    for (const struct live_holder *o = table->live; o; o = o->hh.next)
        entries[i++] = (struct holder_entry){o->serial, o->address, o->class_name,
                                             o->exit_reason ? o->exit_reason : "?", o->sites,
                                             o->site_count};
    qsort(entries, n, sizeof *entries, by_serial);
    *count = n;
    return entries;
}

struct holder_entry *holder_table_at_mark(const struct holder_table *table, uint64_t mark,
                                          size_t *count)
{
    const struct mark_entries *found = find_mark(table, mark);
    size_t n = found ? found->count : 0;
    struct holder_entry *entries = xmalloc((n ? n : 1) * sizeof *entries);
    if (n)
        memcpy(entries, found->entries, n * sizeof *entries);
    qsort(entries, n, sizeof *entries, by_serial);
    *count = n;
    return entries;
}
