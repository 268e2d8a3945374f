/* test_chunk_reading.c - the reader reads a log in chunks (CHUNK_DATA) on a second thread
 * (chunk_reader.c), carrying the unfinished line of a chunk in front of the next one, or
 * into a buffer of its own when it is longer than the room kept for it. Lines and
 * records that straddle chunks, long or short, must read exactly as the line reader reads
 * them, at every place a chunk can end. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_reader.h"
#include "event_transcript.h"

#define REFSHIM_HEADER "# refshim 1\n# pid 4242\n# exe /tmp/demo/app\n# start 2026-11-23T09:40:00Z\n"

/* A growing log text. */
struct text {
    char *data;
    size_t size;
    FILE *out;
};

static void text_open(struct text *text)
{
    text->out = open_memstream(&text->data, &text->size);
    ck_assert_ptr_nonnull(text->out);
}

static void text_close(struct text *text)
{
    fclose(text->out);
}

/* read_log_from_file, from the file's start and from 777 bytes into it. */
static int read_file_from_start(const char *log, size_t length, struct transcript *transcript,
                                struct log_diag *diag)
{
    return read_log_from_file(log, length, 0, transcript, diag);
}

static int read_file_after_junk(const char *log, size_t length, struct transcript *transcript,
                                struct log_diag *diag)
{
    return read_log_from_file(log, length, 777, transcript, diag);
}

/* Reads TEXT every way (a stream with scans, a file read at any chunk from its start and
 * from further in, by blocks, by lines) and asserts the same events and diagnostics, and
 * that it reads to the end without an error; returns the number of bytes of the
 * transcript. */
static size_t assert_readers_agree(const struct text *text)
{
    struct transcript lines;
    struct log_diag lines_diag;
    int lines_status = read_log_by_lines(text->data, text->size, &lines, &lines_diag);
    ck_assert_msg(lines_status == LOG_STATUS_OK, "%s", lines_diag.message);
    int (*const readers[])(const char *, size_t, struct transcript *, struct log_diag *) = {
        read_log, read_file_from_start, read_file_after_junk, read_log_without_scans};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        struct transcript reading;
        struct log_diag diag;
        ck_assert_int_eq(readers[i](text->data, text->size, &reading, &diag), lines_status);
        ck_assert_str_eq(diag.message, lines_diag.message);
        ck_assert_str_eq(diag.warning, lines_diag.warning);
        ck_assert_str_eq(diag.torn, lines_diag.torn);
        ck_assert_msg(strcmp(reading.text, lines.text) == 0, "events differ (reader %zu)", i);
        free(reading.text);
    }
    size_t size = lines.size;
    free(lines.text);
    return size;
}

/* A refshim log of many chunks whose lines have every length from 14 to 80 bytes, so
 * that chunks end at every place of a line. */
START_TEST(refshim_lines_across_many_chunks)
{
    struct text text;
    text_open(&text);
    fputs(REFSHIM_HEADER "c\t1\tnsFoo\nf\t1\t0\t0x11\t???\t-\ns\t1\t0\t1\n", text.out);
    unsigned long serial = 0;
    while (ftell(text.out) < 3 * CHUNK_DATA + 4321) {
        serial++;
        fprintf(text.out, "N\t%lu\t1\t%lu\t1\t0x%lx\t1\t24\n", serial, 4242 + serial % 3,
                0x1000 + serial * 32);
        for (unsigned long i = 0; i < serial % 7; i++)
            fprintf(text.out, "A\t%lu\t2\t\t1\nR\t%lu\t1\t\t1\n", serial, serial);
        /* Lines of changing length: comments padded to 14..80 bytes. */
        fprintf(text.out, "#%.*s\n", (int)(12 + serial % 67), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        if (serial % 2)
            fprintf(text.out, "D\t%lu\t0\t\t1\n", serial);
    }
    text_close(&text);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    free(text.data);
}
END_TEST

/* A Mozilla log of many chunks whose records vary the way real ones do (stack depths,
 * CRLF line ends, no empty line before the next record, tab-indented frame lines,
 * Release to 0), so that chunks end at every place of a record: the records the reading thread
 * scanned must read as the line reader reads them. */
START_TEST(mozilla_records_across_many_chunks)
{
    struct text text;
    text_open(&text);
    fputs("\n", text.out);
    unsigned long serial = 0;
    while (ftell(text.out) < 3 * CHUNK_DATA + 777) {
        serial++;
        const char *end = serial % 7 == 0 ? "\r\n" : "\n";
        unsigned long address = 0x1000 + (serial % 500) * 32;
        fprintf(text.out, "<nsFoo> 0x%lx %lu %s %lu%s", address, serial % 500 + 1,
                serial % 3 == 0 ? "Release" : "AddRef", serial % 3 == 0 ? 0 : 1 + serial % 2, end);
        for (unsigned long frame = 1; frame <= serial % 9; frame++) {
            if (serial % 13 == 0 && frame == 2)
                fprintf(text.out, "\t#%lu: function_%lu(int)[/tmp/app +0x10]%s", frame, frame, end);
            else
                fprintf(text.out, "    #%02lu: function_%lu(int)[/tmp/app +0x%lx]%s", frame,
                        (serial * 7 + frame) % 101, frame * 16, end);
        }
        if (serial % 11 != 0)
            fputs(end, text.out);
    }
    text_close(&text);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    free(text.data);
}
END_TEST

/* An Asterisk log of many chunks whose lines vary the way real ones do (constructors,
 * destructors, counts, tags with commas or none, an empty line now and then, CRLF line
 * ends, a hex thread id, a tag longer than a cut line), so that chunks end at every
 * place of a line: the lines the reading thread cut must read as the line reader
 * reads them. */
START_TEST(asterisk_lines_across_many_chunks)
{
    struct text text;
    text_open(&text);
    unsigned long serial = 0;
    while (ftell(text.out) < 3 * CHUNK_DATA + 555) {
        serial++;
        unsigned long address = 0x1000 + (serial % 700) * 64;
        const char *end = serial % 29 == 0 ? "\r\n" : "\n";
        fprintf(text.out, "0x%lx,+1,%lu,file%lu.c,%lu,function_%lu,**constructor**,made%s%s",
                address, 100 + serial % 5, serial % 13, serial % 400, serial % 31,
                serial % 3 ? ", with a comma" : "", end);
        for (unsigned long i = 0; i < serial % 5; i++) {
            if (serial % 17 == 0 && i == 1)
                fprintf(text.out, "0x%lx,+1,0x%lx,file.c,1,f,%lu,hex thread%s", address,
                        100 + serial % 5, i + 1, end);
            else
                fprintf(text.out, "0x%lx,+1,%lu,file%lu.c,%lu,function_%lu,%lu,%s%s", address,
                        100 + serial % 5, i % 13, i, i % 31, i + 1, i % 2 ? "bump" : "", end);
            fprintf(text.out, "0x%lx,-1,%lu,file%lu.c,%lu,function_%lu,%lu%s", address,
                    100 + serial % 5, i % 13, i, i % 31, i + 2, end);
        }
        if (serial % 23 == 0)
            fputs(end, text.out);
        if (serial % 97 == 0) {
            fprintf(text.out, "0x%lx,+0,1,long.c,1,f,1,", address + 8);
            for (int i = 0; i < 1500; i++)
                fputc('a' + i % 26, text.out);
            fputs(end, text.out);
        }
        if (serial % 2)
            fprintf(text.out, "0x%lx,-1,%lu,file.c,9,gone,**destructor**,%s", address,
                    100 + serial % 5, end);
    }
    text_close(&text);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    free(text.data);
}
END_TEST

/* A Mozilla record with a frame line of 600 KiB that starts 44 KiB more than the room
 * kept before a chunk's data before the second chunk's end: the line is read through
 * the reader's own buffer. */
START_TEST(mozilla_record_longer_than_the_carry_room)
{
    enum { LONG_LINE_AT = 2 * CHUNK_DATA - CHUNK_ROOM - 44 * 1024 };
    struct text text;
    text_open(&text);
    fputs("\n", text.out);
    unsigned long serial = 0;
    while (ftell(text.out) < LONG_LINE_AT - 100 * 1024) {
        serial++;
        fprintf(text.out, "<nsFoo> 0x%lx %lu AddRef 1\n    #01: main[/tmp/app +0x10]\n\n",
                0x1000 + serial * 32, serial);
    }
    serial++;
    fprintf(text.out, "<nsFoo> 0x%lx %lu AddRef 1\n", 0x1000 + serial * 32, serial);
    bool long_line_written = false;
    for (unsigned frame = 1; frame <= 10000; frame++) {
        if (long_line_written || ftell(text.out) < LONG_LINE_AT) {
            fprintf(text.out, "    #%02u: function_%u[/tmp/app +0x%x]\n", frame, frame, frame * 16);
            continue;
        }
        /* One frame line of 600 KiB across the chunk's end: longer than the room. */
        fprintf(text.out, "    #%02u: function_", frame);
        for (int i = 0; i < 600 * 1024; i++)
            fputc('a' + i % 26, text.out);
        fprintf(text.out, "[/tmp/app +0x10]\n");
        long_line_written = true;
    }
    fputs("\n<nsFoo> 0x1020 1 Release 0\n    #01: main[/tmp/app +0x20]\n\n", text.out);
    text_close(&text);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    free(text.data);
}
END_TEST

/* A Mozilla log of exactly two chunks: the reading ends at the empty chunk after a full
 * one, not only at a short one. */
START_TEST(log_of_exactly_two_chunks)
{
    struct text text;
    text_open(&text);
    fputs("\n", text.out);
    unsigned long serial = 0;
    const char *record = "<nsFoo> 0x%05lx %05lu AddRef 1\n    #01: main[/tmp/app +0x10]\n\n";
    /* Every record is 55 bytes; padding lines make up the rest. */
    while (ftell(text.out) + 55 <= 2 * CHUNK_DATA - 1) {
        serial++;
        fprintf(text.out, record, 0x1000 + serial * 32, serial);
    }
    while (ftell(text.out) < 2 * CHUNK_DATA)
        fputs("\n", text.out);
    text_close(&text);
    ck_assert_uint_eq(text.size, 2 * CHUNK_DATA);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    free(text.data);
}
END_TEST

/* A log read while written: NULs up to the end of the first chunk, where a line's start
 * was unwritten, and its end at the start of the next chunk. That end is skipped as torn
 * however the chunks are read. */
START_TEST(end_of_a_line_after_nuls_that_end_a_chunk)
{
    struct text text;
    text_open(&text);
    fputs(REFSHIM_HEADER "c\t1\tnsFoo\nf\t1\t0\t0x11\t???\t-\ns\t1\t0\t1\n", text.out);
    fputs("N\t1\t1\t7\t1\t0x1000\t1\t24\n", text.out);
    unsigned long lines = 8;
    for (; ftell(text.out) < CHUNK_DATA - 200; lines++)
        fputs("# padding\n", text.out);
    while (ftell(text.out) < CHUNK_DATA)
        fputc('\0', text.out);
    fputs("\t2\t7\t1\nR\t1\t0\t7\t1\n", text.out);
    text_close(&text);
    struct transcript transcript;
    struct log_diag diag;
    int (*const readers[])(const char *, size_t, struct transcript *, struct log_diag *) = {
        read_log, read_file_from_start, read_log_by_lines};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        ck_assert_int_eq(readers[i](text.data, text.size, &transcript, &diag), LOG_STATUS_OK);
        /* The torn line is the one after the padding; the D line the one after it. */
        char expected[200], torn[100];
        snprintf(expected, sizeof expected,
                 "8: N 1 0x1000=0x1000 nsFoo 1 7 [???|(none)|0x11|(none)] size=24\n"
                 "%lu: D 1 0x1000=0x1000 nsFoo 0 7 [???|(none)|0x11|(none)] size=24\n", lines + 2);
        snprintf(torn, sizeof torn, "t.log:%lu: warning: 1 line left unfinished", lines + 1);
        ck_assert_str_eq(transcript.text, expected);
        ck_assert_msg(strncmp(diag.torn, torn, strlen(torn)) == 0, "reader %zu: %s", i,
                      diag.torn);
        free(transcript.text);
    }
    free(text.data);
}
END_TEST

/* Refshim event lines, serial after serial, into TEXT up to SIZE bytes. */
static void write_refshim_events(struct text *text, long size, unsigned long *serial)
{
    while (ftell(text->out) < size) {
        (*serial)++;
        fprintf(text->out, "N\t%lu\t1\t%lu\t1\t0x%lx\t1\t24\n", *serial, 4242 + *serial % 3,
                0x1000 + *serial * 32);
        fprintf(text->out, "A\t%lu\t2\t\t1\nR\t%lu\t1\t\t1\n", *serial, *serial);
        if (*serial % 2)
            fprintf(text->out, "D\t%lu\t0\t\t1\n", *serial);
    }
}

/* A log torn by a kill, read from a regular file at any chunk: a run of NULs after a
 * line end in the second chunk, a line cut by NULs in the third, a run that straddles
 * the third chunk's end. Each chunk with NULs has them dropped, and the chunks after
 * read as before, whichever side read them. */
START_TEST(nuls_inside_a_log_of_many_chunks)
{
    struct text text;
    text_open(&text);
    fputs(REFSHIM_HEADER "c\t1\tnsFoo\nf\t1\t0\t0x11\t???\t-\ns\t1\t0\t1\n", text.out);
    unsigned long serial = 0;
    write_refshim_events(&text, CHUNK_DATA + 5000, &serial);
    for (int i = 0; i < 4096; i++)
        fputc('\0', text.out);
    write_refshim_events(&text, 2 * CHUNK_DATA + 3000, &serial);
    fputs("A\t1\t2", text.out);                 /* a line its thread never finished */
    for (int i = 0; i < 300; i++)
        fputc('\0', text.out);
    fputc('\n', text.out);
    write_refshim_events(&text, 3 * CHUNK_DATA - 100, &serial);
    for (int i = 0; i < 200; i++)
        fputc('\0', text.out);
    write_refshim_events(&text, 4 * CHUNK_DATA + 999, &serial);
    text_close(&text);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    free(text.data);
}
END_TEST

/* A log of exactly three chunks, whose last line has no line end: the file ends on a
 * page and a chunk boundary, and the cut line is terminated past the last byte read. */
START_TEST(cut_last_line_at_the_end_of_a_whole_chunk)
{
    struct text text;
    text_open(&text);
    fputs(REFSHIM_HEADER "c\t1\tnsFoo\nf\t1\t0\t0x11\t???\t-\ns\t1\t0\t1\n", text.out);
    unsigned long serial = 0;
    write_refshim_events(&text, 3 * CHUNK_DATA - 200, &serial);
    while (ftell(text.out) < 3 * CHUNK_DATA - 1)
        fputs("#\n", text.out);
    while (ftell(text.out) < 3 * CHUNK_DATA)
        fputc('#', text.out);
    text_close(&text);
    ck_assert_uint_eq(text.size, 3 * CHUNK_DATA);
    ck_assert_uint_gt(assert_readers_agree(&text), 1000);
    struct transcript transcript;
    struct log_diag diag;
    read_file_after_junk(text.data, text.size, &transcript, &diag);
    ck_assert_msg(strstr(diag.warning, "log was cut") != NULL, "%s", diag.warning);
    free(transcript.text);
    free(text.data);
}
END_TEST

/* A line past 16 MiB is not a log line: a clear error, not a reader that waits for the
 * end of it forever. */
START_TEST(line_over_16_mib_is_an_error)
{
    size_t size = (17u << 20) + 200;
    char *log = malloc(size);
    ck_assert_ptr_nonnull(log);
    const char header[] = REFSHIM_HEADER "c\t1\t";
    memcpy(log, header, sizeof header - 1);
    memset(log + sizeof header - 1, 'x', size - sizeof header);
    log[size - 1] = '\n';
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, size, &transcript, &diag), LOG_STATUS_BAD_LOG);
    ck_assert_str_eq(diag.message, "t.log:5: line too long (over 16 MiB): not a log");
    free(transcript.text);
    free(log);
}
END_TEST

Suite *chunk_reading_suite(void)
{
    Suite *suite = suite_create("chunk_reading");
    TCase *chunks = tcase_create("chunks");
    tcase_set_timeout(chunks, 60);
    tcase_add_test(chunks, refshim_lines_across_many_chunks);
    tcase_add_test(chunks, mozilla_records_across_many_chunks);
    tcase_add_test(chunks, mozilla_record_longer_than_the_carry_room);
    tcase_add_test(chunks, asterisk_lines_across_many_chunks);
    tcase_add_test(chunks, log_of_exactly_two_chunks);
    tcase_add_test(chunks, end_of_a_line_after_nuls_that_end_a_chunk);
    tcase_add_test(chunks, line_over_16_mib_is_an_error);
    tcase_add_test(chunks, nuls_inside_a_log_of_many_chunks);
    tcase_add_test(chunks, cut_last_line_at_the_end_of_a_whole_chunk);
    suite_add_tcase(suite, chunks);
    return suite;
}
