/* debug_symbols.c - looking up bare frames in debug information (see debug_symbols.h).
 *
 * One Dwfl per module, made the first time a frame of that module needs it and kept for
 * the run, with nothing in it when nothing can be found (so a library without debug
 * information costs one look). libdwfl asks find_debug_file for a stripped module's
 * separate debug file; a module whose file is missing here, or is not the build the log
 * was made with, is read from its debug file alone, which has the same addresses. */
#include "debug_symbols.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/debuginfod.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <libiberty/demangle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uthash.h>

#include "alloc.h"

#define MAX_BUILD_ID 64

struct debug_module {
    char *key;                  /* path, TAB, build-id */
    Dwfl *dwfl;                 /* NULL: nothing to be found */
    Dwfl_Module *mod;
    UT_hash_handle hh;
};

static char **dirs;
static size_t dir_count;
static bool debuginfod_off;
static bool debuginfod_gave_up;
static debuginfod_client *debuginfod;

/* libdw's functions, from the library opened at the first frame that needs it
 * (load_libdw): linked, libdw and the four libraries it brings cost every run 1.6 ms of
 * start-up, 3% of refbalance's time on a 200 MB Mozilla log. */
#define LIBDW_FUNCTIONS(X)                                                                  \
    X(dwfl_begin) X(dwfl_end) X(dwfl_report_begin) X(dwfl_report_elf) X(dwfl_report_end)   \
    X(dwfl_build_id_find_elf) X(dwfl_lineinfo) X(dwfl_module_addrdie)                      \
    X(dwfl_module_addrinfo) X(dwfl_module_build_id) X(dwfl_module_getelf)                  \
    X(dwfl_module_getsrc) X(dwarf_attr) X(dwarf_attr_integrate) X(dwarf_diename)          \
    X(dwarf_filesrc) X(dwarf_formstring) X(dwarf_formudata) X(dwarf_getscopes)            \
    X(dwarf_getsrcfiles) X(dwarf_tag)
static struct {
    void *library;
#define FUNCTION_POINTER(name) __typeof__(name) *name;
    LIBDW_FUNCTIONS(FUNCTION_POINTER)
#undef FUNCTION_POINTER
} dw;

/* libdebuginfod's functions, from the library opened at the first frame that needs it. */
static struct {
    void *library;
    debuginfod_client *(*begin)(void);
    int (*find_debuginfo)(debuginfod_client *, const unsigned char *, int, char **);
    void (*end)(debuginfod_client *);
} client_library;

/* Opens libdebuginfod; false, having said why once, if it cannot be used. */
static bool load_client_library(const char *urls)
{
    if (client_library.library)
        return true;
    void *library = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library) {
        *(void **)&client_library.begin = dlsym(library, "debuginfod_begin");
        *(void **)&client_library.find_debuginfo = dlsym(library, "debuginfod_find_debuginfo");
        *(void **)&client_library.end = dlsym(library, "debuginfod_end");
    }
    if (!library || !client_library.begin || !client_library.find_debuginfo ||
        !client_library.end) {
        fprintf(stderr, "%s: debuginfod (%s): cannot load libdebuginfod.so.1 (%s); frames it "
                "would name are left as they are\n", program_invocation_short_name, urls,
                library ? "a function is missing" : dlerror());
        if (library)
            dlclose(library);
        return false;
    }
    client_library.library = library;
    return true;
}
static struct debug_module *modules;

void debug_symbols_add_dir(const char *dir)
{
    dirs = xrealloc(dirs, (dir_count + 1) * sizeof *dirs);
    dirs[dir_count++] = xstrdup(dir);
}

void debug_symbols_no_debuginfod(void)
{
    debuginfod_off = true;
}

int debug_symbols_option(int argc, char **argv, int i)
{
    if (strcmp(argv[i], "--no-debuginfod") == 0) {
        debug_symbols_no_debuginfod();
        return 1;
    }
    if (strcmp(argv[i], "--debug-dir") != 0)
        return 0;
    if (i + 1 >= argc)
        return -1;
    debug_symbols_add_dir(argv[i + 1]);
    return 2;
}

bool debug_symbols_wanted(const struct log_frame *frame)
{
    return frame->module != NULL &&
           (frame->source == NULL || frame->function == NULL || strcmp(frame->function, "???") == 0);
}

/* Log paths come from a file anyone may have written: a FIFO or a device would block
 * or never end, so only regular files are opened. */
static int open_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return open(path, O_RDONLY | O_CLOEXEC);
}

static int open_in_build_id_tree(const char *dir, const unsigned char *id, int len, char **name)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/.build-id/%02x/", dir, id[0]);
    for (int i = 1; i < len && n > 0 && (size_t)n < sizeof path - 3; i++)
        n += snprintf(path + n, sizeof path - (size_t)n, "%02x", id[i]);
    if (n <= 0 || (size_t)n + sizeof ".debug" > sizeof path)
        return -1;
    strcat(path, ".debug");
    int fd = open_regular(path);
    if (fd >= 0)
        *name = xstrdup(path);
    return fd;
}

/* A server that does not answer is asked once: later modules go without it. */
static int ask_debuginfod(const unsigned char *id, int len, char **name)
{
    const char *urls = getenv("DEBUGINFOD_URLS");
    if (debuginfod_off || debuginfod_gave_up || urls == NULL || urls[0] == '\0')
        return -1;
    if (debuginfod == NULL) {
        /* Its own defaults wait 90 seconds, three times over, for a server that is
         * silent; the user's settings win. */
        setenv("DEBUGINFOD_TIMEOUT", "5", 0);
        setenv("DEBUGINFOD_RETRY_LIMIT", "0", 0);
        if (!load_client_library(urls)) {
            debuginfod_gave_up = true;
            return -1;
        }
        debuginfod = client_library.begin();
        if (debuginfod == NULL) {
            debuginfod_gave_up = true;
            return -1;
        }
    }
    char *path = NULL;
    int fd = client_library.find_debuginfo(debuginfod, id, len, &path);
    if (fd >= 0) {
        *name = path;
        return fd;
    }
    free(path);
    if (fd != -ENOENT) {
        fprintf(stderr, "%s: debuginfod (%s): %s; frames it would name are left as they are\n",
                program_invocation_short_name, urls, strerror(-fd));
        debuginfod_gave_up = true;
    }
    return -1;
}

static int find_debug_by_build_id(const unsigned char *id, int len, char **name)
{
    if (len <= 1)
        return -1;
    int fd = open_in_build_id_tree("/usr/lib/debug", id, len, name);
    for (size_t i = 0; fd < 0 && i < dir_count; i++)
        fd = open_in_build_id_tree(dirs[i], id, len, name);
    return fd >= 0 ? fd : ask_debuginfod(id, len, name);
}

static int find_debug_file(Dwfl_Module *mod, void **userdata, const char *modname,
                           Dwarf_Addr base, const char *file_name, const char *debuglink_file,
                           GElf_Word debuglink_crc, char **debuginfo_file_name)
{
    (void)userdata, (void)modname, (void)base, (void)file_name, (void)debuglink_file,
        (void)debuglink_crc;
    const unsigned char *id;
    GElf_Addr vaddr;
    int len = dw.dwfl_module_build_id(mod, &id, &vaddr);
    return len > 0 ? find_debug_by_build_id(id, len, debuginfo_file_name) : -1;
}

static char *no_debuginfo_path;
static Dwfl_Callbacks callbacks = {
    .find_elf = NULL, /* dwfl_build_id_find_elf, once libdw is loaded (load_libdw) */
    .find_debuginfo = find_debug_file,
    .debuginfo_path = &no_debuginfo_path,
};

/* Opens libdw at the first frame that needs it; false, having said why once, if it cannot
 * be used (the frames are then left as they are). */
static bool load_libdw(void)
{
    static bool tried;
    if (tried)
        return dw.library != NULL;
    tried = true;
    void *library = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
    bool complete = library != NULL;
#define LOOK_UP(name) \
    complete = complete && (*(void **)&dw.name = dlsym(library, #name)) != NULL;
    LIBDW_FUNCTIONS(LOOK_UP)
#undef LOOK_UP
    if (!complete) {
        fprintf(stderr, "%s: cannot load libdw.so.1 (%s); frames are left as they are\n",
                program_invocation_short_name, library ? "a function is missing" : dlerror());
        if (library)
            dlclose(library);
        return false;
    }
    callbacks.find_elf = dw.dwfl_build_id_find_elf;
    dw.library = library;
    return true;
}

static int parse_build_id(const char *hex, unsigned char *id)
{
    size_t length = hex ? strlen(hex) : 0;
    if (length == 0 || length % 2 != 0 || length / 2 > MAX_BUILD_ID)
        return 0;
    for (size_t i = 0; i < length / 2; i++) {
        unsigned value;
        if (sscanf(hex + 2 * i, "%2x", &value) != 1)
            return 0;
        id[i] = (unsigned char)value;
    }
    return (int)(length / 2);
}

/* Reports PATH alone into a new Dwfl; NULL if libdwfl cannot read it. */
static Dwfl_Module *report_file(Dwfl **dwfl, const char *path)
{
    if (!load_libdw())
        return NULL;
    int fd = open_regular(path);
    if (fd < 0)
        return NULL;
    close(fd);
    *dwfl = dw.dwfl_begin(&callbacks);
    if (*dwfl == NULL)
        return NULL;
    const char *slash = strrchr(path, '/');
    dw.dwfl_report_begin(*dwfl);
    Dwfl_Module *mod = dw.dwfl_report_elf(*dwfl, slash ? slash + 1 : path, path, -1, 0, false);
    dw.dwfl_report_end(*dwfl, NULL, NULL);
    if (mod == NULL) {
        dw.dwfl_end(*dwfl);
        *dwfl = NULL;
    }
    return mod;
}

static bool has_build_id(Dwfl_Module *mod, const unsigned char *id, int len)
{
    const unsigned char *bits;
    GElf_Addr vaddr;
    return dw.dwfl_module_build_id(mod, &bits, &vaddr) == len && memcmp(bits, id, (size_t)len) == 0;
}

static void open_module(struct debug_module *module, const char *path, const char *build_id)
{
    unsigned char id[MAX_BUILD_ID];
    int len = parse_build_id(build_id, id);
    module->mod = report_file(&module->dwfl, path);
    if (module->mod != NULL && len > 0 && !has_build_id(module->mod, id, len)) {
        dw.dwfl_end(module->dwfl);     /* another build of the library lives here now */
        module->dwfl = NULL;
        module->mod = NULL;
    }
    if (module->mod == NULL && len > 0) {
        char *debug_path = NULL;
        int fd = find_debug_by_build_id(id, len, &debug_path);
        if (fd >= 0) {
            close(fd);
            module->mod = report_file(&module->dwfl, debug_path);
        }
        free(debug_path);
    }
}

static struct debug_module *module_for(const char *path, const char *build_id)
{
    size_t size = strlen(path) + (build_id ? strlen(build_id) : 0) + 2;
    char *key = xcalloc(1, size);
    snprintf(key, size, "%s\t%s", path, build_id ? build_id : "");
    struct debug_module *module;
    HASH_FIND_STR(modules, key, module);
    if (module != NULL) {
        free(key);
        return module;
    }
    module = xcalloc(1, sizeof *module);
    module->key = key;
    open_module(module, path, build_id);
    HASH_ADD_KEYPTR(hh, modules, module->key, strlen(module->key), module);
    return module;
}

static char *demangled_or_copy(const char *name)
{
    char *plain = xstrndup(name, strcspn(name, "@"));   /* .dynsym's @@VERSION */
    if (strncmp(plain, "_Z", 2) != 0)
        return plain;
    char *pretty = cplus_demangle(plain, DMGL_PARAMS | DMGL_ANSI);
    if (pretty == NULL)
        return plain;
    free(plain);
    return pretty;
}

static char *symbol_name(Dwfl_Module *mod, Dwarf_Addr pc)
{
    GElf_Off off;
    GElf_Sym sym;
    const char *name = dw.dwfl_module_addrinfo(mod, pc, &off, &sym, NULL, NULL, NULL);
    return name ? demangled_or_copy(name) : NULL;
}

/* An inlined function's name: its linkage name demangled (with the parameter list, as
 * the shim writes names), else its plain name. */
static char *scope_name(Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    const char *name = dw.dwarf_formstring(dw.dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
    if (name == NULL)
        name = dw.dwarf_formstring(dw.dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
    if (name == NULL)
        name = dw.dwarf_diename(die);
    return name ? demangled_or_copy(name) : NULL;
}

static char *file_line(const char *file, int line)
{
    if (file == NULL || line <= 0)
        return NULL;
    size_t size = strlen(file) + 24;
    char *text = xcalloc(1, size);
    snprintf(text, size, "%s:%d", file, line);
    return text;
}

static char *source_of_pc(Dwfl_Module *mod, Dwarf_Addr pc)
{
    Dwfl_Line *line = dw.dwfl_module_getsrc(mod, pc);
    int lineno = 0;
    const char *file = line ? dw.dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
    return file_line(file, lineno);
}

/* Where the inlined subroutine DIE was called from: DW_AT_call_file:DW_AT_call_line. */
static char *call_site(Dwarf_Die *cudie, Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    Dwarf_Word file_index, line;
    Dwarf_Files *files;
    size_t file_count;
    if (dw.dwarf_formudata(dw.dwarf_attr(die, DW_AT_call_file, &attr), &file_index) != 0 ||
        dw.dwarf_formudata(dw.dwarf_attr(die, DW_AT_call_line, &attr), &line) != 0 ||
        dw.dwarf_getsrcfiles(cudie, &files, &file_count) != 0 || file_index >= file_count)
        return NULL;
    return file_line(dw.dwarf_filesrc(files, file_index, NULL, NULL), (int)line);
}

static void add_level(struct log_frame **levels, size_t *count, const struct log_frame *frame,
                      char *function, char *source)
{
    *levels = xrealloc(*levels, (*count + 1) * sizeof **levels);
    struct log_frame *level = &(*levels)[(*count)++];
    level->function = function ? function : xstrdup("???");
    level->module = frame->module;
    level->offset = frame->offset;
    level->source = source;
}

/* The inlined levels at PC, from the DWARF scopes that contain it, innermost first; the
 * outermost, the real function, takes the symbol table's name as the shim writes it. */
static size_t inline_levels(Dwfl_Module *mod, Dwarf_Addr pc, const struct log_frame *frame,
                            struct log_frame **levels)
{
    Dwarf_Addr cu_bias;
    Dwarf_Die *cudie = dw.dwfl_module_addrdie(mod, pc, &cu_bias);
    Dwarf_Die *scopes = NULL;
    int scope_count = cudie ? dw.dwarf_getscopes(cudie, pc - cu_bias, &scopes) : 0;
    size_t count = 0;
    char *source = source_of_pc(mod, pc);
    for (int i = 0; i < scope_count; i++) {
        int tag = dw.dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_inlined_subroutine) {
            add_level(levels, &count, frame, scope_name(&scopes[i]), source);
            source = call_site(cudie, &scopes[i]);
        } else if (tag == DW_TAG_subprogram) {
            break;
        }
    }
    free(scopes);
    char *name = symbol_name(mod, pc);
    if (name == NULL && scope_count > 0) {
        for (int i = 0; i < scope_count && name == NULL; i++)
            if (dw.dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
                name = scope_name(&scopes[i]);
    }
    add_level(levels, &count, frame, name, source);
    return count;
}

size_t debug_symbols_resolve(const struct log_frame *frame, const char *build_id,
                             struct log_frame **levels)
{
    *levels = NULL;
    if (!debug_symbols_wanted(frame) || frame->offset == 0)
        return 0;
    struct debug_module *module = module_for(frame->module, build_id);
    if (module->mod == NULL)
        return 0;
    Dwarf_Addr bias = 0;
    if (dw.dwfl_module_getelf(module->mod, &bias) == NULL)
        return 0;
    Dwarf_Addr pc = frame->offset - 1 + bias;   /* the call, not the instruction after it */
    size_t count = inline_levels(module->mod, pc, frame, levels);
    bool better = count > 1 || (*levels)[0].source != NULL ||
                  (strcmp((*levels)[0].function, "???") != 0 &&
                   (frame->function == NULL || strcmp(frame->function, "???") == 0));
    if (!better) {
        debug_symbols_free_levels(*levels, count);
        *levels = NULL;
        return 0;
    }
    return count;
}

void debug_symbols_free_levels(struct log_frame *levels, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free((char *)levels[i].function);
        free((char *)levels[i].source);
    }
    free(levels);
}

void debug_symbols_shutdown(void)
{
    struct debug_module *module, *next;
    HASH_ITER(hh, modules, module, next) {
        HASH_DEL(modules, module);
        if (module->dwfl)
            dw.dwfl_end(module->dwfl);
        free(module->key);
        free(module);
    }
    if (debuginfod)
        client_library.end(debuginfod);
    debuginfod = NULL;
    for (size_t i = 0; i < dir_count; i++)
        free(dirs[i]);
    free(dirs);
    dirs = NULL;
    dir_count = 0;
}
