/* event_transcript.c - events as lines of text for the unit tests (see
 * event_transcript.h). A line reads `LINE: OP SERIAL ADDRESS=VALUE CLASS COUNT TID
 * [frames]`, then ` size=N` and ` tag=TEXT` when the log gives them and ` !ANOMALY`. */
#include "event_transcript.h"

#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void describe_event(const struct log_event *event, void *user)
{
    struct transcript *transcript = user;
    transcript_event_line(event, transcript->out);
}

void transcript_event_line(const struct log_event *event, void *file)
{
    FILE *out = file;
    fprintf(out, "%lu: %c %" PRIu64 " %s=%#" PRIx64 " %s %" PRId64 " %" PRIu64 " [",
            event->line, (char)event->op, event->serial, event->address, event->address_value,
            event->class_name, event->count, event->tid);
    const struct log_frame *frames;
    size_t frame_count = log_event_frames(event, &frames);
    for (size_t i = 0; i < frame_count; i++) {
        const struct log_frame *frame = &frames[i];
        fprintf(out, "%s%s|%s|%#" PRIx64 "|%s", i ? "; " : "", frame->function,
                frame->module ? frame->module : "(none)", frame->offset,
                frame->source ? frame->source : "(none)");
    }
    fputs("]", out);
    if (event->size)
        fprintf(out, " size=%" PRIu64, event->size);
    if (event->tag)
        fprintf(out, " tag=%s", event->tag);
    if (event->anomaly)
        fprintf(out, " !%s", event->anomaly);
    fputs("\n", out);
}

typedef int (*stream_reader)(FILE *log, const char *name, log_event_fn on_event, void *user,
                             struct log_diag *diag);

static int read_log_with(stream_reader reader, const char *log, size_t length,
                         struct transcript *transcript, struct log_diag *diag)
{
    transcript->text = NULL;
    transcript->size = 0;
    transcript->out = open_memstream(&transcript->text, &transcript->size);
    ck_assert_ptr_nonnull(transcript->out);
    FILE *in = fmemopen((void *)log, length ? length : 1, "r");
    ck_assert_ptr_nonnull(in);
    if (length == 0)
        fgetc(in); /* fmemopen wants a size of at least 1: start at its end */
    int status = reader(in, "t.log", describe_event, transcript, diag);
    fclose(in);
    fclose(transcript->out);
    return status;
}

int read_log(const char *log, size_t length, struct transcript *transcript,
             struct log_diag *diag)
{
    return read_log_with(log_read_stream, log, length, transcript, diag);
}

int read_log_by_lines(const char *log, size_t length, struct transcript *transcript,
                      struct log_diag *diag)
{
    return read_log_with(log_read_stream_by_lines, log, length, transcript, diag);
}

int read_log_without_scans(const char *log, size_t length, struct transcript *transcript,
                           struct log_diag *diag)
{
    return read_log_with(log_read_stream_without_scans, log, length, transcript, diag);
}

int read_log_from_file(const char *log, size_t length, size_t skip,
                       struct transcript *transcript, struct log_diag *diag)
{
    transcript->text = NULL;
    transcript->size = 0;
    transcript->out = open_memstream(&transcript->text, &transcript->size);
    ck_assert_ptr_nonnull(transcript->out);
    FILE *in = tmpfile();
    ck_assert_ptr_nonnull(in);
    for (size_t i = 0; i < skip; i++)
        fputc('#', in);
    ck_assert_uint_eq(fwrite(log, 1, length, in), length);
    ck_assert_int_eq(fflush(in), 0);
    ck_assert_int_eq(fseeko(in, (off_t)skip, SEEK_SET), 0);
    int status = log_read_stream(in, "t.log", describe_event, transcript, diag);
    fclose(in);
    fclose(transcript->out);
    return status;
}

void read_text(const char *log, struct transcript *transcript, struct log_diag *diag)
{
    read_log(log, strlen(log), transcript, diag);
}

void assert_bad_log(const char *log, const char *message)
{
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_BAD_LOG);
    ck_assert_str_eq(diag.message, message);
    free(transcript.text);
}
