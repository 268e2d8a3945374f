/* An LD_PRELOAD spy for the end-to-end tests: appends the path of every file the process
 * opens under /usr/lib/debug to the file OPEN_SPY_LOG names, one a line, so that a test
 * can tell which debug files the shim looked for. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*open_fn)(const char *, int, ...);

static open_fn next_open(const char *name)
{
    return (open_fn)dlsym(RTLD_NEXT, name);
}

static void note(const char *path)
{
    const char *log = getenv("OPEN_SPY_LOG");
    if (path == NULL || log == NULL || strncmp(path, "/usr/lib/debug/", 15) != 0)
        return;
    int fd = next_open("open")(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (write(fd, path, strlen(path)) < 0 || write(fd, "\n", 1) < 0) {
        /* a test that finds nothing fails on its own */
    }
    close(fd);
}

static mode_t mode_of(int flags, va_list args)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(args, mode_t) : 0;
}

/* NAME's next definition, called with the mode that only O_CREAT and O_TMPFILE pass. */
static int spied_open(const char *name, const char *path, int flags, mode_t mode)
{
    note(path);
    return next_open(name)(path, flags, mode);
}

/* Two entry points, since a program or library may call either. */
int open(const char *path, int flags, ...)
{
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_of(flags, args);
    va_end(args);
    return spied_open("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_of(flags, args);
    va_end(args);
    return spied_open("open64", path, flags, mode);
}
