/* Unit tests for the threads' marks on the objects whose counts they are changing
 * (flights.c): what a thread sees of its own marks and of the other threads', which of
 * two early events goes first, and the decks given back when a thread exits or forks. */
#include <check.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flights.h"

static int objects[4];
#define X ((uintptr_t)&objects[0])
#define Y ((uintptr_t)&objects[1])

/* Another thread that does WORK, then holds still until told to land and exit. */
struct other {
    pthread_t thread;
    sem_t ready, go;
    void (*work)(void);
    bool unmarked;              /* no mark of its own before WORK */
};

static void *other_main(void *arg)
{
    struct other *o = arg;
    /* Its deck is claimed first, unless UNMARKED. */
    flight_token first = o->unmarked ? UINT32_MAX : flights_depart(&objects[3]);
    o->work();
    sem_post(&o->ready);
    sem_wait(&o->go);
    flights_land(first);
    return NULL;
}

static void start_other(struct other *o, void (*work)(void))
{
    o->work = work;
    sem_init(&o->ready, 0, 0);
    sem_init(&o->go, 0, 0);
    ck_assert_int_eq(pthread_create(&o->thread, NULL, other_main, o), 0);
    sem_wait(&o->ready);
}

static void end_other(struct other *o)
{
    sem_post(&o->go);
    pthread_join(o->thread, NULL);
}

START_TEST(a_mark_is_the_threads_own_until_it_lands)
{
    ck_assert(!flights_mine(X));
    flight_token outer = flights_depart((void *)X);
    flight_token inner = flights_depart((void *)Y);
    ck_assert(flights_mine(X));
    ck_assert(flights_mine(Y));
    flights_land(inner);
    ck_assert(flights_mine(X));
    ck_assert(!flights_mine(Y));
    /* A landing takes off the marks left above it (a call that never came back). */
    flights_depart((void *)Y);
    flights_land(outer);
    ck_assert(!flights_mine(X));
    ck_assert(!flights_mine(Y));
    ck_assert(!flights_elsewhere(X, 1, 1));     /* its own marks are not elsewhere */
}
END_TEST

static void mark_x(void)
{
    flights_depart((void *)X);
}

START_TEST(another_threads_mark_is_seen_until_it_lands)
{
    struct other o = {0};
    start_other(&o, mark_x);
    ck_assert(flights_elsewhere(X, 5, 3));
    ck_assert(!flights_elsewhere(Y, 5, 3));
    ck_assert(!flights_mine(X));
    end_other(&o);
    ck_assert(!flights_elsewhere(X, 5, 3));
    ck_assert(flights_known());
}
END_TEST

/* The other thread's change went 5 -> 6 and waits for the change before it. */
static void wait_on_x_from_5(void)
{
    flights_depart((void *)X);
    flights_wait_on(X, 5);
}

START_TEST(of_two_early_events_the_one_nearer_the_last_count_goes_first)
{
    flights_depart((void *)Y);                  /* this thread has the lower deck */
    struct other o = {0};
    start_other(&o, wait_on_x_from_5);
    /* Last count 4: theirs starts one change away; from 7, this one is three away. */
    ck_assert(flights_elsewhere(X, 7, 4));
    /* From 4 this one is next; theirs waits for it. */
    ck_assert(!flights_elsewhere(X, 4, 4));
    /* As near (from 3 and from 5 with the last at 4): the lower deck, this one, goes. */
    ck_assert(!flights_elsewhere(X, 3, 4));
    /* Waiting on X, it holds no one back on Y. */
    ck_assert(!flights_elsewhere(Y, 9, 4));
    end_other(&o);
}
END_TEST

START_TEST(a_waiter_on_the_lower_deck_goes_first_when_as_near)
{
    struct other o = {0};
    start_other(&o, wait_on_x_from_5);          /* the other thread has the lower deck */
    flights_depart((void *)Y);
    ck_assert(flights_elsewhere(X, 3, 4));
    end_other(&o);
}
END_TEST

static void queue_a_deferred_event(void)
{
    flights_deferred(+1);
}

START_TEST(queued_signal_handler_events_may_be_of_any_object)
{
    struct other o = {0};
    start_other(&o, queue_a_deferred_event);
    ck_assert(flights_elsewhere(X, 5, 3));
    ck_assert(flights_elsewhere(Y, 5, 3));
    flights_depart((void *)Y);
    flights_deferred(+1);                       /* this thread's own do not count */
    end_other(&o);
    ck_assert(!flights_elsewhere(X, 5, 3));
}
END_TEST

static void nest_deeper_than_a_deck(void)
{
    for (int i = 0; i < 20; i++)
        flights_depart((void *)Y);
}

static void queue_and_record_with_no_deck_yet(void)
{
    flights_deferred(+1);                       /* a GObject hook's: it marks nothing */
    flight_token t = flights_depart((void *)Y); /* the queued event recorded */
    flights_deferred(-1);
    flights_land(t);
    flights_deferred(-1);                       /* one too many: no wrap */
}

START_TEST(a_threads_first_queued_event_is_counted_and_its_recording_too)
{
    struct other o = {.unmarked = true};
    start_other(&o, queue_and_record_with_no_deck_yet);
    ck_assert(!flights_elsewhere(X, 5, 3));
    end_other(&o);
}
END_TEST

START_TEST(marks_past_a_decks_depth_may_be_of_any_object)
{
    struct other o = {0};
    start_other(&o, nest_deeper_than_a_deck);
    ck_assert(flights_elsewhere(X, 5, 3));
    end_other(&o);
    ck_assert(!flights_elsewhere(X, 5, 3));
}
END_TEST

static void *mark_and_exit(void *arg)
{
    (void)arg;
    flights_depart((void *)X);                  /* never lands */
    return NULL;
}

START_TEST(a_thread_that_exits_gives_its_deck_back)
{
    for (int i = 0; i < 2000; i++) {            /* more threads than decks, one at a time */
        pthread_t t;
        ck_assert_int_eq(pthread_create(&t, NULL, mark_and_exit, NULL), 0);
        pthread_join(t, NULL);
    }
    ck_assert(!flights_elsewhere(X, 5, 3));
    ck_assert(flights_known());
}
END_TEST

START_TEST(a_forked_child_keeps_only_its_own_deck)
{
    struct other o = {0};
    start_other(&o, mark_x);
    flights_depart((void *)Y);
    pid_t child = fork();
    if (child == 0) {
        flights_after_fork_child();
        _exit(!flights_elsewhere(X, 5, 3) && flights_mine(Y) ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert(flights_elsewhere(X, 5, 3));      /* the parent's threads are as they were */
    end_other(&o);
}
END_TEST

Suite *flights_suite(void)
{
    Suite *s = suite_create("flights");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, flights_init, NULL);   /* in each test's own process */
    tcase_add_test(c, a_mark_is_the_threads_own_until_it_lands);
    tcase_add_test(c, another_threads_mark_is_seen_until_it_lands);
    tcase_add_test(c, of_two_early_events_the_one_nearer_the_last_count_goes_first);
    tcase_add_test(c, a_waiter_on_the_lower_deck_goes_first_when_as_near);
    tcase_add_test(c, queued_signal_handler_events_may_be_of_any_object);
    tcase_add_test(c, a_threads_first_queued_event_is_counted_and_its_recording_too);
    tcase_add_test(c, marks_past_a_decks_depth_may_be_of_any_object);
    tcase_add_test(c, a_thread_that_exits_gives_its_deck_back);
    tcase_add_test(c, a_forked_child_keeps_only_its_own_deck);
    suite_add_tcase(s, c);
    return s;
}
