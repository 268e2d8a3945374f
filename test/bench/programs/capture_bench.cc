// Measures the cost of a logged AddRef+Release pair at a chosen stack depth, and the
// yardstick: one bare unw_backtrace at the same depth.
//   capture_bench refs N DEPTH     N AddRef/Release pairs on an nsFoo
//   capture_bench unwind N DEPTH   N unw_backtrace calls
// Prints nanoseconds per call (a pair counts as two calls).
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nsfoo.h"

static double now_ns()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long iterations;
static bool unwind_mode;
static double per_call;

__attribute__((noinline)) static void Loop(nsFoo *foo)
{
    void *frames[256];
    double start = now_ns();
    if (unwind_mode) {
        for (long i = 0; i < iterations; i++)
            unw_backtrace(frames, 256);
        per_call = (now_ns() - start) / iterations;
    } else {
        for (long i = 0; i < iterations; i++) {
            foo->AddRef();
            foo->Release();
        }
        per_call = (now_ns() - start) / (2.0 * iterations);
    }
}

// Adds stack frames until the loop runs DEPTH frames below main's caller.
__attribute__((noinline)) static void Descend(int depth, nsFoo *foo)
{
    if (depth > 0)
        Descend(depth - 1, foo);
    else
        Loop(foo);
    __asm__ volatile("" ::: "memory");      // no tail call
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: capture_bench refs|unwind N DEPTH\n");
        return 2;
    }
    unwind_mode = strcmp(argv[1], "unwind") == 0;
    iterations = atol(argv[2]);
    int depth = atoi(argv[3]);
    nsFoo *foo = nullptr;
    NS_NewFoo(&foo);
    // main, __libc_start_call_main, __libc_start_main and _start are 4 frames; Loop is one.
    Descend(depth - 5, foo);
    foo->Release();
    printf("%.1f\n", per_call);
    return 0;
}
