/* Unit tests for the stack depot (shim/record/depot.c), linked with the doubles of
 * depot_doubles.c: which m/f/s/c records a stack or class name writes, in which order,
 * and which numbers come back; the per-thread cache against the global table; frames of
 * an unloaded module; the reset in a forked child. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "depot.h"
#include "depot_doubles.h"

/* depot_forget_frames drops the whole-stack entries but keeps their memory on purpose
 * (other threads may still be reading them): under LeakSanitizer, the entries made
 * before it are not leaks. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define KEPT_ON_PURPOSE_FROM_HERE() __lsan_disable()
#define KEPT_ON_PURPOSE_UNTIL_HERE() __lsan_enable()
#else
#define KEPT_ON_PURPOSE_FROM_HERE() ((void)0)
#define KEPT_ON_PURPOSE_UNTIL_HERE() ((void)0)
#endif

/* The record texts, in one place: the only lines to change when the log format does
 * (doc/log-format.md). Numbers are written bare, text fields as strings. */
#define M(id, path) "m\t" #id "\t" path "\n"
#define M_BUILD(id, path, build_id) "m\t" #id "\t" path "\t" build_id "\n"
/* The shim names no source at capture (the analyzers look file:line up): SOURCE is `-`. */
#define F(id, module, offset, function) \
    "f\t" #id "\t" #module "\t" offset "\t" function "\t-\n"
#define F_BARE(id, address) F(id, 0, address, "???")      /* in no module */
#define S(id, parent, frame) "s\t" #id "\t" #parent "\t" #frame "\n"
#define C(id, name) "c\t" #id "\t" name "\n"

/* The fake process: a program and a library, named as depot_doubles.h says. */
#define PROG "/bin/prog"
#define PROG_START 0x400000
#define PROG_END 0x500000
#define LIBA "/lib/liba.so"
#define LIBA_BUILD_ID "ab12"
#define LIB_START 0x10000
#define LIB_END 0x20000

/* Return addresses, innermost first: main (prog+0x100) calls run (prog+0x200), which
 * calls liba+0x10. */
static const uintptr_t first_stack[] = {0x10010, 0x400200, 0x400100};
#define FIRST_STACK_RECORDS \
    M(1, PROG) \
    F(1, 1, "0x100", "fn_100") \
    S(1, 0, 1) \
    F(2, 1, "0x200", "fn_200") \
    S(2, 1, 2) \
    M_BUILD(2, LIBA, LIBA_BUILD_ID) \
    F(3, 2, "0x10", "fn_10") \
    S(3, 2, 3)
#define FIRST_STACK_ID 3

#define COUNT(ips) ((int)(sizeof(ips) / sizeof(ips)[0]))

static uint32_t stack_of(const uintptr_t *ips, int count)
{
    size_t end = 0;
    return depot_stack(ips, count, &end);
}

static void start_process(void)
{
    fake_doubles_reset();
    depot_reset_in_child();         /* an empty depot, even when Check does not fork */
    fake_module_load(PROG, NULL, PROG_START, PROG_END);
    fake_module_load(LIBA, LIBA_BUILD_ID, LIB_START, LIB_END);
}

static void end_process(void)
{
    depot_reset_in_child();
    fake_doubles_reset();
}

START_TEST(first_stack_defines_its_frames_outermost_first)
{
    size_t end = 0;
    ck_assert_uint_eq(depot_stack(first_stack, COUNT(first_stack), &end), FIRST_STACK_ID);
    ck_assert_str_eq(fake_log_take(), FIRST_STACK_RECORDS);
    ck_assert_uint_eq(end, strlen(FIRST_STACK_RECORDS));
    ck_assert_uint_eq(fake_symbolizer_calls(), 3);
}
END_TEST

START_TEST(empty_stack_is_zero_and_defines_nothing)
{
    const uintptr_t none[1] = {0};    /* the recorder always passes its array */
    size_t end = 0;
    ck_assert_uint_eq(depot_stack(none, 0, &end), 0);
    ck_assert_str_eq(fake_log_take(), "");
    ck_assert_uint_eq(end, 0);
}
END_TEST

START_TEST(shared_prefix_writes_only_new_nodes)
{
    stack_of(first_stack, COUNT(first_stack));
    fake_log_take();
    /* run calls liba+0x20 instead: one new frame under node 2 */
    const uintptr_t sibling[] = {0x10020, 0x400200, 0x400100};
    ck_assert_uint_eq(stack_of(sibling, COUNT(sibling)), 4);
    ck_assert_str_eq(fake_log_take(), F(4, 2, "0x20", "fn_20") S(4, 2, 4));
    /* run itself: node 2 exists already */
    const uintptr_t prefix[] = {0x400200, 0x400100};
    ck_assert_uint_eq(stack_of(prefix, COUNT(prefix)), 2);
    ck_assert_str_eq(fake_log_take(), "");
    /* main calling itself: a known frame under a new parent is a new node only */
    const uintptr_t recursion[] = {0x400100, 0x400100};
    ck_assert_uint_eq(stack_of(recursion, COUNT(recursion)), 5);
    ck_assert_str_eq(fake_log_take(), S(5, 1, 1));
    /* an address in no module, as the outermost frame */
    const uintptr_t bare[] = {0x400200, 0x9000};
    ck_assert_uint_eq(stack_of(bare, COUNT(bare)), 7);
    ck_assert_str_eq(fake_log_take(), F_BARE(5, "0x9000") S(6, 0, 5) S(7, 6, 2));
    ck_assert_uint_eq(fake_symbolizer_calls(), 5);        /* once per address */
}
END_TEST

START_TEST(same_stack_same_id_nothing_written)
{
    size_t first_end = 0;
    stack_of(first_stack, COUNT(first_stack));
    first_end = strlen(fake_log_take());
    const uintptr_t other[] = {0x400300};
    stack_of(other, COUNT(other));
    fake_log_take();
    size_t total = first_end + strlen(F(4, 1, "0x300", "fn_300") S(4, 0, 4));
    unsigned calls = fake_symbolizer_calls();

    /* A later record using the number needs only the first stack's definitions. */
    size_t end = 0;
    ck_assert_uint_eq(depot_stack(first_stack, COUNT(first_stack), &end), FIRST_STACK_ID);
    ck_assert_uint_eq(end, first_end);
    end = total;                    /* an end already past them stays */
    ck_assert_uint_eq(depot_stack(first_stack, COUNT(first_stack), &end), FIRST_STACK_ID);
    ck_assert_uint_eq(end, total);
    ck_assert_str_eq(fake_log_take(), "");
    ck_assert_uint_eq(fake_symbolizer_calls(), calls);
}
END_TEST

/* Both stacks have the same hash (the second's first address differs in bit 0, which the
 * hash rotates to bit 7, and its second address in bit 7), so they share a whole-stack
 * bucket and a thread-cache slot: only the addresses may tell them apart. */
START_TEST(stacks_of_equal_hash_keep_their_own_ids)
{
    const uintptr_t one[] = {0x400100, 0x400200};
    const uintptr_t two[] = {0x400101, 0x400280};
    ck_assert_uint_eq(stack_of(one, 2), 2);
    ck_assert_uint_eq(stack_of(two, 2), 4);
    ck_assert_str_eq(fake_log_take(),
                     M(1, PROG)
                     F(1, 1, "0x200", "fn_200") S(1, 0, 1)
                     F(2, 1, "0x100", "fn_100") S(2, 1, 2)
                     F(3, 1, "0x280", "fn_280") S(3, 0, 3)
                     F(4, 1, "0x101", "fn_101") S(4, 3, 4));
    for (int round = 0; round < 2; round++) {
        ck_assert_uint_eq(stack_of(one, 2), 2);
        ck_assert_uint_eq(stack_of(two, 2), 4);
    }
    ck_assert_str_eq(fake_log_take(), "");
}
END_TEST

struct asker {
    const uintptr_t *ips;
    int count;
    uint32_t id;
    size_t end;
    sem_t asked_once, may_ask_again;    /* for asking twice, around the main thread's lock */
};

static void *ask_once(void *arg)
{
    struct asker *a = arg;
    a->end = 0;
    a->id = depot_stack(a->ips, a->count, &a->end);
    return NULL;
}

START_TEST(threads_get_the_numbers_of_the_global_table)
{
    size_t end = 0;
    ck_assert_uint_eq(depot_stack(first_stack, COUNT(first_stack), &end), FIRST_STACK_ID);
    fake_log_take();

    /* a stack this thread made, asked by another thread whose cache is empty */
    struct asker other = {.ips = first_stack, .count = COUNT(first_stack)};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, ask_once, &other), 0);
    pthread_join(t, NULL);
    ck_assert_uint_eq(other.id, FIRST_STACK_ID);
    ck_assert_uint_eq(other.end, end);
    ck_assert_str_eq(fake_log_take(), "");

    /* and the other way round */
    const uintptr_t theirs[] = {0x400300, 0x400100};
    other = (struct asker){.ips = theirs, .count = COUNT(theirs)};
    ck_assert_int_eq(pthread_create(&t, NULL, ask_once, &other), 0);
    pthread_join(t, NULL);
    ck_assert_uint_eq(other.id, 4);
    ck_assert_str_eq(fake_log_take(), F(4, 1, "0x300", "fn_300") S(4, 1, 4));
    end = 0;
    ck_assert_uint_eq(depot_stack(theirs, COUNT(theirs), &end), 4);
    ck_assert_uint_eq(end, other.end);
    ck_assert_str_eq(fake_log_take(), "");
}
END_TEST

static void *ask_twice(void *arg)
{
    struct asker *a = arg;
    ask_once(a);
    sem_post(&a->asked_once);
    sem_wait(&a->may_ask_again);
    ask_once(a);
    return NULL;
}

/* A generous bound: the answer takes microseconds, while a thread waiting for the lock
 * never comes back until it is released. */
#define LOCKED_WAIT_SECONDS 30

/* Called with the depot locked: whether thread T ends in time (it is joined either way,
 * after the depot is unlocked). */
static bool ends_while_locked(pthread_t t)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += LOCKED_WAIT_SECONDS;
    bool ended = pthread_timedjoin_np(t, NULL, &deadline) == 0;
    depot_unlock();
    if (!ended)
        pthread_join(t, NULL);
    return ended;
}

START_TEST(thread_cache_answers_without_the_lock)
{
    struct asker a = {.ips = first_stack, .count = COUNT(first_stack)};
    sem_init(&a.asked_once, 0, 0);
    sem_init(&a.may_ask_again, 0, 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, ask_twice, &a), 0);
    sem_wait(&a.asked_once);
    ck_assert_uint_eq(a.id, FIRST_STACK_ID);
    size_t first_end = a.end;

    depot_lock();
    a.id = 0;
    sem_post(&a.may_ask_again);
    ck_assert_msg(ends_while_locked(t), "a stack the thread has seen waited for the depot's lock");
    ck_assert_uint_eq(a.id, FIRST_STACK_ID);
    ck_assert_uint_eq(a.end, first_end);
    sem_destroy(&a.asked_once);
    sem_destroy(&a.may_ask_again);
}
END_TEST

struct class_asker {
    const char *name;
    struct class_cache *cache;
    uint32_t id;
    size_t end;
};

static void *ask_class(void *arg)
{
    struct class_asker *a = arg;
    a->id = depot_class(a->name, a->cache, &a->end);
    return NULL;
}

START_TEST(classes_are_defined_once)
{
    size_t end = 0;
    ck_assert_uint_eq(depot_class("nsFoo", NULL, &end), 1);
    ck_assert_str_eq(fake_log_take(), C(1, "nsFoo"));
    ck_assert_uint_eq(end, strlen(C(1, "nsFoo")));
    struct class_cache cache = {0};
    ck_assert_uint_eq(depot_class("Bar\tBaz", &cache, &end), 2);     /* a TAB is a space */
    ck_assert_str_eq(fake_log_take(), C(2, "Bar Baz"));
    size_t bar_end = strlen(C(1, "nsFoo") C(2, "Bar Baz"));
    ck_assert_uint_eq(end, bar_end);

    end = 0;
    ck_assert_uint_eq(depot_class("nsFoo", NULL, &end), 1);
    ck_assert_uint_eq(end, bar_end);    /* looked up: the end of all definitions so far */
    end = 0;
    ck_assert_uint_eq(depot_class("Bar\tBaz", &cache, &end), 2);
    ck_assert_uint_eq(end, bar_end);
    ck_assert_str_eq(fake_log_take(), "");

    /* the cache's number is used as it is, without the lock */
    struct class_asker a = {.name = "Bar\tBaz", .cache = &cache};
    pthread_t t;
    depot_lock();
    ck_assert_int_eq(pthread_create(&t, NULL, ask_class, &a), 0);
    ck_assert_msg(ends_while_locked(t), "a cached class number waited for the depot's lock");
    ck_assert_uint_eq(a.id, 2);
    ck_assert_uint_eq(a.end, bar_end);
    /* classes and stacks are numbered apart */
    ck_assert_uint_eq(stack_of(first_stack, COUNT(first_stack)), FIRST_STACK_ID);
    ck_assert_uint_eq(depot_class("Qux", NULL, &end), 3);
}
END_TEST

START_TEST(unloaded_frames_are_defined_again)
{
    KEPT_ON_PURPOSE_FROM_HERE();
    uint32_t old_id = stack_of(first_stack, COUNT(first_stack));
    /* the edges of liba's range: 0x10000 returns into the code before it, 0x20000 into
     * its last byte */
    const uintptr_t edges[] = {0x10000, 0x20000, 0x400100};
    ck_assert_uint_eq(stack_of(edges, COUNT(edges)), 5);
    ck_assert_str_eq(fake_log_take(),
                     FIRST_STACK_RECORDS
                     F(4, 2, "0x10000", "fn_10000") S(4, 1, 4)
                     F_BARE(5, "0x10000") S(5, 4, 5));
    struct class_cache cache = {0};
    size_t end = 0;
    depot_class("nsFoo", &cache, &end);
    fake_log_take();
    KEPT_ON_PURPOSE_UNTIL_HERE();

    fake_module_unload(LIB_START);
    depot_forget_frames(LIB_START, LIB_END);
    fake_module_load("/lib/libb.so", NULL, LIB_START, LIB_END);

    /* the same thread asks again: its cached answer is stale */
    ck_assert_uint_ne(stack_of(first_stack, COUNT(first_stack)), old_id);
    ck_assert_str_eq(fake_log_take(),
                     M(3, "/lib/libb.so")
                     F(6, 3, "0x10", "fn_10") S(6, 2, 6));
    ck_assert_uint_eq(stack_of(edges, COUNT(edges)), 8);
    ck_assert_str_eq(fake_log_take(),
                     F(7, 3, "0x10000", "fn_10000") S(7, 1, 7) S(8, 7, 5));
    /* frames outside the range keep their numbers, and stacks of them theirs */
    const uintptr_t prog_only[] = {0x400200, 0x400100};
    ck_assert_uint_eq(stack_of(prog_only, COUNT(prog_only)), 2);
    ck_assert_uint_eq(depot_class("nsFoo", &cache, &end), 1);
    ck_assert_str_eq(fake_log_take(), "");
}
END_TEST

/* A thread keeps the nodes of its last new stack, to walk the next one only below the
 * outer frames they share; after an unload those nodes may name frames of the code that
 * is gone, and a stack sharing them is walked whole again. */
START_TEST(last_path_is_walked_again_after_an_unload)
{
    KEPT_ON_PURPOSE_FROM_HERE();
    /* liba+0x20 (outermost) calls prog+0x200 */
    const uintptr_t from_lib[] = {0x400200, 0x10020};
    ck_assert_uint_eq(stack_of(from_lib, COUNT(from_lib)), 2);
    ck_assert_str_eq(fake_log_take(),
                     M_BUILD(1, LIBA, LIBA_BUILD_ID) F(1, 1, "0x20", "fn_20") S(1, 0, 1)
                     M(2, PROG) F(2, 2, "0x200", "fn_200") S(2, 1, 2));
    KEPT_ON_PURPOSE_UNTIL_HERE();
    fake_module_unload(LIB_START);
    depot_forget_frames(LIB_START, LIB_END);
    fake_module_load("/lib/libb.so", NULL, LIB_START, LIB_END);
    /* libb+0x20 calls prog+0x300: the outer frame is libb's, not liba's node 1 */
    const uintptr_t from_new_lib[] = {0x400300, 0x10020};
    ck_assert_uint_eq(stack_of(from_new_lib, COUNT(from_new_lib)), 4);
    ck_assert_str_eq(fake_log_take(),
                     M(3, "/lib/libb.so") F(3, 3, "0x20", "fn_20") S(3, 0, 3)
                     F(4, 2, "0x300", "fn_300") S(4, 3, 4));
}
END_TEST

/* Reads everything from FD into BUF (NUL-terminated). */
static void read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size && ((n = read(fd, buf + len, size - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            len += (size_t)n;
    buf[len] = '\0';
}

/* The child writes "STACK CLASS\n" and its log to FD. */
static void run_child(int fd)
{
    depot_reset_in_child();
    fake_log_reset();
    size_t end = 0;
    uint32_t stack = depot_stack(first_stack, COUNT(first_stack), &end);
    uint32_t class = depot_class("nsBar", NULL, &end);
    char head[32];
    int n = snprintf(head, sizeof head, "%u %u\n", stack, class);
    const char *log = fake_log_take();
    bool ok = write(fd, head, (size_t)n) == n &&
              write(fd, log, strlen(log)) == (ssize_t)strlen(log);
    _exit(ok ? 0 : 1);
}

START_TEST(child_defines_everything_again)
{
    const uintptr_t other[] = {0x400300};
    stack_of(other, COUNT(other));
    stack_of(first_stack, COUNT(first_stack));
    size_t end = 0;
    struct class_cache cache = {0};
    depot_class("nsFoo", &cache, &end);
    fake_log_take();

    int pipe_fds[2];
    ck_assert_int_eq(pipe(pipe_fds), 0);
    depot_lock();
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(pipe_fds[0]);
        run_child(pipe_fds[1]);
    }
    depot_unlock();
    close(pipe_fds[1]);
    char got[1024];
    read_all(pipe_fds[0], got, sizeof got);
    close(pipe_fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_str_eq(got, "3 1\n" FIRST_STACK_RECORDS C(1, "nsBar"));

    /* the parent keeps its numbers */
    ck_assert_uint_eq(stack_of(first_stack, COUNT(first_stack)), 4);
    ck_assert_uint_eq(depot_class("nsFoo", &cache, &end), 1);
    ck_assert_str_eq(fake_log_take(), "");

    /* and a reset here (the child's view) makes a cached class number stale */
    depot_reset_in_child();
    fake_log_reset();
    ck_assert_uint_eq(depot_class("nsBar", NULL, &end), 1);
    ck_assert_uint_eq(depot_class("nsFoo", &cache, &end), 2);
    ck_assert_uint_eq(stack_of(first_stack, COUNT(first_stack)), FIRST_STACK_ID);
    ck_assert_str_eq(fake_log_take(), C(1, "nsBar") C(2, "nsFoo") FIRST_STACK_RECORDS);
}
END_TEST

Suite *depot_suite(void)
{
    Suite *s = suite_create("depot");
    TCase *tc = tcase_create("stacks");
    tcase_add_checked_fixture(tc, start_process, end_process);
    tcase_set_timeout(tc, 2 * LOCKED_WAIT_SECONDS);
    tcase_add_test(tc, first_stack_defines_its_frames_outermost_first);
    tcase_add_test(tc, empty_stack_is_zero_and_defines_nothing);
    tcase_add_test(tc, shared_prefix_writes_only_new_nodes);
    tcase_add_test(tc, same_stack_same_id_nothing_written);
    tcase_add_test(tc, stacks_of_equal_hash_keep_their_own_ids);
    tcase_add_test(tc, threads_get_the_numbers_of_the_global_table);
    tcase_add_test(tc, thread_cache_answers_without_the_lock);
    tcase_add_test(tc, classes_are_defined_once);
    tcase_add_test(tc, unloaded_frames_are_defined_again);
    tcase_add_test(tc, last_path_is_walked_again_after_an_unload);
    tcase_add_test(tc, child_defines_everything_again);
    suite_add_tcase(s, tc);
    return s;
}
