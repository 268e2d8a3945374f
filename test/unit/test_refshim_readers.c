/* The refshim reader reads common records straight from the buffer (refshim_block.c) and
 * everything else line by line (refshim_format.c): both must give the same events, with
 * every field, and the same errors and warnings. Checked on logs with one odd line each,
 * on a log whose records are cut by the end of the first read at every byte, and on
 * the block reader alone, to see that it does read what it should. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_reader.h"
#include "log_format.h"
#include "lives_reading.h"
#include "log_reader.h"
#include "refshim_state.h"

/* Every field of EVENT that a consumer may read, on one line. */
static void describe_fully(const struct log_event *event, void *user)
{
    FILE *out = user;
    fprintf(out, "%lu %c %" PRIu64 " %s=%#" PRIx64 " %s count=%" PRId64 " delta=%" PRId64
            " tid=%" PRIu64 " stack=%" PRIu64 " size=%" PRIu64 " first=%d tag=%s state=%s !%s [",
            event->line, (char)event->op, event->serial, event->address, event->address_value,
            event->class_name, event->count, event->delta, event->tid, event->stack_id,
            event->size, event->first_seen, event->tag ? event->tag : "-",
            event->state ? event->state : "-", event->anomaly ? event->anomaly : "-");
    const struct log_frame *frames;
    size_t count = log_event_frames(event, &frames);
    for (size_t i = 0; i < count; i++)
        fprintf(out, "%s%s|%s|%#" PRIx64 "|%s", i ? "; " : "", frames[i].function,
                frames[i].module ? frames[i].module : "-", frames[i].offset,
                frames[i].source ? frames[i].source : "-");
    fputs("]\n", out);
}

typedef int (*stream_reader)(FILE *log, const char *name, log_event_fn on_event, void *user,
                             struct log_diag *diag);

struct reading {
    int status;
    char *events;
    size_t size;
    struct log_diag diag;
};

static void read_with(stream_reader reader, const char *log, size_t length,
                      struct reading *reading)
{
    FILE *out = open_memstream(&reading->events, &reading->size);
    FILE *in = fmemopen((void *)log, length, "r");
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(in);
    reading->status = reader(in, "t.log", describe_fully, out, &reading->diag);
    fclose(in);
    fclose(out);
}

/* Fails, saying how, if READING differs from LINES, the reading of LOG by lines. */
static void assert_same_reading(const struct reading *reading, const struct reading *lines,
                                const char *how, const char *log)
{
    ck_assert_msg(reading->status == lines->status, "status %d %s, by lines %d, for:\n%s",
                  reading->status, how, lines->status, log);
    ck_assert_msg(strcmp(reading->events, lines->events) == 0,
                  "events %s:\n%s\nby lines:\n%s\nfor:\n%s", how, reading->events,
                  lines->events, log);
    ck_assert_str_eq(reading->diag.message, lines->diag.message);
    ck_assert_str_eq(reading->diag.warning, lines->diag.warning);
    ck_assert_str_eq(reading->diag.torn, lines->diag.torn);
}

/* Reads LOG the three ways (with the scans of the reading thread, with the block reader
 * alone, by lines) and fails, saying how, if they differ; returns the number of events,
 * and the diagnostics in *DIAG if DIAG is not NULL. */
static size_t assert_readers_agree_diag(const char *log, size_t length, struct log_diag *diag)
{
    struct reading fast, blocks, lines;
    read_with(log_read_stream, log, length, &fast);
    read_with(log_read_stream_without_scans, log, length, &blocks);
    read_with(log_read_stream_by_lines, log, length, &lines);
    assert_same_reading(&blocks, &lines, "by blocks", log);
    assert_same_reading(&fast, &lines, "with scans", log);
    assert_lives_reading_agrees(log, length, describe_fully, 1);
    size_t events = 0;
    for (const char *at = fast.events; (at = strchr(at, '\n')) != NULL; at++)
        events++;
    free(fast.events);
    free(blocks.events);
    free(lines.events);
    if (diag)
        *diag = fast.diag;
    return events;
}

static size_t assert_readers_agree(const char *log, size_t length)
{
    return assert_readers_agree_diag(log, length, NULL);
}

#define HEADER "# refshim 1\n# pid 4242\n"
#define DEFINITIONS                                                  \
    "m\t1\t/tmp/demo/libdemo.so\tabcd\n"                             \
    "f\t1\t1\t0x1189\tNS_NewFoo(nsFoo**)\tdemo.cc:12\n"              \
    "f\t2\t0\t0x7f0011\t\t-\n"                                       \
    "s\t1\t0\t1\n"                                                   \
    "s\t2\t1\t2\n"                                                   \
    "c\t1\tnsFoo\n"                                                  \
    "N\t1\t1\t4242\t2\t0x55d0c0a8e2a0\t1\t48\n"                      \
    "A\t1\t2\t\t1\n"

/* One odd line each, between good ones: what each does (an error, a warning, an event
 * of another kind, a definition) must be the same both ways. */
static const char *const odd_lines[] = {
    /* numbers */
    "A\t1\t3\t\t0",
    "A\t01\t3\t\t02",
    "A\t1x\t3\t\t1",
    "A\t0x1\t3\t\t1",
    "A\t1\t0x3\t\t1",
    "A\t\t3\t\t1",
    "A\t1\t\t\t1",
    "A\t1\t-\t\t1",
    "A\t1\t-3\t\t1",
    "A\t1\t-0\t\t1",
    "A\t1\t3\t\t",
    "A\t1\t3\t\t1x",
    "A\t1\t3\t12345678\t1",
    "A\t1\t3\t123456789012\t1",
    "A\t1\t3\t9999999999999999999\t1",
    "A\t1\t3\t18446744073709551615\t1",
    "A\t1\t3\t18446744073709551616\t1",
    "A\t1\t3\t0x10\t1",
    "A\t1\t9223372036854775807\t\t1",
    "A\t1\t-9223372036854775808\t\t1",
    "A\t1\t9223372036854775808\t\t1",
    "A\t1\t123456789012345678\t\t1",
    "A\t1\t1234567890123456789\t\t1",
    "A\t18446744073709551615\t3\t\t1",
    "A\t18446744073709551616\t3\t\t1",
    "A\t00000000000000000000001\t3\t\t1",
    "A\t1\t3\t\t00000002",
    "A\t1\t3\t\t000000002",
    /* fields */
    "A\t1\t3\t\t1\t",
    "A\t1\t3\t\t1\t0x10",
    "A\t1\t3\t\t1\t0x10\t1\t8\t9",
    "A\t1\t3",
    "A",
    "A\t",
    "AA\t1\t3\t\t1",
    "A \t1\t3\t\t1",
    "A\t1\t3\t\t1 ",
    "A\t1\t3\t\t1\r",
    "A\t1\t3\t\t1\r\r",
    "A\t1\t3\t\t9",
    "A\t2\t3\t\t1",
    "A\t0\t3\t\t1",
    /* first events */
    "N\t2\t1\t\t1\t0x10\t1",
    "N\t2\t1\t\t1\t0x10\t1\t0",
    "N\t2\t1\t\t1\t10\t1",
    "N\t2\t1\t\t1\t0X10\t1",
    "N\t2\t1\t\t1\t0x\t1",
    "N\t2\t1\t\t1\t0xg\t1",
    "N\t2\t1\t\t1\t0x12345678901234567\t1",
    "N\t2\t1\t\t1\t00000000000000000010\t1",
    "N\t2\t1\t\t1\t0x10\t2",
    "N\t2\t1\t\t1\t0x10\t1\t",
    "N\t2\t1\t\t1\t0x10\t\t8",
    "N\t2\t1\t\t1\t0x10\t1\t8x",
    "N\t1\t1\t\t1\t0x10\t1",
    "N\t0\t1\t\t1\t0x10\t1",
    "A\t2\t5\t\t1\t0x10\t1",
    "D\t2\t0\t\t1\t0x10\t1",
    "N\t2\t1\t\t1\t0x10\t1\nt\t2\tfirst tag",
    "N\t2\t1\t\t1\t0x10\t1\n# comment\n\nt\t2\tlate tag",
    "N\t2\t1\t\t1\t0x10\t1\ns\t9\t0\t1\nt\t2\ttoo late",
    "N\t2\t1\t\t1\t0x10\t1\nA\t2\t2\t\t0",
    "N\t2\t1\t\t1\t0x10\t1\r\nt\t2\ttag\r",
    "o\t2\t0x20\t1\nN\t2\t1\t77\t0",
    /* after the end */
    "D\t1\t0\t\t1\nR\t1\t1\t\t1",
    "D\t1\t0\t\t1\nN\t1\t1\t\t1\t0x10\t1",
    "R\t1\t0\t\t1\nA\t1\t1\t\t1",
    /* definitions */
    "s\t3\t2\t1",
    "s\t3\t0\t2\nA\t1\t3\t\t3",
    "s\t3\t9\t1",
    "s\t3\t2\t9",
    "s\t2\t1\t1",
    "s\t0\t1\t1",
    "s\t3\t2\t1\t",
    "s\t3\t2",
    "s\t0x3\t2\t1",
    "s\t3\t2\t1\r",
    "s\t3\t2\t1\nA\t1\t3\t\t3",
    "f\t3\t1\t0x20\tbar()\tbar.c:1\ns\t3\t2\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t0x20\t\t\ns\t3\t0\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t0x20\tbar()\t-\r\ns\t3\t0\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t0x20\tbar()\t\r\ns\t3\t0\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t0x20\tbar()\tb\rc\ns\t3\t0\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t20\tbar()\t-\ns\t3\t0\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t1a\tbar()\t-\ns\t3\t0\t3\nA\t1\t3\t\t3",
    "f\t3\t1\t0x\tbar()\t-",
    "f\t3\t1\t0x20\tbar()",
    "f\t3\t1\t0x20\tbar()\t-\textra",
    "f\t3\t9\t0x20\tbar()\t-",
    "f\t1\t1\t0x20\tbar()\t-",
    "f\t0\t1\t0x20\tbar()\t-",
    "f\t3\t0x1\t0x20\tbar()\t-",
    "c\t2\tnsBar\nN\t2\t1\t\t0\t0x30\t2\t16",
    "m\t2\t/lib/x.so\nf\t3\t2\t0x20\tbar()\t-\ns\t3\t0\t3\nA\t1\t3\t\t3",
    /* other records and lines */
    "x\t1\tmay-be-leaked",
    "k\t1\t1\nh\t1\t1\tglobal",
    "# refshim 1",
    "#",
    "",
    "\r",
    "q\t1",
    "\t",
};

/* Each of the COUNT odd LINES between BEFORE (header and definitions) and AFTER (good
 * events): both readers must agree on the log. */
static void assert_readers_agree_on_lines(const char *before, const char *const *lines,
                                          size_t count, const char *after)
{
    for (size_t i = 0; i < count; i++) {
        char log[1024];
        int length = snprintf(log, sizeof log, "%s%s\n%s", before, lines[i], after);
        ck_assert_int_lt(length, (int)sizeof log);
        assert_readers_agree(log, (size_t)length);
    }
}

START_TEST(block_and_line_readers_agree_on_odd_lines)
{
    assert_readers_agree_on_lines(HEADER DEFINITIONS, odd_lines,
                                  sizeof odd_lines / sizeof odd_lines[0],
                                  "R\t1\t1\t7\t2\nA\t1\t2\t\t1\n");
}
END_TEST

/* Format 2: TID after STACK, left out after a line of the same thread; an N may leave
 * out CLASS and SIZE, which are then its thread's previous N's. */
#define HEADER_V2 "# refshim 2\n# pid 4242\n"
#define DEFINITIONS_V2                                               \
    "m\t1\t/tmp/demo/libdemo.so\tabcd\n"                             \
    "f\t1\t1\t0x1189\tNS_NewFoo(nsFoo**)\tdemo.cc:12\n"              \
    "f\t2\t0\t0x7f0011\t\t-\n"                                       \
    "s\t1\t0\t1\n"                                                   \
    "s\t2\t1\t2\n"                                                   \
    "c\t1\tnsFoo\n"                                                  \
    "c\t2\tnsBar\n"                                                  \
    "N\t1\t1\t2\t4242\t0x55d0c0a8e2a0\t1\t48\n"                      \
    "A\t1\t2\t1\n"

static const char *const odd_lines_v2[] = {
    "A\t1\t3\t1",
    "A\t1\t3\t1\t4243",
    "A\t1\t3\t1\t",
    "A\t1\t3\t1\t0x10",
    "A\t1\t3\t1\t0",
    "A\t1\t3\t1\t18446744073709551616",
    "A\t1\t3\t9",
    "A\t1\t3\t1\t4243\t",
    "A\t1\t3",
    "A\t1\t3\t\t4242",
    "N\t2\t1\t1\t\t0x10",
    "N\t2\t1\t1\t4242\t0x10",
    "N\t2\t1\t1\t4243\t0x10",
    "N\t2\t1\t1\t0\t0x10",
    "A\t2\t1\t1\t\t0x10",
    "N\t2\t1\t1\t\t0x10\t2\nN\t3\t1\t1\t\t0x20",
    "N\t2\t1\t1\t\t0x10\t2\t16\nN\t3\t1\t1\t\t0x20",
    "N\t2\t1\t1\t4243\t0x10\t2\nN\t3\t1\t1\t\t0x20\nN\t4\t1\t1\t4242\t0x30",
    "A\t2\t5\t1\t4243\t0x10\t2\nN\t3\t1\t1\t4243\t0x20",
    "N\t2\t1\t1\t\t0x10\t9",
    "N\t2\t1\t1\t\t0x10\t2\t\t",
    "N\t2\t1\t1\t\tzz",
    "N\t2\t1\t1\t\t0x10\nt\t2\ttag",
    "N\t2\t1\t1\t\t0x10\t1\t8\t9",
    "N\t1\t1\t1\t\t0x10",
    "D\t1\t0\t1\nN\t1\t1\t1\t\t0x10",
    "D\t1\t0\t1\nR\t1\t1\t1",
    "# refshim 2",
};

START_TEST(block_and_line_readers_agree_on_odd_lines_v2)
{
    assert_readers_agree_on_lines(HEADER_V2 DEFINITIONS_V2, odd_lines_v2,
                                  sizeof odd_lines_v2 / sizeof odd_lines_v2[0],
                                  "R\t1\t1\t2\t7\nA\t1\t2\t1\n");
}
END_TEST

/* Lines torn by a killed thread (NULs), which C strings cannot hold: the line after a
 * torn line is read by the line reader, so that the torn line is not taken for the
 * log's cut end (the torn warning counts 2 lines, not 1). */
START_TEST(block_and_line_readers_agree_on_torn_lines)
{
    static const char log[] = HEADER DEFINITIONS "A\t1\t3\t\t1\0\0\0A\t1\t3\t\t1\n"
                                                 "R\t1\t2\t\t1\nA\t1\t\0\0\0"
                                                 "A\t1\t3\t\t1\n\0\0\nR\t1\t2\t\t1\n"
                                                 "A\t1\t3\t\t2\0\0";
    struct log_diag diag;
    ck_assert_uint_eq(assert_readers_agree_diag(log, sizeof log - 1, &diag), 6);
    ck_assert_str_eq(diag.torn, "t.log:11: warning: 2 lines left unfinished by a thread of "
                                "the program (killed, or still writing the log) were skipped (the "
                                "first is here, before the NUL bytes)");
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 15; analysed up to there");
}
END_TEST

/* The log's first read ends after a chunk (chunk_reader.h's CHUNK_DATA): with a padding line
 * of each length before it, the records there are cut at each of their bytes. */
START_TEST(block_and_line_readers_agree_on_records_cut_by_a_read)
{
    enum { FIRST_READ = CHUNK_DATA };
    for (int shift = 0; shift < 24; shift++) {
        char *log = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&log, &length);
        fprintf(out, HEADER "#%.*s\n" DEFINITIONS, shift, "................................"
                                                          "................................");
        unsigned serial = 1;
        int last_stack = 2;
        for (int i = 0; ftell(out) < FIRST_READ + 4096; i++) {
            if (i % 1000 == 999) {
                /* A new object, with a first event, a frame and a stack. */
                serial++;
                fprintf(out, "f\t%d\t1\t0x%x\tf%d()\t-\ns\t%d\t1\t%d\n", i + 3, i, i, i + 3,
                        i + 3);
                fprintf(out, "N\t%u\t1\t%d\t%d\t0x%x0\t1\t16\n", serial, 100000 + i, i + 3, i);
                last_stack = i + 3;
            }
            fprintf(out, "A\t%u\t2\t%s\t%d\nR\t%u\t1\t\t1\n", serial, i % 7 ? "" : "12345",
                    i % 3 ? 2 : last_stack, serial);
        }
        fclose(out);
        ck_assert_uint_gt(assert_readers_agree(log, length), 10000);
        free(log);
    }
}
END_TEST

static void count_event(const struct log_event *event, void *user)
{
    (void)event;
    ++*(unsigned *)user;
}

/* The block reader itself: it reads every common record up to the last whole line,
 * asks for more when a record is cut, and stops at a line it leaves to the line
 * reader. */
START_TEST(block_reader_reads_common_records_and_stops_at_others)
{
    const struct log_format *format = &refshim_log_format;
    void *state = format->create();
    char error[256] = "";
    unsigned events = 0;
    struct log_sink sink = {.on_event = count_event, .user = &events, .error = error, .error_size = sizeof error};
    char header[] = "# refshim 1";
    ck_assert(format->parse_line(state, header, strlen(header), 1, &sink));
    ck_assert_ptr_nonnull(format->parse_block);

    static const char common[] = "# pid 1\n\nc";
    unsigned long line = 1;
    bool need_more = false;
    size_t read = format->parse_block(state, common, strlen(common), &line, &sink, &need_more);
    ck_assert_uint_eq(read, strlen("# pid 1\n\n"));
    ck_assert_uint_eq(line, 3);
    ck_assert(need_more);
    char class[] = "c\t1\tnsFoo";
    ck_assert(format->parse_line(state, class, strlen(class), 4, &sink));
    line = 4;

    static const char records[] = "m\t1\t/lib/a.so";
    read = format->parse_block(state, records, strlen(records), &line, &sink, &need_more);
    ck_assert_uint_eq(read, 0);
    ck_assert(need_more);
    char module[] = "m\t1\t/lib/a.so";
    ck_assert(format->parse_line(state, module, strlen(module), 5, &sink));
    line = 5;

    static const char events_text[] = "f\t1\t1\t0x10\tfoo()\t-\ns\t1\t0\t1\n"
                                      "N\t1\t1\t7\t1\t0x10\t1\nA\t1\t2\t\t1\nR\t1\t1\t\t0\n"
                                      "x\t1\tmay-be-leaked\nA\t1\t2\t\t1\n";
    need_more = true;
    read = format->parse_block(state, events_text, strlen(events_text), &line, &sink, &need_more);
    ck_assert_uint_eq(read, (size_t)(strstr(events_text, "x\t") - events_text));
    ck_assert_uint_eq(line, 10);
    ck_assert(!need_more);
    ck_assert_uint_eq(events, 3);
    ck_assert_str_eq(error, "");

    static const char cut[] = "A\t1\t2\t\t1\nR\t1\t1\t";
    line = 11;
    read = format->parse_block(state, cut, strlen(cut), &line, &sink, &need_more);
    ck_assert_uint_eq(read, strlen("A\t1\t2\t\t1\n"));
    ck_assert_uint_eq(line, 12);
    ck_assert(need_more);
    ck_assert_uint_eq(events, 4);
    format->destroy(state);
}
END_TEST

/* Event lines of every shape the scanners meet (fields of 1 to 10 digits, negative
 * counts, an empty or a given TID, lines longer than a vector, '\r\n', other bytes):
 * the vector scanner (refshim_block.c, on CPUs with AVX2) and the byte by byte one must
 * make the same tokens of them, wherever the data ends. */
static const char *const scanned_lines[] = {
    "A\t913\t3\t2662\n", "R\t1\t1\t1\n", "A\t12345678\t12345678\t1\n",
    "A\t123456789\t1\t2\n", "A\t1234567890\t1\t2\n", "R\t5\t-3\t7\n", "R\t5\t-\t7\n",
    "R\t5\t-12345678\t7\n", "A\t1\t2\t3\t\n", "A\t1\t2\t3\t44\n", "A\t1\t2\t\t4\n",
    "A\t1\t2\t3\r\n", "A\t1x\t2\t3\n", "A\t1\t2\t3 \n", "A\t1\t2\t3\t4\t5\n",
    "A\t-1\t2\t3\n", "A\t1\t2\t-3\n", "AA\t1\t2\t3\n", "A\t\t2\t3\n", "A\t1\t\t3\n",
    "N\t7\t1\t2\t4242\t0x10\t1\t8\n", "s\t3\t2\t1\n", "# comment\n", "\n",
    "D\t1\t0\t123456789\t123456789\n", "A\t1\t2\t12345678\n", "A\t99999999\t9\t9\t9\n",
};

static void scan_both_ways(const char *text, size_t length, size_t *plain)
{
    /* a copy of its own size: a read past its end is one past the allocation, which
     * check-asan tells */
    char *data = malloc(length);
    ck_assert_ptr_nonnull(data);
    memcpy(data, text, length);
    struct scanned_lines vector = {0}, bytes = {0};
    refshim_scan_lines_with(data, length, &vector, true);
    refshim_scan_lines_with(data, length, &bytes, false);
    ck_assert_ptr_nonnull(vector.tokens);
    ck_assert_ptr_nonnull(bytes.tokens);
    ck_assert_msg(refshim_tokens_equal(&vector, &bytes), "tokens differ for:\n%.*s",
                  (int)length, data);
    if (plain)
        *plain = refshim_plain_events(&vector);
    free(vector.tokens);
    free(bytes.tokens);
    free(data);
}

START_TEST(vector_and_byte_scanners_make_the_same_tokens)
{
    enum { LINES = sizeof scanned_lines / sizeof scanned_lines[0] };
    char data[8192];
    size_t length = 0;
    /* each line after each other, some twice, so that shapes are met again */
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < LINES; i++)
            for (size_t again = 0; again <= (round + i) % 2; again++) {
                size_t size = strlen(scanned_lines[i]);
                ck_assert_uint_lt(length + size, sizeof data);
                memcpy(data + length, scanned_lines[i], size);
                length += size;
            }
    size_t plain;
    scan_both_ways(data, length, &plain);
    /* the plain events among them are tokens, not left to be read from their text */
    ck_assert_uint_gt(plain, 3 * 10);
    /* the data ending at every byte: its last lines near or at the very end */
    for (size_t cut = 1; cut < 400; cut++)
        scan_both_ways(data, cut, NULL);
}
END_TEST

START_TEST(readers_agree_on_scanned_lines)
{
    char log[8192];
    for (size_t i = 0; i < sizeof scanned_lines / sizeof scanned_lines[0]; i++) {
        /* the line among events of the live object 1, far enough from the end for the
         * vector scanner */
        int length = snprintf(log, sizeof log,
                              HEADER_V2 DEFINITIONS_V2 "%sA\t1\t3\t1\n%sR\t1\t2\t2\n"
                              "A\t1\t3\t1\nR\t1\t2\t1\nA\t1\t3\t1\nR\t1\t2\t1\nA\t1\t3\t1\n"
                              "R\t1\t2\t1\nA\t1\t3\t1\nR\t1\t2\t1\nA\t1\t3\t1\nR\t1\t2\t1\n",
                              scanned_lines[i], scanned_lines[i]);
        ck_assert_int_lt(length, (int)sizeof log);
        assert_readers_agree(log, (size_t)length);
    }
}
END_TEST

Suite *refshim_readers_suite(void)
{
    Suite *suite = suite_create("refshim_readers");
    TCase *cases = tcase_create("agree");
    tcase_set_timeout(cases, 60);
    tcase_add_test(cases, block_and_line_readers_agree_on_odd_lines);
    tcase_add_test(cases, block_and_line_readers_agree_on_odd_lines_v2);
    tcase_add_test(cases, block_and_line_readers_agree_on_torn_lines);
    tcase_add_test(cases, block_and_line_readers_agree_on_records_cut_by_a_read);
    tcase_add_test(cases, block_reader_reads_common_records_and_stops_at_others);
    tcase_add_test(cases, vector_and_byte_scanners_make_the_same_tokens);
    tcase_add_test(cases, readers_agree_on_scanned_lines);
    suite_add_tcase(suite, cases);
    return suite;
}
