/* lives_reading.c - checks a reading of lives against a full reading (see
 * lives_reading.h). */
#include "lives_reading.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct written {
    char *text;
    size_t size;
    FILE *out;
    log_event_fn write;
    const struct log_wanted *wanted;    /* the full reading: what it leaves out */
    int status;
    struct log_diag diag;
};

/* The definition of a quiet change, from the reader's side: what a reading of lives
 * leaves out. */
static bool is_quiet(const struct log_event *event, const struct log_wanted *wanted)
{
    if ((event->op != LOG_OP_ADDREF && event->op != LOG_OP_RELEASE) || event->anomaly ||
        event->first_seen)
        return false;
    return !(wanted->follow == LOG_FOLLOW_SERIAL && event->serial == wanted->follow_key);
}

static void write_event(const struct log_event *event, void *user)
{
    struct written *written = user;
    if (written->wanted && is_quiet(event, written->wanted))
        return;
    written->write(event, written->out);
}

static void read_as(const char *log, size_t length, enum log_reading reading,
                    const struct log_wanted *wanted, bool full, struct written *written)
{
    written->text = NULL;
    written->size = 0;
    written->out = open_memstream(&written->text, &written->size);
    FILE *in = fmemopen((void *)log, length, "r");
    ck_assert_ptr_nonnull(written->out);
    ck_assert_ptr_nonnull(in);
    written->wanted = full ? wanted : NULL;
    written->status = log_read_stream_with(in, "t.log", write_event, written, &written->diag,
                                           reading, full ? NULL : wanted);
    fclose(in);
    fclose(written->out);
}

void assert_lives_reading_agrees(const char *log, size_t length, log_event_fn write,
                                 uint64_t follow_serial)
{
    static const char *const names[] = {"by lines", "by blocks", "with scans"};
    const struct log_wanted wanted[] = {
        {LOG_EVENTS_LIVES, LOG_FOLLOW_NONE, 0},
        {LOG_EVENTS_LIVES, LOG_FOLLOW_SERIAL, follow_serial},
    };
    for (size_t w = 0; w < sizeof wanted / sizeof wanted[0]; w++) {
        struct written full = {.write = write};
        read_as(log, length, LOG_READING_BY_LINES, &wanted[w], true, &full);
        for (int reading = LOG_READING_BY_LINES; reading <= LOG_READING_WITH_SCANS; reading++) {
            struct written lives = {.write = write};
            read_as(log, length, (enum log_reading)reading, &wanted[w], false, &lives);
            ck_assert_msg(lives.status == full.status && strcmp(lives.text, full.text) == 0,
                          "lives read %s (following %d) gave status %d:\n%s\n"
                          "the full reading less its quiet changes, status %d:\n%s\nfor:\n%.*s",
                          names[reading], (int)w, lives.status, lives.text, full.status,
                          full.text, (int)length, log);
            ck_assert_str_eq(lives.diag.message, full.diag.message);
            ck_assert_str_eq(lives.diag.warning, full.diag.warning);
            ck_assert_str_eq(lives.diag.torn, full.diag.torn);
            free(lives.text);
        }
        free(full.text);
    }
}
