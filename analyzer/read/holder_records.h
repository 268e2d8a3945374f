/* holder_records.h - the refshim log's holder records (`k` marks and `h` reasons), for
 * the reports that want them.
 *
 * They are not reference-count events, so they do not go through log_event_fn, which
 * every report implements: a report that wants them listens here before reading, and
 * receives them in log order, between the events. */
#ifndef REFSHIM_HOLDER_RECORDS_H
#define REFSHIM_HOLDER_RECORDS_H

#include <stdint.h>

/* `k MARK LAST_SERIAL`: a scan of the objects alive; 0 is the one at exit. */
struct mark_record {
    uint64_t mark;
    uint64_t last_serial;       /* no object alive then had a higher serial */
    unsigned long line;
};

/* `h MARK SERIAL REASON`: why object SERIAL was alive at MARK. */
struct holder_record {
    uint64_t mark;
    uint64_t serial;
    const char *reason;         /* valid during the call */
    unsigned long line;
};

struct holder_listener {
    void (*on_mark)(const struct mark_record *mark, void *user);
    void (*on_holder)(const struct holder_record *holder, void *user);
    void *user;
};

/* LISTENER receives the records of the logs read from now on; NULL stops. */
void holder_records_listen(const struct holder_listener *listener);
void holder_records_deliver_mark(const struct mark_record *mark);
void holder_records_deliver_holder(const struct holder_record *holder);

#endif
