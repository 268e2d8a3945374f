/* Opening the log and writing to it. A regular file is written through a shared mapping
 * (log_mapping.c); stdout, stderr, pipes and devices with write(2) under a lock. Either
 * way a record is in the kernel as soon as it is written, so a crash of the traced program
 * loses nothing that was logged.
 *
 * A process's log file is created at its first record, so that a process that logs nothing
 * (a wrapper such as timeout or sh, a child that never executes anything) leaves no file.
 * The name REFLOG_FILE goes to the first process of the run that logs: it is claimed with
 * O_EXCL, and the others write REFLOG_FILE.<pid>. The shim writes only into files it has
 * just created (owner-only, never through a symbolic link, not inherited across exec): a
 * log may reveal a program's internals, and a file planted at the name by someone else
 * must not receive them. A device or FIFO named by REFLOG_FILE is the exception: the first
 * process of the run writes to it, opened at its start.
 *
 * Memory may be shared with a child made by vfork (posix_spawn, system, popen): such a
 * child runs the execve hook in the parent's memory, so everything here that changes state
 * first checks that the calling process is the one the state belongs to. */
#include "log_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log_mapping.h"
#include "refshim_log.h"
#include "report.h"

enum log_state {
    LOG_OFF,                    /* not logging */
    LOG_PENDING,                /* created (or its header written) at the first record */
    LOG_OPEN,
};

static enum log_state state;            /* atomic */
static pid_t owner;                     /* the process this state belongs to */
static const struct config *log_config;
static int log_fd = -1;
static bool log_owns_fd;
static bool log_mapped;                 /* written through log_mapping.c, never write(2) */
static bool log_is_pipe;                /* a reader may go away: SIGPIPE must not kill us */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;  /* the write(2) path */
static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;

static int create_exclusive(const char *path)
{
    return open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* REFLOG_FILE if no process of the run has claimed it, else REFLOG_FILE.<pid>. */
static int claim_a_name(const char *base, char *path, size_t pathlen)
{
    snprintf(path, pathlen, "%s", base);
    int fd = create_exclusive(path);
    pid_t pid = getpid();
    for (int attempt = 1; fd < 0 && errno == EEXIST && attempt < 100; attempt++) {
        if (attempt == 1)
            snprintf(path, pathlen, "%s.%d", base, (int)pid);
        else
            snprintf(path, pathlen, "%s.%d.%d", base, (int)pid, attempt);
        fd = create_exclusive(path);
    }
    return fd;
}

/* write(2) to a pipe whose reader has gone raises SIGPIPE, which would kill the program:
 * it is blocked around the write, and one raised by it is taken off this thread. */
static ssize_t write_quietly(int fd, const char *data, size_t len)
{
    if (!log_is_pipe)
        return write(fd, data, len);
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    ssize_t n = write(fd, data, len);
    int saved = errno;
    if (n < 0 && errno == EPIPE) {
        struct timespec none = {0, 0};
        sigtimedwait(&pipe_only, NULL, &none);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return n;
}

static void stop_writing(const char *why)
{
    report_once("cannot write the log (%s); tracing stops here", why);
    if (log_owns_fd)
        close(log_fd);
    log_fd = -1;
    __atomic_store_n(&state, LOG_OFF, __ATOMIC_RELEASE);
}

static void write_all(int fd, const char *data, size_t len)
{
    while (len > 0 && log_fd >= 0) {
        ssize_t n = write_quietly(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            stop_writing(n < 0 ? strerror(errno) : "nothing written");
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

static void append(const char *data, size_t len)
{
    if (log_mapped) {
        log_mapping_append(data, len);
    } else if (log_fd >= 0) {
        pthread_mutex_lock(&write_lock);
        write_all(log_fd, data, len);
        pthread_mutex_unlock(&write_lock);
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
    int len = snprintf(header, sizeof header, REFSHIM_LOG_SIGNATURE "\n# pid %d\n# ppid %d\n# exe %s\n# start %s\n",
                       (int)getpid(), (int)getppid(), exe, when);
    if (len > 0)
        append(header, (size_t)len < sizeof header ? (size_t)len : sizeof header - 1);
}

/* Creates the log file if this process has none yet, and writes the header. */
static bool create_log(void)
{
    char path[PATH_MAX];
    if (log_fd < 0) {
        int fd = claim_a_name(log_config->file, path, sizeof path);
        if (fd < 0) {
            int error = errno;
            config_escape_controls(path, sizeof path); /* the user's REFLOG_FILE, quoted */
            report_once("cannot create the log %s: %s; this process is not traced", path,
                        strerror(error));
            return false;
        }
        log_fd = fd;
        log_owns_fd = true;
        log_mapped = log_mapping_start(fd, log_config->format == FORMAT_REFSHIM);
    }
    if (log_config->format == FORMAT_REFSHIM)
        write_header();             /* Mozilla's format has none */
    return log_fd >= 0;
}

/* The slow path of the first record: one thread creates the log, the others wait for it,
 * so the header comes first. */
static bool ready_to_write(void)
{
    enum log_state now = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
    if (now != LOG_PENDING)
        return now == LOG_OPEN;
    /* A vfork child shares our memory but is another process: it must not create a log
     * for us, nor one of its own in our state. */
    if (getpid() != owner)
        return false;
    pthread_mutex_lock(&create_lock);
    if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == LOG_PENDING)
        __atomic_store_n(&state, create_log() ? LOG_OPEN : LOG_OFF, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&create_lock);
    return __atomic_load_n(&state, __ATOMIC_ACQUIRE) == LOG_OPEN;
}

/* The directory of PATH must exist and take new files, or the user learns at once, not at
 * the first record. */
static bool directory_takes_files(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return access(dir, W_OK | X_OK) == 0;
}

/* Opens a device or FIFO named by REFLOG_FILE. A FIFO is opened without waiting: with no
 * process reading it, the program would block before main. */
static bool open_special(const char *path, const struct stat *st, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (S_ISFIFO(st->st_mode) ? O_NONBLOCK : 0));
    if (fd < 0 && errno == ENXIO && S_ISFIFO(st->st_mode)) {
        snprintf(err, errlen, "REFLOG_FILE %s is a FIFO that no process reads (start the reader first)", path);
        return false;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot open REFLOG_FILE %s: %s", path, strerror(errno));
        return false;
    }
    if (S_ISFIFO(st->st_mode))
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);   /* a slow reader is waited for */
    log_fd = fd;
    log_owns_fd = true;
    log_is_pipe = S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode);
    return true;
}

/* The first process of a run: the name must be free for this run's logs. A previous run's
 * log of ours is removed; a file of someone else's is never written to. */
static bool prepare_the_name(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT && directory_takes_files(path))
            return true;
        snprintf(err, errlen, "cannot open REFLOG_FILE %s: %s", path, strerror(errno));
        return false;
    }
    if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot open REFLOG_FILE %s: %s", path,
                 strerror(S_ISLNK(st.st_mode) ? ELOOP : EISDIR));
        return false;
    }
    if (!S_ISREG(st.st_mode))
        return open_special(path, &st, err, errlen);
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen, "REFLOG_FILE %s exists and belongs to user %d; refshim writes only "
                 "files it creates: remove it or choose another name", path, (int)st.st_uid);
        return false;
    }
    if (unlink(path) != 0) {
        snprintf(err, errlen, "cannot remove %s, the log of a previous run: %s", path, strerror(errno));
        return false;
    }
    return true;
}

bool log_open(const struct config *config, bool first_process, char *err, size_t errlen)
{
    log_config = config;
    owner = getpid();
    if (config->std_fd >= 0) {
        struct stat st;
        log_fd = config->std_fd;
        log_owns_fd = false;
        log_is_pipe = fstat(log_fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    } else if (first_process && !prepare_the_name(config->file, err, errlen)) {
        /* The messages quote REFLOG_FILE; their own words have no control characters. */
        config_escape_controls(err, errlen);
        return false;
    }
    __atomic_store_n(&state, LOG_PENDING, __ATOMIC_RELEASE);
    return true;
}

bool log_reopen_in_child(const struct config *config)
{
    log_mapping_forget();
    log_mapped = false;
    log_is_pipe = false;
    if (log_owns_fd && log_fd >= 0)
        close(log_fd);
    log_fd = -1;
    owner = getpid();
    pthread_mutex_init(&write_lock, NULL);     /* another thread may have held them at fork */
    pthread_mutex_init(&create_lock, NULL);
    bool follows = config->follow_children && config->std_fd < 0;
    __atomic_store_n(&state, follows ? LOG_PENDING : LOG_OFF, __ATOMIC_RELEASE);
    return follows;
}

void log_write(const char *data, size_t len)
{
    if (ready_to_write())
        append(data, len);
}

void log_write_definitions(const char *data, size_t len)
{
    if (!ready_to_write())
        return;
    if (log_mapped)
        log_mapping_append_definitions(data, len);
    else
        append(data, len);
}

bool log_write_event(const char *data, size_t len, size_t *after, size_t repeat_at, size_t repeat_len)
{
    if (!ready_to_write())
        return false;
    if (log_mapped)
        return log_mapping_append_event(data, len, after, repeat_at, repeat_len);
    append(data, len);              /* one stream under one lock: already in order */
    return log_fd >= 0;
}

void log_write_comment(const char *word, const char *text)
{
    if (log_config == NULL || log_config->format != FORMAT_REFSHIM)
        return;
    char line[PATH_MAX + 64];
    int len = snprintf(line, sizeof line, "# %s %s\n", word, text);
    if (len > 0 && (size_t)len < sizeof line)
        log_write(line, (size_t)len);
}

size_t log_definitions_end(void)
{
    return log_mapped ? log_mapping_definitions_end() : 0;
}

bool log_is_open(void)
{
    switch (__atomic_load_n(&state, __ATOMIC_ACQUIRE)) {
    case LOG_PENDING:
        return true;
    case LOG_OPEN:
        return log_mapped ? log_mapping_active() : log_fd >= 0;
    default:
        return false;
    }
}

bool log_belongs_to_caller(void)
{
    return getpid() == owner;
}

void log_before_exec(void)
{
    if (log_mapped && log_belongs_to_caller())
        log_mapping_suspend();
}

void log_after_failed_exec(void)
{
    if (log_mapped && log_belongs_to_caller())
        log_mapping_resume();
}

void log_finish(void)
{
    if (log_belongs_to_caller())
        log_mapping_finish();
}
