/* history_report.h - refleaks --history: refcounter.py's report of Asterisk fame.
 *
 * Objects are sorted into sections, each object printed with its whole history, one
 * line per event: Invalid Referenced (something cannot be right: an `**invalid**` line,
 * a change after destruction, a Release of an object never created, a count that
 * jumps or goes below zero), Leaked (alive at the end), Skewed (first seen in mid-life,
 * not created) and Finalized (destroyed). An object can be in several sections.
 *
 * Streaming: no object's history is kept in memory. Every event of an object that may be
 * shown is spooled to a temporary file as a small record chained to the object's previous
 * one (event_spool.h), its call site and texts by number while a bounded dictionary has
 * room; memory holds the offset of each live object's last record. A finished object's
 * history is read back and written to temporary files, one per section shown, which are
 * copied to the output at the end (text or JSON alike); a finished object hidden by the
 * options costs nothing more. Memory so grows with the live objects (16-24 bytes each,
 * besides what the reader keeps), not with their events nor with the log. */
#ifndef REFSHIM_HISTORY_REPORT_H
#define REFSHIM_HISTORY_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "log_reader.h"
#include "output.h"

/* Exit status bits, as refcounter.py sets them. */
enum {
    HISTORY_LEAKED = 1,
    HISTORY_SKEWED = 2,
    HISTORY_INVALID = 4
};

struct history_options {
    bool hide_invalid, hide_leaked, hide_skewed, hide_finalized;
};

struct history_report;

/* The report will be written to an output of LIKE's kind (text or JSON). Returns NULL
 * (after perror) if no temporary file can be made. */
struct history_report *history_report_new_for(const struct history_options *options,
                                              const struct output *like);
/* The same, for text. */
struct history_report *history_report_new(const struct history_options *options);
void history_report_free(struct history_report *report);
void history_report_event(const struct log_event *event, void *report);
/* Writes the list `sections` of the sections shown into the current (log) object;
 * returns the exit status bits, or -1 on a write error. */
int history_report_write(struct history_report *report, struct output *output);
/* The text report on OUT (a report made with history_report_new). */
int history_report_print(struct history_report *report, FILE *out);

#endif
