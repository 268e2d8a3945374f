// A program that unwinds with libunwind in its own signal handler, as profilers and crash
// reporters do, while the shim unwinds the stacks of its AddRef/Release calls on the same
// thread. The shim folds libunwind's signal masking into one change per capture
// (shim/record/unwind_signals.c); if it ever left libunwind's lock held with signals let
// through, a handler's unwinding would wait for its own thread forever.
//   unwinding_handler ROUNDS   A second thread signals the main thread without pause while
//                              it calls AddRef/Release from 64 functions it has not run
//                              before (new frames for libunwind), ROUNDS times over; the
//                              64th function keeps its reference every round. Prints how
//                              whether handlers unwound.
//   unwinding_handler ROUNDS quiet   The same calls with no signals.
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "nsfoo.h"

static volatile sig_atomic_t unwound;
static volatile int started, stopping;
static pthread_t main_thread;

// Step by step, as crash reporters walk: every step takes libunwind's cache lock.
static void OnSignal(int)
{
    unw_context_t context;
    unw_cursor_t cursor;
    if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0)
        return;
    int steps = 0;
    while (steps < 64 && unw_step(&cursor) > 0)
        steps++;
    if (steps > 0)
        unwound = unwound + 1;
}

static void *Signaller(void *)
{
    started = 1;
    while (!stopping)
        pthread_kill(main_thread, SIGUSR1);
    return nullptr;
}

template <int N> __attribute__((noinline)) void Touch(nsFoo *foo)
{
    foo->AddRef();
    if (N != 63)
        foo->Release();
    __asm__ volatile("" ::: "memory");
}

template <int N> struct Table {
    static void Fill(void (**touch)(nsFoo *))
    {
        touch[N] = Touch<N>;
        Table<N - 1>::Fill(touch);
    }
};
template <> struct Table<-1> {
    static void Fill(void (**)(nsFoo *)) {}
};

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    void (*touch[64])(nsFoo *);
    Table<63>::Fill(touch);
    signal(SIGUSR1, OnSignal);
    main_thread = pthread_self();
    bool quiet = argc > 2;
    pthread_t signaller;
    if (!quiet)
        pthread_create(&signaller, nullptr, Signaller, nullptr);
    while (!quiet && !started)
        sched_yield();
    nsFoo *foo = nullptr;
    NS_NewFoo(&foo);
    for (int round = 0; round < rounds; round++)
        for (int i = 0; i < 64; i++)
            touch[i](foo);
    stopping = 1;
    if (quiet)
        return 0;
    pthread_join(signaller, nullptr);
    printf("%s\n", unwound > 0 ? "unwound in handlers" : "no handler unwound");
    return 0;
}
