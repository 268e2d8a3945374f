/* The log as a shared file mapping. Each append reserves its bytes with one atomic add on
 * the file's tail and copies them into the mapping, so threads never wait for each other
 * and never make a system call on the common path. The bytes are in the kernel's page
 * cache as soon as they are copied: a crash, _exit or SIGKILL loses nothing appended.
 *
 * The mapping lives in one large reservation of address space, so the file can grow in
 * chunks mapped next to each other and every offset stays at base + offset. Each chunk is
 * allocated on disk (posix_fallocate) before it is mapped: writing to a page the disk has
 * no room for would raise SIGBUS in the traced program. On a nearly full disk the chunks
 * shrink to what still fits, and the log ends after the last record that fitted: a log of
 * the start of the run is worth more than none. At a normal exit the file is cut
 * to the bytes written; after a crash it ends with the NUL padding of its last chunk,
 * which readers skip.
 *
 * Events go to blocks: each thread takes BLOCK bytes of the file at a time and fills them,
 * so that threads neither add to the tail on every event nor write the same cache lines.
 * Definitions go to the block of the thread that writes them, which is about to use them:
 * each after the one written before (it may refer to it), so a thread whose block started
 * before another thread's last definition takes a new block for its own.
 * Order still holds where it matters: an event goes after the definitions it uses and
 * after its object's previous event (the caller says where those end). Only an event that
 * must go past the start of the rest of its thread's block (it uses a definition written
 * since, or its object's last event is past it), or that does not fit in it, needs a new
 * block. The block then grows in place if no other reservation followed it and the event
 * may go there; otherwise its rest is filled with empty lines and a new block is taken at
 * the tail. At a normal exit the empty lines are squeezed out (when the caller says they
 * are padding), so a log closed normally has none; a killed process's log keeps them, and
 * the NUL bytes of the blocks its threads had open.
 *
 * A thread's lines in its block follow each other in the file (definitions it writes may
 * come between): an event there may leave out what the caller says repeats the event line
 * before it (its thread id), except the first event the thread writes in the block and
 * one after an event of another thread's that it wrote there.
 *
 * The pages written stay in the page cache, not in the process: every RELEASE_STEP of the
 * log, the mapping of what lies more than KEEP_MAPPED behind the tail is dropped
 * (MADV_DONTNEED keeps a shared file mapping's data: a late write by a thread still
 * filling an old block faults the page back in from the page cache).
 *
 * The first write to each page of a shared mapping faults, and threads appending next to
 * each other would fault on the same page and sleep on its lock: the thread whose append
 * crosses into a new window of pages makes the kernel ready the window after it. */
#include "log_mapping.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "report.h"

#define RESERVATION ((size_t)64 << 30)        /* the largest log: 64 GiB */
#define PREFAULT_WINDOW ((size_t)256 << 10)
#define BLOCK 4096                              /* a thread's share of the file for events */
#define RELEASE_STEP ((size_t)4 << 20)
#define KEEP_MAPPED ((size_t)4 << 20)           /* behind the tail: blocks still being filled */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23                  /* Linux 5.14 */
#endif
#define FIRST_CHUNK ((size_t)256 << 10)
#define LARGEST_CHUNK ((size_t)64 << 20)

/* One per thread that appends: lets log_mapping_finish wait for appends under way. A
 * thread's entry is handed to a later thread when it exits, so the list stays as long as
 * the most threads alive at once. */
struct appender {
    int busy;
    int owned;
    struct appender *next;
    size_t block_at, block_end;         /* the rest of this thread's block of the file */
    bool block_has_own_line;            /* the thread wrote a line of its own in the block */
} __attribute__((aligned(64)));         /* each thread writes busy on every append: no sharing */

static char *base;
static int log_fd = -1;
static dev_t log_dev;
static ino_t log_ino;
/* Every append adds to the tail, from every thread: it gets a cache line of its own, so
 * that the values every append only reads (mapped, closed, base) do not bounce with it.
 * With them on one line, two threads logging at once each ran at half speed. */
static struct {
    size_t value;                       /* atomic: bytes reserved */
    char rest_of_the_line[64 - sizeof(size_t)];
} tail __attribute__((aligned(64)));
static size_t mapped;                   /* atomic: bytes of file mapped */
static size_t unordered_end;            /* atomic: end of the last record written at the tail */
static size_t released;                 /* atomic: the mapping before this is dropped */
static size_t first_padding = SIZE_MAX; /* atomic: where the first empty line was written */
static bool squeeze_blank_lines;        /* empty lines are padding: remove them at exit */
static bool closed;                     /* atomic: no more appends */
static bool finished;                   /* atomic: cut for good, at exit */
static size_t cut_at = SIZE_MAX;        /* atomic: see lower_cut */
static size_t page_size = 4096;
static pthread_mutex_t grow_lock = PTHREAD_MUTEX_INITIALIZER;
static struct appender *appenders;      /* atomic push-only list */
static __thread struct appender *self;

bool log_mapping_active(void)
{
    return base != NULL && !__atomic_load_n(&closed, __ATOMIC_RELAXED);
}

bool log_mapping_start(int fd, bool blank_lines_are_padding)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    void *region = mmap(NULL, RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED)
        return false;
    base = region;
    log_fd = fd;
    log_dev = st.st_dev;
    log_ino = st.st_ino;
    tail.value = mapped = unordered_end = released = 0;
    first_padding = SIZE_MAX;
    squeeze_blank_lines = blank_lines_are_padding;
    cut_at = SIZE_MAX;
    closed = finished = false;
    long page = sysconf(_SC_PAGESIZE);
    page_size = page > 0 ? (size_t)page : 4096;
    return true;
}

/* Where the first append that found no room would have started: the log is cut there,
 * after the last whole record. */
static void lower_to(size_t *value, size_t at)
{
    size_t seen = __atomic_load_n(value, __ATOMIC_RELAXED);
    while (at < seen && !__atomic_compare_exchange_n(value, &seen, at, true, __ATOMIC_RELEASE,
                                                     __ATOMIC_RELAXED))
        ;
}

static void lower_cut(size_t at)
{
    lower_to(&cut_at, at);
}

#define NO_SPACE "no space left on the device"

/* Stops appends for good after the append at AT found no room, and says so once. */
static void stop(const char *why, size_t at)
{
    lower_cut(at);
    if (why == NULL || __atomic_exchange_n(&closed, true, __ATOMIC_SEQ_CST))
        return;
    if (strcmp(why, NO_SPACE) == 0)
        report("%s: the log holds what fitted; tracing stops here", why);
    else
        report("%s; tracing stops here", why);
}

/* The program may have closed our descriptor (daemons close them all), and the number may
 * now be one of its own files: never write to it, extend it or cut it then. */
static bool still_our_file(void)
{
    struct stat st;
    return fstat(log_fd, &st) == 0 && st.st_dev == log_dev && st.st_ino == log_ino;
}

/* Gives the file disk space from HAVE for CHUNK bytes, or for as much of it as the disk
 * still has room for (halving down to the NEEDED bytes): a nearly full disk gets a log of
 * what fits rather than none. Returns the bytes allocated, 0 on failure with errno set. */
static size_t allocate(size_t have, size_t chunk, size_t needed)
{
    for (;;) {
        int err = posix_fallocate(log_fd, (off_t)have, (off_t)chunk);
        if (err == 0)
            return chunk;
        size_t smaller = chunk / 2 / page_size * page_size;
        if (err != ENOSPC || smaller < needed || smaller == 0) {
            errno = err;
            return 0;
        }
        chunk = smaller;
    }
}

/* Maps more of the file until END is mapped. Called when an append reaches past it.
 * False, with WHY set, when it cannot. */
static bool grow(size_t end, const char **why)
{
    pthread_mutex_lock(&grow_lock);
    bool ok = true;
    while (ok && __atomic_load_n(&mapped, __ATOMIC_ACQUIRE) < end) {
        size_t have = mapped;
        size_t chunk = have < FIRST_CHUNK ? FIRST_CHUNK : have > LARGEST_CHUNK ? LARGEST_CHUNK : have;
        size_t needed = (end - have + page_size - 1) / page_size * page_size;
        ok = false;
        if (__atomic_load_n(&closed, __ATOMIC_ACQUIRE)) {
            *why = NULL;                /* stopped already, and said why */
        } else if (have + chunk > RESERVATION) {
            *why = "the log reached 64 GiB";
        } else if (!still_our_file()) {
            *why = "the log's file descriptor was closed by the program";
        } else if ((chunk = allocate(have, chunk, needed)) == 0) {
            *why = errno == ENOSPC ? NO_SPACE : "cannot extend the log";
        } else if (mmap(base + have, chunk, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                        log_fd, (off_t)have) == MAP_FAILED) {
            *why = "cannot map the log";
        } else {
            __atomic_store_n(&mapped, have + chunk, __ATOMIC_RELEASE);
            ok = true;
        }
    }
    pthread_mutex_unlock(&grow_lock);
    return ok;
}

static pthread_key_t appender_key;
static pthread_once_t appender_key_once = PTHREAD_ONCE_INIT;

/* Runs in the exiting thread: the entry may go to another thread from now on, so this one
 * must not use it again (other destructors that run after it may still log). */
static void release_appender(void *entry)
{
    if (self == entry)
        self = NULL;
    __atomic_store_n(&((struct appender *)entry)->owned, 0, __ATOMIC_RELEASE);
}

static bool appender_key_made;

static void make_appender_key(void)
{
    appender_key_made = pthread_key_create(&appender_key, release_appender) == 0;
}

/* Hands the entry back when the thread exits (if the key could be made: otherwise the
 * entry stays the thread's for good, which costs only memory). */
static void remember_appender(struct appender *a)
{
    if (appender_key_made)
        pthread_setspecific(appender_key, a);
}

static struct appender *register_appender(void)
{
    pthread_once(&appender_key_once, make_appender_key);
    for (struct appender *a = __atomic_load_n(&appenders, __ATOMIC_ACQUIRE); a != NULL; a = a->next) {
        int unowned = 0;
        if (__atomic_compare_exchange_n(&a->owned, &unowned, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            a->block_has_own_line = false;      /* the block's lines so far are another thread's */
            remember_appender(a);
            return a;
        }
    }
    struct appender *a = aligned_alloc(64, sizeof *a);
    if (a == NULL)
        return NULL;
    memset(a, 0, sizeof *a);
    a->owned = 1;
    remember_appender(a);
    a->next = __atomic_load_n(&appenders, __ATOMIC_ACQUIRE);
    while (!__atomic_compare_exchange_n(&appenders, &a->next, a, true, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
        ;
    return a;
}

/* Readies the pages of the window after the one that starts at WINDOW, if mapped. */
static void prefault_after(size_t window)
{
    size_t next = window + PREFAULT_WINDOW;
    if (next + PREFAULT_WINDOW <= __atomic_load_n(&mapped, __ATOMIC_ACQUIRE))
        madvise(base + next, PREFAULT_WINDOW, MADV_POPULATE_WRITE);
}

/* Drops the mapping of the pages more than KEEP_MAPPED behind END, once per RELEASE_STEP:
 * their data stays in the file, and resident memory stays flat however long the log. */
static void release_behind(size_t end)
{
    if (end < KEEP_MAPPED + RELEASE_STEP)
        return;
    size_t upto = (end - KEEP_MAPPED) / RELEASE_STEP * RELEASE_STEP;
    size_t from = __atomic_load_n(&released, __ATOMIC_RELAXED);
    if (from >= upto || !__atomic_compare_exchange_n(&released, &from, upto, false,
                                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        return;
    madvise(base + from, upto - from, MADV_DONTNEED);
}

/* Makes sure the LEN bytes reserved at AT are mapped; false when the log cannot grow. */
static bool make_room(size_t at, size_t len)
{
    const char *why;
    if (at + len > __atomic_load_n(&mapped, __ATOMIC_ACQUIRE) && !grow(at + len, &why)) {
        stop(why, at);
        return false;
    }
    if (at / PREFAULT_WINDOW != (at + len) / PREFAULT_WINDOW) {
        prefault_after((at + len) / PREFAULT_WINDOW * PREFAULT_WINDOW);
        release_behind(at + len);
    }
    return true;
}

/* Reserves LEN bytes at the tail; *AT is where. False when the log cannot grow. */
static bool reserve(size_t len, size_t *at)
{
    *at = __atomic_fetch_add(&tail.value, len, __ATOMIC_RELAXED);
    return make_room(*at, len);
}

/* Reserves LEN bytes at AT if AT is still the tail (a block grows in place). */
static bool reserve_at(size_t at, size_t len)
{
    size_t expected = at;
    if (!__atomic_compare_exchange_n(&tail.value, &expected, at + len, false, __ATOMIC_RELAXED,
                                     __ATOMIC_RELAXED))
        return false;
    return make_room(at, len);
}

/* Starts an append; false when the log is closed. The busy flag lets log_mapping_finish
 * wait for appends under way. */
static bool begin_append(void)
{
    if (self == NULL && (self = register_appender()) == NULL)
        return false;
    /* busy before closed is read: log_mapping_finish sets closed, then waits for busy. */
    __atomic_store_n(&self->busy, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&closed, __ATOMIC_SEQ_CST))
        return true;
    __atomic_store_n(&self->busy, 0, __ATOMIC_RELEASE);
    return false;
}

static void end_append(void)
{
    __atomic_store_n(&self->busy, 0, __ATOMIC_RELEASE);
}

static void raise_unordered_end(size_t end)
{
    size_t seen = __atomic_load_n(&unordered_end, __ATOMIC_RELAXED);
    while (seen < end && !__atomic_compare_exchange_n(&unordered_end, &seen, end, true,
                                                      __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        ;
}

bool log_mapping_append(const char *data, size_t len)
{
    if (!begin_append())
        return false;
    size_t at;
    bool ok = reserve(len, &at);
    if (ok) {
        memcpy(base + at, data, len);
        raise_unordered_end(at + len);
    }
    end_append();
    return ok;
}

/* Empty lines fill what a thread leaves of its block: readers skip them. */
static void fill_rest_of_block(struct appender *a)
{
    if (a->block_at < a->block_end) {
        memset(base + a->block_at, '\n', a->block_end - a->block_at);
        lower_to(&first_padding, a->block_at);
    }
    a->block_at = a->block_end;
}

/* Gives the thread's block room for LEN more bytes: in place when nothing was reserved
 * after it, else a new block at the tail, the rest of the old one filled with empty lines. */
static bool renew_block(struct appender *a, size_t len, size_t after)
{
    size_t size = len > BLOCK ? len : BLOCK;
    if (a->block_end != 0 && a->block_at >= after && reserve_at(a->block_end, size)) {
        a->block_end += size;
        return true;
    }
    size_t at;
    if (!reserve(size, &at))
        return false;
    fill_rest_of_block(a);
    a->block_at = at;
    a->block_end = at + size;
    a->block_has_own_line = false;
    return true;
}

bool log_mapping_append_event(const char *data, size_t len, size_t *after, size_t omit_at,
                              size_t omit_len)
{
    if (!begin_append())
        return false;
    struct appender *a = self;
    bool ok = true;
    if (a->block_at < *after || a->block_end - a->block_at < len)
        ok = renew_block(a, len, *after);
    if (ok) {
        /* A line that may leave nothing out is another thread's (a held D): the thread's
         * next event must tell its thread again. */
        bool own_line = omit_len > 0;
        if (!a->block_has_own_line)
            omit_len = 0;               /* the line before is not this thread's */
        a->block_has_own_line = own_line;
        size_t at = a->block_at;
        a->block_at += len - omit_len;
        memcpy(base + at, data, omit_at);
        memcpy(base + at + omit_at, data + omit_at + omit_len, len - omit_at - omit_len);
        *after = at + len - omit_len;
    }
    end_append();
    return ok;
}

bool log_mapping_append_after(const char *data, size_t len, size_t *after)
{
    return log_mapping_append_event(data, len, after, 0, 0);
}

bool log_mapping_append_definitions(const char *data, size_t len)
{
    if (!begin_append())
        return false;
    struct appender *a = self;
    size_t after = __atomic_load_n(&unordered_end, __ATOMIC_ACQUIRE);
    bool ok = true;
    if (a->block_at < after || a->block_end - a->block_at < len)
        ok = renew_block(a, len, after);
    if (ok) {
        size_t at = a->block_at;
        a->block_at += len;
        memcpy(base + at, data, len);
        raise_unordered_end(at + len);
    }
    end_append();
    return ok;
}

size_t log_mapping_definitions_end(void)
{
    return __atomic_load_n(&unordered_end, __ATOMIC_ACQUIRE);
}

/* Stops appends, waits for those under way, fills what threads left of their blocks and
 * returns the length of the log (the last block is cut rather than filled). */
static size_t stop_appends(void)
{
    size_t written = __atomic_load_n(&tail.value, __ATOMIC_ACQUIRE);
    for (struct appender *a = __atomic_load_n(&appenders, __ATOMIC_ACQUIRE); a != NULL; a = a->next) {
        for (int spins = 0; __atomic_load_n(&a->busy, __ATOMIC_ACQUIRE) && spins < 1000000; spins++)
            arch_cpu_relax();
        if (a->block_end == written && a->block_at < a->block_end)
            written = a->block_at;      /* the last block: cut, not filled */
        else
            fill_rest_of_block(a);
    }
    return written;
}

/* The length to cut the file to once appends have stopped: what they wrote, up to the
 * first append that found no room, and never past what has disk space. */
static size_t length_to_keep(size_t written)
{
    size_t have = __atomic_load_n(&mapped, __ATOMIC_ACQUIRE);
    size_t cut = __atomic_load_n(&cut_at, __ATOMIC_ACQUIRE);
    if (written > have)
        written = have;
    return written < cut ? written : cut;
}

/* Removes the empty lines (the rests of blocks) from the first LENGTH bytes of the log, once
 * appends have stopped; returns the new length. It starts at the first padding ever
 * written, and drops the mapping of each RELEASE_STEP it is done with: a squeeze of a long
 * log must not bring it all back into memory. */
static size_t squeeze(size_t length)
{
    size_t start = __atomic_load_n(&first_padding, __ATOMIC_ACQUIRE);
    if (start >= length)
        return length;
    if (start > 0)
        start--;                        /* the end of the line before: a pair starts there */
    size_t to = start, from = start, dropped = start / page_size * page_size;
    while (from < length) {
        size_t window_end = (from / RELEASE_STEP + 1) * RELEASE_STEP;
        if (window_end > length)
            window_end = length;
        size_t searched = window_end < length ? window_end + 1 : length;   /* a pair across */
        const char *pair = memmem(base + from, searched - from, "\n\n", 2);
        size_t kept_end = pair == NULL ? window_end : (size_t)(pair - base) + 1;
        if (to != from)
            memmove(base + to, base + from, kept_end - from);
        to += kept_end - from;
        from = kept_end;
        while (pair != NULL && from < length && base[from] == '\n')
            from++;
        size_t done = to / RELEASE_STEP * RELEASE_STEP;
        if (done > dropped) {
            madvise(base + dropped, done - dropped, MADV_DONTNEED);
            dropped = done;
        }
    }
    __atomic_store_n(&first_padding, SIZE_MAX, __ATOMIC_RELEASE);
    return to;
}

void log_mapping_finish(void)
{
    if (base == NULL || __atomic_exchange_n(&finished, true, __ATOMIC_SEQ_CST))
        return;
    __atomic_store_n(&closed, true, __ATOMIC_SEQ_CST);
    size_t length = length_to_keep(stop_appends());
    if (squeeze_blank_lines)
        length = squeeze(length);
    /* Unmap first: a page past the new end of the file must not stay mapped. */
    mmap(base, RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (still_our_file() && ftruncate(log_fd, (off_t)length) != 0)
        report("cannot cut the log to its length; it ends in NUL bytes");
}

void log_mapping_suspend(void)
{
    if (base == NULL || __atomic_load_n(&finished, __ATOMIC_ACQUIRE))
        return;
    bool was_open = !__atomic_exchange_n(&closed, true, __ATOMIC_SEQ_CST);
    if (!was_open && __atomic_load_n(&cut_at, __ATOMIC_ACQUIRE) == SIZE_MAX)
        return;                         /* suspended already */
    size_t written = length_to_keep(stop_appends());
    if (squeeze_blank_lines)
        written = squeeze(written);
    /* Every later append starts at the new end, so no thread writes past it meanwhile. */
    __atomic_store_n(&tail.value, written, __ATOMIC_RELEASE);
    for (struct appender *a = __atomic_load_n(&appenders, __ATOMIC_ACQUIRE); a != NULL; a = a->next) {
        a->block_at = a->block_end = 0;
        a->block_has_own_line = false;
    }
    if (still_our_file() && ftruncate(log_fd, (off_t)written) != 0)
        report("cannot cut the log to its length before exec; it ends in NUL bytes");
}

void log_mapping_resume(void)
{
    /* A log stopped by an error (a full disk) stays stopped. */
    if (base == NULL || __atomic_load_n(&cut_at, __ATOMIC_ACQUIRE) != SIZE_MAX || !still_our_file())
        return;
    size_t written = __atomic_load_n(&tail.value, __ATOMIC_ACQUIRE);
    size_t have = __atomic_load_n(&mapped, __ATOMIC_ACQUIRE);
    /* The pages past the cut are still mapped: give them their disk space back before any
     * thread writes there, or it would get SIGBUS. */
    if (have > written && posix_fallocate(log_fd, (off_t)written, (off_t)(have - written)) != 0) {
        report("cannot extend the log again after a failed exec; tracing stops here");
        return;
    }
    __atomic_store_n(&closed, false, __ATOMIC_SEQ_CST);
}

void log_mapping_forget(void)
{
    if (base != NULL)
        munmap(base, RESERVATION);
    base = NULL;
    log_fd = -1;
    /* Only this thread is left (a forked child) or runs (tests): the others' entries go. */
    for (struct appender *a = appenders, *next; a != NULL; a = next) {
        next = a->next;
        free(a);
    }
    appenders = NULL;
    self = NULL;
    if (appender_key_made)
        pthread_setspecific(appender_key, NULL);
    closed = true;
    pthread_mutex_init(&grow_lock, NULL);      /* another thread may have held it at fork */
}
