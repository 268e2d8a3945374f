/* frame_text.c - writing frames and call sites, trimming stacks (see frame_text.h).
 *
 * The nameless frames shown are remembered for the whole run of a tool (one process,
 * several logs at most), which is why they live in this file's static table: the
 * reports that print frames do not share any other state. */
#include "frame_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "alloc.h"
#include "escape_text.h"
#include "func_name.h"

static bool is_named(const char *function, const char *key)
{
    return function && func_name_key_equals(function, key, strlen(key));
}

bool frame_text_is_nameless(const struct log_frame *frame)
{
    return !frame->function || strcmp(frame->function, "???") == 0;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* The C library, its threads library and the dynamic loader: the code that starts
 * processes and threads. */
static bool in_c_library(const struct log_frame *frame)
{
    if (!frame->module)
        return false;
    const char *slash = strrchr(frame->module, '/');
    const char *base = slash ? slash + 1 : frame->module;
    return starts_with(base, "libc.so") || starts_with(base, "libc-") ||
           starts_with(base, "libpthread") || starts_with(base, "ld-linux") ||
           starts_with(base, "ld-");
}

bool frame_text_is_startup_name(const char *function)
{
    static const char *const plumbing[] = {
        "_start", "__libc_start_main", "__libc_start_call_main", "start_thread",
        "clone",  "clone3",            "__clone",                "__clone3",
    };
    for (size_t i = 0; i < sizeof plumbing / sizeof plumbing[0]; i++)
        if (is_named(function, plumbing[i]))
            return true;
    return false;
}

/* Frames that run before `main` or around a thread's start routine. Without the C
 * library's debug symbols its frames have no name; one of them outside every frame
 * of the program can only be start-up code. */
static bool is_startup_plumbing(const struct log_frame *frame)
{
    return frame_text_is_startup_name(frame->function) ||
           (frame_text_is_nameless(frame) && in_c_library(frame));
}

size_t frame_text_path_start(const struct log_frame *frames, size_t frame_count)
{
    for (size_t i = frame_count; i-- > 0;)
        if (is_named(frames[i].function, "main"))
            return i;
    /* A stripped executable: its `_start` and `main` have no name, so the path starts
     * at the frame that __libc_start_main (or its helper) called. */
    for (size_t i = 1; i < frame_count; i++)
        if (is_named(frames[i].function, "__libc_start_call_main") ||
            is_named(frames[i].function, "__libc_start_main"))
            return i - 1;
    size_t start = frame_count;
    /* A stripped executable on a stripped C library: its nameless `_start` calls the
     * C library's nameless start-up. */
    if (start >= 2 && frame_text_is_nameless(&frames[start - 1]) &&
        !in_c_library(&frames[start - 1]) && frame_text_is_nameless(&frames[start - 2]) &&
        in_c_library(&frames[start - 2]))
        start--;
    while (start > 0 && is_startup_plumbing(&frames[start - 1]))
        start--;
    /* `start` frames remain; the outermost of them is number start - 1. */
    return start > 0 ? start - 1 : frame_count;
}

void frame_text_print(FILE *out, const struct log_frame *frame)
{
    const char *function = frame->function ? frame->function : "???";
    if (frame_text_is_nameless(frame) && frame->module)
        frame_text_note_nameless(frame->module, frame->offset);
    if (frame->source)
        fprintf(out, "%s (%s)", function, frame->source);
    else if (frame->module)
        fprintf(out, "%s[%s +0x%" PRIx64 "]", function, frame->module, frame->offset);
    else if (frame->offset)
        fprintf(out, "%s[0x%" PRIx64 "]", function, frame->offset);
    else
        fputs(function, out);
}

void frame_text_print_stack(FILE *out, const struct log_frame *frames, size_t frame_count)
{
    if (frame_count == 0) {
        fputs("    (no stack)\n", out);
        return;
    }
    size_t outermost = frame_text_path_start(frames, frame_count);
    if (outermost == frame_count)
        outermost = frame_count - 1; /* only plumbing: show it all */
    for (size_t i = 0; i <= outermost; i++) {
        fputs("    ", out);
        frame_text_print(out, &frames[i]);
        fputc('\n', out);
    }
}

void frame_text_print_thread(FILE *out, uint64_t tid)
{
    if (tid > UINT32_MAX)
        fprintf(out, "[0x%" PRIx64 "]", tid);
    else
        fprintf(out, "[%" PRIu64 "]", tid);
}

const char *frame_text_location(const struct log_frame *frame, char *buffer, size_t size)
{
    if (frame->source) {
        snprintf(buffer, size, "%s", frame->source);
    } else if (frame->module) {
        const char *slash = strrchr(frame->module, '/');
        snprintf(buffer, size, "%s+0x%" PRIx64, slash ? slash + 1 : frame->module, frame->offset);
    } else if (frame->offset) {
        snprintf(buffer, size, "0x%" PRIx64, frame->offset);
    } else {
        snprintf(buffer, size, "?");
    }
    return buffer;
}

/* A module whose frames were shown without names, and how many distinct ones. */
struct nameless_module {
    char *path;
    size_t frames;
    struct nameless_module *next; /* in order of first appearance */
};

/* One distinct nameless frame: `offset` in `module`. */
struct nameless_frame {
    struct nameless_module *module;
    uint64_t offset;
    UT_hash_handle hh;
};

/* Keyed by (module, offset): the key is the first two fields of struct nameless_frame. */
#define NAMELESS_KEY_SIZE (offsetof(struct nameless_frame, offset) + sizeof(uint64_t))

static struct nameless_module *nameless_modules, **nameless_modules_end = &nameless_modules;
static struct nameless_frame *nameless_frames;

static struct nameless_module *nameless_module(const char *path)
{
    for (struct nameless_module *module = nameless_modules; module; module = module->next)
        if (strcmp(module->path, path) == 0)
            return module;
    struct nameless_module *module = xcalloc(1, sizeof *module);
    module->path = xstrdup(path);
    *nameless_modules_end = module;
    nameless_modules_end = &module->next;
    return module;
}

void frame_text_note_nameless(const char *module_path, uint64_t offset)
{
    struct nameless_frame key;
    memset(&key, 0, sizeof key);
    key.module = nameless_module(module_path);
    key.offset = offset;
    struct nameless_frame *seen;
    HASH_FIND(hh, nameless_frames, &key, NAMELESS_KEY_SIZE, seen);
    if (seen)
        return;
    seen = xcalloc(1, sizeof *seen);
    seen->module = key.module;
    seen->offset = offset;
    HASH_ADD(hh, nameless_frames, module, NAMELESS_KEY_SIZE, seen);
    key.module->frames++;
}

void frame_text_report_nameless(FILE *out, const char *tool)
{
    struct nameless_frame *frame, *next_frame;
    HASH_ITER(hh, nameless_frames, frame, next_frame) {
        HASH_DEL(nameless_frames, frame);
        free(frame);
    }
    struct nameless_module *module = nameless_modules;
    while (module) {
        char path[1024];
        fprintf(out, "%s: %zu frame%s in %s %s no function name: its debug symbols are "
                "missing (Debian: install the -dbgsym package of the package that owns it; "
                "dpkg -S PATH names it)\n", tool, module->frames, module->frames == 1 ? "" : "s",
                escape_text(module->path, path, sizeof path), module->frames == 1 ? "has" : "have");
        struct nameless_module *next = module->next;
        free(module->path);
        free(module);
        module = next;
    }
    nameless_modules = NULL;
    nameless_modules_end = &nameless_modules;
}
