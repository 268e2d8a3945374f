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

/* Reads PATH both ways; fails naming the file when they differ. Returns the first word of
 * the file's name ("mozilla", "refshim") if it gave events (a file a block reader could
 * have read), else "". */
static const char *readers_agree_on(const char *path)
{
    size_t length;
    char *log = slurp(path, &length);
    struct transcript fast, lines;
    struct log_diag fast_diag, lines_diag;
    int fast_status = read_log(log, length, &fast, &fast_diag);
    int lines_status = read_log_by_lines(log, length, &lines, &lines_diag);
    ck_assert_msg(fast_status == lines_status, "%s: status %d, by lines %d", path, fast_status,
                  lines_status);
    ck_assert_msg(strcmp(fast.text, lines.text) == 0, "%s: events differ:\n%s\nby lines:\n%s",
                  path, fast.text, lines.text);
    ck_assert_msg(strcmp(fast_diag.message, lines_diag.message) == 0, "%s: %s / %s", path,
                  fast_diag.message, lines_diag.message);
    ck_assert_msg(strcmp(fast_diag.warning, lines_diag.warning) == 0, "%s: warnings differ",
                  path);
    ck_assert_msg(strcmp(fast_diag.torn, lines_diag.torn) == 0, "%s: torn differ", path);
    const char *name = path + strlen(CORPUS) + 1;
    const char *kind = fast.size == 0                        ? ""
                       : strncmp(name, "mozilla", 7) == 0 ? "mozilla"
                       : strncmp(name, "refshim", 7) == 0 ? "refshim"
                                                          : "";
    free(fast.text);
    free(lines.text);
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

Suite *mozilla_readers_suite(void)
{
    Suite *suite = suite_create("mozilla_readers");
    TCase *cases = tcase_create("agree");
    tcase_add_test(cases, block_and_line_readers_agree_on_the_corpus);
    tcase_add_test(cases, block_and_line_readers_agree_on_a_long_mixed_log);
    suite_add_tcase(suite, cases);
    return suite;
}
