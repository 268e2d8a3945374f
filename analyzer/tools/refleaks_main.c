/* refleaks_main.c - refleaks: what leaked, according to reference-count logs.
 *
 * The counterpart of Mozilla's find_leakers.py (the default list), BloatView (--bloat)
 * and Asterisk's refcounter.py (--history), for refshim, Mozilla and Asterisk logs.
 * Each log is one process, so several logs are analysed one after the other, never
 * merged: serials and addresses only mean something within their own process. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anomaly_report.h"
#include "bloat_report.h"
#include "escape_text.h"
#include "frame_text.h"
#include "history_report.h"
#include "holder_records.h"
#include "holder_table.h"
#include "holders_report.h"
#include "leak_table.h"
#include "leak_list.h"
#include "live_objects.h"
#include "object_tracker.h"
#include "debug_symbols.h"
#include "log_reader.h"
#include "log_symbolize.h"
#include "output.h"
#include "parse_number.h"
#include "stack_groups.h"

static const char usage_line[] =
    "usage: refleaks [--history [-i] [-l] [-n] [-s] | --bloat | --by-stack | --holders |\n"
    "                --at-mark N | --between M N] [--brief] [--summary] [--json] [--help]\n"
    "                [--debug-dir DIR]... [--no-debuginfod] [-f LOG] [LOG...]\n"
    "       refleaks --symbolize [--debug-dir DIR]... [--no-debuginfod] LOG\n";

static const char help_text[] =
    "usage: refleaks [--history [-i] [-l] [-n] [-s] | --bloat | --by-stack | --holders |\n"
    "                --at-mark N | --between M N] [--brief] [--summary] [--json] [--help]\n"
    "                [--debug-dir DIR]... [--no-debuginfod] [-f LOG] [LOG...]\n"
    "\n"
    "Reports the objects of reference-count logs that are still alive at their end.\n"
    "The format of each log is recognized from its content: refshim's own log, Mozilla's\n"
    "XPCOM refcount and alloc logs (XPCOM_MEM_REFCNT_LOG, XPCOM_MEM_ALLOC_LOG), and\n"
    "Asterisk's refs log (refdebug=yes).\n"
    "\n"
    "Without an option, each leaked object is printed on stdout as\n"
    "\n"
    "    ADDRESS (SERIAL) @ CLASS\n"
    "\n"
    "in allocation (serial) order, with the address exactly as the log wrote it.\n"
    "When the log has the shim's holder records (written at a normal exit) and stderr is\n"
    "a terminal, or with --summary, a line on stderr then counts the objects lost, in\n"
    "cycles, held by leaked objects, by globals, from stacks and from other heap memory.\n"
    "\n"
    "  --history   refcounter.py's report: the sections Invalid Referenced, Leaked,\n"
    "              Skewed (first seen in mid-life) and Finalized, each object with its\n"
    "              history, one line per event: [TID] FILE:LINE FUNC: DELTA TAG - [STATE]\n"
    "    -i        hide the invalid objects        -l  hide the leaked objects\n"
    "    -n        hide the finalized objects      -s  hide the skewed objects\n"
    "              (-n is what you want on big logs.) The exit status is then the\n"
    "              bitmask of refcounter.py: 4 invalid, 1 leaked, 2 skewed, whatever\n"
    "              is hidden.\n"
    "  --bloat     BloatView's table per class (bytes per instance, bytes leaked,\n"
    "              objects created, destroyed and leaked; a TOTAL row first), then\n"
    "              the leaked objects' serial numbers with their allocation stacks.\n"
    "  --by-stack  leaked objects grouped by the stack of their first event (their\n"
    "              allocation), largest group first.\n"
    "  --json      one JSON document on stdout instead of the text of any report\n"
    "              (doc/json.md): per log, the leaked objects with address, serial,\n"
    "              class, count, size when known, allocation stack and, with holder\n"
    "              records, reason; with --bloat also the per-class counts; the groups\n"
    "              of --by-stack, the sections of --history, the reasons of --holders.\n"
    "  --holders   why each leaked object is still alive, from the shim's scan at exit:\n"
    "              ADDRESS (SERIAL) @ CLASS: REASON, REASON one of `lost`, `global NAME`,\n"
    "              `cycle (S)...`, `held by (S)...`, `stack`, `heap ADDRESS in MEMORY`;\n"
    "              under a lost object, `+N at FRAME` for each call site whose AddRefs\n"
    "              were never matched by Releases there.\n"
    "  --brief     with the three options above: the lost objects and the cycles first,\n"
    "              then only counts: held by leaked objects, per global, from stacks,\n"
    "              from other heap memory.\n"
    "  --at-mark N the objects alive at snapshot N (refshim snapshot), with their reasons.\n"
    "  --between M N  the objects created after snapshot M and still alive at snapshot N.\n"
    "  -f LOG      read LOG (as refcounter.py's -f); the same as naming LOG.\n"
    "  --debug-dir DIR  also look frames up in DIR's .build-id/ tree of debug files\n"
    "              (after the module itself and /usr/lib/debug; repeatable), then\n"
    "              debuginfod if DEBUGINFOD_URLS is set (--no-debuginfod: never).\n"
    "  --symbolize LOG  write a copy of LOG with its frames looked up, nothing else.\n"
    "  --help      print this help.\n"
    "\n"
    "LOG is a file; without LOG, or with -, standard input is read. With several LOGs\n"
    "(one per process) each is analysed and reported on its own, after a line `# LOG`.\n"
    "\n"
    "Events that cannot be right (a Release of an object never created, a change after\n"
    "its destruction, a count that jumps because an event is missing, an Asterisk\n"
    "**invalid** line) are told on stderr as `LOG:LINE: warning: ...`, at most 20 per\n"
    "log. A log that ends in the middle of a line (the program was killed) is analysed\n"
    "up to its last complete record, with a warning on stderr; a line that NUL bytes cut\n"
    "(a thread killed while writing it) is skipped, and the warning says how many were.\n"
    "An unknown format or a\n"
    "malformed line stops with `LOG:LINE: what is wrong`.\n"
    "\n"
    "Exit status:\n"
    "  0   nothing leaked\n"
    "  1   at least one object leaked (with --history: the bitmask above)\n"
    "  64  usage error\n"
    "  65  a log is malformed or of an unknown format\n"
    "  66  a log cannot be opened or read\n"
    "With several LOGs the statuses of a report combine (--history: bitwise or), and\n"
    "the error status of the first failing log wins.\n";

enum report_kind {
    REPORT_LIST, REPORT_HISTORY, REPORT_BLOAT, REPORT_BY_STACK, REPORT_HOLDERS, REPORT_AT_MARK,
    REPORT_BETWEEN
};

struct options {
    enum report_kind kind;
    bool json;
    struct output *output;              /* text or JSON, on stdout */
    uint64_t mark, since_mark;          /* --at-mark N, --between M N */
    bool summary;                       /* the why-alive line after the list */
    bool brief;                         /* --brief: what matters first */
    struct history_options history;
    bool history_flags_given;
};

static void ignore_event(const struct log_event *event, void *user)
{
    (void)event;
    (void)user;
}

/* Reads PATH into the report's handler HANDLER/USER, which is given the events WANTED;
 * returns the reader's status. */
static int read_log(const char *path, enum log_events wanted, log_event_fn handler, void *user)
{
    char escaped[1024];
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : escape_text(path, escaped, sizeof escaped);
    struct anomaly_report anomalies = {name, stderr, 0, handler, user};
    struct log_diag diag;
    struct log_wanted events = {wanted, LOG_FOLLOW_NONE, 0};
    int status = log_read_path_wanting(path, &events, anomaly_report_event, &anomalies, &diag);
    anomaly_report_finish(&anomalies);
    if (diag.torn[0])
        fprintf(stderr, "%s\n", diag.torn);
    if (diag.warning[0])
        fprintf(stderr, "%s\n", diag.warning);
    if (status == LOG_STATUS_CANNOT_READ)
        fprintf(stderr, "refleaks: %s\n", diag.message);
    else if (status != LOG_STATUS_OK)
        fprintf(stderr, "%s\n", diag.message);
    return status;
}

static const char *log_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* Each log is one object of the document's `logs`; its text form is `# LOG` before the
 * report when there are several logs. */
static const struct text_format log_header = {"# {log}\n", NULL, OUTPUT_BOTH};

static void begin_log(struct output *output, const char *path, bool print_header)
{
    out_begin_object(output, NULL, print_header ? &log_header : NULL);
    out_string(output, "log", path);
}

/* A log that could not be read is in the JSON document, so that no log is left out
 * silently; what is wrong with it is on stderr. */
static void write_log_error(struct output *output, const char *path, int status)
{
    out_begin_object(output, NULL, NULL);
    out_string(output, "log", path);
    out_int(output, "error", status);
    out_end_object(output);
}

/* --holders, --at-mark, --between. */
static int analyse_holders(const char *path, const struct options *options, bool print_header)
{
    struct holder_table *table = holder_table_new(options->kind == REPORT_HOLDERS);
    struct holder_listener listener = holder_table_listener(table);
    holder_records_listen(&listener);
    /* The sites of --holders are counted at every change; the marks need only lives. */
    int status = read_log(path, options->kind == REPORT_HOLDERS ? LOG_EVENTS_ALL : LOG_EVENTS_LIVES,
                          holder_table_event, table);
    holder_records_listen(NULL);
    uint64_t wanted = options->kind == REPORT_HOLDERS ? 0 : options->mark, since_serial = 0;
    size_t alive = 0;
    if (wanted == 0) {
        free(holder_table_at_exit(table, &alive));
    }
    /* A process that leaves nothing alive writes no holder records: nothing to explain. */
    bool nothing_to_explain = wanted == 0 && alive == 0;
    if (status == LOG_STATUS_OK && !nothing_to_explain &&
        !holder_table_has_mark(table, wanted, NULL)) {
        if (wanted == 0)
            fprintf(stderr, "%s: no holder records at exit: the program did not exit normally, "
                            "or ran with REFLOG_HOLDERS=0\n", log_name(path));
        else
            fprintf(stderr, "%s: no snapshot %" PRIu64 " in the log\n", log_name(path), wanted);
        status = LOG_STATUS_BAD_LOG;
    }
    if (status == LOG_STATUS_OK && options->kind == REPORT_BETWEEN &&
        !holder_table_has_mark(table, options->since_mark, &since_serial)) {
        fprintf(stderr, "%s: no snapshot %" PRIu64 " in the log\n", log_name(path),
                options->since_mark);
        status = LOG_STATUS_BAD_LOG;
    }
    if (status == LOG_STATUS_OK) {
        size_t count;
        struct holder_entry *entries = options->kind == REPORT_HOLDERS
                                           ? holder_table_at_exit(table, &count)
                                           : holder_table_at_mark(table, wanted, &count);
        size_t kept = 0;
        for (size_t i = 0; i < count; i++)
            if (entries[i].serial > since_serial)
                entries[kept++] = entries[i];
        begin_log(options->output, path, print_header);
        size_t listed = options->brief
                            ? holders_report_write_brief(options->output, entries, kept)
                            : holders_report_write(options->output, entries, kept);
        out_end_object(options->output);
        status = listed > 0 ? 1 : 0;
        free(entries);
    } else {
        write_log_error(options->output, path, status);
    }
    holder_table_free(table);
    return status;
}

static int analyse_history(const char *path, const struct options *options, bool print_header)
{
    struct history_report *report = history_report_new_for(&options->history, options->output);
    if (!report)
        return 74; /* EX_IOERR */
    int status = read_log(path, LOG_EVENTS_ALL, history_report_event, report);
    if (status == LOG_STATUS_OK) {
        begin_log(options->output, path, print_header);
        status = history_report_write(report, options->output);
        out_end_object(options->output);
        if (status < 0)
            status = 74;
    } else {
        write_log_error(options->output, path, status);
    }
    history_report_free(report);
    return status;
}

/* The plain text list: the reading's tracker already has every live object, so the
 * list costs nothing per event. */
static int analyse_plain_text(const char *path, const struct options *options,
                              bool print_header)
{
    /* The holder records only serve the summary: without it, every live object would be
     * kept twice for nothing. */
    struct holder_table *holders = options->summary ? holder_table_new(false) : NULL;
    struct holder_listener listener = {0};
    if (holders) {
        listener = holder_table_listener(holders);
        holder_records_listen(&listener);
    }
    struct tracker_claim claim = {0};
    object_tracker_claim_next(&claim);
    int status = holders ? read_log(path, LOG_EVENTS_LIVES, holder_table_event, holders)
                         : read_log(path, LOG_EVENTS_LIVES, ignore_event, NULL);
    holder_records_listen(NULL);
    if (status == LOG_STATUS_OK) {
        begin_log(options->output, path, print_header);
        out_begin_list(options->output, "leaked", NULL); /* writes the `# LOG` heading */
        status = live_objects_print(claim.tracker, stdout) > 0 ? 1 : 0;
        out_end_list(options->output);
        out_end_object(options->output);
        if (holders && holder_table_has_mark(holders, 0, NULL)) {
            size_t count;
            struct holder_entry *entries = holder_table_at_exit(holders, &count);
            fflush(stdout);
            holders_report_summary(stderr, entries, count);
            free(entries);
        }
    }
    object_tracker_end_claim(&claim);
    holder_table_free(holders);
    return status;
}

/* The leak table and the holder records, for the reasons of the leaked objects. */
struct leaks_and_holders {
    struct leak_table *leaks;
    struct holder_table *holders;
};

static void record_for_leaks(const struct log_event *event, void *user)
{
    struct leaks_and_holders *both = user;
    leak_table_event(event, both->leaks);
    if (both->holders)
        holder_table_event(event, both->holders);
}

/* The reports of the leak table: the list with stacks (JSON), --bloat, --by-stack. */
static int analyse_leak_table(const char *path, const struct options *options,
                              bool print_header)
{
    /* The reasons cost a table of the live objects: only the leak list shows them. */
    bool with_reasons = options->kind != REPORT_BY_STACK;
    struct leaks_and_holders both = {leak_table_new(true),
                                     with_reasons ? holder_table_new(false) : NULL};
    struct holder_listener listener;
    if (with_reasons) {
        listener = holder_table_listener(both.holders);
        holder_records_listen(&listener);
    }
    int status = read_log(path, LOG_EVENTS_LIVES, record_for_leaks, &both);
    holder_records_listen(NULL);
    if (status == LOG_STATUS_OK) {
        struct leak_reasons reasons = {NULL, 0};
        struct holder_entry *entries = NULL;
        if (with_reasons && holder_table_has_mark(both.holders, 0, NULL))
            reasons.entries = entries = holder_table_at_exit(both.holders, &reasons.count);
        begin_log(options->output, path, print_header);
        size_t leaked =
            options->kind == REPORT_BLOAT ? bloat_report_write(options->output, both.leaks, &reasons)
            : options->kind == REPORT_BY_STACK
                ? stack_groups_write(options->output, both.leaks)
                : leak_list_write(options->output, both.leaks, &reasons, NULL,
                                  &leak_list_plain_format);
        out_end_object(options->output);
        status = leaked > 0 ? 1 : 0;
        free(entries);
    } else {
        write_log_error(options->output, path, status);
    }
    leak_table_free(both.leaks);
    holder_table_free(both.holders);
    return status;
}

/* Analyses one log; returns the report's status or an error status. */
static int analyse_log(const char *path, const struct options *options, bool print_header)
{
    switch (options->kind) {
    case REPORT_HISTORY:
        return analyse_history(path, options, print_header);
    case REPORT_HOLDERS:
    case REPORT_AT_MARK:
    case REPORT_BETWEEN:
        return analyse_holders(path, options, print_header);
    case REPORT_LIST:
        if (!options->json)
            return analyse_plain_text(path, options, print_header);
        return analyse_leak_table(path, options, print_header);
    default:
        return analyse_leak_table(path, options, print_header);
    }
}

static bool is_report_status(int status)
{
    return status >= 0 && status <= 7;
}

static int usage_error(const char *problem, const char *detail)
{
    char escaped[512];
    fprintf(stderr, "refleaks: %s%s\n%s", problem, escape_text(detail, escaped, sizeof escaped),
            usage_line);
    return LOG_STATUS_USAGE;
}

/* --symbolize: the one LOG, copied to stdout with its frames looked up. */
static int symbolize_log(const char **logs, int log_count, const struct options *options)
{
    if (log_count != 1 || options->kind != REPORT_LIST || options->history_flags_given)
        return usage_error("--symbolize takes one LOG and no report option", "");
    struct log_diag diag;
    int status = log_symbolize_path(logs[0], stdout, &diag);
    if (diag.message[0])
        fprintf(stderr, status == LOG_STATUS_CANNOT_READ ? "refleaks: %s\n" : "%s\n", diag.message);
    if (fflush(stdout) != 0) {
        perror("refleaks: stdout");
        return 74; /* EX_IOERR */
    }
    return status;
}

int main(int argc, char **argv)
{
    log_reader_tune_memory();
    /* A report of thousands of histories goes out in 256 KB writes, not stdio's 4 KB
     * (3,000 write calls for the Asterisk bench log's 12 MB); a terminal keeps its lines. */
    static char out_buffer[256 << 10];
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    struct options options = {.kind = REPORT_LIST, .summary = isatty(STDERR_FILENO)};
    const char *logs[argc > 0 ? argc : 1];
    int log_count = 0;
    bool options_done = false, symbolize = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int used;
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            logs[log_count++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(help_text, stdout);
            return 0;
        } else if (strcmp(arg, "--json") == 0) {
            options.json = true;
        } else if ((used = debug_symbols_option(argc, argv, i)) != 0) {
            if (used < 0)
                return usage_error("missing value after ", arg);
            i += used - 1;
        } else if (strcmp(arg, "--symbolize") == 0) {
            symbolize = true;
        } else if (strcmp(arg, "-f") == 0 || strcmp(arg, "--file") == 0) {
            if (i + 1 >= argc)
                return usage_error("missing value after ", arg);
            logs[log_count++] = argv[++i];
        } else if (strcmp(arg, "--history") == 0 || strcmp(arg, "--bloat") == 0 ||
                   strcmp(arg, "--by-stack") == 0) {
            enum report_kind kind = arg[2] == 'h' ? REPORT_HISTORY
                                    : arg[2] == 'b' && arg[3] == 'l' ? REPORT_BLOAT
                                                                     : REPORT_BY_STACK;
            if (options.kind != REPORT_LIST && options.kind != kind)
                return usage_error("choose one of --history, --bloat, --by-stack, --holders, "
                                   "--at-mark and --between", "");
            options.kind = kind;
        } else if (strcmp(arg, "--summary") == 0) {
            options.summary = true;
        } else if (strcmp(arg, "--brief") == 0) {
            options.brief = true;
        } else if (strcmp(arg, "--holders") == 0 || strcmp(arg, "--at-mark") == 0 ||
                   strcmp(arg, "--between") == 0) {
            enum report_kind kind = arg[2] == 'h' ? REPORT_HOLDERS
                                    : arg[2] == 'a' ? REPORT_AT_MARK : REPORT_BETWEEN;
            if (options.kind != REPORT_LIST && options.kind != kind)
                return usage_error("choose one report option: ", arg);
            options.kind = kind;
            int values = kind == REPORT_HOLDERS ? 0 : kind == REPORT_AT_MARK ? 1 : 2;
            if (i + values >= argc)
                return usage_error("missing value after ", arg);
            uint64_t *targets[2] = {values == 2 ? &options.since_mark : &options.mark,
                                    &options.mark};
            for (int v = 0; v < values; v++)
                if (!parse_u64(argv[++i], targets[v]) || *targets[v] == 0)
                    return usage_error("a snapshot number (1, 2...) is expected, not ", argv[i]);
        } else if (strlen(arg) >= 2 && strspn(arg + 1, "ilns") == strlen(arg) - 1) {
            /* -i -l -n -s, also bundled as -ns */
            for (const char *flag = arg + 1; *flag; flag++) {
                bool *hide = *flag == 'i' ? &options.history.hide_invalid
                             : *flag == 'l' ? &options.history.hide_leaked
                             : *flag == 'n' ? &options.history.hide_finalized
                                            : &options.history.hide_skewed;
                *hide = true;
            }
            options.history_flags_given = true;
        } else {
            return usage_error("unknown option ", arg);
        }
    }
    if (options.brief && options.kind != REPORT_HOLDERS && options.kind != REPORT_AT_MARK &&
        options.kind != REPORT_BETWEEN)
        return usage_error("--brief goes with --holders, --at-mark and --between", "");
    if (options.history_flags_given && options.kind != REPORT_HISTORY)
        return usage_error("-i, -l, -n and -s go with --history", "");
    if (log_count == 0)
        logs[log_count++] = "-";
    if (symbolize)
        return symbolize_log(logs, log_count, &options);
    options.output = options.json ? output_new_json(stdout, false) : output_new_text(stdout);
    out_begin_object(options.output, NULL, NULL);
    out_begin_list(options.output, "logs", NULL);

    int result = 0;
    bool failed = false;
    for (int i = 0; i < log_count; i++) {
        int status = analyse_log(logs[i], &options, log_count > 1);
        if (!is_report_status(status)) {
            if (!failed)
                result = status;
            failed = true;
        } else if (!failed) {
            result |= status;
        }
    }
    out_end_list(options.output);
    out_end_object(options.output);
    output_free(options.output);
    if (options.json)
        fputc('\n', stdout);
    if (fflush(stdout) != 0) {
        perror("refleaks: stdout");
        return 74; /* EX_IOERR */
    }
    frame_text_report_nameless(stderr, "refleaks");
    return result;
}
