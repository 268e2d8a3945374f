/* fuzz_log_reader.c - libFuzzer target for the log readers and every report built on
 * them: the input is read as a log (any of the three formats, detected as usual), and
 * each event goes to the leak list, the per-class table, the histories, two balance
 * trees and the holder table (with refshim's holder records), which are then printed to
 * /dev/null. Nothing may crash, leak or trip the
 * sanitizers, whatever the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "anomaly_report.h"
#include "balance_tree.h"
#include "bloat_report.h"
#include "history_report.h"
#include "holder_records.h"
#include "holder_table.h"
#include "holders_report.h"
#include "leak_table.h"
#include "live_objects.h"
#include "log_reader.h"
#include "stack_groups.h"

struct consumers {
    struct leak_table *leaks;   /* claims the reading's tracker, which the list reads */
    struct history_report *history;
    struct balance_tree *by_function, *by_site;
    struct holder_table *holders;
};

static void consume(const struct log_event *event, void *user)
{
    struct consumers *consumers = user;
    leak_table_event(event, consumers->leaks);
    if (consumers->history)
        history_report_event(event, consumers->history);
    holder_table_event(event, consumers->holders);
    if (event->serial == 1) {
        const struct log_frame *frames;
        size_t frame_count = log_event_frames(event, &frames);
        balance_tree_add(consumers->by_function, event->op, frames, frame_count);
        balance_tree_add(consumers->by_site, event->op, frames, frame_count);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    FILE *log = fmemopen(size ? (void *)data : (void *)"", size ? size : 1, "r");
    if (!log || !sink)
        return 0;
    struct history_options options = {false, false, false, false};
    struct consumers consumers = {
        leak_table_new(true), history_report_new(&options),
        balance_tree_new(NULL), balance_tree_new_by_site(NULL), holder_table_new(true),
    };
    struct holder_listener listener = holder_table_listener(consumers.holders);
    holder_records_listen(&listener);
    struct anomaly_report anomalies = {"fuzz.log", sink, 0, consume, &consumers};
    struct log_diag diag;
    if (log_read_stream(log, "fuzz.log", anomaly_report_event, &anomalies, &diag) ==
        LOG_STATUS_OK) {
        live_objects_print(leak_table_tracker(consumers.leaks), sink);
        bloat_report_print(consumers.leaks, sink);
        stack_groups_print(consumers.leaks, sink);
        if (consumers.history)
            history_report_print(consumers.history, sink);
        balance_tree_print(consumers.by_function, sink, false);
        balance_tree_print(consumers.by_site, sink, true);
        size_t count;
        struct holder_entry *entries = holder_table_at_exit(consumers.holders, &count);
        holders_report_print(sink, entries, count);
        holders_report_summary(sink, entries, count);
        free(entries);
        entries = holder_table_at_mark(consumers.holders, 1, &count);
        holders_report_print(sink, entries, count);
        free(entries);
    }
    holder_records_listen(NULL);
    fclose(log);
    leak_table_free(consumers.leaks);
    history_report_free(consumers.history);
    balance_tree_free(consumers.by_function);
    balance_tree_free(consumers.by_site);
    holder_table_free(consumers.holders);
    return 0;
}
