/* test_log_reader.c - unit tests for log_reader.c and refshim_format.c: events of good
 * logs, truncated logs, and the message (with its line number) for each kind of error. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_reader.h"
#include "event_transcript.h"
#include "log_reader.h"

#define HEADER "# refshim 1\n# pid 4242\n# exe /tmp/demo/app\n# start 2026-11-23T09:40:00Z\n"
#define DEFINITIONS                                                  \
    "m\t1\t/tmp/demo/app\n"                                          \
    "f\t1\t1\t0x1189\tNS_NewFoo(nsFoo**)\tdemo.cc:12\n"              \
    "f\t2\t1\t0x11d0\tDoSomethingWithFooAndReturnItToo()\tdemo.cc:19\n" \
    "f\t3\t1\t0x1201\tmain\tdemo.cc:25\n"                            \
    "s\t1\t0\t3\n"                                                   \
    "s\t2\t1\t2\n"                                                   \
    "s\t3\t2\t1\n"                                                   \
    "c\t1\tnsFoo\n"                                                  \
    "o\t1\t0x55d0c0a8e2a0\t1\n"
/* Lines 1-13 above; the events are lines 14-16. */
#define EXAMPLE HEADER DEFINITIONS "N\t1\t1\t4242\t3\nA\t1\t2\t4242\t2\nR\t1\t1\t4242\t1\n"

static const char example_events[] =
    "14: N 1 0x55d0c0a8e2a0=0x55d0c0a8e2a0 nsFoo 1 4242 [NS_NewFoo(nsFoo**)|/tmp/demo/app|0x1189|"
    "demo.cc:12; DoSomethingWithFooAndReturnItToo()|/tmp/demo/app|0x11d0|demo.cc:19; "
    "main|/tmp/demo/app|0x1201|demo.cc:25]\n"
    "15: A 1 0x55d0c0a8e2a0=0x55d0c0a8e2a0 nsFoo 2 4242 [DoSomethingWithFooAndReturnItToo()|"
    "/tmp/demo/app|0x11d0|demo.cc:19; main|/tmp/demo/app|0x1201|demo.cc:25]\n"
    "16: R 1 0x55d0c0a8e2a0=0x55d0c0a8e2a0 nsFoo 1 4242 [main|/tmp/demo/app|0x1201|demo.cc:25]\n";

START_TEST(good_log_gives_resolved_events)
{
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(EXAMPLE, strlen(EXAMPLE), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, example_events);
    ck_assert_str_eq(diag.message, "");
    ck_assert_str_eq(diag.warning, "");
    free(transcript.text);
}
END_TEST

START_TEST(empty_stack_unknown_module_and_source)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text(HEADER "# something new\nf\t1\t0\t0x7f0011\t???\t-\ns\t1\t0\t1\nc\t7\twidget\n"
                     "o\t3\t0x00253ab0\t7\nA\t3\t1\t99\t0\nD\t3\t0\t99\t1\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "10: A 3 0x00253ab0=0x253ab0 widget 1 99 []\n"
                                      "11: D 3 0x00253ab0=0x253ab0 widget 0 99 "
                                      "[???|(none)|0x7f0011|(none)]\n");
    free(transcript.text);
}
END_TEST

START_TEST(module_with_build_id_is_read_like_one_without)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text(HEADER "m\t1\t/tmp/demo/app\t4f6b8172a2925de91f738f9a1e93ae721ecd6171\n"
                     "f\t1\t1\t0x1189\tNS_NewFoo(nsFoo**)\tdemo.cc:12\ns\t1\t0\t1\n"
                     "c\t1\tnsFoo\no\t1\t0x10\t1\nN\t1\t1\t7\t1\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "10: N 1 0x10=0x10 nsFoo 1 7 [NS_NewFoo(nsFoo**)|/tmp/demo/app|0x1189|demo.cc:12]\n");
    free(transcript.text);
}
END_TEST

START_TEST(crlf_line_ends_are_accepted)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("# refshim 1\r\n# pid 4242\r\nc\t1\tnsFoo\r\no\t1\t0x10\t1\r\nN\t1\t1\t7\t0\r\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "5: N 1 0x10=0x10 nsFoo 1 7 []\n");
    ck_assert_str_eq(diag.warning, "");
    free(transcript.text);
}
END_TEST

START_TEST(cut_last_line_is_ignored_with_a_warning)
{
    static const char log[] = EXAMPLE "A\t1\t2\t42";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, example_events);
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 16; analysed up to there");
    free(transcript.text);
}
END_TEST

START_TEST(nul_bytes_are_skipped)
{
    /* NUL padding after the last line, and a run of NULs inside the log: the log of a
     * program that died while writing it, so it is said to be cut. */
    static const char log[] = HEADER "c\t1\tnsFoo\n\0\0\0\0o\t1\t0x10\t1\nN\t1\t1\t7\t0\n\0\0\0\0\0\0";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "7: N 1 0x10=0x10 nsFoo 1 7 []\n");
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 7; analysed up to there");
    free(transcript.text);
}
END_TEST

START_TEST(nul_padding_after_a_cut_line_still_warns)
{
    static const char log[] = HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\nN\t1\t1\t7\0\0\0";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "");
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 6; analysed up to there");
    free(transcript.text);
}
END_TEST

/* Threads write into blocks of their own: a thread killed while writing an event leaves
 * part of a line, then the NULs of the rest of its block, then another thread's block. */
START_TEST(line_torn_by_a_killed_thread_is_skipped_and_told_once)
{
    static const char log[] = HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\no\t2\t0x20\t1\n"
                                     "N\t1\t1\t7\t0\nN\t2\t1\t8\t0\nA\t1\t2\t7\0\0\0\0"
                                     "A\t2\t2\t8\t0\n\n\nR\t2\t1\t8\t0\nA\t1\t\0\0"
                                     "D\t2\t0\t8\t0\n\0\0\0";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_OK);
    /* The torn line and the line after it are one line of the file: line 10. */
    ck_assert_str_eq(transcript.text, "8: N 1 0x10=0x10 nsFoo 1 7 []\n"
                                      "9: N 2 0x20=0x20 nsFoo 1 8 []\n"
                                      "10: A 2 0x20=0x20 nsFoo 2 8 []\n"
                                      "13: R 2 0x20=0x20 nsFoo 1 8 []\n"
                                      "14: D 2 0x20=0x20 nsFoo 0 8 []\n");
    ck_assert_str_eq(diag.torn, "t.log:10: warning: 2 lines left unfinished by a thread of the "
                                "program (killed, or still writing the log) were skipped (the first is here, before the NUL "
                                "bytes)");
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 14; analysed up to there");
    free(transcript.text);
}
END_TEST

/* A log read while its program writes it is no snapshot: the reader can pass a line's
 * place before the line is written and find its end written further on (a pread copies
 * page after page). The end after the NULs is skipped as torn, not an error; a line after
 * NULs that reads well is read. */
START_TEST(end_of_a_line_after_unwritten_bytes_is_skipped_as_torn)
{
    static const char log[] = HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\no\t2\t0x20\t1\n"
                                     "N\t1\t1\t7\t0\n\0\0\0\0\t2\t7\t0\n"
                                     "N\t2\t1\t8\t0\n\0\0\0R\t1\t0\t7\t0\n";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "8: N 1 0x10=0x10 nsFoo 1 7 []\n"
                                      "10: N 2 0x20=0x20 nsFoo 1 8 []\n"
                                      "11: D 1 0x10=0x10 nsFoo 0 7 []\n");
    ck_assert_str_eq(diag.torn, "t.log:9: warning: 1 line left unfinished by a thread of the "
                                "program (killed, or still writing the log) was skipped (the first is here, before the NUL "
                                "bytes)");
    ck_assert_str_eq(diag.warning, "");
    free(transcript.text);
}
END_TEST

/* The same log read while written can hold a thread's event before the line of another
 * thread that introduced its object: the line is skipped, and the warning says why. */
START_TEST(unreadable_line_in_a_log_with_unwritten_bytes_is_skipped_and_told)
{
    static const char log[] = HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\n\0\0\0\0\0\0\0\0"
                                     "o\t2\t0x20\t1\nA\t3\t2\t7\t0\nN\t2\t1\t7\t0\n"
                                     "A\t4\t2\t7\t0\n";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "9: N 2 0x20=0x20 nsFoo 1 7 []\n");
    ck_assert_str_eq(diag.torn, "t.log:8: warning: 2 lines that could not be read were skipped "
                                "(the first is here: event for object 3, which no earlier line "
                                "introduced): the log has unwritten parts, NUL bytes, as when "
                                "its program is still writing it, and a line may need another "
                                "that was not written yet");
    free(transcript.text);
}
END_TEST

/* Without NUL bytes, the same line is an error. */
START_TEST(unreadable_line_in_a_whole_log_is_an_error)
{
    static const char log[] = HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\no\t2\t0x20\t1\n"
                                     "A\t3\t2\t7\t0\n";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_BAD_LOG);
    ck_assert_str_eq(diag.message, "t.log:8: event for object 3, which no earlier line "
                                   "introduced");
    free(transcript.text);
}
END_TEST

/* The torn part begins in one read of the file and its NULs come in the next. */
START_TEST(line_torn_across_a_read_block)
{
    enum { BLOCK = CHUNK_DATA };
    static const char start[] = HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\n";
    static const char torn[] = "N\t1\t1\t7";
    static const char after[] = "N\t1\t1\t8\t0\n";
    size_t size = BLOCK + 4096;
    char *log = calloc(1, size);
    ck_assert_ptr_nonnull(log);
    size_t at = strlen(start);
    memcpy(log, start, at);
    /* Comment lines up to three bytes before the end of the first read. */
    unsigned long comments = 0;
    while (at + 64 <= BLOCK - 3) {
        memcpy(log + at, "#", 1);
        memset(log + at + 1, 'x', 62);
        log[at + 63] = '\n';
        at += 64, comments++;
    }
    size_t fill = BLOCK - 3 - at - 1;
    memset(log + at, '#', fill);
    log[at + fill] = '\n';
    at += fill + 1, comments++;
    memcpy(log + at, torn, strlen(torn));
    at += strlen(torn) + 100;
    memcpy(log + at, after, strlen(after));
    at += strlen(after);
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, at, &transcript, &diag), LOG_STATUS_OK);
    char expected[128];
    unsigned long torn_line = 6 + comments + 1;
    snprintf(expected, sizeof expected, "%lu: N 1 0x10=0x10 nsFoo 1 8 []\n", torn_line);
    ck_assert_str_eq(transcript.text, expected);
    snprintf(expected, sizeof expected, "t.log:%lu: warning: 1 line left unfinished", torn_line);
    ck_assert_msg(strncmp(diag.torn, expected, strlen(expected)) == 0, "torn: %s", diag.torn);
    free(transcript.text);
    free(log);
}
END_TEST

START_TEST(header_alone_without_newline_is_a_cut_log)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("# refshim 1", &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 0; analysed up to there");
    free(transcript.text);
}
END_TEST

/* Since the `o` record was folded into the first event: the same events as with it. */
START_TEST(first_event_introduces_its_object)
{
    struct transcript transcript;
    struct log_diag diag;
    const char *log = HEADER DEFINITIONS "N\t2\t1\t4242\t3\t0x20\t1\t24\nA\t2\t2\t\t2\n"
                                         "A\t3\t2\t\t0\t0x30\t1\nR\t3\t1\t\t0\n";
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "14: N 2 0x20=0x20 nsFoo 1 4242 [NS_NewFoo(nsFoo**)|/tmp/demo/app|0x1189|"
                     "demo.cc:12; DoSomethingWithFooAndReturnItToo()|/tmp/demo/app|0x11d0|demo.cc:19; "
                     "main|/tmp/demo/app|0x1201|demo.cc:25] size=24\n"
                     "15: A 2 0x20=0x20 nsFoo 2 4242 [DoSomethingWithFooAndReturnItToo()|"
                     "/tmp/demo/app|0x11d0|demo.cc:19; main|/tmp/demo/app|0x1201|demo.cc:25] size=24\n"
                     "16: A 3 0x30=0x30 nsFoo 2 4242 []\n"
                     "17: R 3 0x30=0x30 nsFoo 1 4242 []\n");
    free(transcript.text);
    assert_bad_log(HEADER DEFINITIONS "N\t2\t1\t4242\t3\t0x20\n",
                   "t.log:14: 'N' record has 6 fields, expected 5");
    assert_bad_log(HEADER DEFINITIONS "N\t2\t1\t4242\t3\tnope\t1\n",
                   "t.log:14: bad ADDRESS 'nope' in 'N' record");
    assert_bad_log(HEADER DEFINITIONS "N\t2\t1\t4242\t3\t0x20\t9\n",
                   "t.log:14: class 9 is not defined");
    assert_bad_log(HEADER DEFINITIONS "N\t1\t1\t4242\t3\t0x20\t1\n",
                   "t.log:14: object 1 is introduced twice");
}
END_TEST

/* `t SERIAL TAG` after an object's first event: the tag is that event's, and only its. */
START_TEST(tag_record_tags_the_first_event)
{
    struct transcript transcript;
    struct log_diag diag;
    const char *log = HEADER DEFINITIONS "N\t2\t1\t4242\t0\t0x20\t1\nt\t2\tmade for tests\n"
                                         "A\t2\t2\t\t0\n# a comment\nN\t3\t1\t\t0\t0x30\t1\n";
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "14: N 2 0x20=0x20 nsFoo 1 4242 [] tag=made for tests\n"
                                      "16: A 2 0x20=0x20 nsFoo 2 4242 []\n"
                                      "18: N 3 0x30=0x30 nsFoo 1 4242 []\n");
    free(transcript.text);
}
END_TEST

START_TEST(bad_tag_records)
{
    assert_bad_log(HEADER DEFINITIONS "t\t5\tmade for tests\n",
                   "t.log:14: 't' record for object 5, which no earlier line introduced");
    assert_bad_log(HEADER DEFINITIONS "N\t2\t1\t4242\t0\t0x20\t1\nA\t2\t2\t\t0\nt\t2\tlate\n",
                   "t.log:16: 't' record for object 2 does not follow its first event");
    assert_bad_log(HEADER DEFINITIONS "t\t1\tnot after its first event\n",
                   "t.log:14: 't' record for object 1 does not follow its first event");
    assert_bad_log(HEADER DEFINITIONS "N\t2\t1\t4242\t0\t0x20\t1\nt\t2\t\n",
                   "t.log:15: empty TAG in 't' record");
    assert_bad_log(HEADER DEFINITIONS "N\t2\t1\t4242\t0\t0x20\t1\nt\t2\n",
                   "t.log:15: 't' record has 2 fields, expected 3");
}
END_TEST

START_TEST(destroyed_object_is_forgotten)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text(HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\nN\t1\t1\t7\t0\nD\t1\t0\t7\t0\n"
                     "o\t2\t0x10\t1\nN\t2\t1\t7\t0\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "7: N 1 0x10=0x10 nsFoo 1 7 []\n"
                                      "8: D 1 0x10=0x10 nsFoo 0 7 []\n"
                                      "10: N 2 0x10=0x10 nsFoo 1 7 []\n");
    free(transcript.text);
}
END_TEST

#define UNKNOWN_FORMAT \
    ": unknown log format (not a refshim, Mozilla XPCOM refcount/alloc or Asterisk refs log)"

START_TEST(not_a_refshim_log)
{
    assert_bad_log("hello\n", "t.log:1" UNKNOWN_FORMAT);
    assert_bad_log("", "t.log:1: empty log (no reference-count records)");
    assert_bad_log("\n\n", "t.log:3: empty log (no reference-count records)");
    assert_bad_log("\nhello\n", "t.log:2" UNKNOWN_FORMAT);
    assert_bad_log("# refshimmer 1\n", "t.log:1" UNKNOWN_FORMAT);
    assert_bad_log("<nsFoo> 0x7f0a1c02a0c0 1 Grab 1\n", "t.log:1" UNKNOWN_FORMAT);
    assert_bad_log("# refshim 3\n",
                   "t.log:1: refshim log format version '3' is not supported (this reader "
                   "knows 1 and 2)");
}
END_TEST

START_TEST(unknown_record_kind)
{
    assert_bad_log(HEADER "q\t1\n", "t.log:5: unknown record kind 'q'");
    assert_bad_log(HEADER "mm\t1\t/a\n", "t.log:5: unknown record kind 'mm'");
    assert_bad_log(HEADER " m\t1\t/a\n", "t.log:5: unknown record kind ' m'");
}
END_TEST

START_TEST(wrong_field_counts)
{
    assert_bad_log(HEADER "m\t1\n", "t.log:5: 'm' record has 2 fields, expected 3");
    assert_bad_log(HEADER "m\t1\t/a\tab\t\n", "t.log:5: 'm' record has 5 fields, expected 3");
    assert_bad_log(HEADER DEFINITIONS "N\t1\t1\t4242\n",
                   "t.log:14: 'N' record has 4 fields, expected 5");
    assert_bad_log(HEADER "f\t1\t0\t0x10\tfoo\n", "t.log:5: 'f' record has 5 fields, expected 6");
    assert_bad_log(HEADER "s\t1\t0\t1\t1\t1\t1\t1\t1\t1\n",
                   "t.log:5: 's' record has 10 fields, expected 4");
}
END_TEST

/* The shim leaves the TID out of an event that follows one of the same thread. */
START_TEST(empty_tid_is_the_previous_events)
{
    struct transcript transcript;
    struct log_diag diag;
    const char *log = HEADER DEFINITIONS "N\t1\t1\t4242\t3\nA\t1\t2\t\t2\nR\t1\t1\t\t1\n";
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, example_events);
    free(transcript.text);
    assert_bad_log(HEADER DEFINITIONS "N\t1\t1\t\t3\n",
                   "t.log:14: empty TID in the first event of the log");
}
END_TEST

/* Format 2: the TID after STACK, left out with its TAB after a line of the same thread. */
#define HEADER2 "# refshim 2\n# pid 4242\n# exe /tmp/demo/app\n# start 2026-11-23T09:40:00Z\n"
#define DEFINITIONS2 DEFINITIONS "c\t2\tnsBar\n"

START_TEST(format_2_gives_the_events_of_format_1)
{
    struct transcript transcript;
    struct log_diag diag;
    const char *log = HEADER2 DEFINITIONS "N\t1\t1\t3\t4242\nA\t1\t2\t2\nR\t1\t1\t1\t4242\n";
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, example_events);
    free(transcript.text);
}
END_TEST

/* An N of format 2 without CLASS and SIZE has those of its thread's previous N; other
 * threads' Ns between do not count. */
START_TEST(format_2_new_repeats_its_threads_previous_class)
{
    struct transcript transcript;
    struct log_diag diag;
    const char *log = HEADER2 DEFINITIONS2
        "N\t2\t1\t0\t7\t0x20\t1\t24\n"     /* 15: thread 7, nsFoo 24 */
        "N\t3\t1\t0\t8\t0x30\t2\n"          /* 16: thread 8, nsBar */
        "A\t3\t2\t0\n"                         /* 17: thread 8 */
        "N\t4\t1\t0\t\t0x40\n"                /* 18: thread 8's previous: nsBar */
        "N\t5\t1\t0\t7\t0x50\n"               /* 19: thread 7's previous: nsFoo 24 */
        "N\t6\t1\t0\t\t0x60\t2\t8\n"         /* 20: thread 7, nsBar 8 */
        "N\t7\t1\t0\t\t0x70\n"                /* 21: nsBar 8 */
        "N\t8\t1\t0\t\t0x80\t2\n"            /* 22: nsBar, no size */
        "N\t9\t1\t0\t\t0x90\n"                /* 23: nsBar, no size */
        "A\t10\t5\t0\t\t0xa0\t1\n"           /* 24: an A first event keeps its class */
        "N\t11\t1\t0\t\t0xb0\n";              /* 25: and does not count as an N */
    ck_assert_int_eq(read_log(log, strlen(log), &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "15: N 2 0x20=0x20 nsFoo 1 7 [] size=24\n"
                                      "16: N 3 0x30=0x30 nsBar 1 8 []\n"
                                      "17: A 3 0x30=0x30 nsBar 2 8 []\n"
                                      "18: N 4 0x40=0x40 nsBar 1 8 []\n"
                                      "19: N 5 0x50=0x50 nsFoo 1 7 [] size=24\n"
                                      "20: N 6 0x60=0x60 nsBar 1 7 [] size=8\n"
                                      "21: N 7 0x70=0x70 nsBar 1 7 [] size=8\n"
                                      "22: N 8 0x80=0x80 nsBar 1 7 []\n"
                                      "23: N 9 0x90=0x90 nsBar 1 7 []\n"
                                      "24: A 10 0xa0=0xa0 nsFoo 5 7 []\n"
                                      "25: N 11 0xb0=0xb0 nsBar 1 7 []\n");
    free(transcript.text);
}
END_TEST

START_TEST(format_2_errors)
{
    assert_bad_log(HEADER2 DEFINITIONS "N\t2\t1\t0\t7\t0x20\n",
                   "t.log:14: 'N' record leaves out CLASS, and thread 7 has no N before it");
    assert_bad_log(HEADER2 DEFINITIONS "N\t2\t1\t0\t7\t0x20\t1\nA\t3\t2\t0\t\t0x30\n",
                   "t.log:15: 'A' record leaves out CLASS, which only an N after an N of its "
                   "thread may");
    assert_bad_log(HEADER2 DEFINITIONS "N\t2\t1\t0\t\t0x20\t1\n",
                   "t.log:14: empty TID in the first event of the log");
    assert_bad_log(HEADER2 DEFINITIONS "N\t1\t1\n",
                   "t.log:14: 'N' record has 3 fields, expected 4 or 5 (6 to 8 on an object's "
                   "first event)");
    assert_bad_log(HEADER2 DEFINITIONS "N\t2\t1\t0\t7\t0x20\t1\t2\t3\n",
                   "t.log:14: 'N' record has 9 fields, expected 4 or 5 (6 to 8 on an object's "
                   "first event)");
    assert_bad_log(HEADER2 DEFINITIONS "A\t1\t2\t0\tx\n", "t.log:14: bad TID 'x' in 'A' record");
    assert_bad_log(HEADER2 DEFINITIONS "A\t1\t2\t9\t7\n", "t.log:14: stack 9 is not defined");
    assert_bad_log(HEADER2 DEFINITIONS "N\t2\t1\t0\t7\t0x20\tx\n",
                   "t.log:14: bad CLASS 'x' in 'N' record");
}
END_TEST

START_TEST(bad_numbers)
{
    assert_bad_log(HEADER "m\tx1\t/a\n", "t.log:5: bad ID 'x1' in 'm' record");
    assert_bad_log(HEADER "m\t-1\t/a\n", "t.log:5: bad ID '-1' in 'm' record");
    assert_bad_log(HEADER "m\t\t/a\n", "t.log:5: bad ID '' in 'm' record");
    assert_bad_log(HEADER "m\t0x\t/a\n", "t.log:5: bad ID '0x' in 'm' record");
    assert_bad_log(HEADER "m\t99999999999999999999\t/a\n",
                   "t.log:5: bad ID '99999999999999999999' in 'm' record");
    assert_bad_log(HEADER "f\t1\t0\tzz\tfoo\t-\n", "t.log:5: bad OFFSET 'zz' in 'f' record");
    /* The optional build-id: an even number of lower-case hex digits. */
    assert_bad_log(HEADER "m\t1\t/a\t\n", "t.log:5: bad BUILD-ID '' in 'm' record");
    assert_bad_log(HEADER "m\t1\t/a\tabc\n", "t.log:5: bad BUILD-ID 'abc' in 'm' record");
    assert_bad_log(HEADER "m\t1\t/a\tAB\n", "t.log:5: bad BUILD-ID 'AB' in 'm' record");
    assert_bad_log(HEADER "c\t1\tnsFoo\no\t1\tnope\t1\n",
                   "t.log:6: bad ADDRESS 'nope' in 'o' record");
    assert_bad_log(HEADER DEFINITIONS "N\t1\tone\t4242\t3\n",
                   "t.log:14: bad COUNT 'one' in 'N' record");
    assert_bad_log(HEADER DEFINITIONS "A\t1\t1\t4242 \t3\n",
                   "t.log:14: bad TID '4242 ' in 'A' record");
    assert_bad_log(HEADER "m\t0\t/a\n", "t.log:5: ID 0 is reserved in 'm' record");
}
END_TEST

START_TEST(undefined_references)
{
    assert_bad_log(HEADER "f\t1\t2\t0x10\tfoo\t-\n", "t.log:5: module 2 is not defined");
    assert_bad_log(HEADER "s\t1\t0\t1\n", "t.log:5: frame 1 is not defined");
    assert_bad_log(HEADER "f\t1\t0\t0x10\tfoo\t-\ns\t2\t1\t1\n", "t.log:6: stack 1 is not defined");
    assert_bad_log(HEADER "o\t1\t0x10\t1\n", "t.log:5: class 1 is not defined");
    assert_bad_log(HEADER DEFINITIONS "N\t1\t1\t4242\t9\n", "t.log:14: stack 9 is not defined");
    assert_bad_log(HEADER "m\t1\t/a\nm\t1\t/b\n", "t.log:6: 'm' 1 is defined twice");
    assert_bad_log(HEADER "c\t1\tA\no\t1\t0x10\t1\no\t1\t0x20\t1\n",
                   "t.log:7: object 1 is introduced twice");
}
END_TEST

START_TEST(event_for_unknown_or_finished_serial)
{
    assert_bad_log(HEADER DEFINITIONS "A\t2\t1\t4242\t3\n",
                   "t.log:14: event for object 2, which no earlier line introduced");
    /* After D the change is an anomaly, not an error: reading goes on. */
    struct transcript transcript;
    struct log_diag diag;
    read_text(HEADER DEFINITIONS "N\t1\t1\t7\t0\nD\t1\t0\t7\t0\nR\t1\t0\t7\t0\n"
                                 "o\t2\t0x20\t1\nA\t2\t3\t7\t0\nA\t2\t5\t7\t0\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "14: N 1 0x55d0c0a8e2a0=0x55d0c0a8e2a0 nsFoo 1 7 []\n"
                     "15: D 1 0x55d0c0a8e2a0=0x55d0c0a8e2a0 nsFoo 0 7 []\n"
                     "16: X 0 ?=0 ? 0 7 [] !change after the object's destruction\n"
                     "18: A 2 0x20=0x20 nsFoo 3 7 []\n"
                     "19: A 2 0x20=0x20 nsFoo 5 7 [] !the count after this AddRef is 5 in the log but 4 after the events before it: an event is "
                     "missing\n");
    free(transcript.text);
}
END_TEST

START_TEST(error_line_counts_crlf_and_cut_lines_correctly)
{
    assert_bad_log("# refshim 1\r\n\r\nq\r\n", "t.log:3: unknown record kind 'q'");
}
END_TEST

static void ignore_event(const struct log_event *event, void *user)
{
    (void)event;
    (void)user;
}

START_TEST(unreadable_path_is_reported)
{
    struct log_diag diag;
    ck_assert_int_eq(log_read_path("/nonexistent/refshim.log", ignore_event, NULL, &diag),
                     LOG_STATUS_CANNOT_READ);
    ck_assert_str_eq(diag.message, "/nonexistent/refshim.log: No such file or directory");
    ck_assert_int_eq(log_read_path("/", ignore_event, NULL, &diag), LOG_STATUS_CANNOT_READ);
    ck_assert_str_eq(diag.message, "/: Is a directory");
}
END_TEST

/* Two live objects at one address are impossible: the older one is taken as ended (K)
 * with a warning on the line where the newer one started (by an N or by a first event).
 * That is decided at the end of the log: threads may log the older one's destruction
 * after the newer one's start, and the serials keep them apart until then. */
START_TEST(second_live_object_at_an_address_ends_the_first)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text(HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\nN\t1\t1\t7\t0\n"
                     "o\t2\t0x10\t1\nN\t2\t1\t7\t0\n"
                     "o\t3\t0x10\t1\nA\t3\t2\t7\t0\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "7: N 1 0x10=0x10 nsFoo 1 7 []\n"
                     "9: N 2 0x10=0x10 nsFoo 1 7 []\n"
                     "11: A 3 0x10=0x10 nsFoo 2 7 []\n"
                     "9: K 1 0x10=0x10 nsFoo 1 0 [] !object 2 starts at this address while "
                     "object 1 is alive there: the log misses the destruction of 1, taken as "
                     "ended here\n"
                     "11: K 2 0x10=0x10 nsFoo 1 0 [] !object 3 starts at this address while "
                     "object 2 is alive there: the log misses the destruction of 2, taken as "
                     "ended here\n");
    free(transcript.text);
}
END_TEST

/* Another thread logged the older object's destruction after the newer one's start at its
 * address (freed, reused, then logged): the serials tell them apart, and nothing is wrong. */
START_TEST(older_object_destroyed_after_newer_one_started)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text(HEADER "c\t1\tnsFoo\no\t1\t0x10\t1\nN\t1\t1\t7\t0\n"
                     "o\t2\t0x10\t1\nN\t2\t1\t8\t0\n"
                     "D\t1\t0\t7\t0\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "7: N 1 0x10=0x10 nsFoo 1 7 []\n"
                     "9: N 2 0x10=0x10 nsFoo 1 8 []\n"
                     "10: D 1 0x10=0x10 nsFoo 0 7 []\n");
    free(transcript.text);
}
END_TEST

Suite *log_reader_suite(void)
{
    Suite *suite = suite_create("log_reader");
    TCase *good = tcase_create("good");
    tcase_add_test(good, good_log_gives_resolved_events);
    tcase_add_test(good, empty_stack_unknown_module_and_source);
    tcase_add_test(good, destroyed_object_is_forgotten);
    tcase_add_test(good, second_live_object_at_an_address_ends_the_first);
    tcase_add_test(good, older_object_destroyed_after_newer_one_started);
    tcase_add_test(good, module_with_build_id_is_read_like_one_without);
    tcase_add_test(good, empty_tid_is_the_previous_events);
    tcase_add_test(good, first_event_introduces_its_object);
    tcase_add_test(good, tag_record_tags_the_first_event);
    tcase_add_test(good, format_2_gives_the_events_of_format_1);
    tcase_add_test(good, format_2_new_repeats_its_threads_previous_class);
    suite_add_tcase(suite, good);
    TCase *damaged = tcase_create("damaged");
    tcase_add_test(damaged, crlf_line_ends_are_accepted);
    tcase_add_test(damaged, cut_last_line_is_ignored_with_a_warning);
    tcase_add_test(damaged, nul_bytes_are_skipped);
    tcase_add_test(damaged, nul_padding_after_a_cut_line_still_warns);
    tcase_add_test(damaged, line_torn_by_a_killed_thread_is_skipped_and_told_once);
    tcase_add_test(damaged, line_torn_across_a_read_block);
    tcase_add_test(damaged, end_of_a_line_after_unwritten_bytes_is_skipped_as_torn);
    tcase_add_test(damaged, unreadable_line_in_a_log_with_unwritten_bytes_is_skipped_and_told);
    tcase_add_test(damaged, unreadable_line_in_a_whole_log_is_an_error);
    tcase_add_test(damaged, header_alone_without_newline_is_a_cut_log);
    suite_add_tcase(suite, damaged);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, not_a_refshim_log);
    tcase_add_test(errors, unknown_record_kind);
    tcase_add_test(errors, wrong_field_counts);
    tcase_add_test(errors, bad_numbers);
    tcase_add_test(errors, undefined_references);
    tcase_add_test(errors, event_for_unknown_or_finished_serial);
    tcase_add_test(errors, bad_tag_records);
    tcase_add_test(errors, format_2_errors);
    tcase_add_test(errors, error_line_counts_crlf_and_cut_lines_correctly);
    tcase_add_test(errors, unreadable_path_is_reported);
    suite_add_tcase(suite, errors);
    return suite;
}
