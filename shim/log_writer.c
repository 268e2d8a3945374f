/* Opening the log and writing to it. A regular file is written through a shared mapping
 * (log_mapping.c); stdout, stderr, pipes and devices with write(2) under a lock. Either
 * way a record is in the kernel as soon as it is written, so a crash of the traced program
 * loses nothing that was logged. Files are created owner-only, without following symbolic
 * links, and not inherited across exec: a log may reveal a program's internals. */
#include "log_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log_mapping.h"
#include "report.h"

static int log_fd = -1;
static bool log_owns_fd;
static bool log_mapped;                 /* written through log_mapping.c, never write(2) */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;  /* the write(2) path */

static int open_exclusive(const char *base, char *path, size_t pathlen)
{
    pid_t pid = getpid();
    for (int attempt = 1; attempt < 100; attempt++) {
        if (attempt == 1)
            snprintf(path, pathlen, "%s.%d", base, (int)pid);
        else
            snprintf(path, pathlen, "%s.%d.%d", base, (int)pid, attempt);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static void write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            report_once("cannot write the log (%s); tracing stops here", strerror(errno));
            if (log_owns_fd)
                close(fd);
            log_fd = -1;
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

static void write_header(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char header[PATH_MAX + 128];
    int len = snprintf(header, sizeof header, "# refshim 1\n# pid %d\n# ppid %d\n# exe %s\n# start %s\n",
                       (int)getpid(), (int)getppid(), exe, when);
    if (len > 0)
        log_write(header, (size_t)len < sizeof header ? (size_t)len : sizeof header - 1);
}

bool log_open(const struct config *config, bool first_process, char *err, size_t errlen)
{
    if (config->std_fd >= 0) {
        log_fd = config->std_fd;
        log_owns_fd = false;
    } else if (first_process) {
        log_fd = open(config->file, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        log_owns_fd = true;
        if (log_fd < 0) {
            snprintf(err, errlen, "cannot open REFLOG_FILE %s: %s", config->file, strerror(errno));
            return false;
        }
    } else {
        char path[PATH_MAX];
        log_fd = open_exclusive(config->file, path, sizeof path);
        log_owns_fd = true;
        if (log_fd < 0) {
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
            return false;
        }
    }
    log_mapped = log_owns_fd && log_mapping_start(log_fd);
    if (config->format == FORMAT_REFSHIM)
        write_header();             /* Mozilla's format has none */
    return log_fd >= 0;
}

bool log_reopen_in_child(const struct config *config)
{
    log_mapping_forget();
    log_mapped = false;
    if (log_owns_fd && log_fd >= 0)
        close(log_fd);
    log_fd = -1;
    if (!config->follow_children || config->std_fd >= 0)
        return false;
    char err[PATH_MAX + 64];
    if (!log_open(config, false, err, sizeof err)) {
        report_once("%s; this process is not traced", err);
        return false;
    }
    return true;
}

void log_write(const char *data, size_t len)
{
    if (log_mapped) {
        log_mapping_append(data, len);
    } else if (log_fd >= 0) {
        pthread_mutex_lock(&write_lock);
        write_all(log_fd, data, len);
        pthread_mutex_unlock(&write_lock);
    }
}

void log_write_event(const char *data, size_t len, size_t *after)
{
    if (log_mapped)
        log_mapping_append_after(data, len, after);
    else
        log_write(data, len);       /* one stream under one lock: already in order */
}

bool log_is_open(void)
{
    return log_mapped ? log_mapping_active() : log_fd >= 0;
}

void log_before_exec(void)
{
    if (log_mapped)
        log_mapping_suspend();
}

void log_after_failed_exec(void)
{
    if (log_mapped)
        log_mapping_resume();
}

void log_finish(void)
{
    log_mapping_finish();
}
