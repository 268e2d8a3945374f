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

/* Numbers are written two digits at a time: every length, odd and even, and the pairs'
 * edges (9/10, 99/100, 999/1000). */
START_TEST(textbuf_writes_every_length_of_number)
{
    static const uint64_t numbers[] = {1, 9, 10, 42, 99, 100, 101, 999, 1000, 12345, 100000,
                                       9876543210ull, 10000000000000000000ull};
    struct textbuf b = {0};
    char expected[512] = "";
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        textbuf_add_uint(&b, numbers[i]);
        textbuf_add_char(&b, ',');
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%llu,",
                 (unsigned long long)numbers[i]);
    }
    textbuf_add_char(&b, '\0');
    ck_assert_str_eq(b.data, expected);
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
    ck_assert(log_mapping_start(fd, true));
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

/* Events: each thread appends its own object's lines, and all threads append to one
 * shared object under a lock, as the recorder does under an object's stripe lock. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t shared_end;
static int shared_next;

static void *append_events(void *arg)
{
    char line[32];
    int id = (int)(long)arg;
    size_t own_end = 0;
    for (int i = 0; i < LINES_PER_THREAD; i++) {
        int n = snprintf(line, sizeof line, "t%d %d\n", id, i);
        if (!log_mapping_append_after(line, (size_t)n, &own_end))
            return (void *)1;
        if (i % 7 == 0) {
            pthread_mutex_lock(&shared_lock);
            n = snprintf(line, sizeof line, "s %d\n", shared_next++);
            bool ok = log_mapping_append_after(line, (size_t)n, &shared_end);
            pthread_mutex_unlock(&shared_lock);
            if (!ok)
                return (void *)1;
        }
        if (i % 5000 == 0 && !log_mapping_append("d\n", 2))       /* a definition */
            return (void *)1;
    }
    return NULL;
}

START_TEST(events_keep_each_objects_order_across_blocks)
{
    char path[] = "/tmp/refshim-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(log_mapping_start(fd, true));
    shared_end = 0;
    shared_next = 0;
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, append_events, (void *)t);
    for (int t = 0; t < THREADS; t++) {
        void *failed;
        pthread_join(threads[t], &failed);
        ck_assert_ptr_null(failed);
    }
    log_mapping_finish();

    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int next[THREADS] = {0}, shared = 0, definitions = 0, empty = 0;
    char line[64];
    while (fgets(line, sizeof line, f) != NULL) {
        int id, i;
        for (char *p = line; *p; p++)
            ck_assert_int_ne(*p, '\0');
        if (strcmp(line, "\n") == 0) {
            empty++;                            /* what a thread left of a block */
        } else if (strcmp(line, "d\n") == 0) {
            definitions++;
        } else if (sscanf(line, "s %d\n", &i) == 1) {
            ck_assert_int_eq(i, shared);        /* the shared object's order, across threads */
            shared++;
        } else {
            ck_assert_int_eq(sscanf(line, "t%d %d\n", &id, &i), 2);
            ck_assert_int_eq(i, next[id]);
            next[id]++;
        }
    }
    fclose(f);
    for (int t = 0; t < THREADS; t++)
        ck_assert_int_eq(next[t], LINES_PER_THREAD);
    ck_assert_int_eq(shared, shared_next);
    ck_assert_int_eq(definitions, THREADS * (LINES_PER_THREAD / 5000));
    /* What threads left of their blocks is squeezed out when the log is finished. */
    ck_assert_int_eq(empty, 0);
    unlink(path);
    close(fd);
    log_mapping_forget();
}
END_TEST

/* A definition written by one thread after another thread took its block: the other
 * thread's event that uses it, told where definitions end, lands after it. */
static size_t definition_end;
static pthread_barrier_t defined;

static void *use_a_later_definition(void *arg)
{
    (void)arg;
    size_t own = 0;
    log_mapping_append_after("e 0\n", 4, &own);         /* takes a block */
    pthread_barrier_wait(&defined);
    size_t after = definition_end;
    log_mapping_append_after("e 1 uses d\n", 11, &after);
    return NULL;
}

START_TEST(an_event_goes_after_the_definition_it_uses)
{
    char path[] = "/tmp/refshim-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(log_mapping_start(fd, true));
    pthread_barrier_init(&defined, NULL, 2);
    pthread_t user;
    pthread_create(&user, NULL, use_a_later_definition, NULL);
    size_t own = 0;
    log_mapping_append_after("o 0\n", 4, &own);         /* another block, before d */
    log_mapping_append("d\n", 2);
    definition_end = log_mapping_definitions_end();
    pthread_barrier_wait(&defined);
    pthread_join(user, NULL);
    log_mapping_append_after("o 1\n", 4, &own);         /* needs nothing: stays in its block */
    log_mapping_finish();
    pthread_barrier_destroy(&defined);

    char text[128] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    ck_assert_int_gt(n, 0);
    text[n] = '\0';
    const char *d = strstr(text, "d\n"), *use = strstr(text, "e 1 uses d\n");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(use);
    ck_assert(use > d);
    ck_assert_ptr_null(strstr(text, "\n\n"));            /* no padding left */
    ck_assert_int_eq(strlen(text), 4 + 4 + 2 + 11 + 4);
    unlink(path);
    close(fd);
    log_mapping_forget();
}
END_TEST

/* An event that follows a line of the same thread in its block leaves out the span it is
 * told repeats (the thread id); the first in a block keeps it, and so does one written
 * after a line of another thread's (a block inherited from an exited thread). */
START_TEST(an_event_after_its_threads_line_leaves_out_the_repeat)
{
    char path[] = "/tmp/refshim-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(log_mapping_start(fd, true));
    size_t first = 0, second = 0;
    ck_assert(log_mapping_append_event("A\t1\t77\t5\n", 9, &first, 4, 2));
    ck_assert(log_mapping_append_event("A\t2\t77\t6\n", 9, &second, 4, 2));
    ck_assert(log_mapping_append_event("R\t1\t77\t5\n", 9, &first, 4, 2));
    log_mapping_finish();
    char text[64] = "";
    ck_assert_int_gt(pread(fd, text, sizeof text - 1, 0), 0);
    ck_assert_str_eq(text, "A\t1\t77\t5\nA\t2\t\t6\nR\t1\t\t5\n");
    unlink(path);
    close(fd);
    log_mapping_forget();
}
END_TEST

/* After an event with nothing to leave out (another thread's: a held D), the thread's next
 * event tells its thread again, or readers would give it the other thread's. */
START_TEST(an_event_after_another_threads_line_keeps_the_repeat)
{
    char path[] = "/tmp/refshim-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(log_mapping_start(fd, true));
    size_t after = 0;
    ck_assert(log_mapping_append_event("A\t1\t2\t5\t77\n", 11, &after, 7, 3));
    ck_assert(log_mapping_append_event("A\t1\t3\t5\t77\n", 11, &after, 7, 3));
    ck_assert(log_mapping_append_event("D\t2\t0\t6\t88\n", 11, &after, 0, 0));
    ck_assert(log_mapping_append_event("R\t1\t2\t5\t77\n", 11, &after, 7, 3));
    ck_assert(log_mapping_append_event("R\t1\t1\t5\t77\n", 11, &after, 7, 3));
    log_mapping_finish();
    char text[96] = "";
    ck_assert_int_gt(pread(fd, text, sizeof text - 1, 0), 0);
    ck_assert_str_eq(text, "A\t1\t2\t5\t77\nA\t1\t3\t5\nD\t2\t0\t6\t88\nR\t1\t2\t5\t77\n"
                           "R\t1\t1\t5\n");
    unlink(path);
    close(fd);
    log_mapping_forget();
}
END_TEST

static long resident_file_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "RssFile: %ld kB", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb;
}

/* The pages of the log written long ago leave the process: 96 MB of log, at most 32 MB
 * more resident (the window the shim keeps mapped is 8 MB). */
START_TEST(written_pages_do_not_stay_resident)
{
    char path[] = "/tmp/refshim-unit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(log_mapping_start(fd, true));
    long before = resident_file_kb();
    ck_assert_int_ge(before, 0);
    char line[64];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    long peak = before;
    size_t own = 0;
    for (long i = 0; i < (96L << 20) / (long)sizeof line; i++) {
        ck_assert(log_mapping_append_after(line, sizeof line, &own));
        if (i % 100000 == 0 && resident_file_kb() > peak)
            peak = resident_file_kb();
    }
    log_mapping_finish();
    ck_assert_int_le(peak - before, 32 << 10);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_size, (96L << 20) / (long)sizeof line * (long)sizeof line);
    unlink(path);
    close(fd);
    log_mapping_forget();
}
END_TEST

START_TEST(only_regular_files_are_mapped)
{
    int fd = open("/dev/null", O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert(!log_mapping_start(fd, true));
    close(fd);
}
END_TEST

Suite *log_mapping_suite(void)
{
    Suite *s = suite_create("log_mapping");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, textbuf_formats_fields_and_numbers);
    tcase_add_test(tc, textbuf_writes_every_length_of_number);
    tcase_add_test(tc, textbuf_on_the_stack_never_overflows);
    tcase_add_test(tc, threads_append_whole_lines_and_finish_cuts_the_file);
    tcase_add_test(tc, events_keep_each_objects_order_across_blocks);
    tcase_add_test(tc, an_event_goes_after_the_definition_it_uses);
    tcase_add_test(tc, written_pages_do_not_stay_resident);
    tcase_add_test(tc, an_event_after_its_threads_line_leaves_out_the_repeat);
    tcase_add_test(tc, an_event_after_another_threads_line_keeps_the_repeat);
    tcase_add_test(tc, only_regular_files_are_mapped);
    suite_add_tcase(s, tc);
    return s;
}
