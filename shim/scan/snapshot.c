/* The snapshot signal's handler only writes a byte into a pipe: a thread of the shim's
 * own reads it and runs the scan, outside the signal, while the program goes on. The
 * thread's stack is scan memory, never read by the scan; it blocks every signal, so that
 * the program's handlers never run on it. A forked child has no such thread: its
 * snapshots are not taken. */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holder_scan.h"
#include "hooks.h"
#include "report.h"
#include "scan_memory.h"

#define THREAD_STACK (512 * 1024)

static int wake[2] = {-1, -1};
static pid_t owner;             /* a forked child shares the pipe, not the thread */

static void on_snapshot_signal(int sig)
{
    (void)sig;
    if (getpid() != owner)
        return;
    int saved = errno;
    char byte = 's';
    if (write(wake[1], &byte, 1) < 0) {
        /* the pipe is full: a snapshot is already asked for */
    }
    errno = saved;
}

static void *snapshot_thread(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    uint64_t mark = 0;
    for (;;) {
        char byte;
        ssize_t n = read(wake[0], &byte, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        if (shim_enter()) {
            holder_scan_run(++mark);
            shim_leave();
        }
    }
}


void snapshot_start(int sig)
{
    pthread_attr_t attr;
    void *stack = scan_alloc(THREAD_STACK);
    pthread_t thread;
    if (stack == NULL || pipe2(wake, O_CLOEXEC) != 0) {
        report("cannot start the snapshot thread; no snapshots");
        return;
    }
    fcntl(wake[1], F_SETFL, O_NONBLOCK);
    owner = getpid();
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, THREAD_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attr, snapshot_thread, NULL);
    pthread_attr_destroy(&attr);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_snapshot_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (failed || sigaction(sig, &action, NULL) != 0)
        report("cannot start the snapshot thread; no snapshots");
}
