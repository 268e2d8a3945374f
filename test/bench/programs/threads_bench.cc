// Measures whether threads that log at the same time slow each other down: T threads,
// each on an nsFoo of its own, do N AddRef/Release pairs at a chosen stack depth, all
// starting together. Run under the shim with T=1 and T=2: with no shared lock on the
// logging path, the per-call cost with 2 threads (on 2 cores) stays that of 1 thread.
// The yardstick is the same with bare unw_backtrace calls, which share nothing: how much
// the machine itself slows down when both cores work.
//   threads_bench refs T N DEPTH     AddRef/Release pairs (a pair counts as two calls)
//   threads_bench unwind T N DEPTH   unw_backtrace calls
// Prints the mean over the threads of nanoseconds per call.
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nsfoo.h"

static long iterations;
static int depth;
static bool unwind_mode;
static pthread_barrier_t ready;

static double now_ns()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct worker {
    pthread_t thread;
    double per_call;
};

__attribute__((noinline)) static void Loop(worker *self)
{
    nsFoo *foo = nullptr;
    NS_NewFoo(&foo);
    // Every thread times only its own loop, started at the same moment as the others',
    // so thread creation and the first log writes are not counted.
    pthread_barrier_wait(&ready);
    double start = now_ns();
    if (unwind_mode) {
        void *frames[256];
        for (long i = 0; i < iterations; i++)
            unw_backtrace(frames, 256);
        self->per_call = (now_ns() - start) / iterations;
    } else {
        for (long i = 0; i < iterations; i++) {
            foo->AddRef();
            foo->Release();
        }
        self->per_call = (now_ns() - start) / (2.0 * iterations);
    }
    foo->Release();
}

// Adds stack frames until the loop runs DEPTH frames deep, as capture_bench does.
__attribute__((noinline)) static void Descend(int levels, worker *self)
{
    if (levels > 0)
        Descend(levels - 1, self);
    else
        Loop(self);
    __asm__ volatile("" ::: "memory");      // no tail call
}

static void *Run(void *arg)
{
    // clone3 and start_thread are 2 frames, Run and Loop 2 more.
    Descend(depth - 4, static_cast<worker *>(arg));
    return nullptr;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: threads_bench refs|unwind THREADS N DEPTH\n");
        return 2;
    }
    unwind_mode = strcmp(argv[1], "unwind") == 0;
    int threads = atoi(argv[2]);
    iterations = atol(argv[3]);
    depth = atoi(argv[4]);
    if (threads < 1 || iterations < 1 || depth < 4) {
        fprintf(stderr, "threads_bench: THREADS >= 1, N >= 1, DEPTH >= 4\n");
        return 2;
    }
    worker *workers = new worker[threads];
    pthread_barrier_init(&ready, nullptr, threads);
    for (int t = 0; t < threads; t++)
        pthread_create(&workers[t].thread, nullptr, Run, &workers[t]);
    double sum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(workers[t].thread, nullptr);
        sum += workers[t].per_call;
    }
    printf("%.1f\n", sum / threads);
    delete[] workers;
    return 0;
}
