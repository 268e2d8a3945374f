/* anomaly_report.c - warnings about impossible events (see anomaly_report.h). */
#include "anomaly_report.h"

#include <inttypes.h>

#include "escape_text.h"

void anomaly_report_event(const struct log_event *event, void *user)
{
    struct anomaly_report *report = user;
    if (event->anomaly && ++report->total <= ANOMALY_REPORT_LIMIT) {
        /* The address and the class are the log's text: escaped, as the log name is by
         * the tools. */
        char address[128], class_name[512];
        escape_text(event->address, address, sizeof address);
        if (event->serial)
            fprintf(report->out, "%s:%lu: warning: %s (object %" PRIu64 " at %s, %s)\n",
                    report->log_name, event->line, event->anomaly, event->serial, address,
                    escape_text(event->class_name, class_name, sizeof class_name));
        else
            fprintf(report->out, "%s:%lu: warning: %s (at %s)\n", report->log_name, event->line,
                    event->anomaly, address);
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
