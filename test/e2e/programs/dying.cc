// A program that logs a known set of reference-count events and then dies in the way its
// argument names, for the crash cases (test/e2e/cases/crash.sh):
//   exit    returns from main            _exit   calls _exit(3)
//   abort   calls abort()                segv    writes through a null pointer
//   kill    raises SIGKILL on itself
//   spin    leaks three nsFoo, then AddRefs and Releases a fourth forever, 1000 pairs
//           per millisecond at most (killed from outside at a random moment)
// The fixed events: four nsFoo each get N, A, A (count 3); the 1st and 3rd are released
// three times (R, R, D), the 2nd and 4th once (R, left at count 2: leaked). That is
// N=4 A=8 R=6 D=2, 20 events, with serials 2 and 4 alive at the end.
// After the last event the program prints a marker and flushes stdout, so the test knows
// every event was logged before the death.
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsfoo.h"

static void MakeFour(nsFoo *foos[4])
{
    for (int i = 0; i < 4; i++) {
        foos[i] = new nsFoo();
        foos[i]->AddRef();
        foos[i]->AddRef();
        foos[i]->AddRef();
    }
}

static void ReleaseSome(nsFoo *foos[4])
{
    for (int i = 0; i < 4; i++) {
        // Even indexes (serials 1 and 3) are destroyed, odd ones keep two references.
        int times = i % 2 == 0 ? 3 : 1;
        for (int t = 0; t < times; t++)
            foos[i]->Release();
    }
}

static void Spin()
{
    for (int i = 0; i < 3; i++) {
        nsFoo *leaked = new nsFoo();
        leaked->AddRef();
    }
    nsFoo *spinner = new nsFoo();
    spinner->AddRef();
    printf("spinning\n");
    fflush(stdout);
    // Bursts of 1000 pairs, each starting on the next millisecond: busy all the time
    // while logging is slow, yet the log of a fast shim stays small (2M events a second
    // at most), so the test reads it in a moment.
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        for (int i = 0; i < 1000; i++) {
            spinner->AddRef();
            spinner->Release();
        }
        next.tv_nsec += 1000000;
        if (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
    }
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "";
    if (strcmp(how, "spin") == 0)
        Spin();

    nsFoo *foos[4];
    MakeFour(foos);
    ReleaseSome(foos);
    printf("20 events\n");
    fflush(stdout);

    if (strcmp(how, "exit") == 0)
        return 0;
    if (strcmp(how, "_exit") == 0)
        _exit(3);
    if (strcmp(how, "abort") == 0)
        abort();
    if (strcmp(how, "segv") == 0) {
        // volatile, so that the compiler cannot prove the store away or trap differently.
        int *volatile nowhere = nullptr;
        *nowhere = 1;
    }
    if (strcmp(how, "kill") == 0)
        raise(SIGKILL);
    fprintf(stderr, "usage: dying exit|_exit|abort|segv|kill|spin\n");
    return 2;
}
