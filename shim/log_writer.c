/* Opening the log and writing to it. Records reach the kernel with write(2) as soon as an
 * event is complete, so a crash of the traced program loses nothing that was logged.
 * Files are created owner-only, without following symbolic links, and not inherited
 * across exec: a log may reveal a program's internals. */
#include "log_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static int log_fd = -1;
static bool log_owns_fd;

static int open_exclusive(const char *base, char *path, size_t pathlen)
{
    pid_t pid = getpid();
    for (int attempt = 1; attempt < 100; attempt++) {
        if (attempt == 1)
            snprintf(path, pathlen, "%s.%d", base, (int)pid);
        else
            snprintf(path, pathlen, "%s.%d.%d", base, (int)pid, attempt);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
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
        log_fd = open(config->file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
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
    write_header();
    return log_fd >= 0;
}

bool log_reopen_in_child(const struct config *config)
{
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
    if (log_fd >= 0)
        write_all(log_fd, data, len);
}

bool log_is_open(void)
{
    return log_fd >= 0;
}
