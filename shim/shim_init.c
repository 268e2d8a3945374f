/* The shim's start: read the configuration, open the log, hook the reference-counting
 * functions. Runs as a constructor when the dynamic linker loads librefshim.so through
 * LD_PRELOAD, after every start-up library is mapped. Nothing here may stop the program:
 * on any problem it says so once on stderr and leaves the program untraced. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "config.h"
#include "families.h"
#include "holder_scan.h"
#include "hooks.h"
#include "log_writer.h"
#include "recorder.h"
#include "shim_state.h"
#include "stack_capture.h"
#include "report.h"
#include "symbolizer.h"

/* Marks the processes that descend from the first traced one: only the first process of
 * a run removes a previous run's log at the name. */
#define ROOT_MARKER "REFSHIM_ROOT_LOG"

static struct config config;
static bool tracing;

bool shim_tracing(void)
{
    return tracing;
}

static const char *lookup_secure(const char *name)
{
    return secure_getenv(name);
}

/* The recorder's locks are held across fork, so the child finds its tables whole; the
 * other locks are only made usable again in the child. */
static void after_fork_child(void)
{
    symbolizer_after_fork_child();
    arch_after_fork_child();
    families_after_fork_child();
    recorder_after_fork_child();
}

/* The first process of a run makes a relative REFLOG_FILE absolute for the whole run, so
 * that a process that changes directory before its first record, or a child started
 * elsewhere, still writes its log where the user looks for it. */
static void make_log_name_absolute(void)
{
    char cwd[PATH_MAX], path[PATH_MAX];
    if (config.std_fd >= 0 || config.file[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
        return;
    int len = snprintf(path, sizeof path, "%s/%s", cwd, config.file);
    if (len > 0 && (size_t)len < sizeof path && setenv("REFLOG_FILE", path, 1) == 0)
        config.file = getenv("REFLOG_FILE");
}

__attribute__((constructor)) static void refshim_start(void)
{
    char err[512];
    if (!config_load(&config, lookup_secure, err, sizeof err)) {
        report("%s; the program runs untraced", err);
        return;
    }
    if (config.file == NULL)
        return;                 /* not asked to trace */
    const char *root = getenv(ROOT_MARKER);
    bool first_process = root == NULL || strcmp(root, config.file) != 0;
    if (!first_process && (!config.follow_children || config.std_fd >= 0))
        return;
    if (first_process)
        make_log_name_absolute();
    if (!log_open(&config, first_process, err, sizeof err)) {
        /* Said once for the run: the processes it starts are not traced either. */
        report("%s; the program runs untraced", err);
        unsetenv("REFLOG_FILE");
        return;
    }
    if (first_process)
        setenv(ROOT_MARKER, config.file, 1);
    if (!symbolizer_init()) {
        report("cannot read this process's modules; the program runs untraced");
        return;
    }
    stack_capture_init();
    recorder_init(&config);
    pthread_atfork(recorder_before_fork, recorder_after_fork_parent, after_fork_child);
    families_scan_new_modules(&config);
    families_start(&config);
    tracing = true;
    holder_scan_start(&config);
}

/* At exit, say which surviving objects were meant to survive, and cut the log to its
 * length (threads still running may log no more). Runs after the program's
 * own exit handlers and destructors, since the shim's constructor ran before theirs;
 * but the dynamic linker may run the destructors of libraries the program loaded with
 * dlopen after the shim's (Asterisk's modules drop references there), so the destructor
 * only asks exit to call it once more, after the dynamic linker's destructors are done:
 * exit runs the handlers registered while it runs them. Registered with no DSO handle:
 * atexit would tie it to the shim, whose destructor runs the shim's handlers at once. */
int __cxa_atexit(void (*fn)(void *), void *arg, void *dso_handle);
static void refshim_stop_last(void *unused);

__attribute__((destructor)) static void refshim_stop(void)
{
    if (tracing && __cxa_atexit(refshim_stop_last, NULL, NULL) == 0)
        return;
    refshim_stop_last(NULL);
}

static void refshim_stop_last(void *unused)
{
    (void)unused;
    if (tracing && shim_enter()) {
        families_at_exit();
        if (config.format == FORMAT_REFSHIM)
            holder_scan_run(0);
        log_finish();
        shim_leave();
    }
}
