/* anomaly_report.h - tells the user, on stderr, about events that cannot be right.
 *
 * It sits between the reader and a tool's own event handler: each event with an
 * anomaly gives one `FILE:LINE: warning: ...` line, up to a limit per log so that a
 * log full of them stays readable; the total is told at the end. */
#ifndef REFSHIM_ANOMALY_REPORT_H
#define REFSHIM_ANOMALY_REPORT_H

#include <stdio.h>

#include "log_reader.h"

enum { ANOMALY_REPORT_LIMIT = 20 };

struct anomaly_report {
    const char *log_name;  /* as it is printed: escaped (escape_text.h) */
    FILE *out;
    unsigned long total;
    log_event_fn next;   /* the tool's handler, called for every event */
    void *next_user;
};

/* A log_event_fn: USER is a struct anomaly_report. */
void anomaly_report_event(const struct log_event *event, void *user);
/* Writes the `N anomalies, M not shown` line if some were left out. */
void anomaly_report_finish(const struct anomaly_report *report);

#endif
