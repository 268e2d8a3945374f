/* chunk_reader.c - the reading thread of chunk_reader.h and its small queue.
 *
 * A regular file is read with pread, a chunk number at a time: the thread claims the next
 * number, reads that chunk and scans it, and the parser takes the chunks in file order.
 * Copying out of the page cache and scanning a chunk need nothing from the chunk before
 * but its last byte, so when the parser would wait for a chunk the thread is still
 * reading, it claims and reads the next one itself: on a Mozilla log, where reading is
 * more work than parsing, both cores read; where parsing is the longer half, the parser
 * never waits, and no third thread takes its core. A pipe or a terminal is read by the
 * thread alone, in order.
 *
 * A file that grows while it is read (the log of a running program) is read up to the
 * first chunk that comes back short: the chunks after it were read later and could
 * continue a file the short one saw end, so they are left out.
 *
 * Buffers go round: the readers fill free ones, the parser holds at most two (the chunk
 * it reads and the one it moves its unfinished line into). A mutex and one condition
 * variable are plenty: a chunk is 256 KiB, a handover per 50 us at most. */
#include "chunk_reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

/* Two held by the parser, one being filled by each side, two ready ahead. */
enum { CHUNK_COUNT = 6, CHUNK_BUFFER_SIZE = CHUNK_ROOM + CHUNK_DATA + 4096 };

struct chunk_reader {
    FILE *file;
    char *buffers;                      /* the chunks' buffers, CHUNK_BUFFER_SIZE each */
    bool lives_only;                    /* chunk_reader_start's */
    int fd;                             /* >= 0: read with pread, by either side */
    uint64_t base;                      /* the file offset the reading started at */
    pthread_t thread;
    bool threaded;                      /* false: chunks are read when asked for */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct chunk chunks[CHUNK_COUNT];
    uint64_t number[CHUNK_COUNT];       /* each chunk's place in the file */
    bool free[CHUNK_COUNT];
    bool ready[CHUNK_COUNT];
    uint64_t next_claimed;              /* the next chunk number to read */
    uint64_t next_delivered;            /* the chunk number the parser takes next */
    bool ended;                         /* a chunk came back short: LAST_NUMBER */
    uint64_t last_number;
    struct chunk end;                   /* given after a short chunk: length 0 */
    bool stopping;
    /* Told by the first chunk's thread (detect), or by the parser once it knows it;
     * chunks read before are not scanned. */
    const struct log_format *format;
    chunk_format_fn detect;             /* tells the format from the first chunk */
    /* Reading in order (one thread, fd < 0): */
    uint64_t offset;                    /* of the next chunk */
    bool after_newline;                 /* the last chunk ended a line */
    bool nul_seen;
};

/* Scans the whole lines of CHUNK that begin in it, if the format can. */
static void scan_chunk(struct chunk *chunk, const struct log_format *format, bool after_newline)
{
    const char *data = chunk->buffer + CHUNK_ROOM;
    size_t from = 0;
    if (!after_newline) {
        const char *newline = memchr(data, '\n', chunk->length);
        if (!newline)
            return;
        from = (size_t)(newline - data) + 1;
    }
    const char *last = memrchr(data + from, '\n', chunk->length - from);
    if (!last)
        return;
    size_t to = (size_t)(last - data) + 1;
    chunk->scan.start = chunk->scan.next_offset = chunk->offset + from;
    chunk->scan.end = chunk->offset + to;
    format->scan_lines(data + from, to - from, &chunk->scan);
    chunk->scan.scanned_by = format;
}

/* The format the first chunk of DATA (LENGTH bytes) tells, if the reader is to find it;
 * else the one already known. */
static const struct log_format *detect_format(struct chunk_reader *reader, const char *data,
                                              size_t length)
{
    const struct log_format *format = length > 0 ? reader->detect(data, length) : NULL;
    pthread_mutex_lock(&reader->lock);
    reader->detect = NULL;
    if (!reader->format)
        reader->format = format;
    format = reader->format;
    pthread_cond_broadcast(&reader->changed);
    pthread_mutex_unlock(&reader->lock);
    return format;
}

/* Checks the data of CHUNK, just read, for NUL bytes and scans it if it can; the chunk
 * before ended a line if AFTER_NEWLINE, and held NUL bytes if NUL_BEFORE. */
static void finish_chunk(struct chunk_reader *reader, struct chunk *chunk,
                         const struct log_format *format, bool after_newline, bool nul_before)
{
    const char *data = chunk->buffer + CHUNK_ROOM;
    chunk->has_nul = memchr(data, '\0', chunk->length) != NULL;
    chunk->scan = (struct scanned_lines){.lives_only = reader->lives_only};
    if (chunk->offset == reader->base && reader->detect)
        format = detect_format(reader, data, chunk->length);
    /* Past a NUL the parser's offsets no longer match the file's: no scans there (the
     * parser drops them too; this only saves the work). */
    if (!nul_before && !chunk->has_nul && format && format->scan_lines && chunk->length > 0)
        scan_chunk(chunk, format, after_newline);
}

/* --- in order, from any stream ------------------------------------------------------- */

static void fill_in_order(struct chunk_reader *reader, struct chunk *chunk)
{
    pthread_mutex_lock(&reader->lock);
    const struct log_format *format = reader->format;
    pthread_mutex_unlock(&reader->lock);
    chunk->length = fread(chunk->buffer + CHUNK_ROOM, 1, CHUNK_DATA, reader->file);
    int error = ferror(reader->file) ? (errno ? errno : EIO) : 0;
    chunk->error = chunk->length == 0 ? error : 0;
    if (chunk->length > 0)
        reader->end.error = error;  /* told after the data read before it */
    chunk->offset = reader->offset;
    reader->offset += chunk->length;
    finish_chunk(reader, chunk, format, reader->after_newline, reader->nul_seen);
    reader->nul_seen = reader->nul_seen || chunk->has_nul;
    if (chunk->length > 0)
        reader->after_newline = chunk->buffer[CHUNK_ROOM + chunk->length - 1] == '\n';
}

/* --- at any chunk, from a regular file -------------------------------------------------- */

/* Reads up to LENGTH bytes at file offset OFFSET into TO, as many as there are; the
 * number read, or -1 with errno. */
static ssize_t read_fully(int fd, char *to, size_t length, uint64_t offset)
{
    size_t done = 0;
    while (done < length) {
        ssize_t got = pread(fd, to + done, length - done, (off_t)(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (ssize_t)done;
}

/* Reads chunk NUMBER into CHUNK. The byte before it is read along (into the room before
 * the data, which the parser overwrites later), for scan_chunk's after_newline. */
static void fill_at(struct chunk_reader *reader, struct chunk *chunk, uint64_t number)
{
    uint64_t offset = reader->base + number * CHUNK_DATA;
    bool first = number == 0;
    char *to = chunk->buffer + CHUNK_ROOM - (first ? 0 : 1);
    ssize_t got = read_fully(reader->fd, to, CHUNK_DATA + (first ? 0 : 1), offset - !first);
    chunk->offset = offset;
    chunk->error = got < 0 ? errno : 0;
    size_t length = got <= 0 ? 0 : (size_t)got - !first;
    chunk->length = length;
    bool after_newline = first || (got > 0 && chunk->buffer[CHUNK_ROOM - 1] == '\n');
    const struct log_format *format;
    pthread_mutex_lock(&reader->lock);
    /* The first chunk's format is found by now, unless its thread is behind this one. */
    while (!first && reader->detect && !reader->stopping)
        pthread_cond_wait(&reader->changed, &reader->lock);
    format = reader->format;
    pthread_mutex_unlock(&reader->lock);
    finish_chunk(reader, chunk, format, after_newline, false);
}

static void fill(struct chunk_reader *reader, struct chunk *chunk, uint64_t number)
{
    if (reader->fd >= 0)
        fill_at(reader, chunk, number);
    else
        fill_in_order(reader, chunk);
}

/* CHUNK, number NUMBER, is read: a short one is the last the parser gets. The lock is
 * held. */
static void note_filled(struct chunk_reader *reader, struct chunk *chunk, uint64_t number)
{
    if (chunk->length < CHUNK_DATA && (!reader->ended || number < reader->last_number)) {
        reader->ended = true;
        reader->last_number = number;
    }
}

/* A free buffer, if a chunk may be read into it now; CHUNK_COUNT if not. The lock is
 * held. */
static size_t claimable(const struct chunk_reader *reader)
{
    if (reader->stopping || (reader->ended && reader->next_claimed > reader->last_number))
        return CHUNK_COUNT;
    for (size_t i = 0; i < CHUNK_COUNT; i++)
        if (reader->free[i])
            return i;
    return CHUNK_COUNT;
}

/* Reads the next chunk into free buffer INDEX and tells the other side. Called and
 * returns with the lock held; reads without it. */
static void read_claimed(struct chunk_reader *reader, size_t index)
{
    reader->free[index] = false;
    uint64_t number = reader->next_claimed++;
    pthread_mutex_unlock(&reader->lock);
    struct chunk *chunk = &reader->chunks[index];
    fill(reader, chunk, number);
    pthread_mutex_lock(&reader->lock);
    reader->number[index] = number;
    reader->ready[index] = true;
    note_filled(reader, chunk, number);
    pthread_cond_broadcast(&reader->changed);
}

static void *read_ahead(void *arg)
{
    struct chunk_reader *reader = arg;
    pthread_mutex_lock(&reader->lock);
    while (!reader->stopping && !(reader->ended && reader->next_claimed > reader->last_number)) {
        size_t index = claimable(reader);
        if (index < CHUNK_COUNT)
            read_claimed(reader, index);
        else
            pthread_cond_wait(&reader->changed, &reader->lock);
    }
    pthread_mutex_unlock(&reader->lock);
    return NULL;
}

/* The parser waits for a chunk the thread is still reading: rather than sleep, it reads
 * the chunk after (a file read with pread only: any chunk can be read by either side).
 * Where reading is the slower half, as on Mozilla logs, both cores read; where the parser
 * is, it never waits, and no third thread takes its core. The lock is held; false if
 * there was nothing to read. */
static bool read_one_while_waiting(struct chunk_reader *reader)
{
    if (reader->fd < 0)
        return false;
    size_t index = claimable(reader);
    if (index == CHUNK_COUNT)
        return false;
    read_claimed(reader, index);
    return true;
}

/* --- the parser's side ----------------------------------------------------------------- */

struct chunk_reader *chunk_reader_start(FILE *file, chunk_format_fn detect, bool lives_only)
{
    struct chunk_reader *reader = xcalloc(1, sizeof *reader);
    reader->file = file;
    reader->lives_only = lives_only;
    reader->detect = detect;
    reader->after_newline = true;
    /* One mapping, made at once (xmap_populated): touched page by page, the buffers
     * were 384 page faults, a tenth of refbalance's CPU on a 200 MB Mozilla log in a
     * virtual machine where a fault costs microseconds. */
    reader->buffers = xmap_populated(CHUNK_COUNT * CHUNK_BUFFER_SIZE);
    for (size_t i = 0; i < CHUNK_COUNT; i++) {
        reader->chunks[i].buffer = reader->buffers + i * CHUNK_BUFFER_SIZE;
        reader->free[i] = true;
    }
    pthread_mutex_init(&reader->lock, NULL);
    pthread_cond_init(&reader->changed, NULL);
    reader->fd = -1;
    int fd = fileno(file);
    struct stat about;
    off_t position = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : -1;
    /* Nothing buffered by stdio yet: the file offset is where reading starts. */
    if (position >= 0 && fstat(fd, &about) == 0 && S_ISREG(about.st_mode) &&
        ftello(file) == position) {
        reader->fd = fd;
        reader->base = (uint64_t)position;
    }
    /* Without a thread (none to be had) the chunks are read when asked for: slower, the
     * same. */
    if (pthread_create(&reader->thread, NULL, read_ahead, reader) == 0)
        reader->threaded = true;
    return reader;
}

void chunk_reader_use_format(struct chunk_reader *reader, const struct log_format *format)
{
    pthread_mutex_lock(&reader->lock);
    reader->format = format;
    pthread_mutex_unlock(&reader->lock);
}

/* The chunk NEXT_DELIVERED if a thread has read it, else NULL; the lock is held. */
static struct chunk *ready_chunk(struct chunk_reader *reader)
{
    for (size_t i = 0; i < CHUNK_COUNT; i++)
        if (reader->ready[i] && reader->number[i] == reader->next_delivered) {
            reader->ready[i] = false;
            return &reader->chunks[i];
        }
    return NULL;
}

struct chunk *chunk_reader_next(struct chunk_reader *reader)
{
    if (!reader->threaded) {
        if (reader->ended)
            return &reader->end;
        for (size_t i = 0; i < CHUNK_COUNT; i++)
            if (reader->free[i]) {
                reader->free[i] = false;
                fill(reader, &reader->chunks[i], reader->next_delivered);
                note_filled(reader, &reader->chunks[i], reader->next_delivered++);
                return &reader->chunks[i];
            }
        abort(); /* the parser holds two chunks at most */
    }
    pthread_mutex_lock(&reader->lock);
    struct chunk *chunk = NULL;
    if (reader->ended && reader->next_delivered > reader->last_number) {
        chunk = &reader->end; /* after a short chunk, whatever was read later */
    } else {
        while (!(chunk = ready_chunk(reader)))
            if (!read_one_while_waiting(reader))
                pthread_cond_wait(&reader->changed, &reader->lock);
        reader->next_delivered++;
    }
    pthread_mutex_unlock(&reader->lock);
    return chunk;
}

void chunk_reader_release(struct chunk_reader *reader, struct chunk *chunk)
{
    if (chunk == &reader->end)
        return;
    free(chunk->scan.tokens);
    chunk->scan.tokens = NULL;
    pthread_mutex_lock(&reader->lock);
    reader->free[chunk - reader->chunks] = true;
    pthread_cond_broadcast(&reader->changed);
    pthread_mutex_unlock(&reader->lock);
}

void chunk_reader_stop(struct chunk_reader *reader)
{
    pthread_mutex_lock(&reader->lock);
    reader->stopping = true;
    pthread_cond_broadcast(&reader->changed);
    pthread_mutex_unlock(&reader->lock);
    if (reader->threaded)
        pthread_join(reader->thread, NULL);
    for (size_t i = 0; i < CHUNK_COUNT; i++) {
        free(reader->chunks[i].scan.tokens);
    }
    xunmap(reader->buffers, CHUNK_COUNT * CHUNK_BUFFER_SIZE);
    pthread_mutex_destroy(&reader->lock);
    pthread_cond_destroy(&reader->changed);
    free(reader);
}
