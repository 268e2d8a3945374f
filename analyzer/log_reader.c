/* log_reader.c - splits a log into lines, detects its format and drives the parser.
 *
 * Line handling is common to all formats and follows the rules for logs of programs
 * that were killed: NUL bytes are dropped wherever they are (a file extended but never
 * written holds zeroes), `\r` before `\n` is dropped (logs copied through Windows), and
 * a last line without `\n` is ignored with a warning, since it was cut while being
 * written. */
#include "log_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log_format.h"

/* Formats in the order they are tried. Mozilla and Asterisk readers go here. */
static const struct log_format *const known_formats[] = {
    &refshim_log_format,
};

static void diag_clear(struct log_diag *diag)
{
    diag->status = LOG_STATUS_OK;
    diag->message[0] = '\0';
    diag->warning[0] = '\0';
}

/* Removes NUL bytes, a trailing `\n` and a `\r` before it; returns the new length. */
static size_t clean_line(char *line, size_t length, bool *had_newline)
{
    size_t kept = 0;
    for (size_t i = 0; i < length; i++)
        if (line[i] != '\0')
            line[kept++] = line[i];
    *had_newline = kept > 0 && line[kept - 1] == '\n';
    if (*had_newline)
        kept--;
    if (*had_newline && kept > 0 && line[kept - 1] == '\r')
        kept--;
    line[kept] = '\0';
    return kept;
}

static const struct log_format *format_for_first_line(const char *line)
{
    /* A UTF-8 byte order mark is not part of the content. */
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    for (size_t i = 0; i < sizeof known_formats / sizeof known_formats[0]; i++)
        if (known_formats[i]->recognizes(line))
            return known_formats[i];
    return NULL;
}

int log_read_stream(FILE *log, const char *name, log_event_fn on_event, void *user,
                    struct log_diag *diag)
{
    diag_clear(diag);
    char error[512] = "";
    struct log_sink sink = {on_event, user, error, sizeof error};
    const struct log_format *format = NULL;
    void *state = NULL;
    char *line = NULL;
    size_t capacity = 0;
    unsigned long complete_lines = 0;
    bool cut = false;
    bool failed = false;

    for (;;) {
        errno = 0;
        ssize_t read_length = getline(&line, &capacity, log);
        if (read_length < 0)
            break;
        bool had_newline;
        size_t length = clean_line(line, (size_t)read_length, &had_newline);
        if (!had_newline) {
            /* Only NULs after the last newline: nothing was cut, just padding. */
            cut = length > 0;
            if (complete_lines > 0 || !cut)
                break;
            /* A cut first line still tells the format, e.g. "# refshim 1" alone. */
        }
        if (!format) {
            format = format_for_first_line(line);
            if (!format) {
                snprintf(diag->message, sizeof diag->message,
                         "%s:1: not a refshim log (unknown format)", name);
                diag->status = LOG_STATUS_BAD_LOG;
                failed = true;
                break;
            }
            state = format->create();
        }
        if (!had_newline)
            break;
        complete_lines++;
        if (!format->parse_line(state, line, length, complete_lines, &sink)) {
            snprintf(diag->message, sizeof diag->message, "%s:%lu: %s", name, complete_lines,
                     error);
            diag->status = LOG_STATUS_BAD_LOG;
            failed = true;
            break;
        }
    }

    if (!failed && ferror(log)) {
        snprintf(diag->message, sizeof diag->message, "%s: %s", name,
                 strerror(errno ? errno : EIO));
        diag->status = LOG_STATUS_CANNOT_READ;
        failed = true;
    }
    if (!failed && !format) {
        snprintf(diag->message, sizeof diag->message, "%s:1: not a refshim log (unknown format)",
                 name);
        diag->status = LOG_STATUS_BAD_LOG;
        failed = true;
    }
    if (!failed && !format->finish(state, &sink)) {
        snprintf(diag->message, sizeof diag->message, "%s:%lu: %s", name, complete_lines, error);
        diag->status = LOG_STATUS_BAD_LOG;
        failed = true;
    }
    if (!failed && cut)
        snprintf(diag->warning, sizeof diag->warning,
                 "%s: log was cut after line %lu; analysed up to there", name, complete_lines);
    if (format)
        format->destroy(state);
    free(line);
    return diag->status;
}

int log_read_path(const char *path, log_event_fn on_event, void *user, struct log_diag *diag)
{
    if (strcmp(path, "-") == 0)
        return log_read_stream(stdin, "<stdin>", on_event, user, diag);
    FILE *log = fopen(path, "r");
    if (!log) {
        diag_clear(diag);
        snprintf(diag->message, sizeof diag->message, "%s: %s", path, strerror(errno));
        diag->status = LOG_STATUS_CANNOT_READ;
        return diag->status;
    }
    int status = log_read_stream(log, path, on_event, user, diag);
    fclose(log);
    return status;
}
