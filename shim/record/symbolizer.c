/* Symbolization of the traced process itself with elfutils' libdwfl: it reads .symtab and
 * .dynsym and follows .gnu_debuglink and build-ids to separate debug files. Frames get a
 * function name only: no DWARF is read here (decompressing libc's took most of a traced
 * start-up), since the analyzers find each frame's file:line later from the module's
 * build-id.
 *
 * The module list is the dynamic linker's (dl_iterate_phdr), not /proc/self/maps, which
 * also lists files that are merely mapped, such as the debug files libdw maps. A module
 * is reported to the Dwfl (which opens its file) only when a frame in it is named, or its
 * functions need more than its dynamic symbols: of a GStreamer program's 45 modules,
 * eight; reporting all of them was a third of the shim's start. When one is unloaded the
 * Dwfl is built anew, since libdwfl cannot drop a single module. libdwfl is not
 * thread-safe, so every entry point takes symbolizer_lock; callers cache results per
 * address. */
#include "symbolizer.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "demangle.h"
#include "dl_module.h"
#include "log_writer.h"
#include "report.h"

static pthread_mutex_t symbolizer_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *dwfl;
static char *debuginfo_path;

/* Separate debug files are looked up by build-id under /usr/lib/debug, where Debian's
 * -dbgsym packages put them. dwfl_standard_find_debuginfo would also load the debuginfod
 * client, and with it some thirty libraries, into the traced program. */
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_build_id_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* A module the dynamic linker has loaded. */
struct loaded_module {
    char *path;                 /* absolute */
    char *link_name;            /* as the link map has it, relative perhaps */
    uintptr_t base;             /* load bias */
    uintptr_t start, end;       /* what its PT_LOAD segments cover */
    bool visited;               /* offered to symbolizer_each_new_function */
    bool shim_needs;            /* the shim or a library it depends on */
    bool present;               /* found by the last look at the linker's list */
    bool symtab_read;           /* libdwfl has read its symbol table (maybe a debug file) */
    bool reported;              /* to the Dwfl */
    bool library;               /* a shared library, not the program itself */
    const ElfW(Dyn) *dyn;       /* its dynamic section, where the dynamic linker mapped it */
};

static struct loaded_module *modules;
static size_t module_count, module_cap;

static struct loaded_module *find_module(const char *link_name, uintptr_t base)
{
    for (size_t i = 0; i < module_count; i++)
        if (modules[i].base == base && strcmp(modules[i].link_name, link_name) == 0)
            return &modules[i];
    return NULL;
}

static void report_module(const struct loaded_module *m)
{
    dwfl_report_elf(dwfl, m->path, m->path, -1, m->base, false);
}

/* Under symbolizer_lock: M's Dwfl_Module, M reported first if it was not. */
static Dwfl_Module *reported_module(struct loaded_module *m)
{
    if (!m->reported) {
        m->reported = true;
        dwfl_report_begin_add(dwfl);
        report_module(m);
        dwfl_report_end(dwfl, NULL, NULL);
    }
    return dwfl_addrmodule(dwfl, m->start);
}

static struct loaded_module *module_holding(uintptr_t address)
{
    for (size_t i = 0; i < module_count; i++)
        if (address >= modules[i].start && address < modules[i].end)
            return &modules[i];
    return NULL;
}

/* --- the libraries the shim itself runs on ----------------------------------------------
 * A user's glob may match any function; hooking the shim's own code, or code it calls
 * while recording (libc, the dynamic linker, libunwind, libdw and libelf with their
 * decompressors, Zydis), would re-enter the shim or kill the program. They are the
 * shim's DT_NEEDED closure, found by soname at start-up, plus the C++ runtime's
 * unwinding libraries, which the unwinders may load later. */

static char **needed_names;     /* sonames in the shim's closure */
static size_t needed_count;

static bool in_needed(const char *name)
{
    for (size_t i = 0; i < needed_count; i++)
        if (strcmp(needed_names[i], name) == 0)
            return true;
    return false;
}

static void add_needed(const char *name, bool *changed)
{
    if (in_needed(name))
        return;
    char **grown = realloc(needed_names, (needed_count + 1) * sizeof *grown);
    char *copy = strdup(name);
    if (grown == NULL || copy == NULL) {
        free(copy);
        if (grown != NULL)
            needed_names = grown;
        return;
    }
    needed_names = grown;
    needed_names[needed_count++] = copy;
    *changed = true;
}

/* The module that holds the shim's own code. */
static bool contains_shim(const struct dl_phdr_info *info)
{
    return dl_module_holds(info, (uintptr_t)symbolizer_init);
}

static int add_needs_of_needed(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct dl_module_names names = dl_module_names_of(info);
    if (names.strtab == NULL ||
        !(contains_shim(info) || (names.soname != NULL && in_needed(names.soname))))
        return 0;
    for (const ElfW(Dyn) *d = names.dyn; d->d_tag != DT_NULL; d++)
        if (d->d_tag == DT_NEEDED)
            add_needed(names.strtab + d->d_un.d_val, arg);
    return 0;
}

static void find_shim_needs(void)
{
    bool changed = true;
    while (changed) {
        changed = false;
        dl_iterate_phdr(add_needs_of_needed, &changed);
    }
}

static bool shim_needs(const struct dl_phdr_info *info)
{
    static const char *const runtime[] = {"libgcc_s.so", "libstdc++.so"};
    if (contains_shim(info))
        return true;
    const char *soname = dl_module_names_of(info).soname;
    if (soname == NULL)
        return false;
    for (size_t i = 0; i < sizeof runtime / sizeof runtime[0]; i++)
        if (strncmp(soname, runtime[i], strlen(runtime[i])) == 0)
            return true;
    return in_needed(soname);
}

static int note_loaded_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size, (void)arg;
    const char *link_name = info->dlpi_name ? info->dlpi_name : "";
    struct loaded_module *m = find_module(link_name, info->dlpi_addr);
    if (m != NULL) {
        m->present = true;
        return 0;
    }
    const char *path = link_name;
    char exe[PATH_MAX];
    if (path[0] == '\0') {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            return 0;
        exe[n] = '\0';
        path = exe;
    }
    if (strchr(path, '/') == NULL)
        return 0;               /* the vDSO: no file to read */
    /* dlopen("./libplugin.so") and a relative RUNPATH leave a relative name in the link
     * map. The load happened just now, from this directory: resolve it before the
     * program can chdir, since libdwfl opens the file by name, later. */
    char absolute[PATH_MAX];
    if (path[0] != '/') {
        if (realpath(path, absolute) == NULL)
            return 0;
        path = absolute;
    }
    if (module_count == module_cap) {
        size_t cap = module_cap ? module_cap * 2 : 64;
        struct loaded_module *grown = realloc(modules, cap * sizeof *grown);
        if (grown == NULL)
            return 0;
        modules = grown;
        module_cap = cap;
    }
    m = &modules[module_count];
    memset(m, 0, sizeof *m);
    if ((m->path = strdup(path)) == NULL || (m->link_name = strdup(link_name)) == NULL) {
        free(m->path);
        return 0;
    }
    module_count++;
    m->base = info->dlpi_addr;
    m->start = UINTPTR_MAX;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t lo = m->base + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (lo < m->start)
            m->start = lo;
        if (hi > m->end)
            m->end = hi;
    }
    m->present = true;
    m->shim_needs = shim_needs(info);
    m->library = link_name[0] != '\0';
    m->dyn = dl_module_names_of(info).dyn;
    return 0;
}

/* Brings the module list up to date; returns true when modules were unloaded. */
static bool update_modules(module_gone_fn gone)
{
    for (size_t i = 0; i < module_count; i++)
        modules[i].present = false;
    dl_iterate_phdr(note_loaded_object, NULL);
    size_t kept = 0;
    for (size_t i = 0; i < module_count; i++) {
        if (modules[i].present) {
            modules[kept++] = modules[i];
        } else {
            if (gone != NULL)
                gone(modules[i].start, modules[i].end);
            free(modules[i].path);
            free(modules[i].link_name);
        }
    }
    bool removed = kept != module_count;
    module_count = kept;
    return removed;
}

bool symbolizer_init(void)
{
    pthread_mutex_lock(&symbolizer_lock);
    if (dwfl == NULL) {
        find_shim_needs();
        dwfl = dwfl_begin(&callbacks);
        if (dwfl != NULL)
            update_modules(NULL);
    }
    pthread_mutex_unlock(&symbolizer_lock);
    return dwfl != NULL;
}

static void free_symbol_tables(void);

void symbolizer_refresh(module_gone_fn gone)
{
    pthread_mutex_lock(&symbolizer_lock);
    if (dwfl != NULL && update_modules(gone)) {
        Dwfl *fresh = dwfl_begin(&callbacks);
        if (fresh != NULL) {
            free_symbol_tables();
            dwfl_end(dwfl);
            dwfl = fresh;
            dwfl_report_begin(dwfl);
            for (size_t i = 0; i < module_count; i++)
                if (modules[i].reported)
                    report_module(&modules[i]);
            dwfl_report_end(dwfl, NULL, NULL);
        }
    }
    pthread_mutex_unlock(&symbolizer_lock);
}

/* --- function names ------------------------------------------------------------------
 * dwfl_module_addrinfo reads every symbol of the module on every call: with thousands of
 * frames in libraries of thousands of symbols, that was most of a traced program's
 * start-up. Each module's symbols are sorted once instead, and a frame is a binary search;
 * only an address in no sized symbol of a module that has sizeless ones (assembly labels,
 * which libdwfl weighs by rules of its own) is left to libdwfl. */

struct symbol_span {
    uintptr_t start;
    size_t size;
    const char *name;                   /* libdwfl's, valid while the Dwfl lives */
    unsigned order;                     /* in the module's table: ties are broken as libdwfl does */
    unsigned char binding;
};

/* A symbol table read in place: gelf_getsym and elf_strptr, a call each per symbol with
 * checks of their own, were most of the scan of the modules at start (every C library's
 * .dynsym is read whole, twice), and libdwfl's dwfl_module_getsym_info, some 260
 * instructions a symbol, most of the naming of frames (libc's 10,000 symbols from its
 * debug file at every start). 64-bit modules only; others go through gelf or libdwfl. */
struct symbol_view {
    const Elf64_Sym *symbols;
    size_t count;
    const char *strings;
    size_t strings_size;
    bool strings_end_in_nul;    /* then every name that starts in the table ends in it */
};

/* A module's symbols are first read where they stand, in table order, a scan per frame:
 * most modules name a few frames (libc's 10,000 symbols from its debug file, four at a
 * gst-launch start), and sorting them cost more than the scans, in time and in fresh pages.
 * A module that names more frames gets its sorted spans. */
#define SCANS_BEFORE_SORTING 4

struct symbol_table {
    int symbol_count;                   /* libdwfl's, the null symbol included */
    bool in_place;                      /* VIEW holds the symbols libdwfl numbers */
    struct symbol_view view;
    Dwarf_Addr bias;                    /* of VIEW's file: added to a biased symbol's value */
    unsigned scans;                     /* frames named by scanning VIEW */
    bool sorted;                        /* SPANS are built (always, when not IN_PLACE) */
    struct symbol_span *spans;
    size_t count;
    bool labels_known;                  /* HAS_LABELS is computed */
    bool has_labels;                    /* sizeless symbols, which only libdwfl weighs */
    bool build_id_known;                /* build_id below is computed (NULL: none) */
    char *build_id;                     /* the module's, in hex: the same for its every frame */
    struct symbol_table *next;          /* every table of the current Dwfl */
};

static struct symbol_table *symbol_tables;

static void free_symbol_tables(void)
{
    for (struct symbol_table *t = symbol_tables, *next; t != NULL; t = next) {
        next = t->next;
        free(t->spans);
        free(t->build_id);
        free(t);
    }
    symbol_tables = NULL;
}

/* Sorts SPANS by start, ties in table order. They are gathered in table order, so a stable
 * sort by start alone does it: a radix sort, a byte of the offset from the lowest start per
 * pass. qsort took 0.1 us per symbol (its comparisons through a pointer, and a fresh
 * mapping for its copy every time): a millisecond for libc's 8,000, at every start. */
static void sort_by_start(struct symbol_span *spans, size_t count)
{
    if (count < 2)
        return;
    uintptr_t low = UINTPTR_MAX, high = 0;
    for (size_t i = 0; i < count; i++) {
        if (spans[i].start < low)
            low = spans[i].start;
        if (spans[i].start > high)
            high = spans[i].start;
    }
    struct symbol_span *other = malloc(count * sizeof *other);
    if (other == NULL) {
        report_once("out of memory; some frames have no function name");
        for (size_t i = 1; i < count; i++)      /* insertion: slow, but stable too */
            for (size_t j = i; j > 0 && spans[j - 1].start > spans[j].start; j--) {
                struct symbol_span t = spans[j];
                spans[j] = spans[j - 1];
                spans[j - 1] = t;
            }
        return;
    }
    struct symbol_span *from = spans, *to = other;
    for (unsigned shift = 0; shift < 8 * sizeof(uintptr_t) && ((high - low) >> shift) != 0;
         shift += 8) {
        size_t at[257] = {0};
        for (size_t i = 0; i < count; i++)
            at[((from[i].start - low) >> shift & 0xff) + 1]++;
        for (int d = 0; d < 256; d++)
            at[d + 1] += at[d];
        for (size_t i = 0; i < count; i++)
            to[at[(from[i].start - low) >> shift & 0xff]++] = from[i];
        struct symbol_span *swap = from;
        from = to;
        to = swap;
    }
    if (from != spans)
        memcpy(spans, from, count * sizeof *spans);
    free(other);
}

static bool view_symbols(Elf *elf, const GElf_Shdr *shdr, Elf_Data *data, struct symbol_view *view)
{
    if (gelf_getclass(elf) != ELFCLASS64 || data->d_type != ELF_T_SYM || data->d_buf == NULL)
        return false;
    Elf_Scn *strings = elf_getscn(elf, shdr->sh_link);
    Elf_Data *text = strings ? elf_getdata(strings, NULL) : NULL;
    if (text == NULL || text->d_buf == NULL)
        return false;
    size_t count = shdr->sh_size / shdr->sh_entsize;
    size_t held = data->d_size / sizeof(Elf64_Sym);
    const char *names = text->d_buf;
    *view = (struct symbol_view){data->d_buf, count < held ? count : held, names, text->d_size,
                                 text->d_size > 0 && names[text->d_size - 1] == '\0'};
    return true;
}

/* Symbol I's name, or NULL where elf_strptr gives none (an offset past the table, or no
 * NUL before its end). A table that ends in a NUL, as every sound one does, is not
 * searched for one per name: the families look at a name's first byte or two, and the
 * search read all of each of the 9,000 names of a GStreamer program's start. */
static const char *view_name(const struct symbol_view *view, size_t i)
{
    size_t at = view->symbols[i].st_name;
    if (at >= view->strings_size ||
        (!view->strings_end_in_nul &&
         memchr(view->strings + at, '\0', view->strings_size - at) == NULL))
        return NULL;
    return view->strings + at;
}

static bool names_code(const char *name, const GElf_Sym *sym)
{
    int type = GELF_ST_TYPE(sym->st_info);
    return name != NULL && name[0] != '\0' && sym->st_shndx != SHN_UNDEF &&
           type != STT_SECTION && type != STT_FILE && type != STT_TLS;
}

static void add_span(struct symbol_table *t, const char *name, const GElf_Sym *sym,
                     GElf_Addr addr, int order)
{
    if (!names_code(name, sym))
        return;
    if (sym->st_size == 0)
        t->has_labels = true;
    else
        t->spans[t->count++] = (struct symbol_span){(uintptr_t)addr, (size_t)sym->st_size, name,
                                                    (unsigned)order, (unsigned char)GELF_ST_BIND(sym->st_info)};
}

/* Whether libdwfl moves symbol SYM's value by its file's bias: a symbol of a section, not
 * an undefined or absolute one (__libdwfl_getsym's rule for the files of a process). */
static bool biased(const GElf_Sym *sym)
{
    return sym->st_shndx != SHN_UNDEF && (sym->st_shndx < SHN_LORESERVE || sym->st_shndx == SHN_XINDEX);
}

static GElf_Addr value_of(const GElf_Sym *sym, Dwarf_Addr bias)
{
    return biased(sym) ? sym->st_value + bias : sym->st_value;
}

/* Points T's view at the symbols libdwfl numbers 1..COUNT-1 for MOD, where they stand in
 * the one table they come from: the .symtab (else the .dynsym) of the file libdwfl gives
 * for symbol 1, when that table has exactly COUNT entries (an auxiliary table merged in
 * makes it differ). Three symbols are asked of libdwfl too, and must agree; false when any
 * of this fails. */
static bool view_in_place(Dwfl_Module *mod, int count, struct symbol_table *t)
{
    GElf_Sym sym;
    GElf_Addr addr;
    Elf *elf = NULL;
    Dwarf_Addr bias = 0;
    if (count < 2 || dwfl_module_getsym_info(mod, 1, &sym, &addr, NULL, &elf, &bias) == NULL ||
        elf == NULL)
        return false;
    GElf_Shdr shdr;
    Elf_Data *data = NULL;
    for (int type = SHT_SYMTAB; data == NULL && type != 0; type = type == SHT_SYMTAB ? SHT_DYNSYM : 0)
        for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn))
            if (gelf_getshdr(scn, &shdr) != NULL && shdr.sh_type == (GElf_Word)type) {
                data = elf_getdata(scn, NULL);
                break;
            }
    struct symbol_view view;
    if (data == NULL || shdr.sh_entsize == 0 || shdr.sh_size / shdr.sh_entsize != (size_t)count ||
        !view_symbols(elf, &shdr, data, &view) || view.count != (size_t)count)
        return false;
    int probes[] = {1, count / 2, count - 1};
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        const char *theirs = dwfl_module_getsym_info(mod, probes[p], &sym, &addr, NULL, NULL, NULL);
        GElf_Sym ours = view.symbols[probes[p]];
        const char *name = view_name(&view, (size_t)probes[p]);
        bool same_name = theirs == name || (theirs != NULL && name != NULL && strcmp(theirs, name) == 0);
        if (!same_name || value_of(&ours, bias) != addr || sym.st_size != ours.st_size)
            return false;
    }
    t->view = view;
    t->bias = bias;
    t->in_place = true;
    return true;
}

/* T's sorted spans, from its view or from libdwfl. */
static void sort_symbols(Dwfl_Module *mod, struct symbol_table *t)
{
    t->sorted = true;
    t->labels_known = true;
    if ((t->spans = malloc((size_t)t->symbol_count * sizeof *t->spans)) == NULL)
        return;
    for (int i = 1; i < t->symbol_count; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        const char *name;
        if (t->in_place) {
            sym = t->view.symbols[i];
            name = view_name(&t->view, (size_t)i);
            addr = value_of(&sym, t->bias);
        } else {
            name = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL, NULL);
        }
        add_span(t, name, &sym, addr, i);
    }
    sort_by_start(t->spans, t->count);
}

static struct symbol_table *build_symbol_table(Dwfl_Module *mod)
{
    struct symbol_table *t = calloc(1, sizeof *t);
    if (t == NULL || (t->symbol_count = dwfl_module_getsymtab(mod)) <= 0)
        return t;
    if (!view_in_place(mod, t->symbol_count, t))
        sort_symbols(mod, t);
    return t;
}

/* MOD's sorted table, built at its first use and kept in the module's user data. */
static struct symbol_table *symbol_table_of(Dwfl_Module *mod)
{
    void **userdata = NULL;
    dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
    if (userdata == NULL)
        return NULL;
    if (*userdata == NULL) {
        struct symbol_table *t = build_symbol_table(mod);
        if (t == NULL)
            return NULL;
        t->next = symbol_tables;
        symbol_tables = t;
        *userdata = t;
    }
    return *userdata;
}

/* The symbol libdwfl would name for PC: among the sized symbols that hold it, those that
 * start last; of those, in table order, a later one wins if it is global where the one so
 * far is not, or larger. NULL when no sized symbol holds PC. */
static const char *sized_symbol_at(const struct symbol_table *t, uintptr_t pc)
{
    size_t lo = 0, hi = t->count;
    while (lo < hi) {                   /* the first span that starts after PC */
        size_t mid = lo + (hi - lo) / 2;
        if (t->spans[mid].start <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    uintptr_t start = t->spans[lo - 1].start;
    size_t first = lo - 1;
    while (first > 0 && t->spans[first - 1].start == start)
        first--;
    const struct symbol_span *best = NULL;
    for (size_t i = first; i < lo; i++) {
        const struct symbol_span *s = &t->spans[i];
        if (pc - s->start >= s->size)
            continue;
        if (best == NULL || (best->binding != STB_GLOBAL && s->binding == STB_GLOBAL) ||
            best->size < s->size)
            best = s;
    }
    return best ? best->name : NULL;
}

/* What sized_symbol_at answers, from T's view in table order: the last start at or before
 * PC among the sized symbols that name code, and of the symbols that start there and hold
 * PC, the one the same rule picks. */
static const char *scanned_symbol_at(const struct symbol_table *t, uintptr_t pc)
{
    bool any = false;
    uintptr_t last = 0;
    size_t best = 0;                    /* 0: none at LAST holds PC */
    for (size_t i = 1; i < t->view.count; i++) {
        GElf_Sym sym = t->view.symbols[i];
        if (sym.st_size == 0 || sym.st_shndx == SHN_UNDEF)
            continue;
        uintptr_t start = (uintptr_t)value_of(&sym, t->bias);
        if (start > pc || (any && start < last) || !names_code(view_name(&t->view, i), &sym))
            continue;
        if (!any || start > last) {
            any = true;
            last = start;
            best = 0;
        }
        if (pc - start >= sym.st_size)
            continue;
        const Elf64_Sym *b = &t->view.symbols[best];
        if (best == 0 || (GELF_ST_BIND(b->st_info) != STB_GLOBAL && GELF_ST_BIND(sym.st_info) == STB_GLOBAL) ||
            b->st_size < sym.st_size)
            best = i;
    }
    return best != 0 ? view_name(&t->view, best) : NULL;
}

/* Whether T has sizeless symbols that name code, which only libdwfl weighs. */
static bool has_labels(struct symbol_table *t)
{
    for (size_t i = 1; !t->labels_known && !t->has_labels && i < t->view.count; i++) {
        GElf_Sym sym = t->view.symbols[i];
        if (sym.st_size == 0 && names_code(view_name(&t->view, i), &sym))
            t->has_labels = true;
    }
    t->labels_known = true;
    return t->has_labels;
}

static char *function_name(Dwfl_Module *mod, uintptr_t pc)
{
    GElf_Off off;
    GElf_Sym sym;
    struct symbol_table *t = symbol_table_of(mod);
    const char *name = NULL;
    if (t != NULL && !t->sorted && t->scans++ >= SCANS_BEFORE_SORTING)
        sort_symbols(mod, t);
    if (t != NULL)
        name = t->sorted ? sized_symbol_at(t, pc) : scanned_symbol_at(t, pc);
    if (name == NULL && (t == NULL || has_labels(t)))
        name = dwfl_module_addrinfo(mod, pc, &off, &sym, NULL, NULL, NULL);
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

/* The module's GNU build-id in hex, which libdwfl read from its notes when the module was
 * reported: it lets the analyzers find the debug information later, on any machine. */
static char *build_id_text(Dwfl_Module *mod)
{
    const unsigned char *bits;
    GElf_Addr vaddr;
    int len = dwfl_module_build_id(mod, &bits, &vaddr);
    if (len <= 0)
        return NULL;
    char *text = malloc((size_t)len * 2 + 1);
    if (text == NULL)
        return NULL;
    for (int i = 0; i < len; i++)
        snprintf(text + 2 * i, 3, "%02x", bits[i]);
    return text;
}

/* MOD's build-id text, computed at its first frame and kept with its symbol table. */
static char *module_build_id(Dwfl_Module *mod)
{
    struct symbol_table *t = symbol_table_of(mod);
    if (t == NULL)
        return build_id_text(mod);
    if (!t->build_id_known) {
        t->build_id = build_id_text(mod);
        t->build_id_known = true;
    }
    return t->build_id ? strdup(t->build_id) : NULL;
}

void symbolizer_describe(uintptr_t ra, struct symbol_info *out)
{
    memset(out, 0, sizeof *out);
    out->offset = ra;
    pthread_mutex_lock(&symbolizer_lock);
    struct loaded_module *m = dwfl ? module_holding(ra - 1) : NULL;
    Dwfl_Module *mod = m != NULL ? reported_module(m) : NULL;
    if (mod != NULL) {
        Dwarf_Addr bias = 0;
        const char *name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        if (dwfl_module_getelf(mod, &bias) == NULL)
            bias = 0;
        out->module = name ? strdup(name) : NULL;
        out->offset = ra - bias;
        out->function = function_name(mod, ra - 1);
        out->build_id = module_build_id(mod);
    }
    pthread_mutex_unlock(&symbolizer_lock);
}

void symbol_info_free(struct symbol_info *info)
{
    free(info->module);
    free(info->function);
    free(info->build_id);
    info->module = info->function = info->build_id = NULL;
}

/* A .dynsym to walk: a view of it in place (VIEWED), else libelf's DATA, described by
 * SHDR; COUNT symbols, the null symbol included. */
struct dynsym {
    bool viewed;
    struct symbol_view view;
    Elf *elf;
    GElf_Shdr shdr;
    Elf_Data *data;
    size_t count;
};

/* The .dynsym of ELF when it has no .symtab; false when it has one or no usable .dynsym. */
static bool file_dynsym_only(Elf *elf, struct dynsym *d)
{
    Elf_Scn *dynsym = NULL;
    for (Elf_Scn *scn = elf ? elf_nextscn(elf, NULL) : NULL; scn != NULL; scn = elf_nextscn(elf, scn)) {
        if (gelf_getshdr(scn, &d->shdr) == NULL)
            continue;
        if (d->shdr.sh_type == SHT_SYMTAB)
            return false;
        if (d->shdr.sh_type == SHT_DYNSYM)
            dynsym = scn;
    }
    d->elf = elf;
    d->data = dynsym ? elf_getdata(dynsym, NULL) : NULL;
    if (d->data == NULL || gelf_getshdr(dynsym, &d->shdr) == NULL || d->shdr.sh_entsize == 0)
        return false;
    d->viewed = view_symbols(elf, &d->shdr, d->data, &d->view);
    d->count = d->shdr.sh_size / d->shdr.sh_entsize;
    return true;
}

/* The .dynsym of a loaded module M where the dynamic linker mapped it. */
static bool loaded_dynsym(const struct loaded_module *m, struct dynsym *d)
{
    struct dl_module_symbols table;
    if (!dl_module_symbols(m->dyn, m->base, &table))
        return false;
    *d = (struct dynsym){.viewed = true, .count = table.count};
    d->view = (struct symbol_view){table.symbols, table.count, table.strings, table.strings_size,
                                   table.strings[table.strings_size - 1] == '\0'};
    return true;
}

/* Symbol I of D and its name, or NULL. */
static const char *dynsym_at(const struct dynsym *d, size_t i, GElf_Sym *sym)
{
    if (d->viewed) {
        if (i >= d->view.count)
            return NULL;
        *sym = d->view.symbols[i];
        return view_name(&d->view, i);
    }
    if (gelf_getsym(d->data, (int)i, sym) == NULL)
        return NULL;
    return elf_strptr(d->elf, d->shdr.sh_link, sym->st_name);
}

/* Whether D names C++ symbols, defined or imported. */
static bool dynsym_has_cxx(const struct dynsym *d)
{
    for (size_t i = 1; i < d->count; i++) {
        GElf_Sym sym;
        const char *name = dynsym_at(d, i, &sym);
        if (name != NULL && strncmp(name, "_Z", 2) == 0)
            return true;
    }
    return false;
}

/* The functions of D, a module's with no C++ in it, loaded with BIAS; false (and none
 * visited) when it has C++ symbols: only the full table finds a hidden AddRef. */
static bool visit_plain_functions(const struct dynsym *d, uintptr_t bias,
                                  const struct module_facts *facts, function_visitor visit,
                                  void *arg)
{
    if (dynsym_has_cxx(d))
        return false;
    for (size_t i = 1; i < d->count; i++) {
        GElf_Sym sym;
        const char *name = dynsym_at(d, i, &sym);
        if (name == NULL || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
            sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
            continue;
        visit(facts, name, (uintptr_t)(sym.st_value + bias), (size_t)sym.st_size, arg);
    }
    return true;
}

/* The dynamic symbols of a stripped module with no C++ in it: the functions of a C
 * library a separate debug file would add are static ones, which no hook looks for, and
 * reading that file for every C library (libc's is large) slows every start. Returns
 * false when the module has a .symtab or C++ symbols: libdwfl then reads the best table,
 * debug file included, where a hidden C++ AddRef of a stripped library is found. */
static bool visit_plain_dynsym(Dwfl_Module *mod, const struct module_facts *facts,
                               function_visitor visit, void *arg)
{
    Dwarf_Addr bias = 0;
    struct dynsym d;
    return file_dynsym_only(dwfl_module_getelf(mod, &bias), &d) &&
           visit_plain_functions(&d, (uintptr_t)bias, facts, visit, arg);
}

/* After dwfl_module_getsymtab: true if MOD has C++ in it (mangled names in .dynsym,
 * defined or imported) but neither a .symtab nor a separate debug file, so that a
 * hidden AddRef/Release of its classes cannot be found. */
static bool lacks_cxx_symbols(Dwfl_Module *mod)
{
    const char *debug_file = NULL;
    dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, &debug_file);
    Dwarf_Addr bias = 0;
    Elf *elf = dwfl_module_getelf(mod, &bias);
    struct dynsym d;
    return debug_file == NULL && elf != NULL && file_dynsym_only(elf, &d) && dynsym_has_cxx(&d);
}

/* Says once per library, on stderr and in the log, that its C++ methods cannot be found:
 * without a word the user would take an empty log for a program without leaks. */
static void tell_no_symbols(const char *path)
{
    char quoted[PATH_MAX];
    snprintf(quoted, sizeof quoted, "%s", path);
    config_escape_controls(quoted, sizeof quoted);
    report("%s has no symbol table and no debug file: its AddRef/Release methods cannot be "
           "found and are not traced (install its debug symbols, on Debian its -dbgsym "
           "package, or use a build with -g that is not stripped)", quoted);
    log_write_comment("nosymbols", quoted);
}

/* Returns whether libdwfl's symbol table of MOD was read (and with it, perhaps, a debug
 * file): the plain .dynsym of a C library is read in place, without it. */
static bool visit_functions(Dwfl_Module *mod, const struct module_facts *facts,
                            function_visitor visit, void *arg)
{
    if (visit_plain_dynsym(mod, facts, visit, arg))
        return false;
    int count = dwfl_module_getsymtab(mod);
    if (!facts->shim_needs && lacks_cxx_symbols(mod))
        tell_no_symbols(facts->path);
    for (int i = 1; i < count; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL, NULL);
        if (name == NULL || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
            sym.st_shndx == SHN_UNDEF || addr == 0)
            continue;
        visit(facts, name, (uintptr_t)addr, (size_t)sym.st_size, arg);
    }
    return true;
}

/* A shared library's functions from its dynamic symbols, where the dynamic linker mapped
 * them, when they are all that is looked for: false when it has C++ in it (a hidden
 * AddRef is in its .symtab or debug file only) or no table in memory. */
static bool visit_loaded_dynsym(const struct loaded_module *m, const struct module_facts *facts,
                                function_visitor visit, void *arg)
{
    struct dynsym d;
    return m->library && loaded_dynsym(m, &d) &&
           visit_plain_functions(&d, m->base, facts, visit, arg);
}

void symbolizer_each_new_function(function_visitor visit, void *arg, bool exported_enough)
{
    pthread_mutex_lock(&symbolizer_lock);
    for (size_t i = 0; dwfl != NULL && i < module_count; i++) {
        struct loaded_module *m = &modules[i];
        if (m->visited)
            continue;
        m->visited = true;
        struct module_facts facts = {m->path, m->shim_needs};
        if (exported_enough && visit_loaded_dynsym(m, &facts, visit, arg))
            continue;
        Dwfl_Module *mod = reported_module(m);
        if (mod != NULL)
            m->symtab_read = visit_functions(mod, &facts, visit, arg);
    }
    pthread_mutex_unlock(&symbolizer_lock);
}

/* --- the files libelf has mapped --------------------------------------------------------
 * libelf maps each module's file, and the debug file its symbols came from, private and
 * writable: to the holder scan they look like the program's memory, megabytes of it that
 * hold no pointer of the program's. Only what libdwfl already holds is listed: asking for
 * more would read files at exit. */

static void tell_image(Elf *elf, file_image_fn tell, void *arg)
{
    size_t size = 0;
    char *image = elf != NULL ? elf_rawfile(elf, &size) : NULL;
    if (image != NULL && size > 0)
        tell((uintptr_t)image, (uintptr_t)image + size, arg);
}

static void tell_symbol_images(Dwfl_Module *mod, file_image_fn tell, void *arg)
{
    int count = dwfl_module_getsymtab(mod);
    int ends[2] = {1, count - 1};
    for (int i = 0; i < 2 && count > 1; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        Elf *elf = NULL;
        if (dwfl_module_getsym_info(mod, ends[i], &sym, &addr, NULL, &elf, NULL) != NULL)
            tell_image(elf, tell, arg);
    }
}

void symbolizer_each_file_image(file_image_fn tell, void *arg)
{
    pthread_mutex_lock(&symbolizer_lock);
    for (size_t i = 0; dwfl != NULL && i < module_count; i++) {
        Dwfl_Module *mod = dwfl_addrmodule(dwfl, modules[i].start);
        if (mod == NULL)
            continue;
        Dwarf_Addr bias = 0;
        tell_image(dwfl_module_getelf(mod, &bias), tell, arg);
        void **userdata = NULL;
        dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
        if (modules[i].symtab_read || (userdata != NULL && *userdata != NULL))
            tell_symbol_images(mod, tell, arg);
    }
    pthread_mutex_unlock(&symbolizer_lock);
}

void symbolizer_after_fork_child(void)
{
    pthread_mutex_init(&symbolizer_lock, NULL);
}
