/* anomaly_report.c - warnings about impossible events (see anomaly_report.h). */
#include "anomaly_report.h"

#include <inttypes.h>

void anomaly_report_event(const struct log_event *event, void *user)
{
    struct anomaly_report *report = user;
    if (event->anomaly && ++report->total <= ANOMALY_REPORT_LIMIT) {
        if (event->serial)
            fprintf(report->out, "%s:%lu: warning: %s (object %" PRIu64 " at %s, %s)\n",
                    report->log_name, event->line, event->anomaly, event->serial, event->address,
                    event->class_name);
        else
            fprintf(report->out, "%s:%lu: warning: %s (at %s)\n", report->log_name, event->line,
                    event->anomaly, event->address);
    }
    if (report->next)
        report->next(event, report->next_user);
}

void anomaly_report_finish(const struct anomaly_report *report)
{
    if (report->total > ANOMALY_REPORT_LIMIT)
        fprintf(report->out, "%s: %lu anomalies in all; the first %d are shown\n",
                report->log_name, report->total, ANOMALY_REPORT_LIMIT);
}
