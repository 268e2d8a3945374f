/* event_transcript.h - the unit tests' view of a log: every event as one line of text,
 * so that a test compares all the fields of all the events at once. */
#ifndef REFSHIM_EVENT_TRANSCRIPT_H
#define REFSHIM_EVENT_TRANSCRIPT_H

#include <stddef.h>
#include <stdio.h>

#include "log_reader.h"

struct transcript {
    char *text;  /* the caller frees it */
    size_t size;
    FILE *out;
};

/* Writes EVENT as the transcripts' line to FILE (a FILE *): a log_event_fn. */
void transcript_event_line(const struct log_event *event, void *file);

/* Reads LENGTH bytes of LOG (which may hold NULs) as "t.log"; returns the status. */
int read_log(const char *log, size_t length, struct transcript *transcript,
             struct log_diag *diag);
/* read_log without the formats' block readers: every line through the line reader. */
int read_log_by_lines(const char *log, size_t length, struct transcript *transcript,
                      struct log_diag *diag);
/* read_log with the formats' block readers but without their scans on the reading thread. */
int read_log_without_scans(const char *log, size_t length, struct transcript *transcript,
                           struct log_diag *diag);
/* read_log from a temporary file that starts with SKIP bytes of junk, the file positioned
 * after them: a regular file is read by pread at any chunk, by the reading thread and by
 * the parser while it waits (chunk_reader.c), where a stream is read in order. */
int read_log_from_file(const char *log, size_t length, size_t skip,
                       struct transcript *transcript, struct log_diag *diag);
/* The same for a NUL-terminated LOG. */
void read_text(const char *log, struct transcript *transcript, struct log_diag *diag);

/* Reads LOG, expects it to be rejected with MESSAGE ("t.log:LINE: ..."). */
void assert_bad_log(const char *log, const char *message);

#endif
