/* log_reader.c - splits a log into lines, detects its format and drives the parser.
 *
 * Line handling is common to all formats and follows the rules for logs of programs
 * that were killed: NUL bytes are dropped wherever they are (a file extended but never
 * written holds zeroes) and a line they interrupt is skipped as torn (see
 * mend_nul_runs), `\r` before `\n` is dropped (logs copied through Windows), and
 * a last line without `\n` is ignored with a warning, since it was cut while being
 * written. Logs run to gigabytes, so the file is read in large blocks and lines are
 * cut out of the block in place: no copy and no allocation per line; a format with a
 * block reader reads whole records from the block itself. */
#include "log_reader.h"

#include <errno.h>
#include <malloc.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "chunk_reader.h"
#include "escape_text.h"
#include "log_format.h"

/* Formats in the order they are tried. */
static const struct log_format *const known_formats[] = {
    &refshim_log_format,
    &mozilla_log_format,
    &asterisk_log_format,
};

enum {
    MAX_LINE = 16 << 20     /* a longer line is garbage, not a log */
};

bool log_sink_fail(struct log_sink *sink, const char *format, ...)
{
    /* The formats quote fields of the line; the message's own words have no control
     * characters, so escaping it whole escapes exactly the quoted input. */
    char raw[512];
    va_list args;
    va_start(args, format);
    vsnprintf(raw, sizeof raw, format, args);
    va_end(args);
    escape_text(raw, sink->error, sink->error_size);
    return false;
}

static void diag_clear(struct log_diag *diag)
{
    diag->status = LOG_STATUS_OK;
    diag->message[0] = '\0';
    diag->warning[0] = '\0';
    diag->torn[0] = '\0';
}

/* A line that a killed thread left unfinished is replaced by this one-byte line: */
#define TORN_LINE '\0'
/* ...and a line that follows NUL bytes at a line start starts with this byte (no other
 * NUL is left in the buffer, so both are told from the log's own bytes). */
#define AFTER_NUL_RUN '\0'

/* Drops the NUL bytes of the LENGTH bytes just read at BUFFER + FROM; returns the new end
 * of the buffer. NULs are bytes of the file reserved but never written: a thread of a
 * killed program had taken them. A NUL run after a line end is the unwritten rest of a
 * block and goes. A NUL run after part of a line means the thread died while writing the
 * line: the part (which may have begun before FROM, in the unfinished line kept at the
 * start of the buffer) and the run become the line TORN_LINE, so that the next line,
 * another thread's, is read as a line of its own and the torn one is skipped. Done once
 * per block read, not per line: NULs are rare and a per-line search would cost.
 * A NUL run after a line end is followed by the next block's first line, or, in a log
 * read while its program writes it, by the end of a line whose start was still unwritten
 * when the reader passed it (a read is no snapshot). Such a line is marked with
 * AFTER_NUL_RUN: if its format cannot read it, it is skipped as torn, not an error. */
static size_t mend_nul_runs(char *buffer, size_t from, size_t length, bool *ends_in_run)
{
    *ends_in_run = false;
    char *first = memchr(buffer + from, '\0', length);
    if (!first)
        return from + length;
    size_t kept = (size_t)(first - buffer), end = from + length;
    for (size_t i = kept; i < end;) {
        if (buffer[i] != '\0') {
            buffer[kept++] = buffer[i++];
            continue;
        }
        while (i < end && buffer[i] == '\0')
            i++;
        if (kept == 0 || buffer[kept - 1] == '\n') {
            /* Not before an empty line: "\0\n" would read as a torn line. A run that
             * goes on to the end of the bytes marks the next read's first line. */
            if (i < end && buffer[i] != '\n')
                buffer[kept++] = AFTER_NUL_RUN;
            *ends_in_run = i == end;
            continue;
        }
        size_t line_start = kept;
        while (line_start > 0 && buffer[line_start - 1] != '\n')
            line_start--;
        /* The part is at least one byte and the run too: the two bytes fit. */
        buffer[line_start] = TORN_LINE;
        buffer[line_start + 1] = '\n';
        kept = line_start + 2;
    }
    return kept;
}

/* Removes a final `\r` from LINE (LENGTH bytes, no `\n`); returns the new length and
 * terminates the line. */
static size_t clean_line(char *line, size_t length)
{
    if (length > 0 && line[length - 1] == '\r')
        length--;
    line[length] = '\0';
    return length;
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

/* The format of the log whose first chunk is DATA, for the reading thread: its first
 * non-empty line (the first line the parser will give the format) decides, as in
 * handle_line; NULL when that line is not in the chunk, or too long to look at. */
static const struct log_format *format_of_chunk(const char *data, size_t length)
{
    const char *at = data, *end = data + length;
    while (at < end) {
        const char *newline = memchr(at, '\n', (size_t)(end - at));
        if (!newline)
            return NULL;
        size_t line_length = (size_t)(newline - at);
        if (line_length > 0 && at[line_length - 1] == '\r')
            line_length--;
        if (line_length > 0) {
            char line[4096];
            if (line_length >= sizeof line || memchr(at, '\0', line_length))
                return NULL;
            memcpy(line, at, line_length);
            line[line_length] = '\0';
            return format_for_first_line(line);
        }
        at = newline + 1;
    }
    return NULL;
}

/* The state of one reading, shared by the helpers below. */
struct reading {
    const char *name;
    struct log_diag *diag;
    struct log_sink sink;
    const struct log_format *format;
    void *state;
    unsigned long line_number;  /* complete lines so far */
    bool unwritten_seen;        /* NUL bytes were read (see handle_line) */
    unsigned long torn_lines;   /* lines a killed thread left unfinished, skipped */
    unsigned long first_torn;   /* the line of the file that holds the first of them */
    /* Lines the format could not read after NUL bytes were seen, skipped (see
     * handle_line), the first of them and what was wrong with it. */
    unsigned long unreadable_lines, first_unreadable;
    char first_unreadable_why[256];
    bool last_was_torn;         /* the last line handled was torn: the log ends there */
    bool failed;
    struct chunk_reader *chunks; /* told the format once known, for its scans; or NULL */
};

static void fail_at(struct reading *reading, unsigned long line, const char *what)
{
    snprintf(reading->diag->message, sizeof reading->diag->message, "%s:%lu: %s", reading->name,
             line, what);
    reading->diag->status = LOG_STATUS_BAD_LOG;
    reading->failed = true;
}

static bool is_prefix_of(const char *text, size_t length, const char *whole)
{
    return length <= strlen(whole) && memcmp(text, whole, length) == 0;
}

/* Handles one cleaned line; COMPLETE is false for a cut last line, which may only
 * decide the format. */
static void note_torn(struct reading *reading, unsigned long line_number)
{
    if (reading->torn_lines++ == 0)
        reading->first_torn = line_number;
}

static void handle_line(struct reading *reading, char *line, size_t length, bool complete)
{
    /* A torn line and what follows it up to the next line end are one line of the file
     * (NULs are no line end), so a torn line takes no number of its own. */
    reading->last_was_torn = length == 1 && line[0] == TORN_LINE;
    if (reading->last_was_torn) {
        note_torn(reading, reading->line_number + 1);
        return;
    }
    bool after_nul_run = length > 1 && line[0] == AFTER_NUL_RUN;
    if (after_nul_run) {
        line++;
        length--;
    }
    unsigned long number = reading->line_number + (complete ? 1 : 0);
    if (complete)
        reading->line_number++;
    if (!reading->format) {
        if (length == 0)
            return; /* Mozilla logs start with an empty line */
        reading->format = format_for_first_line(line);
        if (!reading->format && !complete && is_prefix_of(line, length, REFSHIM_LOG_SIGNATURE))
            return; /* a refshim log cut inside its first line: nothing to read */
        if (!reading->format) {
            fail_at(reading, complete ? number : number + 1,
                    "unknown log format (not a refshim, Mozilla XPCOM refcount/alloc or "
                    "Asterisk refs log)");
            return;
        }
        reading->state = reading->format->create();
        if (reading->chunks)
            chunk_reader_use_format(reading->chunks, reading->format);
    }
    if (complete && !reading->format->parse_line(reading->state, line, length, number,
                                                 &reading->sink)) {
        if (after_nul_run) {
            note_torn(reading, number); /* the end of a line whose start was unwritten */
        } else if (reading->unwritten_seen) {
            /* Read while its program writes it, a log is no snapshot: a line can be there
             * before a line it needs, another thread's, not written yet when the reader
             * passed its place. Skipped and told, not the end of the reading. */
            if (reading->unreadable_lines++ == 0) {
                reading->first_unreadable = number;
                snprintf(reading->first_unreadable_why, sizeof reading->first_unreadable_why,
                         "%s", reading->sink.error);
            }
        } else {
            fail_at(reading, number, reading->sink.error);
        }
    }
}

static int read_stream(FILE *log, const char *name, log_event_fn on_event, void *user,
                       struct log_diag *diag, enum log_reading mode,
                       const struct log_wanted *wanted);

/* A line on stderr saying how far the reading is, for reads long enough to wonder about:
 * only on a terminal, only after the first second, redrawn a few times a second, erased
 * at the end. Sizes are 64-bit: logs run past 4 GB. */
struct progress {
    bool on_terminal;
    bool shown;
    uint64_t total;     /* bytes in the file, 0 if it is not a regular file */
    uint64_t done;
    double start, last_drawn;
};

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void progress_start(struct progress *progress, FILE *log)
{
    *progress = (struct progress){.on_terminal = isatty(STDERR_FILENO) == 1};
    if (!progress->on_terminal)
        return;
    struct stat status;
    if (fstat(fileno(log), &status) == 0 && S_ISREG(status.st_mode))
        progress->total = (uint64_t)status.st_size;
    progress->start = seconds_now();
}

/* Formats the progress line of DONE of TOTAL bytes into TEXT. */
void log_progress_text(const char *name, uint64_t done, uint64_t total, char *text,
                       size_t size)
{
    if (total > 0)
        snprintf(text, size, "%s: %" PRIu64 " of %" PRIu64 " MB read (%" PRIu64 "%%)", name,
                 done / 1000000, total / 1000000, done >= total ? 100 : done * 100 / total);
    else
        snprintf(text, size, "%s: %" PRIu64 " MB read", name, done / 1000000);
}

static void progress_advance(struct progress *progress, const char *name, size_t bytes)
{
    progress->done += bytes;
    if (!progress->on_terminal)
        return;
    double now = seconds_now();
    if (now - progress->start < 1.0 || now - progress->last_drawn < 0.25)
        return;
    progress->last_drawn = now;
    char text[1200];
    log_progress_text(name, progress->done, progress->total, text, sizeof text);
    fprintf(stderr, "\r%s\033[K", text);
    progress->shown = true;
}

static void progress_end(struct progress *progress)
{
    if (progress->shown)
        fputs("\r\033[K", stderr);
}

int log_read_stream(FILE *log, const char *name, log_event_fn on_event, void *user,
                    struct log_diag *diag)
{
    return read_stream(log, name, on_event, user, diag, LOG_READING_WITH_SCANS, NULL);
}

int log_read_stream_without_scans(FILE *log, const char *name, log_event_fn on_event,
                                  void *user, struct log_diag *diag)
{
    return read_stream(log, name, on_event, user, diag, LOG_READING_BY_BLOCKS, NULL);
}

int log_read_stream_by_lines(FILE *log, const char *name, log_event_fn on_event, void *user,
                             struct log_diag *diag)
{
    return read_stream(log, name, on_event, user, diag, LOG_READING_BY_LINES, NULL);
}

int log_read_stream_with(FILE *log, const char *name, log_event_fn on_event, void *user,
                         struct log_diag *diag, enum log_reading reading,
                         const struct log_wanted *wanted)
{
    return read_stream(log, name, on_event, user, diag, reading, wanted);
}

/* The scans of chunks not yet read past, oldest first (see scan_at). */
enum { MAX_PENDING_SCANS = 8 };
struct pending_scans {
    struct scanned_lines items[MAX_PENDING_SCANS];
    size_t count;
};

static void drop_oldest_scan(struct pending_scans *pending)
{
    free(pending->items[0].tokens);
    memmove(pending->items, pending->items + 1, --pending->count * sizeof pending->items[0]);
}

static void add_scan(struct pending_scans *pending, struct scanned_lines *scan)
{
    if (!scan->tokens)
        return;
    if (pending->count == MAX_PENDING_SCANS)
        drop_oldest_scan(pending);
    pending->items[pending->count++] = *scan;
    scan->tokens = NULL; /* the pending list's now */
}

/* The scan whose next line starts at stream offset AT, moving each scan's cursor up to
 * AT over lines read without it; NULL if no scanned line starts there. */
static struct scanned_lines *scan_at(struct pending_scans *pending, uint64_t at)
{
    while (pending->count > 0) {
        struct scanned_lines *scan = &pending->items[0];
        if (scan->end <= at) {
            drop_oldest_scan(pending);
            continue;
        }
        if (at < scan->start)
            return NULL;
        while (scan->next < scan->count && scan->next_offset < at) {
            scan->next_offset += scanned_token(scan, scan->next)->length;
            scan->next++;
        }
        return scan->next < scan->count && scan->next_offset == at ? scan : NULL;
    }
    return NULL;
}

/* How many bytes from stream offset AT the lines before the next scanned line take;
 * SIZE_MAX when no scanned line lies ahead. A block reader stops there, so that the
 * scanned lines are read from their tokens. */
static size_t bytes_to_next_scan(const struct pending_scans *pending, uint64_t at)
{
    for (size_t i = 0; i < pending->count; i++)
        if (pending->items[i].start > at)
            return (size_t)(pending->items[i].start - at);
    return SIZE_MAX;
}

/* The bytes being read: a chunk of the chunk reader, with the unfinished line of the
 * chunk before put in front of its data, or, for lines and records longer than that
 * room, a buffer of our own. */
struct window {
    char *buffer;
    size_t start, end;
    uint64_t offset;            /* in the stream, of buffer[0] (mod 2^64) */
    struct chunk *chunk;        /* the chunk buffer is, or NULL */
    char *own;
    size_t own_capacity;
};

/* Moves the unread bytes of WINDOW in front of the data of NEXT; returns false if that
 * would make a line longer than MAX_LINE. Returns where NEXT's data starts in the new
 * buffer. */
static bool window_advance(struct window *window, struct chunk_reader *chunks,
                           struct chunk *next, size_t *data_at)
{
    size_t carry = window->end - window->start;
    const char *data = next->buffer + CHUNK_ROOM;
    if (carry <= CHUNK_ROOM) {
        if (carry > 0) /* the first window has no buffer yet */
            memcpy(next->buffer + CHUNK_ROOM - carry, window->buffer + window->start, carry);
        if (window->chunk)
            chunk_reader_release(chunks, window->chunk);
        window->chunk = next;
        window->buffer = next->buffer;
        window->start = CHUNK_ROOM - carry;
        *data_at = CHUNK_ROOM;
    } else {
        if (carry > MAX_LINE)
            return false;
        size_t needed = carry + next->length + 1; /* +1: room to terminate a cut last line */
        if (window->own_capacity < needed) {
            char *grown = xmalloc(needed * 2);
            memcpy(grown, window->buffer + window->start, carry);
            free(window->own);
            window->own = grown;
            window->own_capacity = needed * 2;
        } else {
            memmove(window->own, window->buffer + window->start, carry);
        }
        memcpy(window->own + carry, data, next->length);
        if (window->chunk)
            chunk_reader_release(chunks, window->chunk);
        window->chunk = NULL;
        window->buffer = window->own;
        window->start = 0;
        *data_at = carry;
    }
    window->end = *data_at + next->length;
    window->offset = next->offset - *data_at;
    return true;
}

static int read_stream(FILE *log, const char *name, log_event_fn on_event, void *user,
                       struct log_diag *diag, enum log_reading mode,
                       const struct log_wanted *wanted)
{
    bool use_block_readers = mode != LOG_READING_BY_LINES;
    bool use_scans = mode == LOG_READING_WITH_SCANS;
    diag_clear(diag);
    char error[512] = "";
    char escaped_name[1024];
    name = escape_text(name, escaped_name, sizeof escaped_name);
    struct chunk_reader *chunks = chunk_reader_start(log, use_scans ? format_of_chunk : NULL,
                                                   wanted && wanted->events == LOG_EVENTS_LIVES);
    struct reading reading = {
        .name = name,
        .diag = diag,
        .sink = {on_event, user, error, sizeof error, false,
                 wanted && wanted->events == LOG_EVENTS_LIVES,
                 wanted ? wanted->follow : LOG_FOLLOW_NONE, wanted ? wanted->follow_key : 0},
        .chunks = use_scans ? chunks : NULL,
    };
    struct window window = {0};
    struct pending_scans pending = {.count = 0};
    bool at_eof = false, cut = false, ends_in_nul = false, offsets_valid = true;
    bool run_before = false;    /* the data so far ended in NULs after a line end */
    int read_error = 0;
    struct progress progress;
    progress_start(&progress, log);

    while (!reading.failed) {
        char *buffer = window.buffer;
        size_t start = window.start, end = window.end;
        /* The format's block reader takes what it can; the line loop below handles the
         * line it stopped at, then the block reader tries again. */
        bool read_more = false;
        if (use_block_readers && reading.format && start < end) {
            bool need_more = false;
            struct scanned_lines *scan =
                offsets_valid && reading.format->parse_scanned ? scan_at(&pending, window.offset + start)
                                                               : NULL;
            if (scan && scan->scanned_by != reading.format)
                scan = NULL;    /* made for another format than the reader found */
            if (scan)
                start += reading.format->parse_scanned(reading.state, buffer + start, end - start,
                                                       scan, &reading.line_number,
                                                       &reading.sink, &need_more);
            else if (reading.format->parse_block) {
                size_t length = end - start;
                if (offsets_valid && reading.format->parse_scanned) {
                    size_t before_scan = bytes_to_next_scan(&pending, window.offset + start);
                    length = before_scan < length ? before_scan : length;
                }
                start += reading.format->parse_block(reading.state, buffer + start, length,
                                                     &reading.line_number, &reading.sink,
                                                     &need_more);
                /* Cut short by the scanned lines, not by the end of the bytes: the
                 * line reader takes the record there. */
                if (length < end - window.start)
                    need_more = false;
            }
            /* Lines read there end a torn line's run just as handle_line's do. */
            if (start != window.start)
                reading.last_was_torn = false;
            /* A record cut by the end of the block is read whole after the next read,
             * unless it is too long to wait for: then line by line. */
            read_more = need_more && !at_eof && end - start < CHUNK_ROOM;
            window.start = start;
        }
        char *newline = !read_more && start < end ? memchr(buffer + start, '\n', end - start)
                                                  : NULL;
        if (newline) {
            char *line = buffer + start;
            size_t length = clean_line(line, (size_t)(newline - line));
            window.start = (size_t)(newline - buffer) + 1;
            handle_line(&reading, line, length, true);
            continue;
        }
        if (at_eof) {
            size_t length = start < end ? clean_line(buffer + start, end - start) : 0;
            cut = length > 0;
            if (cut)
                handle_line(&reading, buffer + start, length, false);
            break;
        }
        struct chunk *next = chunk_reader_next(chunks);
        if (next->length == 0) {
            read_error = next->error;
            chunk_reader_release(chunks, next);
            at_eof = true;
            continue;
        }
        progress_advance(&progress, name, next->length);
        if (next->has_nul) {
            reading.unwritten_seen = true;
            /* Dropping NULs moves the bytes after them: scanned offsets are off. */
            offsets_valid = false;
            while (pending.count > 0)
                drop_oldest_scan(&pending);
        }
        if (offsets_valid)
            add_scan(&pending, &next->scan);
        size_t data_at;
        bool has_nul = next->has_nul;
        if (!window_advance(&window, chunks, next, &data_at)) {
            chunk_reader_release(chunks, next);
            fail_at(&reading, reading.line_number + 1, "line too long (over 16 MiB): not a log");
            break;
        }
        if (window.chunk != next)
            chunk_reader_release(chunks, next);
        ends_in_nul = window.buffer[window.end - 1] == '\0';
        /* The NULs before ended the data at a line start, and this data goes on with
         * text: its first line is marked as following them, in the room before the data
         * (nothing was carried over, the unfinished line being none). */
        char first_byte = window.buffer[data_at];
        if (run_before && window.start == data_at && data_at > 0 && first_byte != '\0') {
            if (first_byte != '\n')
                window.buffer[--window.start] = AFTER_NUL_RUN;
            run_before = false;
        }
        /* From the window's start: what lies before it in a chunk buffer is stale. */
        if (has_nul)
            window.end = window.start + mend_nul_runs(window.buffer + window.start,
                                                      data_at - window.start,
                                                      window.end - data_at, &run_before);
    }

    progress_end(&progress);
    if (!reading.failed && read_error) {
        snprintf(diag->message, sizeof diag->message, "%s: %s", name, strerror(read_error));
        diag->status = LOG_STATUS_CANNOT_READ;
        reading.failed = true;
    }
    /* NUL bytes at the end are the unwritten end of a log that was being written when its
     * program died (the shim allocates the file ahead): a cut log, not a bad one, even
     * when the program died before the first line. NULs inside the log, without a torn
     * line at the end, cut nothing. An empty file says nothing, and is an error. */
    cut = cut || ends_in_nul || reading.last_was_torn;
    if (!reading.failed && !reading.format && !cut)
        fail_at(&reading, reading.line_number + 1, "empty log (no reference-count records)");
    reading.sink.input_cut = cut;
    if (!reading.failed && reading.format && !reading.format->finish(reading.state, &reading.sink))
        fail_at(&reading, reading.line_number, error);
    if (!reading.failed && cut)
        snprintf(diag->warning, sizeof diag->warning,
                 "%s: log was cut after line %lu; analysed up to there", name,
                 reading.line_number);
    /* A torn line at the very end is the cut the warning above tells of. */
    unsigned long torn_inside = reading.torn_lines - (reading.last_was_torn ? 1 : 0);
    if (!reading.failed && torn_inside > 0)
        snprintf(diag->torn, sizeof diag->torn,
                 "%s:%lu: warning: %lu line%s left unfinished by a thread of the program "
                 "(killed, or still writing the log) %s skipped (the first is here, before the "
                 "NUL bytes)",
                 name, reading.first_torn, torn_inside, torn_inside == 1 ? "" : "s",
                 torn_inside == 1 ? "was" : "were");
    if (!reading.failed && reading.unreadable_lines > 0) {
        size_t used = strlen(diag->torn);
        snprintf(diag->torn + used, sizeof diag->torn - used,
                 "%s%s:%lu: warning: %lu line%s that could not be read %s skipped (the first is "
                 "here: %s): the log has unwritten parts, NUL bytes, as when its program is "
                 "still writing it, and a line may need another that was not written yet",
                 used ? "\n" : "", name, reading.first_unreadable, reading.unreadable_lines,
                 reading.unreadable_lines == 1 ? "" : "s",
                 reading.unreadable_lines == 1 ? "was" : "were", reading.first_unreadable_why);
    }
    if (reading.format)
        reading.format->destroy(reading.state);
    while (pending.count > 0)
        drop_oldest_scan(&pending);
    if (window.chunk)
        chunk_reader_release(chunks, window.chunk);
    chunk_reader_stop(chunks);
    free(window.own);
    return diag->status;
}

void log_reader_tune_memory(void)
{
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

int log_read_path_wanting(const char *path, const struct log_wanted *wanted,
                          log_event_fn on_event, void *user, struct log_diag *diag)
{
    if (strcmp(path, "-") == 0)
        return read_stream(stdin, "<stdin>", on_event, user, diag, LOG_READING_WITH_SCANS, wanted);
    FILE *log = fopen(path, "r");
    if (!log) {
        diag_clear(diag);
        char escaped_path[1024];
        snprintf(diag->message, sizeof diag->message, "%s: %s",
                 escape_text(path, escaped_path, sizeof escaped_path), strerror(errno));
        diag->status = LOG_STATUS_CANNOT_READ;
        return diag->status;
    }
    int status = read_stream(log, path, on_event, user, diag, LOG_READING_WITH_SCANS, wanted);
    fclose(log);
    return status;
}

int log_read_path(const char *path, log_event_fn on_event, void *user, struct log_diag *diag)
{
    return log_read_path_wanting(path, NULL, on_event, user, diag);
}
