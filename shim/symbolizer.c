/* Symbolization of the traced process itself with elfutils' libdwfl: it reads .symtab and
 * .dynsym, follows .gnu_debuglink and build-ids to separate debug files, and maps addresses
 * to file:line, all of which we would otherwise write by hand. libdwfl is not thread-safe,
 * so every entry point takes symbolizer_lock; callers cache results per address. */
#include "symbolizer.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"

static pthread_mutex_t symbolizer_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *dwfl;
static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* Modules already offered to symbolizer_each_new_function, by name and load address. */
struct seen_module {
    char *name;
    Dwarf_Addr start;
};
static struct seen_module *seen;
static size_t seen_count, seen_cap;

static void report_modules(void)
{
    dwfl_report_begin(dwfl);
    dwfl_linux_proc_report(dwfl, getpid());
    dwfl_report_end(dwfl, NULL, NULL);
}

bool symbolizer_init(void)
{
    pthread_mutex_lock(&symbolizer_lock);
    if (dwfl == NULL) {
        dwfl = dwfl_begin(&callbacks);
        if (dwfl != NULL)
            report_modules();
    }
    pthread_mutex_unlock(&symbolizer_lock);
    return dwfl != NULL;
}

void symbolizer_refresh(void)
{
    pthread_mutex_lock(&symbolizer_lock);
    if (dwfl != NULL)
        report_modules();
    pthread_mutex_unlock(&symbolizer_lock);
}

static char *function_name(Dwfl_Module *mod, uintptr_t pc)
{
    GElf_Off off;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, pc, &off, &sym, NULL, NULL, NULL);
    if (name == NULL)
        return NULL;
    /* .dynsym names carry their symbol version ("__libc_start_main@@GLIBC_2.34"). */
    char *plain = strndup(name, strcspn(name, "@"));
    if (plain == NULL)
        return NULL;
    char *pretty = demangle(plain);
    if (pretty == NULL)
        return plain;
    free(plain);
    return pretty;
}

static char *source_line(Dwfl_Module *mod, uintptr_t pc)
{
    Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
    if (line == NULL)
        return NULL;
    int lineno = 0;
    const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
    if (file == NULL || lineno <= 0)
        return NULL;
    char *out = NULL;
    if (asprintf(&out, "%s:%d", file, lineno) < 0)
        return NULL;
    return out;
}

void symbolizer_describe(uintptr_t ra, struct symbol_info *out)
{
    memset(out, 0, sizeof *out);
    out->offset = ra;
    pthread_mutex_lock(&symbolizer_lock);
    Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, ra - 1) : NULL;
    if (mod != NULL) {
        Dwarf_Addr bias = 0;
        const char *name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        if (dwfl_module_getelf(mod, &bias) == NULL)
            bias = 0;
        out->module = name ? strdup(name) : NULL;
        out->offset = ra - bias;
        out->function = function_name(mod, ra - 1);
        out->source = source_line(mod, ra - 1);
    }
    pthread_mutex_unlock(&symbolizer_lock);
}

void symbol_info_free(struct symbol_info *info)
{
    free(info->module);
    free(info->function);
    free(info->source);
    info->module = info->function = info->source = NULL;
}

static bool already_seen(const char *name, Dwarf_Addr start)
{
    for (size_t i = 0; i < seen_count; i++)
        if (seen[i].start == start && strcmp(seen[i].name, name) == 0)
            return true;
    if (seen_count == seen_cap) {
        size_t cap = seen_cap ? seen_cap * 2 : 64;
        struct seen_module *grown = realloc(seen, cap * sizeof *grown);
        if (grown == NULL)
            return true;        /* cannot remember it: do not hook it twice */
        seen = grown;
        seen_cap = cap;
    }
    seen[seen_count].name = strdup(name);
    seen[seen_count].start = start;
    seen_count++;
    return false;
}

struct visit_state {
    function_visitor visit;
    void *arg;
};

static int visit_module(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start,
                        void *arg)
{
    (void)userdata;
    struct visit_state *state = arg;
    if (name == NULL || name[0] == '[' || already_seen(name, start))
        return DWARF_CB_OK;
    int count = dwfl_module_getsymtab(mod);
    for (int i = 1; i < count; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        const char *symname = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL, NULL);
        if (symname == NULL || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
            sym.st_shndx == SHN_UNDEF || addr == 0)
            continue;
        state->visit(name, symname, (uintptr_t)addr, (size_t)sym.st_size, state->arg);
    }
    return DWARF_CB_OK;
}

void symbolizer_each_new_function(function_visitor visit, void *arg)
{
    struct visit_state state = {visit, arg};
    pthread_mutex_lock(&symbolizer_lock);
    if (dwfl != NULL)
        dwfl_getmodules(dwfl, visit_module, &state, 0);
    pthread_mutex_unlock(&symbolizer_lock);
}
