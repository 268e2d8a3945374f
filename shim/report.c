/* Messages from the shim to the user on stderr. Written with one write(2) so that they
 * are not interleaved with the program's output and need no stdio locks. */
#include "report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

static void vreport(const char *fmt, va_list ap)
{
    char line[512] = "refshim: ";
    size_t prefix = 9;
    int n = vsnprintf(line + prefix, sizeof line - prefix - 1, fmt, ap);
    if (n < 0)
        return;
    size_t len = prefix + ((size_t)n < sizeof line - prefix - 1 ? (size_t)n : sizeof line - prefix - 2);
    line[len++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, len);
    (void)ignored;
}

void report_once(const char *fmt, ...)
{
    static bool reported;
    if (__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED))
        return;
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

void report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}
