/* The Mozilla reader reads common records straight from the buffer (mozilla_block.c) and
 * everything else line by line (mozilla_format.c): both must give the same events, the
 * same errors and warnings. Checked on every file of the fuzz corpus (test/fuzz/corpus,
 * relative to the tree's top, where make unit runs), whose refshim logs check the
 * refshim block reader (refshim_block.c) the same way. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_transcript.h"
#include "lives_reading.h"
#include "log_reader.h"

#define CORPUS "test/fuzz/corpus"

static char *slurp(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *data = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&data, &size);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, out);
    fclose(f);
    fclose(out);
    *length = size;
    return data;
}

/* Fails, naming PATH and HOW it was read, when a reading differs from the one by lines. */
static void assert_same_reading(const char *path, const char *how, int status,
                                const struct transcript *reading, const struct log_diag *diag,
                                int lines_status, const struct transcript *lines,
                                const struct log_diag *lines_diag)
{
    ck_assert_msg(status == lines_status, "%s: status %d %s, by lines %d", path, status, how,
                  lines_status);
    ck_assert_msg(strcmp(reading->text, lines->text) == 0,
                  "%s: events differ %s:\n%s\nby lines:\n%s", path, how, reading->text,
                  lines->text);
    ck_assert_msg(strcmp(diag->message, lines_diag->message) == 0, "%s: %s %s / %s", path,
                  diag->message, how, lines_diag->message);
    ck_assert_msg(strcmp(diag->warning, lines_diag->warning) == 0, "%s: warnings differ %s",
                  path, how);
    ck_assert_msg(strcmp(diag->torn, lines_diag->torn) == 0, "%s: torn differ %s", path, how);
}

/* A log read the three ways: with scans, by blocks, by lines. */
struct readings {
    struct transcript fast, blocks, lines;
    struct log_diag fast_diag, blocks_diag, lines_diag;
    int lines_status;
};

/* Reads LOG the three ways into R; fails, naming NAME, where the reading with scans or by
 * blocks differs from the one by lines. free_readings frees the transcripts. */
static void read_three_ways(const char *name, const char *log, size_t length,
                            struct readings *r)
{
    int fast_status = read_log(log, length, &r->fast, &r->fast_diag);
    int blocks_status = read_log_without_scans(log, length, &r->blocks, &r->blocks_diag);
    r->lines_status = read_log_by_lines(log, length, &r->lines, &r->lines_diag);
    assert_same_reading(name, "by blocks", blocks_status, &r->blocks, &r->blocks_diag,
                        r->lines_status, &r->lines, &r->lines_diag);
    assert_same_reading(name, "with scans", fast_status, &r->fast, &r->fast_diag,
                        r->lines_status, &r->lines, &r->lines_diag);
}

static void free_readings(struct readings *r)
{
    free(r->fast.text);
    free(r->blocks.text);
    free(r->lines.text);
}

/* Reads PATH the three ways (with scans, by blocks, by lines); fails naming the file when they differ. Returns the first word of
 * the file's name ("mozilla", "refshim") if it gave events (a file a block reader could
 * have read), else "". */
static const char *readers_agree_on(const char *path)
{
    size_t length;
    char *log = slurp(path, &length);
    struct readings r;
    read_three_ways(path, log, length, &r);
    assert_lives_reading_agrees(log, length, transcript_event_line, 1);
    const char *name = path + strlen(CORPUS) + 1;
    const char *kind = r.fast.size == 0                      ? ""
                       : strncmp(name, "mozilla", 7) == 0 ? "mozilla"
                       : strncmp(name, "refshim", 7) == 0 ? "refshim"
                                                          : "";
    free_readings(&r);
    free(log);
    return kind;
}

START_TEST(block_and_line_readers_agree_on_the_corpus)
{
    DIR *dir = opendir(CORPUS);
    ck_assert_msg(dir != NULL, "cannot open " CORPUS);
    unsigned files = 0, mozilla_logs = 0, refshim_logs = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", CORPUS, entry->d_name);
        files++;
        const char *kind = readers_agree_on(path);
        mozilla_logs += strcmp(kind, "mozilla") == 0;
        refshim_logs += strcmp(kind, "refshim") == 0;
    }
    closedir(dir);
    /* The corpus must hold Mozilla logs with events, or the test shows nothing. */
    ck_assert_uint_ge(files, 9);
    ck_assert_uint_ge(mozilla_logs, 4);
    ck_assert_uint_ge(refshim_logs, 5);
}
END_TEST

/* A log long enough for the block reader to read many records in one go, with records it
 * may leave to the line reader (notes, frames with a source or none) in between. */
START_TEST(block_and_line_readers_agree_on_a_long_mixed_log)
{
    char *log = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&log, &length);
    static const char *const frames[] = {
        "    #02: NS_NewFoo(nsFoo**)[/tmp/demo/libdemo.so +0x1b40]\n",
        "    #02: DoSomething() (demo.cpp:19)\n",
        "    #02: \?\?\? (\?\?\?:\?\?\?)\n",
    };
    for (int i = 0; i < 200; i++) {
        unsigned long address = 0x7f0000001000ul + 0x40ul * (unsigned long)i;
        static const char *const ops[] = {"AddRef 1", "AddRef 2", "Release 1", "Release 0"};
        for (int k = 0; k < 4; k++) {
            if (k == 2 && i % 9 == 0)
                fprintf(out, "\n<nsFoo> 0x%lx %d Note may-be-leaked\n", address, i + 1);
            fprintf(out, "\n<nsFoo> 0x%lx %d %s [thread 0x7f0a1c4e5000]\n", address, i + 1,
                    ops[k]);
            fprintf(out, "    #01: nsFoo::%s()[/tmp/demo/libdemo.so +0x1a2c]\n",
                    k < 2 ? "AddRef" : "Release");
            fputs(frames[(i + k) % 3], out);
        }
    }
    fclose(out);
    struct transcript fast, lines;
    struct log_diag fast_diag, lines_diag;
    int fast_status = read_log(log, length, &fast, &fast_diag);
    int lines_status = read_log_by_lines(log, length, &lines, &lines_diag);
    ck_assert_int_eq(fast_status, lines_status);
    ck_assert_str_eq(fast_diag.message, lines_diag.message);
    ck_assert_int_eq(fast_status, LOG_STATUS_OK);
    ck_assert_str_eq(fast.text, lines.text);
    ck_assert_uint_gt(fast.size, 0);
    free(fast.text);
    free(lines.text);
    free(log);
}
END_TEST

/* A log whose records the block reader reads and others it leaves to the line reader:
 * stacks that repeat and stacks never seen again, CRLF line ends, frame lines that start
 * with a tab or number their frame oddly, a record with only frame #01, one with no
 * frames, one whose first frame is not #01. Record I's stack text is STACK_OF[I]. */
static char *mixed_stacks_log(size_t *length)
{
    char *log = NULL;
    FILE *out = open_memstream(&log, length);
    for (int i = 0; i < 300; i++) {
        unsigned long address = 0x7f0000001000ul + 0x40ul * (unsigned long)i;
        const char *end = i % 7 == 3 ? "\r\n" : "\n";
        fprintf(out, "%s<nsFoo> 0x%lx %d AddRef 1 [thread 0x7f0a1c4e5000]%s", end, address,
                i + 1, end);
        switch (i % 6) {
        case 0: /* repeated */
            fprintf(out, "    #01: nsFoo::AddRef()[/l.so +0x1a2c]%s"
                         "    #02: Common()[/l.so +0x10]%s    #03: main[/a +0x5]%s", end, end,
                    end);
            break;
        case 1: /* never seen again */
            fprintf(out, "    #01: nsFoo::AddRef()[/l.so +0x1a2c]%s"
                         "    #02: Unique%d() (u.cpp:%d)%s", end, i, i, end);
            break;
        case 2: /* a tab, an odd number */
            fprintf(out, "    #01: nsFoo::AddRef()[/l.so +0x1a2c]%s"
                         "\t#2: Tabbed()[/l.so +0x20]%s", end, end);
            break;
        case 3: /* only #01 */
            fprintf(out, "    #01: nsFoo::AddRef()[/l.so +0x1a2c]%s", end);
            break;
        case 4: /* no frames */
            break;
        default: /* the first frame kept */
            fprintf(out, "    #02: Common()[/l.so +0x10]%s    #03: main[/a +0x5]%s", end, end);
            break;
        }
    }
    fclose(out);
    return log;
}

START_TEST(block_and_line_readers_agree_on_unusual_frame_lines)
{
    size_t length;
    char *log = mixed_stacks_log(&length);
    struct transcript fast, lines;
    struct log_diag fast_diag, lines_diag;
    ck_assert_int_eq(read_log(log, length, &fast, &fast_diag), LOG_STATUS_OK);
    ck_assert_int_eq(read_log_by_lines(log, length, &lines, &lines_diag), LOG_STATUS_OK);
    ck_assert_str_eq(fast.text, lines.text);
    /* Spot checks: the tabbed frame, the record with only #01, the one without #01. */
    ck_assert_ptr_nonnull(strstr(fast.text, "N 3 0x7f0000001080=0x7f0000001080 nsFoo 1 "
                                            "139681401294848 [Tabbed()|/l.so|0x20|(none)]"));
    ck_assert_ptr_nonnull(strstr(fast.text, "N 4 0x7f00000010c0=0x7f00000010c0 nsFoo 1 "
                                            "139681401294848 []"));
    ck_assert_ptr_nonnull(strstr(fast.text, "N 6 0x7f0000001140=0x7f0000001140 nsFoo 1 "
                                            "139681401294848 [Common()|/l.so|0x10|(none); "
                                            "main|/a|0x5|(none)]"));
    free(fast.text);
    free(lines.text);
    free(log);
}
END_TEST

/* Each event's stack id, as the number of the first event with that id (0: no stack),
 * and whether its stack is only spelled out when asked. */
struct stack_ids {
    uint64_t ids[400];
    unsigned count;
    char text[4096];
    size_t used;
    unsigned eager;
};

static void note_stack_id(const struct log_event *event, void *user)
{
    struct stack_ids *seen = user;
    uint64_t id = log_event_stack_id(event);
    ck_assert_uint_eq(log_event_stack_id(event), id);
    const struct log_frame *frames, *again;
    size_t count = log_event_frames(event, &frames);
    ck_assert_uint_eq(log_event_frames(event, &again), count);
    ck_assert_ptr_eq(frames, again); /* spelled once per event */
    ck_assert_uint_eq(id != 0, count != 0);
    if (event->frames || event->frame_count)
        seen->eager++;
    unsigned first = 0;
    for (unsigned i = 0; id && i < seen->count && !first; i++)
        if (seen->ids[i] == id)
            first = i + 1;
    seen->ids[seen->count++] = id;
    if (id && !first)
        first = seen->count;
    seen->used += (size_t)snprintf(seen->text + seen->used, sizeof seen->text - seen->used,
                                   "%u ", first);
}

static void read_stack_ids(const char *log, size_t length, bool by_lines,
                           struct stack_ids *seen)
{
    memset(seen, 0, sizeof *seen);
    FILE *in = fmemopen((void *)log, length, "r");
    struct log_diag diag;
    int status = (by_lines ? log_read_stream_by_lines : log_read_stream)(in, "t.log",
                                                                         note_stack_id, seen,
                                                                         &diag);
    fclose(in);
    ck_assert_int_eq(status, LOG_STATUS_OK);
}

/* Equal stacks get equal ids, in both readers, whatever the line ends; the frames and
 * the id are worked out only when a consumer asks, once per event. */
START_TEST(stack_ids_name_stacks_and_are_spelled_on_demand)
{
    size_t length;
    char *log = mixed_stacks_log(&length);
    struct stack_ids fast, lines;
    read_stack_ids(log, length, false, &fast);
    read_stack_ids(log, length, true, &lines);
    ck_assert_uint_eq(fast.count, 300);
    ck_assert_str_eq(fast.text, lines.text);
    ck_assert_uint_eq(fast.eager, 0);
    ck_assert_uint_eq(lines.eager, 0);
    /* The repeated stack and the one written without #01 (the same lines after #01) share
     * one id, the tabbed stacks another; each unique stack has its own; #01 alone and no
     * frames: none. */
    char expected[4096];
    size_t used = 0;
    for (unsigned i = 0; i < 300; i++) {
        static const unsigned first_of_kind[6] = {1, 0, 3, 0, 0, 1};
        unsigned first = i % 6 == 1 ? i + 1 : first_of_kind[i % 6];
        used += (size_t)snprintf(expected + used, sizeof expected - used, "%u ", first);
    }
    ck_assert_str_eq(fast.text, expected);
    free(log);
}
END_TEST

/* Writes a frame line of a long stack: 12 frames, so that the block reader goes over
 * most of them 64 bytes at a time (line_scan.h), with one unusual line at frame UNUSUAL
 * (0: none) deep in it, of kind KIND. */
static void write_long_stack(FILE *out, int unusual, int kind)
{
    fputs("    #01: nsFoo::AddRef()[/l.so +0x1a2c]\n", out);
    for (int frame = 2; frame <= 12; frame++) {
        if (frame != unusual) {
            fprintf(out, "    #%02d: Caller%d(int)[/l.so +0x%x]\n", frame, frame, frame * 16);
            continue;
        }
        static const char *const unusual_lines[] = {
            "    #%02d: CrLf()[/l.so +0x10]\r\n",       /* a '\r' before one newline */
            "\t#%02d: Tabbed()[/l.so +0x20]\n",        /* a tab instead of blanks */
            "    #%d: OneDigit()[/l.so +0x30]\n",      /* numbered `#N:` */
            "     #%02d: SixBlanks()[/l.so +0x40]\n",  /* `#` one byte later */
        };
        fprintf(out, unusual_lines[kind], frame);
    }
}

/* A Mozilla log whose record lines spell their numbers every way the block reader takes
 * (and a few it leaves to the line reader), with long stacks that have an unusual line
 * deep inside, and objects with anomalies: one that starts at the address of one still
 * alive, changes after destruction, counts that jump, objects shared by threads seen
 * first on them. Objects 1000002 and 1000004 start at addresses still in use; 1000002
 * is created again while alive. Without UNUSUAL_LINES, every stack is usual: the block
 * reader then reads it all ahead on the reading thread (an unusual record ends that for
 * the rest of its chunk). */
static char *record_numbers_log(size_t *length, bool unusual_lines)
{
    char *log = NULL;
    FILE *out = open_memstream(&log, length);
    static const char *const addresses[] = {
        "0x7f0a10d972c0", "0X7F0A10D97300", "0x7f0a10D97340", "0x1", "0xffffffffffffffff",
        "0x00007f0a10d97380", "7f0a10d973c0",
    };
    static const char *const threads[] = {
        "", " [thread 0x7f0a1c4e5000]", " [thread 0x1]", " [thread 0xFFFFFFFFFFFFFFFF]",
        " [thread 0x7f0a1c4e6000]", " [thread 0x000000000000001]",
    };
    /* Objects that start where one is alive: at 0x5000 the older one never ends (its end
     * is missing), at 0x6000 its Release comes after the newer one's start (threads). */
    fputs("<nsBar> 0x5000 1000001 AddRef 1 [thread 0x7f0a1c4e5000]\n"
          "    #02: First()[/l.so +0x1]\n\n"
          "<nsBar> 0x6000 1000003 AddRef 1 [thread 0x7f0a1c4e5000]\n"
          "    #02: Third()[/l.so +0x1]\n\n"
          "<nsBar> 0x5000 1000002 AddRef 1 [thread 0x7f0a1c4e5000]\n"
          "    #02: Second()[/l.so +0x2]\n\n"
          "<nsBar> 0x6000 1000004 AddRef 1 [thread 0x7f0a1c4e6000]\n"
          "    #02: Fourth()[/l.so +0x2]\n\n"
          "<nsBar> 0x5000 1000002 AddRef 2 [thread 0x7f0a1c4e7000]\n"
          "    #02: Second()[/l.so +0x3]\n\n"
          "<nsBar> 0x6000 1000003 Release 0 [thread 0x7f0a1c4e5000]\n"
          "    #02: ThirdGone()[/l.so +0x4]\n\n"
          "<nsBar> 0x5000 1000002 Release 1 [thread 0x7f0a1c4e8000]\n"
          "    #02: Second()[/l.so +0x5]\n\n"
          /* created again while alive: its end is missing */
          "<nsBar> 0x5000 1000002 AddRef 1 [thread 0x7f0a1c4e8000]\n"
          "    #02: Again()[/l.so +0x6]\n\n", out);
    int serial = 0;
    size_t address_count = sizeof addresses / sizeof addresses[0];
    for (int round = 0; round < 40; round++) {
        for (size_t a = 0; a < address_count; a++) {
            const char *address = addresses[a];
            int object = ++serial;
            /* created, shared by a second thread, a jump, released to 0 */
            static const char *const ops[] = {"AddRef 1", "AddRef 2", "AddRef 3", "AddRef 5",
                                              "Release 4", "Release 3", "Release 0"};
            for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
                /* one thread up to the jump, so that its count is checked */
                const char *thread = threads[(a + (k < 4 ? 0 : k) + (size_t)round) % 6];
                fprintf(out, "<nsFoo> %s %d %s%s\n", address, object, ops[k], thread);
                if ((k + a) % 3 == 0)
                    write_long_stack(out, unusual_lines ? (int)(k + a + (size_t)round) % 13 : 0,
                                     (int)(a + k) % 4);
                else
                    fputs("    #01: nsFoo::AddRef()[/l.so +0x1a2c]\n"
                          "    #02: Short()[/l.so +0x8]\n", out);
                fputc('\n', out);
            }
            /* a change after destruction */
            if (a % 4 == 1)
                fprintf(out, "<nsFoo> %s %d Release 1\n    #02: Late()[/l.so +0x9]\n\n",
                        address, object);
        }
    }
    /* the last record line ends the log: its thread is read near the buffer's end */
    fputs("<nsBar> 0x5000 1000002 AddRef 2 [thread 0x7f0a1c4e9000]\n", out);
    fclose(out);
    return log;
}

/* The record line's numbers are read 16 bytes at a time, the frame lines 64 bytes at a
 * time, and quiet count changes of a reading of lives skip the event: all must read as
 * the line reader does, anomalies and the object followed included. */
START_TEST(block_and_line_readers_agree_on_record_numbers)
{
    for (int unusual_lines = 0; unusual_lines <= 1; unusual_lines++) {
        size_t length;
        char *log = record_numbers_log(&length, unusual_lines);
        struct readings r;
        read_three_ways("numbers", log, length, &r);
        ck_assert_int_eq(r.lines_status, LOG_STATUS_OK);
        /* What the log holds shows in the reading: the spellings, the anomalies. */
        ck_assert_ptr_nonnull(strstr(r.fast.text, " 0X7F0A10D97300=0x7f0a10d97300 "));
        ck_assert_ptr_nonnull(strstr(r.fast.text, " 0xffffffffffffffff=0xffffffffffffffff "));
        ck_assert_ptr_nonnull(strstr(r.fast.text, " 0x00007f0a10d97380=0x7f0a10d97380 "));
        ck_assert_ptr_nonnull(strstr(r.fast.text, " 18446744073709551615 [")); /* 0xFF..F */
        ck_assert_ptr_nonnull(strstr(r.fast.text, "!change after the object's destruction"));
        ck_assert_ptr_nonnull(strstr(r.fast.text, "!the count after this AddRef is 5 in the "
                                                "log but 4 after the events before it"));
        ck_assert_ptr_nonnull(strstr(r.fast.text, "!object 1000002 starts at this address "
                                                "while object 1000002 is alive there"));
        ck_assert_ptr_nonnull(strstr(r.fast.text, "ThirdGone()"));
        ck_assert_ptr_nonnull(strstr(r.fast.text, "Caller12(int)|/l.so|0xc0"));
        if (unusual_lines) {
            ck_assert_ptr_nonnull(strstr(r.fast.text, "CrLf()|/l.so|0x10"));
            ck_assert_ptr_nonnull(strstr(r.fast.text, "Tabbed()|/l.so|0x20"));
        }
        /* Readings of lives, following nothing and then objects with anomalies. */
        assert_lives_reading_agrees(log, length, transcript_event_line, 1000002);
        assert_lives_reading_agrees(log, length, transcript_event_line, 1000001);
        assert_lives_reading_agrees(log, length, transcript_event_line, 1000004);
        assert_lives_reading_agrees(log, length, transcript_event_line, 3);
        free_readings(&r);
        free(log);
    }
}
END_TEST

/* Numbers the block reader leaves to the line reader: 17 hex digits (refused), a serial
 * in hex (taken), a blank inside the thread's brackets (refused). Either way the reading
 * is the line reader's, errors where they are included. */
START_TEST(block_reader_leaves_unusual_record_numbers_to_the_line_reader)
{
    static const struct {
        const char *line;
        int status;
    } cases[] = {
        {"<nsFoo> 0x17f0a10d972c01234 2 AddRef 1\n", LOG_STATUS_BAD_LOG},
        {"<nsFoo> 0x7f0a10d972c0 0x2 AddRef 1\n", LOG_STATUS_OK},
        {"<nsFoo> 0x7f0a10d972c0 2 AddRef 1 [thread 0x17f0a1c4e50001234]\n", LOG_STATUS_BAD_LOG},
        {"<nsFoo> 0x7f0a10d972c0 2 AddRef 1 [thread 0x7f0a1c4e5000 ]\n", LOG_STATUS_BAD_LOG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *log = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&log, &length);
        fputs("<nsFoo> 0x7f0a10d97300 1 AddRef 1 [thread 0x7f0a1c4e5000]\n"
              "    #01: nsFoo::AddRef()[/l.so +0x1a2c]\n    #02: Short()[/l.so +0x8]\n\n",
              out);
        fputs(cases[i].line, out);
        fputs("    #01: nsFoo::AddRef()[/l.so +0x1a2c]\n    #02: Short()[/l.so +0x8]\n\n"
              "<nsFoo> 0x7f0a10d97300 1 Release 0 [thread 0x7f0a1c4e5000]\n\n", out);
        fclose(out);
        struct transcript fast, lines;
        struct log_diag fast_diag, lines_diag;
        int fast_status = read_log(log, length, &fast, &fast_diag);
        int lines_status = read_log_by_lines(log, length, &lines, &lines_diag);
        ck_assert_int_eq(lines_status, cases[i].status);
        assert_same_reading(cases[i].line, "with scans", fast_status, &fast, &fast_diag,
                            lines_status, &lines, &lines_diag);
        if (cases[i].status == LOG_STATUS_OK)
            ck_assert_ptr_nonnull(strstr(fast.text, "5: N 2 0x7f0a10d972c0="));
        else
            ck_assert_ptr_nonnull(strstr(fast_diag.message, ":5: "));
        free(fast.text);
        free(lines.text);
        free(log);
    }
}
END_TEST

/* A frame line deep in a long stack that the line reader refuses (no `#NN: `, though
 * some of its bytes are where a usual line has them): the block reader, which goes over
 * such stacks 64 bytes at a time, must stop there and leave the line to it. */
START_TEST(block_reader_leaves_bad_frame_lines_deep_in_a_stack_to_the_line_reader)
{
    static const char *const bad_lines[] = {
        "    #07x Odd()[/l.so +0x70]\n",    /* no ':' */
        "    x07: Odd()[/l.so +0x70]\n",    /* no '#' */
        "    #07:Odd()[/l.so +0x70]\n",     /* no blank after the ':' */
    };
    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
        char *log = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&log, &length);
        for (int record = 1; record <= 3; record++) {
            fprintf(out, "<nsFoo> 0x7f0a10d97300 1 %s [thread 0x7f0a1c4e5000]\n",
                    record == 1 ? "AddRef 1" : record == 2 ? "AddRef 2" : "Release 1");
            fputs("    #01: nsFoo::AddRef()[/l.so +0x1a2c]\n", out);
            for (int frame = 2; frame <= 12; frame++) {
                if (record == 2 && frame == 7)
                    fputs(bad_lines[i], out);
                else
                    fprintf(out, "    #%02d: Caller%d(int)[/l.so +0x%x]\n", frame, frame,
                            frame * 16);
            }
            fputc('\n', out);
        }
        fclose(out);
        struct readings r;
        read_three_ways(bad_lines[i], log, length, &r);
        ck_assert_int_eq(r.lines_status, LOG_STATUS_BAD_LOG);
        /* record 2 starts at line 15; its frame #07 is line 22 */
        ck_assert_ptr_nonnull(strstr(r.fast_diag.message, ":22: "));
        free_readings(&r);
        free(log);
    }
}
END_TEST

Suite *mozilla_readers_suite(void)
{
    Suite *suite = suite_create("mozilla_readers");
    TCase *cases = tcase_create("agree");
    tcase_add_test(cases, block_and_line_readers_agree_on_the_corpus);
    tcase_add_test(cases, block_and_line_readers_agree_on_a_long_mixed_log);
    tcase_add_test(cases, block_and_line_readers_agree_on_unusual_frame_lines);
    tcase_add_test(cases, stack_ids_name_stacks_and_are_spelled_on_demand);
    tcase_add_test(cases, block_and_line_readers_agree_on_record_numbers);
    tcase_add_test(cases, block_reader_leaves_unusual_record_numbers_to_the_line_reader);
    tcase_add_test(cases,
                   block_reader_leaves_bad_frame_lines_deep_in_a_stack_to_the_line_reader);
    suite_add_tcase(suite, cases);
    return suite;
}
