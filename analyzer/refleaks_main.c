/* refleaks_main.c - refleaks: lists the objects still alive at the end of refshim logs.
 *
 * The counterpart of Mozilla's find_leakers.py. Each log is one process, so several
 * logs are analysed one after the other, never merged: serials and addresses only mean
 * something within their own process. */
#include <stdio.h>
#include <string.h>

#include "live_objects.h"
#include "log_reader.h"

static const char usage_line[] = "usage: refleaks [--help] [LOG...]\n";

static const char help_text[] =
    "usage: refleaks [--help] [LOG...]\n"
    "\n"
    "Lists the objects of a refshim log that are still alive at its end: objects that\n"
    "had reference-count events but no D (destroy) event. Each is printed on stdout as\n"
    "\n"
    "    ADDRESS (SERIAL) @ CLASS\n"
    "\n"
    "in allocation (serial) order, with the address exactly as the log wrote it.\n"
    "Nothing else goes to stdout.\n"
    "\n"
    "LOG is a log file written by the refshim shim; without LOG, or with -, standard\n"
    "input is read. With several LOGs each is analysed on its own (one log per process)\n"
    "and its lines are preceded by a line `# LOG`, printed for every log that could be\n"
    "read; with one LOG there is no such line.\n"
    "\n"
    "A log that ends in the middle of a line (the program was killed) is analysed up to\n"
    "its last complete line, with a warning on stderr.\n"
    "\n"
    "Exit status:\n"
    "  0   nothing leaked\n"
    "  1   at least one object leaked\n"
    "  64  usage error\n"
    "  65  a log is malformed (the message says FILE:LINE: what is wrong)\n"
    "  66  a log cannot be opened or read\n"
    "With several LOGs, an error status (65, 66) of the first failing log wins over 1.\n";

static void record_event(const struct log_event *event, void *user)
{
    live_objects_record(user, event);
}

/* Analyses one log; returns 0, 1 (leaks) or an error status. */
static int analyse_log(const char *path, bool print_header)
{
    struct live_objects *objects = live_objects_new();
    struct log_diag diag;
    int status = log_read_path(path, record_event, objects, &diag);
    if (diag.warning[0])
        fprintf(stderr, "%s\n", diag.warning);
    if (status == LOG_STATUS_CANNOT_READ) {
        fprintf(stderr, "refleaks: %s\n", diag.message);
    } else if (status != LOG_STATUS_OK) {
        fprintf(stderr, "%s\n", diag.message);
    } else {
        if (print_header)
            printf("# %s\n", path);
        status = live_objects_print(objects, stdout) > 0 ? 1 : 0;
    }
    live_objects_free(objects);
    return status;
}

int main(int argc, char **argv)
{
    int first_log = 1;
    for (; first_log < argc; first_log++) {
        const char *arg = argv[first_log];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(help_text, stdout);
            return 0;
        }
        if (strcmp(arg, "--") == 0) {
            first_log++;
            break;
        }
        if (arg[0] != '-' || strcmp(arg, "-") == 0)
            break;
        fprintf(stderr, "refleaks: unknown option '%s'\n%s", arg, usage_line);
        return LOG_STATUS_USAGE;
    }
    /* Options after the first LOG are taken as file names, like `--` implies. */
    int log_count = argc - first_log;
    if (log_count == 0)
        return analyse_log("-", false);

    int result = 0;
    for (int i = first_log; i < argc; i++) {
        int status = analyse_log(argv[i], log_count > 1);
        if (status > 1 && result <= 1)
            result = status;
        else if (status == 1 && result == 0)
            result = 1;
    }
    if (fflush(stdout) != 0) {
        perror("refleaks: stdout");
        return 74; /* EX_IOERR */
    }
    return result;
}
