/* The memory the holder scan looks at: which regions of the process may hold pointers,
 * what kind of holder each one is (a module's globals, a thread's stack, other heap), and
 * reading them without ever faulting. */
#ifndef REFSHIM_SCAN_MEMORY_H
#define REFSHIM_SCAN_MEMORY_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum region_kind {
    REGION_HEAP,        /* anonymous memory, [heap], writable file mappings */
    REGION_GLOBAL,      /* the writable PT_LOAD segments (data, bss) of a module */
    REGION_STACK,       /* a thread's stack, from its stack pointer up */
};

#define REGION_LABEL_MAX 256

struct scan_region {
    uintptr_t start, end;
    enum region_kind kind;
    uintptr_t module_bias;              /* REGION_GLOBAL: the module's load bias */
    bool anonymous;                     /* no file behind it: a page never touched is zeros */
    char label[REGION_LABEL_MAX];       /* [heap], anonymous, a file or module path */
};

/* Memory the scan must not look at: its own tables and the snapshot thread's stack. */
struct scan_exclusion {
    uintptr_t start, end;
};

/* Anonymous private memory of SIZE bytes outside malloc's heap, so that the scan's own
 * copies of object addresses are never taken for holders; NULL on failure. */
void *scan_alloc(size_t size);
void scan_free(void *memory, size_t size);
/* The first of the scan's own allocations that overlaps [ADDRESS, END), or NULL: memory
 * the scan allocated after listing the regions may lie inside one of them. */
const struct scan_exclusion *scan_own_range_after(uintptr_t address, uintptr_t end);
/* Grows *MEMORY (of *SIZE bytes) to at least NEED bytes; false when out of memory. */
bool scan_grow(void **memory, size_t *size, size_t need);

/* Reads a line of /proc/self/maps ("START-END PERMS OFFSET DEV INODE PATH", PATH empty
 * for anonymous memory); false when it is not one. */
bool scan_parse_maps_line(const char *line, unsigned long *start, unsigned long *end,
                          const char **perms, unsigned long *inode, const char **path);
/* Lists the readable, writable, private regions of the process, skipping the data of the
 * shim and of the libraries only it needs (scan_find_shim_only), and the file mappings wholly inside one of SHIM_FILES (the files libelf mapped
 * for the symbolizer, which hold none of the program's pointers), into *REGIONS (scan_alloc'd, *COUNT of them; scan_free with
 * *BYTES). OWN_SP is the calling thread's stack pointer: its stack is scanned from there
 * up. Returns false when /proc/self/maps cannot be read. */
bool scan_memory_regions(uintptr_t own_sp, const struct scan_exclusion *shim_files,
                         size_t shim_file_count, struct scan_region **regions, size_t *count,
                         size_t *bytes);

/* For tests: TEXT true lists the mappings from the text of /proc/self/maps even where the
 * kernel answers PROCMAP_QUERY; false goes back to asking it. */
void scan_memory_read_maps_text(bool text);

/* A loaded module, as far as what it needs goes. */
struct scan_module {
    const char *name;           /* its DT_SONAME, else its file's base name; NULL: none */
    const ElfW(Dyn) *dyn;       /* its dynamic section (DT_NULL-ended), or NULL */
    const char *strtab;         /* the strings its DT_NEEDED entries point into */
    bool shim;                  /* the shim itself */
    bool shim_only;             /* set by scan_find_shim_only */
};

/* Sets shim_only on the modules the shim needs (by DT_NEEDED, all the way down) that no
 * other module needs: libraries loaded for the shim alone (Zydis, libdw, libunwind and
 * theirs), whose data holds none of the program's pointers and is no root. */
void scan_find_shim_only(struct scan_module *modules, size_t count);

/* Copies up to LEN bytes at ADDRESS into BUFFER without faulting; returns how many bytes
 * it could read from the start (0 when the first page is unreadable). */
size_t scan_read(uintptr_t address, void *buffer, size_t len);

/* The run of pages from ADDRESS (up to END) that are alike: never touched (*UNTOUCHED,
 * anonymous memory that reads as zeros) or not; its length in bytes. When the kernel does
 * not say, the whole range, as touched. */
size_t scan_page_run(uintptr_t address, uintptr_t end, bool *untouched);
/* Closes what scan_page_run opened; at the end of each scan. */
void scan_pages_close(void);

#endif
