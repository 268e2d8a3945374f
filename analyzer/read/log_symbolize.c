/* log_symbolize.c - a copy of a refshim log with its bare frames looked up (see
 * log_symbolize.h), for a log that moves to a machine without the debug files, as
 * Mozilla's fix_stacks.py does for its logs.
 *
 * The log is checked by the reader first, so that the copy is made only of a log the
 * analyzers accept. A frame that debug information turns into several (inlined levels)
 * keeps its number for the innermost level; the outer levels get new frame numbers, and
 * every stack node of that frame becomes a chain of nodes, the innermost of which keeps
 * the node's number, so that the events need no change. New numbers come after the
 * largest ones of the log, found by a first pass. */
#include "log_symbolize.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "alloc.h"
#include "debug_symbols.h"
#include "parse_number.h"

struct module_entry {
    uint64_t id;
    char *path;
    char *build_id;
    UT_hash_handle hh;
};

struct expanded_frame {
    uint64_t id;
    uint64_t *outer_ids;        /* the frames of the outer levels, innermost first */
    size_t outer_count;
    UT_hash_handle hh;
};

struct symbolizer {
    FILE *out;
    struct module_entry *modules;
    struct expanded_frame *frames;
    uint64_t next_frame_id, next_stack_id;
};

static void discard_event(const struct log_event *event, void *user)
{
    (void)event, (void)user;
}

/* Splits LINE (without its line end) at TABs into at most MAX fields; returns how many. */
static size_t split_tabs(char *line, char **field, size_t max)
{
    size_t count = 0;
    for (char *start = line;; count++) {
        char *tab = strchr(start, '\t');
        if (count < max)
            field[count] = start;
        if (!tab)
            return count + 1;
        *tab = '\0';
        start = tab + 1;
    }
}

static void find_largest_ids(FILE *log, uint64_t *frame_id, uint64_t *stack_id)
{
    char *line = NULL;
    size_t size = 0;
    *frame_id = *stack_id = 0;
    while (getline(&line, &size, log) > 0) {
        uint64_t id;
        char *end;
        if ((line[0] != 'f' && line[0] != 's') || line[1] != '\t')
            continue;
        id = strtoull(line + 2, &end, 10);
        uint64_t *largest = line[0] == 'f' ? frame_id : stack_id;
        if (*end == '\t' && id > *largest)
            *largest = id;
    }
    free(line);
}

/* A field of a new record: TABs and line ends would break the record. */
static void put_field(FILE *out, const char *text)
{
    for (; *text; text++)
        fputc(*text == '\t' || *text == '\n' || *text == '\r' ? ' ' : *text, out);
}

static void put_frame(FILE *out, uint64_t id, const char *module_field, const char *offset_field,
                      const struct log_frame *level)
{
    fprintf(out, "f\t%" PRIu64 "\t%s\t%s\t", id, module_field, offset_field);
    put_field(out, level->function);
    fputc('\t', out);
    put_field(out, level->source ? level->source : "-");
    fputc('\n', out);
}

static void keep_module(struct symbolizer *s, char **field, size_t count)
{
    uint64_t id;
    if ((count != 3 && count != 4) || !parse_u64(field[1], &id))
        return;
    struct module_entry *module = xcalloc(1, sizeof *module);
    module->id = id;
    module->path = xstrdup(field[2]);
    module->build_id = count == 4 ? xstrdup(field[3]) : NULL;
    HASH_ADD(hh, s->modules, id, sizeof module->id, module);
}

/* Writes an `f` record, looked up; false when it is to be copied as it is. */
static bool symbolize_frame(struct symbolizer *s, char **field, size_t count)
{
    uint64_t id, module_id, offset;
    if (count != 6 || !parse_u64(field[1], &id) || !parse_u64(field[2], &module_id) ||
        !(parse_u64(field[3], &offset) || parse_hex_u64(field[3], &offset)))
        return false;
    struct module_entry *module = NULL;
    HASH_FIND(hh, s->modules, &module_id, sizeof module_id, module);
    if (!module)
        return false;
    struct log_frame frame = {
        .function = field[4][0] ? field[4] : "???",
        .module = module->path,
        .offset = offset,
        .source = strcmp(field[5], "-") == 0 || !field[5][0] ? NULL : field[5],
    };
    struct log_frame *levels;
    size_t level_count = debug_symbols_resolve(&frame, module->build_id, &levels);
    if (level_count == 0)
        return false;
    put_frame(s->out, id, field[2], field[3], &levels[0]);
    if (level_count > 1) {
        struct expanded_frame *expanded = xcalloc(1, sizeof *expanded);
        expanded->id = id;
        expanded->outer_count = level_count - 1;
        expanded->outer_ids = xcalloc(level_count - 1, sizeof *expanded->outer_ids);
        for (size_t i = 1; i < level_count; i++) {
            expanded->outer_ids[i - 1] = ++s->next_frame_id;
            put_frame(s->out, s->next_frame_id, field[2], field[3], &levels[i]);
        }
        HASH_ADD(hh, s->frames, id, sizeof expanded->id, expanded);
    }
    debug_symbols_free_levels(levels, level_count);
    return true;
}

/* Writes an `s` record of an expanded frame as a chain; false to copy it as it is. */
static bool symbolize_stack(struct symbolizer *s, char **field, size_t count)
{
    uint64_t id, parent, frame_id;
    if (count != 4 || !parse_u64(field[1], &id) || !parse_u64(field[2], &parent) ||
        !parse_u64(field[3], &frame_id))
        return false;
    struct expanded_frame *expanded;
    HASH_FIND(hh, s->frames, &frame_id, sizeof frame_id, expanded);
    if (!expanded)
        return false;
    for (size_t i = expanded->outer_count; i-- > 0;) {
        uint64_t node = ++s->next_stack_id;
        fprintf(s->out, "s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", node, parent,
                expanded->outer_ids[i]);
        parent = node;
    }
    fprintf(s->out, "s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", id, parent, frame_id);
    return true;
}

/* One line of the second pass: LINE holds LENGTH bytes, its line end included. */
static void copy_line(struct symbolizer *s, char *line, size_t length)
{
    bool whole = length > 0 && line[length - 1] == '\n' && memchr(line, '\0', length) == NULL;
    bool done = false;
    if (whole && (line[0] == 'm' || line[0] == 'f' || line[0] == 's') && line[1] == '\t') {
        char *copy = xstrndup(line, length - 1 - (length > 1 && line[length - 2] == '\r'));
        char *field[8];
        size_t count = split_tabs(copy, field, 8);
        if (line[0] == 'm')
            keep_module(s, field, count);
        else if (line[0] == 'f')
            done = symbolize_frame(s, field, count);
        else
            done = symbolize_stack(s, field, count);
        free(copy);
    }
    if (!done)
        fwrite(line, 1, length, s->out);
}

static void symbolizer_free(struct symbolizer *s)
{
    struct module_entry *module, *next_module;
    HASH_ITER(hh, s->modules, module, next_module) {
        HASH_DEL(s->modules, module);
        free(module->path);
        free(module->build_id);
        free(module);
    }
    struct expanded_frame *frame, *next_frame;
    HASH_ITER(hh, s->frames, frame, next_frame) {
        HASH_DEL(s->frames, frame);
        free(frame->outer_ids);
        free(frame);
    }
}

/* Standard input is read three times: it is kept in a temporary file. */
static FILE *open_log(const char *path, struct log_diag *diag)
{
    FILE *log = strcmp(path, "-") == 0 ? tmpfile() : fopen(path, "rb");
    if (log && strcmp(path, "-") == 0) {
        char buffer[65536];
        size_t n;
        while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0)
            fwrite(buffer, 1, n, log);
        rewind(log);
    }
    if (!log) {
        diag->status = LOG_STATUS_CANNOT_READ;
        snprintf(diag->message, sizeof diag->message, "%s: %s", path, strerror(errno));
    }
    return log;
}

int log_symbolize_path(const char *path, FILE *out, struct log_diag *diag)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    memset(diag, 0, sizeof *diag);
    FILE *log = open_log(path, diag);
    if (!log)
        return diag->status;
    char first[16] = "";
    if (!fgets(first, sizeof first, log) || strncmp(first, "# refshim ", 10) != 0) {
        fclose(log);
        diag->status = LOG_STATUS_BAD_LOG;
        snprintf(diag->message, sizeof diag->message,
                 "%s:1: not a refshim log; only refshim's own logs have frames to look up", name);
        return diag->status;
    }
    rewind(log);
    if (log_read_stream(log, name, discard_event, NULL, diag) != LOG_STATUS_OK) {
        fclose(log);
        return diag->status;
    }
    rewind(log);
    struct symbolizer s = {.out = out};
    find_largest_ids(log, &s.next_frame_id, &s.next_stack_id);
    rewind(log);
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    while ((length = getline(&line, &size, log)) > 0)
        copy_line(&s, line, (size_t)length);
    free(line);
    symbolizer_free(&s);
    fclose(log);
    return LOG_STATUS_OK;
}
