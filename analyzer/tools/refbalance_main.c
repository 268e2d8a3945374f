/* refbalance_main.c - refbalance: prints the balance tree of one object's events.
 *
 * The counterpart of Mozilla's make-tree.pl. Objects are chosen by serial, or by
 * address compared as a number; because addresses are reused, an address picks the
 * last object that lived there, which is the one refleaks reports as leaked. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly_report.h"
#include "balance_html.h"
#include "balance_report.h"
#include "balance_tree.h"
#include "frame_text.h"
#include "escape_text.h"
#include "exclude_list.h"
#include "debug_symbols.h"
#include "log_reader.h"
#include "object_events.h"
#include "parse_number.h"

static const char usage_line[] =
    "usage: refbalance (--object ADDR | --serial N) [--sites] [--ignore-balanced] "
    "[--exclude FILE] [--json | --html] [--debug-dir DIR]... [--no-debuginfod] [LOG]\n";

static const char help_text[] =
    "usage: refbalance (--object ADDR | --serial N) [--sites] [--ignore-balanced]\n"
    "                  [--exclude FILE] [--json | --html] [LOG]\n"
    "\n"
    "Builds the AddRef/Release balance tree of one object of a reference-count log\n"
    "(standard input without LOG or with -) and prints it on stdout. The log may be\n"
    "refshim's own, a Mozilla XPCOM refcount log (whose frame #01, the class's own\n"
    "AddRef/Release, is left out) or an Asterisk refs log (each line's FILE:LINE FUNC\n"
    "is its one-frame stack); the format is recognized from the content.\n"
    "\n"
    "\n"
    "    .root: bal=1\n"
    "      main: bal=1\n"
    "        DoSomethingWithFooAndReturnItToo: bal=2\n"
    "          NS_NewFoo: bal=1\n"
    "\n"
    "Every event adds +1 (N, A) or -1 (R, D) to each function on its call stack,\n"
    "outermost first; .root gets every counted event. A node is a function name without\n"
    "its parameter list; recursion gives nested nodes. The path starts at main, or for a\n"
    "thread at its start routine (frames of _start, __libc_start_main, start_thread,\n"
    "clone... are dropped). Each level is indented by two spaces; below level 100 the\n"
    "indent stops growing and a line starts `[level N] ` instead. Children are listed in\n"
    "the order in which they first appear in the log.\n"
    "\n"
    "  --object ADDR      the object at address ADDR (hex; compared as a number, so\n"
    "                     0x00253ab0 is 0x253ab0). If several objects used the address,\n"
    "                     the last one is shown (the one refleaks reports) and stderr\n"
    "                     says how many were left out.\n"
    "  --serial N         the object with serial number N.\n"
    "  --sites            one node per call site instead of one per function, as\n"
    "                     make-tree.pl does: `NS_NewFoo (demo.cc:12)`, or with no\n"
    "                     source `NS_NewFoo (libfoo.so+0x1b40)` (module and offset).\n"
    "  --ignore-balanced  print a node whose bal is 0, but not its children.\n"
    "  --exclude FILE     FILE lists function names, one per line (blank lines and lines\n"
    "                     starting with # are ignored; parameter lists may be given or\n"
    "                     not). An event whose stack contains one of them is not counted\n"
    "                     at all, not even at .root.\n"
    "  --json             print the object, its tree (each node {\"name\", \"bal\",\n"
    "                     \"children\"}, and \"site\" with --sites) and its events with\n"
    "                     their stacks as one JSON document (doc/json.md).\n"
    "  --html             print one self-contained HTML page (no network): the tree with\n"
    "                     collapsible nodes coloured by balance, non-zero paths open, a\n"
    "                     search box, and the object's events with file:line beside it.\n"
    "  --debug-dir DIR    also look frames up in DIR's .build-id/ tree of debug files\n"
    "                     (after the module itself and /usr/lib/debug; repeatable),\n"
    "                     then debuginfod if DEBUGINFOD_URLS is set.\n"
    "  --no-debuginfod    never ask a debuginfod server.\n"
    "  --help             print this help.\n"
    "\n"
    "Events of the chosen object that cannot be right (a change after destruction, a\n"
    "count the events before it do not explain...) are told on stderr as\n"
    "`LOG:LINE: warning: ...`; those about other objects are only counted, in one line\n"
    "at the end. Changes that belong to no live object are not counted in the tree.\n"
    "\n"
    "Exit status: 0 tree printed, 1 no such object in the log, 64 usage error,\n"
    "65 malformed log or unknown format, 66 a log or exclude file cannot be read.\n";

struct selection {
    bool by_serial;
    uint64_t serial;        /* with by_serial */
    uint64_t address;       /* otherwise */
    const char *address_text;
    const struct exclude_list *excludes;
    bool by_site;
    /* The tree being built, for the object currently chosen. */
    struct balance_tree *tree;
    struct object_events *history; /* its events, for --json and --html; else NULL */
    bool found;
    uint64_t chosen_serial;
    unsigned long objects_at_address;
    /* Warnings go through here only for the object asked for. */
    struct anomaly_report *anomalies;
    unsigned long other_warnings;   /* about other objects: counted, not shown */
};

static void on_event(const struct log_event *event, void *user)
{
    struct selection *selection = user;
    if (event->op == LOG_OP_STRAY || event->op == LOG_OP_KEPT)
        return; /* belongs to no live object, or changes no count */
    if (selection->by_serial) {
        if (event->serial != selection->serial)
            return;
    } else {
        if (event->address_value != selection->address)
            return;
        if (!selection->found || event->serial != selection->chosen_serial) {
            /* A new object at this address: only the last one is kept, so memory does
             * not grow with the number of objects that reused it. */
            balance_tree_free(selection->tree);
            selection->tree = NULL;
            if (selection->history)
                object_events_reset(selection->history);
            selection->objects_at_address++;
        }
    }
    if (!selection->tree)
        selection->tree = selection->by_site ? balance_tree_new_by_site(selection->excludes)
                                             : balance_tree_new(selection->excludes);
    selection->found = true;
    selection->chosen_serial = event->serial;
    const struct log_frame *frames;
    size_t frame_count = log_event_frames(event, &frames);
    balance_tree_add(selection->tree, event->op, frames, frame_count);
    if (selection->history)
        object_events_add(selection->history, event);
}

static bool is_about_selection(const struct log_event *event, const struct selection *selection)
{
    if (selection->by_serial)
        return event->serial != 0 && event->serial == selection->serial;
    return event->address_value == selection->address;
}

/* Every event of the log comes here first: the warnings of a big log are mostly about
 * other objects, and only those about the object asked for help read its tree. */
static void on_any_event(const struct log_event *event, void *user)
{
    struct selection *selection = user;
    if (is_about_selection(event, selection)) {
        anomaly_report_event(event, selection->anomalies);
        return;
    }
    if (event->anomaly)
        selection->other_warnings++;
    on_event(event, selection);
}

static int usage_error(const char *problem, const char *detail)
{
    char escaped[512];
    fprintf(stderr, "refbalance: %s%s\n%s", problem, escape_text(detail, escaped, sizeof escaped),
            usage_line);
    return LOG_STATUS_USAGE;
}

enum output_kind { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_HTML };

static void print_tree(const struct selection *selection, enum output_kind kind,
                       bool ignore_balanced, const char *log_name)
{
    if (kind == OUTPUT_TEXT || kind == OUTPUT_JSON) {
        struct output *output = kind == OUTPUT_JSON ? output_new_json(stdout, false)
                                                    : output_new_text(stdout);
        balance_report_write(output, selection->tree, selection->history, ignore_balanced);
        output_free(output);
        if (kind == OUTPUT_JSON)
            fputc('\n', stdout);
    } else {
        balance_html_write(stdout, selection->tree, selection->history, ignore_balanced,
                           log_name);
    }
}

int main(int argc, char **argv)
{
    log_reader_tune_memory();
    struct selection selection = {0};
    bool have_object = false, have_serial = false, ignore_balanced = false;
    enum output_kind output = OUTPUT_TEXT;
    const char *exclude_path = NULL;
    const char *log_path = NULL;
    bool options_done = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int used;
        bool takes_value = strcmp(arg, "--object") == 0 || strcmp(arg, "--serial") == 0 ||
                           strcmp(arg, "--exclude") == 0;
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (log_path)
                return usage_error("more than one LOG: ", arg);
            log_path = arg;
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(help_text, stdout);
            return 0;
        } else if (strcmp(arg, "--ignore-balanced") == 0) {
            ignore_balanced = true;
        } else if (strcmp(arg, "--sites") == 0) {
            selection.by_site = true;
        } else if (strcmp(arg, "--json") == 0 || strcmp(arg, "--html") == 0) {
            enum output_kind kind = arg[2] == 'j' ? OUTPUT_JSON : OUTPUT_HTML;
            if (output != OUTPUT_TEXT && output != kind)
                return usage_error("choose one of --json and --html", "");
            output = kind;
        } else if ((used = debug_symbols_option(argc, argv, i)) != 0) {
            if (used < 0)
                return usage_error("missing value after ", arg);
            i += used - 1;
        } else if (!takes_value) {
            return usage_error("unknown option ", arg);
        } else if (i + 1 >= argc) {
            return usage_error("missing value after ", arg);
        } else if (strcmp(arg, "--object") == 0) {
            if (!parse_hex_u64(argv[++i], &selection.address))
                return usage_error("--object wants a hexadecimal address, not ", argv[i]);
            selection.address_text = argv[i];
            have_object = true;
        } else if (strcmp(arg, "--serial") == 0) {
            if (!parse_u64(argv[++i], &selection.serial))
                return usage_error("--serial wants a number, not ", argv[i]);
            have_serial = true;
        } else {
            exclude_path = argv[++i];
        }
    }
    if (have_object == have_serial)
        return usage_error("give exactly one of --object and --serial", "");
    selection.by_serial = have_serial;

    struct exclude_list *excludes = NULL;
    if (exclude_path) {
        char error[1024];
        excludes = exclude_list_new();
        if (!exclude_list_load_path(excludes, exclude_path, error, sizeof error)) {
            fprintf(stderr, "refbalance: %s\n", error);
            exclude_list_free(excludes);
            return LOG_STATUS_CANNOT_READ;
        }
    }
    selection.excludes = excludes;
    if (output != OUTPUT_TEXT)
        selection.history = object_events_new();

    struct log_diag diag;
    char escaped_name[1024];
    const char *name = !log_path || strcmp(log_path, "-") == 0
                           ? "<stdin>"
                           : escape_text(log_path, escaped_name, sizeof escaped_name);
    struct anomaly_report anomalies = {name, stderr, 0, on_event, &selection};
    selection.anomalies = &anomalies;
    /* Of the other objects only their lives count, and the warnings about them. */
    struct log_wanted wanted = {LOG_EVENTS_LIVES,
                                selection.by_serial ? LOG_FOLLOW_SERIAL : LOG_FOLLOW_ADDRESS,
                                selection.by_serial ? selection.serial : selection.address};
    int status = log_read_path_wanting(log_path ? log_path : "-", &wanted, on_any_event,
                                       &selection, &diag);
    anomaly_report_finish(&anomalies);
    if (selection.other_warnings > 0)
        fprintf(stderr, "%s: %lu warning%s about other objects not shown (refleaks shows them)\n",
                name, selection.other_warnings, selection.other_warnings == 1 ? "" : "s");
    if (diag.torn[0])
        fprintf(stderr, "%s\n", diag.torn);
    if (diag.warning[0])
        fprintf(stderr, "%s\n", diag.warning);
    if (status == LOG_STATUS_CANNOT_READ) {
        fprintf(stderr, "refbalance: %s\n", diag.message);
    } else if (status != LOG_STATUS_OK) {
        fprintf(stderr, "%s\n", diag.message);
    } else if (!selection.found) {
        if (selection.by_serial)
            fprintf(stderr, "refbalance: no object with serial %" PRIu64 " in %s\n",
                    selection.serial, name);
        else
            fprintf(stderr, "refbalance: no object at %s in %s\n", selection.address_text, name);
        status = 1;
    } else {
        if (selection.objects_at_address > 1)
            fprintf(stderr,
                    "refbalance: %s was used by %lu objects; showing the last, serial %" PRIu64
                    " (the %lu earlier ones are left out; pick one with --serial)\n",
                    selection.address_text, selection.objects_at_address,
                    selection.chosen_serial, selection.objects_at_address - 1);
        print_tree(&selection, output, ignore_balanced, name);
        if (fflush(stdout) != 0) {
            perror("refbalance: stdout");
            status = 74; /* EX_IOERR */
        }
        frame_text_report_nameless(stderr, "refbalance");
    }
    balance_tree_free(selection.tree);
    object_events_free(selection.history);
    exclude_list_free(excludes);
    return status;
}
