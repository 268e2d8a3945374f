/* Unit tests for the shim's log buffer and its mapped log file: appends from several
 * threads land whole, and a finished log is exactly what was appended. */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log_mapping.h"
#include "textbuf.h"

START_TEST(textbuf_formats_fields_and_numbers)
{
    struct textbuf b = {0};
    textbuf_add_uint(&b, 0);
    textbuf_add_char(&b, ' ');
    textbuf_add_uint(&b, 18446744073709551615ull);
    textbuf_add_char(&b, ' ');
    textbuf_add_hex(&b, 0x7f0a1c02a0c0);
    textbuf_add_char(&b, ' ');
    textbuf_add_field(&b, "a\tb\nc\rd", "-");
    textbuf_add_char(&b, ' ');
    textbuf_add_field(&b, NULL, "???");
    textbuf_add_char(&b, '\0');
    ck_assert_str_eq(b.data, "0 18446744073709551615 0x7f0a1c02a0c0 a b c d ???");
    ck_assert(!b.failed);
    textbuf_free(&b);
}
END_TEST

START_TEST(textbuf_on_the_stack_never_overflows)
{
    char storage[8];
    struct textbuf b = textbuf_on(storage, sizeof storage);
    textbuf_add_str(&b, "1234567");
    ck_assert(!b.failed);
    textbuf_add_str(&b, "89");
    ck_assert(b.failed);
    ck_assert_uint_eq(b.len, 7);
    ck_assert_ptr_eq(b.data, storage);
}
END_TEST

#define THREADS 4
#define LINES_PER_THREAD 50000

static void *append_lines(void *arg)
{
    char line[32];
    int id = (int)(long)arg;
    for (int i = 0; i < LINES_PER_THREAD; i++) {
        int n = snprintf(line, sizeof line, "t%d %d\n", id, i);
        if (!log_mapping_append(line, (size_t)n))
            return (void *)1;
    }
    return NULL;
}

START_TEST(threads_append_whole_lines_and_finish_cuts_the_file)
{
    char path[] = "/tmp/refshim-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(log_mapping_start(fd));
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, append_lines, (void *)t);
    for (int t = 0; t < THREADS; t++) {
        void *failed;
        pthread_join(threads[t], &failed);
        ck_assert_ptr_null(failed);
    }
    log_mapping_finish();
    ck_assert(!log_mapping_append("late\n", 5));        /* closed: dropped */

    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int next[THREADS] = {0};
    int lines = 0;
    char line[64];
    while (fgets(line, sizeof line, f) != NULL) {
        int id, i;
        ck_assert_int_eq(sscanf(line, "t%d %d\n", &id, &i), 2);
        ck_assert(id >= 0 && id < THREADS);
        ck_assert_int_eq(i, next[id]);       /* each thread's lines in its order */
        next[id]++;
        lines++;
    }
    fclose(f);
    ck_assert_int_eq(lines, THREADS * LINES_PER_THREAD);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    long expected = 0;
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < LINES_PER_THREAD; i++)
            expected += snprintf(line, sizeof line, "t%d %d\n", t, i);
    ck_assert_int_eq(st.st_size, expected);   /* no NUL padding left */
    unlink(path);
    close(fd);
    log_mapping_forget();
}
END_TEST

START_TEST(only_regular_files_are_mapped)
{
    int fd = open("/dev/null", O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert(!log_mapping_start(fd));
    close(fd);
}
END_TEST

Suite *log_mapping_suite(void)
{
    Suite *s = suite_create("log_mapping");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, textbuf_formats_fields_and_numbers);
    tcase_add_test(tc, textbuf_on_the_stack_never_overflows);
    tcase_add_test(tc, threads_append_whole_lines_and_finish_cuts_the_file);
    tcase_add_test(tc, only_regular_files_are_mapped);
    suite_add_tcase(s, tc);
    return s;
}
