/* holder_table.h - what the holder records say about the objects of one log, for
 * `refleaks --holders`, `--at-mark` and `--between`.
 *
 * It follows the live objects through the events (their address and class, and for each
 * the balance of its events per call site, to point at AddRefs never matched), and keeps
 * the reasons of every mark: the one at exit (mark 0) for the objects still alive at the
 * end, and those of each snapshot for the objects alive at that moment. */
#ifndef REFSHIM_HOLDER_TABLE_H
#define REFSHIM_HOLDER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "holder_records.h"
#include "log_reader.h"

/* An AddRef call site (the innermost frame of its events) and the balance of the
 * object's events there. */
struct holder_site {
    const char *key;            /* the function, or where it is when it has no name */
    const char *frame;          /* `function (file:line)` of the site's first event */
    long balance;
};

/* One object's reason at a mark. */
struct holder_entry {
    uint64_t serial;
    const char *address;
    const char *class_name;
    const char *reason;
    const struct holder_site *sites;    /* at exit only; else NULL */
    size_t site_count;
};

struct holder_table;

/* WITH_SITES: keep the call-site balances of the live objects (costs a lookup per event). */
struct holder_table *holder_table_new(bool with_sites);
void holder_table_free(struct holder_table *table);
/* Feeds one event of the log (a log_event_fn with the table as USER). */
void holder_table_event(const struct log_event *event, void *table);
/* The listener to give holder_records_listen while the log is read. */
struct holder_listener holder_table_listener(struct holder_table *table);

/* True when the log has mark MARK; *LAST_SERIAL is then its last serial. */
bool holder_table_has_mark(const struct holder_table *table, uint64_t mark, uint64_t *last_serial);
/* The objects alive at the end of the log, in serial order, each with its reason at exit
 * ("?" when the scan did not name it); *COUNT of them, malloc'd. */
struct holder_entry *holder_table_at_exit(const struct holder_table *table, size_t *count);
/* The objects the scan of MARK named, in serial order; *COUNT of them, malloc'd. */
struct holder_entry *holder_table_at_mark(const struct holder_table *table, uint64_t mark,
                                          size_t *count);

#endif
