/* Test doubles of the symbolizer and the log writer for the depot's unit tests; see
 * depot_doubles.h. Deterministic names, so the expected records can be written out. */
#include "depot_doubles.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_writer.h"
#include "symbolizer.h"

#define FAKE_MODULES 8

struct fake_module {
    const char *path, *build_id;
    uintptr_t start, end;
};

static struct fake_module modules[FAKE_MODULES];
static unsigned module_count, describe_calls;
static char *written;               /* every definition, in order */
static size_t written_len, taken;   /* taken: how much fake_log_take handed out */

void fake_module_load(const char *path, const char *build_id, uintptr_t start, uintptr_t end)
{
    if (module_count == FAKE_MODULES)
        abort();                    /* the tests never need that many */
    modules[module_count++] = (struct fake_module){path, build_id, start, end};
}

void fake_module_unload(uintptr_t start)
{
    for (unsigned i = 0; i < module_count; i++)
        if (modules[i].start == start)
            modules[i] = modules[--module_count];
}

unsigned fake_symbolizer_calls(void)
{
    return describe_calls;
}

static char *copy_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Like the real one, the call instruction (RA - 1) decides the module of RA. */
void symbolizer_describe(uintptr_t ra, struct symbol_info *out)
{
    describe_calls++;
    memset(out, 0, sizeof *out);
    out->offset = ra;
    for (unsigned i = 0; i < module_count; i++) {
        const struct fake_module *m = &modules[i];
        if (ra - 1 >= m->start && ra - 1 < m->end) {
            out->module = strdup(m->path);
            out->offset = ra - m->start;
            if (asprintf(&out->function, "fn_%" PRIxPTR, out->offset) < 0)
                abort();
            out->build_id = copy_or_null(m->build_id);
            return;
        }
    }
}

void symbol_info_free(struct symbol_info *info)
{
    free(info->module);
    free(info->function);
    free(info->build_id);
    memset(info, 0, sizeof *info);
}

void log_write_definitions(const char *data, size_t len)
{
    char *grown = realloc(written, written_len + len + 1);
    if (grown == NULL)
        abort();
    written = grown;
    memcpy(written + written_len, data, len);
    written_len += len;
    written[written_len] = '\0';
}

size_t log_definitions_end(void)
{
    return written_len;
}

const char *fake_log_take(void)
{
    const char *since = written ? written + taken : "";
    taken = written_len;
    return since;
}

void fake_log_reset(void)
{
    free(written);
    written = NULL;
    written_len = taken = 0;
}

void fake_doubles_reset(void)
{
    fake_log_reset();
    module_count = 0;
    describe_calls = 0;
}
