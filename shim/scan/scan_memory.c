/* The regions the holder scan reads, from /proc/self/maps, the dynamic linker's module
 * list (which tells a module's data and bss from other memory) and the stack pointers of
 * the threads (/proc/self/task/TID/syscall gives it for a thread blocked in the kernel).
 * Memory is read with process_vm_readv on this process, which fails where a plain read
 * would fault: a mapping unmapped meanwhile, a guard page, a file mapping past its end;
 * or, in the exit scan, copied in place under a fault handler (guarded_copy.c). */
#include "scan_memory.h"
#include "dl_module.h"
#include "guarded_copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u
#define MAX_SEGMENTS 4096
#define MAX_THREADS 4096

/* The scan's own memory, which it never reads: one scan runs at a time. */
#define MAX_OWN 512
static struct scan_exclusion own[MAX_OWN];
static size_t own_count;

static void forget_own(uintptr_t start)
{
    for (size_t i = 0; i < own_count; i++)
        if (own[i].start == start) {
            own[i] = own[--own_count];
            return;
        }
}

static void note_own(void *memory, size_t size)
{
    if (own_count < MAX_OWN)
        own[own_count++] = (struct scan_exclusion){(uintptr_t)memory, (uintptr_t)memory + size};
}

void *scan_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    note_own(p, size);
    return p;
}

void scan_free(void *memory, size_t size)
{
    if (memory == NULL)
        return;
    forget_own((uintptr_t)memory);
    munmap(memory, size);
}

const struct scan_exclusion *scan_own_range_after(uintptr_t address, uintptr_t end)
{
    const struct scan_exclusion *first = NULL;
    for (size_t i = 0; i < own_count; i++)
        if (own[i].end > address && own[i].start < end &&
            (first == NULL || own[i].start < first->start))
            first = &own[i];
    return first;
}

bool scan_grow(void **memory, size_t *size, size_t need)
{
    if (need <= *size)
        return true;
    size_t grown = *size ? *size : 64 * 1024;
    while (grown < need)
        grown *= 2;
    if (*memory == NULL) {
        void *p = scan_alloc(grown);
        if (p == NULL)
            return false;
        *memory = p;
        *size = grown;
        return true;
    }
    void *p = mremap(*memory, *size, grown, MREMAP_MAYMOVE);
    if (p == MAP_FAILED)
        return false;
    forget_own((uintptr_t)*memory);
    note_own(p, grown);
    *memory = p;
    *size = grown;
    return true;
}

/* --- reading ------------------------------------------------------------------------------ */

static int mem_fd = -1;                 /* /proc/self/mem, when process_vm_readv is refused */
/* This process, noted at each scan's start (a forked child's scan notes its own): a
 * scan reads memory some 300 times, and getpid is a system call each. 0: ask. */
static pid_t scanning_pid;

static ssize_t read_once(uintptr_t address, void *buffer, size_t len)
{
    if (mem_fd < 0) {
        struct iovec local = {buffer, len}, remote = {(void *)address, len};
        ssize_t n = process_vm_readv(scanning_pid ? scanning_pid : getpid(), &local, 1, &remote, 1, 0);
        if (n >= 0 || (errno != ENOSYS && errno != EPERM))
            return n;
        mem_fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
        if (mem_fd < 0)
            return -1;
    }
    return pread(mem_fd, buffer, len, (off_t)address);
}

size_t scan_read(uintptr_t address, void *buffer, size_t len)
{
    if (guarded_copy_active())
        return guarded_copy(buffer, address, len);
    size_t done = 0;
    while (done < len) {
        ssize_t n = read_once(address + done, (char *)buffer + done, len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    return done;
}

/* --- pages never touched ------------------------------------------------------------------
 * A page of anonymous private memory that is neither present nor swapped out has never
 * been written: it reads as zeros and holds nothing. /proc/self/pagemap says so in two bits
 * per page, so that an 8 MB thread stack glibc keeps for reuse, or a large block mostly
 * unused, costs a few reads instead of faulting in every page. */

#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_SWAPPED (1ull << 62)
#define PAGEMAP_BATCH 512

static int pagemap_fd = -2;            /* -2: not opened yet; -1: unreadable */
static pid_t pagemap_owner;            /* a child forked during a scan has its own pages */

size_t scan_page_run(uintptr_t address, uintptr_t end, bool *untouched)
{
    *untouched = false;
    if (pagemap_fd == -2 || pagemap_owner != getpid()) {
        pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        pagemap_owner = getpid();
    }
    if (pagemap_fd < 0 || address >= end)
        return end - address;
    uintptr_t page = address / PAGE, last = (end - 1) / PAGE;
    uint64_t entries[PAGEMAP_BATCH];
    bool first = true, state = false;
    while (page <= last) {
        size_t want = last - page + 1 < PAGEMAP_BATCH ? last - page + 1 : PAGEMAP_BATCH;
        ssize_t got = pread(pagemap_fd, entries, want * sizeof *entries, (off_t)(page * sizeof *entries));
        if (got < (ssize_t)sizeof *entries)
            break;
        for (size_t i = 0; i < (size_t)got / sizeof *entries; i++, page++) {
            bool none = !(entries[i] & (PAGEMAP_PRESENT | PAGEMAP_SWAPPED));
            if (first) {
                state = none;
                first = false;
            } else if (none != state) {
                *untouched = state;
                return page * PAGE - address;
            }
        }
    }
    if (first)
        return end - address;           /* unreadable: read the memory itself */
    *untouched = state;
    uintptr_t run_end = page * PAGE;
    return (run_end < end ? run_end : end) - address;
}

void scan_pages_close(void)
{
    if (pagemap_fd >= 0 && pagemap_owner == getpid())
        close(pagemap_fd);
    pagemap_fd = -2;
}

/* --- modules ------------------------------------------------------------------------------ */

struct segment {
    uintptr_t start, end, bias;
    const char *path;
    bool shim;                          /* the shim's own data: never a holder */
    size_t module;                      /* in the module list, or SIZE_MAX */
};

struct segment_list {
    struct segment *items;
    size_t count;
    struct scan_module *modules;
    size_t module_count;
};

static const struct scan_module *module_named(const struct scan_module *modules, size_t count,
                                              const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (modules[i].name != NULL && strcmp(modules[i].name, name) == 0)
            return &modules[i];
    return NULL;
}

/* Marks (in MARKS, one per module) every module that a marked one needs, to the end. */
static void mark_needed(const struct scan_module *modules, size_t count, bool *marks)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < count; i++) {
            if (!marks[i] || modules[i].dyn == NULL || modules[i].strtab == NULL)
                continue;
            for (const ElfW(Dyn) *d = modules[i].dyn; d->d_tag != DT_NULL; d++) {
                if (d->d_tag != DT_NEEDED)
                    continue;
                const struct scan_module *needed =
                    module_named(modules, count, modules[i].strtab + d->d_un.d_val);
                if (needed != NULL && !marks[needed - modules]) {
                    marks[needed - modules] = true;
                    changed = true;
                }
            }
        }
    }
}

void scan_find_shim_only(struct scan_module *modules, size_t count)
{
    size_t bytes = 2 * count * sizeof(bool);
    bool *shim_side = scan_alloc(bytes);
    if (shim_side == NULL)
        return;                 /* every module is read: the answers stay right */
    bool *program_side = shim_side + count;
    for (size_t i = 0; i < count; i++)
        shim_side[i] = modules[i].shim;
    mark_needed(modules, count, shim_side);
    for (size_t i = 0; i < count; i++)
        program_side[i] = !shim_side[i];
    mark_needed(modules, count, program_side);
    for (size_t i = 0; i < count; i++)
        modules[i].shim_only = shim_side[i] && !program_side[i] && !modules[i].shim;
    scan_free(shim_side, bytes);
}

/* The module's soname (else its file's base name), dynamic section and string table. */
static struct scan_module module_of(const struct dl_phdr_info *info, bool shim)
{
    struct dl_module_names names = dl_module_names_of(info);
    return (struct scan_module){names.soname, names.dyn, names.strtab, shim, false};
}

static int note_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct segment_list *list = arg;
    bool shim = dl_module_holds(info, (uintptr_t)scan_memory_regions);
    size_t module = SIZE_MAX;           /* past the list's room: read, as ever */
    if (list->module_count < MAX_SEGMENTS) {
        module = list->module_count++;
        list->modules[module] = module_of(info, shim);
    }
    const char *path = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "/proc/self/exe";
    for (int i = 0; i < info->dlpi_phnum && list->count < MAX_SEGMENTS; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
            continue;
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        list->items[list->count++] = (struct segment){
            start & ~(uintptr_t)(PAGE - 1), (start + ph->p_memsz + PAGE - 1) & ~(uintptr_t)(PAGE - 1),
            info->dlpi_addr, path, shim, module};
    }
    return 0;
}

/* The segments of the modules, the shim's and those of the libraries only it needs marked. */
static void list_segments(struct segment_list *list)
{
    dl_iterate_phdr(note_segments, list);
    scan_find_shim_only(list->modules, list->module_count);
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].module != SIZE_MAX && list->modules[list->items[i].module].shim_only)
            list->items[i].shim = true;
}

/* --- threads ------------------------------------------------------------------------------ */

/* The stack pointer of thread TID when it is blocked in the kernel, else 0. The line is
 * "NR ARGS... SP PC", or "-1 SP PC", or "running". */
static uintptr_t blocked_thread_sp(const char *tid)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/self/task/%s/syscall", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    char *fields[10];
    int count = 0;
    for (char *save, *f = strtok_r(text, " \n", &save); f && count < 10;
         f = strtok_r(NULL, " \n", &save))
        fields[count++] = f;
    if (count < 3 || strcmp(fields[0], "running") == 0)
        return 0;
    return (uintptr_t)strtoull(fields[count - 2], NULL, 16);
}

/* The directory is read with getdents64 into a buffer on the stack, not with opendir,
 * whose 32 KB malloc cost half a million instructions in a fragmented heap, and would
 * grow [heap] under the scan's feet. */
static size_t thread_stack_pointers(uintptr_t own_sp, uintptr_t *sps, size_t max)
{
    size_t count = 0;
    sps[count++] = own_sp;
    char self_tid[24];
    snprintf(self_tid, sizeof self_tid, "%ld", (long)gettid());
    int dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return count;
    char entries[4096] __attribute__((aligned(8)));
    for (long got; count < max && (got = syscall(SYS_getdents64, dir, entries, sizeof entries)) > 0;) {
        for (long at = 0; at < got && count < max;) {
            const struct dirent64 *e = (const struct dirent64 *)(const void *)(entries + at);
            at += e->d_reclen;
            if (e->d_name[0] == '.' || strcmp(e->d_name, self_tid) == 0)
                continue;
            uintptr_t sp = blocked_thread_sp(e->d_name);
            if (sp != 0)
                sps[count++] = sp;
        }
    }
    close(dir);
    return count;
}

/* --- regions ------------------------------------------------------------------------------ */

struct region_builder {
    struct scan_region *regions;
    size_t count, bytes;
    bool failed;
};

/* Adds [START, END) less the scan's own memory. */
static void emit(struct region_builder *b, uintptr_t start, uintptr_t end,
                 const struct scan_region *like)
{
    if (start >= end || b->failed)
        return;
    const struct scan_exclusion *x = scan_own_range_after(start, end);
    if (x != NULL) {
        struct scan_exclusion cut = *x;        /* emit may grow the list of own ranges */
        emit(b, start, cut.start < start ? start : cut.start, like);
        emit(b, cut.end > end ? end : cut.end, end, like);
        return;
    }
    if (!scan_grow((void **)&b->regions, &b->bytes, (b->count + 1) * sizeof *b->regions)) {
        b->failed = true;
        return;
    }
    struct scan_region *r = &b->regions[b->count++];
    *r = *like;
    r->start = start;
    r->end = end;
}

static void set_label(struct scan_region *r, const char *text)
{
    snprintf(r->label, sizeof r->label, "%s", text);
}

static const struct segment *segment_overlapping(const struct segment_list *segments,
                                                 uintptr_t start, uintptr_t end)
{
    for (size_t i = 0; i < segments->count; i++)
        if (segments->items[i].start < end && segments->items[i].end > start)
            return &segments->items[i];
    return NULL;
}

static const uintptr_t *stack_pointer_in(const uintptr_t *sps, size_t count, uintptr_t start,
                                         uintptr_t end)
{
    for (size_t i = 0; i < count; i++)
        if (sps[i] >= start && sps[i] < end)
            return &sps[i];
    return NULL;
}

struct scan_context {
    const struct segment_list *segments;
    const uintptr_t *sps;
    size_t sp_count;
    const struct scan_exclusion *shim_files;
    size_t shim_file_count;
};

static bool is_shim_file(const struct scan_context *ctx, uintptr_t start, uintptr_t end)
{
    for (size_t i = 0; i < ctx->shim_file_count; i++)
        if (ctx->shim_files[i].start <= start &&
            end <= ((ctx->shim_files[i].end + PAGE - 1) & ~(uintptr_t)(PAGE - 1)))
            return true;
    return false;
}

/* INODE is the mapping's file, 0 for anonymous memory ([heap] and stacks included). */
static void add_mapping(struct region_builder *b, const struct scan_context *ctx,
                        uintptr_t start, uintptr_t end, const char *path, unsigned long inode)
{
    struct scan_region like = {.anonymous = inode == 0};
    const uintptr_t *sp = stack_pointer_in(ctx->sps, ctx->sp_count, start, end);
    if (sp != NULL || strcmp(path, "[stack]") == 0) {
        like.kind = REGION_STACK;
        set_label(&like, path[0] ? path : "thread stack");
        emit(b, sp != NULL ? (*sp & ~(uintptr_t)7) : start, end, &like);
        return;
    }
    const struct segment *seg = segment_overlapping(ctx->segments, start, end);
    if (seg == NULL && inode != 0 && is_shim_file(ctx, start, end))
        return;
    like.kind = REGION_HEAP;
    set_label(&like, path[0] ? path : "anonymous memory");
    if (seg == NULL) {
        emit(b, start, end, &like);
        return;
    }
    uintptr_t lo = seg->start > start ? seg->start : start;
    uintptr_t hi = seg->end < end ? seg->end : end;
    emit(b, start, lo, &like);
    emit(b, hi, end, &like);
    if (seg->shim)
        return;
    like.kind = REGION_GLOBAL;
    like.module_bias = seg->bias;
    set_label(&like, seg->path);
    emit(b, lo, hi, &like);
}

/* Reads all of /proc/self/maps into a scan_alloc'd, NUL-terminated buffer. */
static char *read_maps(size_t *bytes)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    *bytes = 0;
    for (;;) {
        if (!scan_grow((void **)&text, bytes, len + 65536 + 1)) {
            scan_free(text, *bytes);
            close(fd);
            return NULL;
        }
        ssize_t n = read(fd, text + len, 65536);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    text[len] = '\0';
    return text;
}

static bool is_kernel_area(const char *path)
{
    return strcmp(path, "[vvar]") == 0 || strcmp(path, "[vdso]") == 0 ||
           strcmp(path, "[vsyscall]") == 0 || strncmp(path, "[vvar", 5) == 0;
}

/* The end of the field of a /proc/self/maps line that starts at AT. */
static const char *field_end(const char *at)
{
    while (*at != '\0' && *at != ' ')
        at++;
    return at;
}

static const char *skip_blanks(const char *at)
{
    while (*at == ' ')
        at++;
    return at;
}

/* A line of /proc/self/maps: "START-END PERMS OFFSET DEV INODE PATH". sscanf took 4,000
 * instructions a line, a tenth of the scan's time at a short program's exit. */
bool scan_parse_maps_line(const char *line, unsigned long *start, unsigned long *end,
                            const char **perms, unsigned long *inode, const char **path)
{
    char *at;
    *start = strtoul(line, &at, 16);
    if (at == line || *at != '-')
        return false;
    const char *from = at + 1;
    *end = strtoul(from, &at, 16);
    if (at == from || *at != ' ')
        return false;
    *perms = skip_blanks(at);
    const char *offset = skip_blanks(field_end(*perms));
    const char *device = skip_blanks(field_end(offset));
    const char *number = skip_blanks(field_end(device));
    if (field_end(*perms) - *perms < 4 || *offset == '\0' || *device == '\0' || *number == '\0')
        return false;
    *inode = strtoul(number, &at, 10);
    if (at == number)
        return false;
    *path = skip_blanks(at);
    return true;
}

/* --- listing the mappings -------------------------------------------------------------
 * Linux 6.11's PROCMAP_QUERY asks /proc/self/maps for the next mapping with given
 * permissions, in binary: only the 60 or so writable mappings of a GStreamer program are
 * looked at, instead of the text of all 350 (0.2 ms of a 1 ms exit scan, most of it the
 * kernel writing the paths of code and read-only mappings). Older kernels refuse the
 * ioctl: the text is read then. The structure and numbers are the kernel's ABI
 * (include/uapi/linux/fs.h), absent from older headers. */

struct procmap_query {
    uint64_t size;
    uint64_t query_flags;
    uint64_t query_addr;
    uint64_t vma_start, vma_end;
    uint64_t vma_flags;
    uint64_t vma_page_size;
    uint64_t vma_offset;
    uint64_t inode;
    uint32_t dev_major, dev_minor;
    uint32_t vma_name_size;
    uint32_t build_id_size;
    uint64_t vma_name_addr;
    uint64_t build_id_addr;
};
#define PROCMAP_QUERY_IOCTL _IOWR('f', 17, struct procmap_query)
#define PROCMAP_READABLE 0x01
#define PROCMAP_WRITABLE 0x02
#define PROCMAP_SHARED 0x08
#define PROCMAP_COVERING_OR_NEXT 0x10

static bool query_refused;      /* the kernel has no PROCMAP_QUERY: read the text */

void scan_memory_read_maps_text(bool text)
{
    query_refused = text;
}

/* The readable, writable, private mappings, by PROCMAP_QUERY; false (and nothing added)
 * when the kernel will not answer. */
static bool list_by_query(struct region_builder *b, const struct scan_context *ctx)
{
    if (query_refused)
        return false;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char name[PATH_MAX];
    size_t first = b->count;
    uintptr_t at = 0;
    for (;;) {
        struct procmap_query q;
        memset(&q, 0, sizeof q);
        q.size = sizeof q;
        q.query_flags = PROCMAP_COVERING_OR_NEXT | PROCMAP_READABLE | PROCMAP_WRITABLE;
        q.query_addr = at;
        q.vma_name_size = sizeof name;
        q.vma_name_addr = (uintptr_t)name;
        if (ioctl(fd, PROCMAP_QUERY_IOCTL, &q) != 0) {
            int error = errno;
            close(fd);
            if (error == ENOENT)
                return true;            /* no mapping after AT: all are listed */
            query_refused = error == ENOTTY || error == EINVAL;
            b->count = first;
            return false;
        }
        at = q.vma_end;
        if (q.vma_name_size == 0)
            name[0] = '\0';
        if (!(q.vma_flags & PROCMAP_SHARED) && !is_kernel_area(name))
            add_mapping(b, ctx, q.vma_start, q.vma_end, name, q.inode);
    }
}

/* The same mappings from the text of /proc/self/maps; false when it cannot be read. */
static bool list_by_text(struct region_builder *b, const struct scan_context *ctx)
{
    size_t maps_bytes = 0;
    char *maps = read_maps(&maps_bytes);
    if (maps == NULL)
        return false;
    for (char *line = maps, *next; *line; line = next) {
        next = strchr(line, '\n');
        next = next ? (*next = '\0', next + 1) : line + strlen(line);
        unsigned long start, end, inode;
        const char *perms, *path;
        if (!scan_parse_maps_line(line, &start, &end, &perms, &inode, &path))
            continue;
        if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p' || is_kernel_area(path))
            continue;
        add_mapping(b, ctx, start, end, path, inode);
    }
    scan_free(maps, maps_bytes);
    return true;
}

bool scan_memory_regions(uintptr_t own_sp, const struct scan_exclusion *shim_files,
                         size_t shim_file_count, struct scan_region **regions, size_t *count,
                         size_t *bytes)
{
    scanning_pid = getpid();
    size_t segments_bytes = MAX_SEGMENTS * (sizeof(struct segment) + sizeof(struct scan_module));
    struct segment_list segments = {scan_alloc(segments_bytes), 0, NULL, 0};
    if (segments.items != NULL)
        segments.modules = (struct scan_module *)(segments.items + MAX_SEGMENTS);
    uintptr_t *sps = scan_alloc(MAX_THREADS * sizeof *sps);
    /* The threads first: should anything they call malloc and grow [heap], the maps read
     * after must show its end where the top chunk ends, or the heap does not walk. */
    size_t sp_count = sps != NULL ? thread_stack_pointers(own_sp, sps, MAX_THREADS) : 0;
    struct region_builder b = {NULL, 0, 0, false};
    bool ok = segments.items != NULL && sps != NULL;
    if (ok) {
        list_segments(&segments);
        struct scan_context ctx = {&segments, sps, sp_count, shim_files, shim_file_count};
        ok = (list_by_query(&b, &ctx) || list_by_text(&b, &ctx)) && !b.failed;
    }
    scan_free(segments.items, segments_bytes);
    scan_free(sps, MAX_THREADS * sizeof *sps);
    if (!ok) {
        scan_free(b.regions, b.bytes);
        return false;
    }
    *regions = b.regions;
    *count = b.count;
    *bytes = b.bytes;
    return true;
}
