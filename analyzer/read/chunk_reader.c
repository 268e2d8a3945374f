/* chunk_reader.c - the reading thread of chunk_reader.h and its small queue.
 *
 * Four buffers go round: the thread fills free ones, the parser holds at most two (the
 * chunk it reads and the one it moves its unfinished line into), so the thread is one or
 * two chunks ahead. A mutex and one condition variable are plenty: a chunk is a
 * megabyte, a handover per millisecond at most. */
#include "chunk_reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

enum { CHUNK_COUNT = 4 };

struct chunk_reader {
    FILE *file;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct chunk chunks[CHUNK_COUNT];
    bool free[CHUNK_COUNT];
    struct chunk *ready[CHUNK_COUNT];   /* filled, in file order */
    size_t ready_count;
    bool stopping;
    /* Told by the reading thread from the first chunk (detect), or by the parser once
     * it knows it; chunks read before are not scanned. */
    const struct log_format *format;
    bool threaded;                      /* false: chunks are read when asked for */
    chunk_format_fn detect;             /* tells the format from the first chunk */
    /* The reading side's own: */
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

/* Reads the next chunk of the file into CHUNK; the reader's after_newline and nul_seen
 * carry what the chunks before said. */
static void fill_chunk(struct chunk_reader *reader, struct chunk *chunk,
                       const struct log_format *format)
{
    chunk->length = fread(chunk->buffer + CHUNK_ROOM, 1, CHUNK_DATA, reader->file);
    chunk->error = chunk->length == 0 && ferror(reader->file) ? (errno ? errno : EIO) : 0;
    chunk->offset = reader->offset;
    reader->offset += chunk->length;
    const char *data = chunk->buffer + CHUNK_ROOM;
    chunk->has_nul = memchr(data, '\0', chunk->length) != NULL;
    /* Past a NUL the parser's offsets no longer match the file's: no more scans. */
    reader->nul_seen = reader->nul_seen || chunk->has_nul;
    chunk->scan = (struct scanned_lines){0};
    if (!format && reader->detect && chunk->offset == 0 && chunk->length > 0) {
        format = reader->detect(data, chunk->length);
        reader->detect = NULL;
        pthread_mutex_lock(&reader->lock);
        if (!reader->format)
            reader->format = format;
        format = reader->format;
        pthread_mutex_unlock(&reader->lock);
    }
    if (!reader->nul_seen && format && format->scan_lines && chunk->length > 0)
        scan_chunk(chunk, format, reader->after_newline);
    if (chunk->length > 0)
        reader->after_newline = data[chunk->length - 1] == '\n';
}

static void *read_ahead(void *arg)
{
    struct chunk_reader *reader = arg;
    for (;;) {
        pthread_mutex_lock(&reader->lock);
        struct chunk *chunk = NULL;
        while (!reader->stopping && !chunk) {
            for (size_t i = 0; i < CHUNK_COUNT && !chunk; i++)
                if (reader->free[i]) {
                    reader->free[i] = false;
                    chunk = &reader->chunks[i];
                }
            if (!chunk)
                pthread_cond_wait(&reader->changed, &reader->lock);
        }
        const struct log_format *format = reader->format;
        pthread_mutex_unlock(&reader->lock);
        if (!chunk)
            return NULL;
        fill_chunk(reader, chunk, format);
        pthread_mutex_lock(&reader->lock);
        reader->ready[reader->ready_count++] = chunk;
        pthread_cond_broadcast(&reader->changed);
        pthread_mutex_unlock(&reader->lock);
        if (chunk->length == 0)
            return NULL;
    }
}

struct chunk_reader *chunk_reader_start(FILE *file, chunk_format_fn detect)
{
    struct chunk_reader *reader = xcalloc(1, sizeof *reader);
    reader->file = file;
    reader->detect = detect;
    reader->after_newline = true;
    for (size_t i = 0; i < CHUNK_COUNT; i++) {
        reader->chunks[i].buffer = xmalloc(CHUNK_ROOM + CHUNK_DATA + 1);
        reader->free[i] = true;
    }
    pthread_mutex_init(&reader->lock, NULL);
    pthread_cond_init(&reader->changed, NULL);
    /* Without a thread (none to be had) the chunks are read when asked for: slower, the
     * same. */
    reader->threaded = pthread_create(&reader->thread, NULL, read_ahead, reader) == 0;
    return reader;
}

void chunk_reader_use_format(struct chunk_reader *reader, const struct log_format *format)
{
    pthread_mutex_lock(&reader->lock);
    reader->format = format;
    pthread_mutex_unlock(&reader->lock);
}

struct chunk *chunk_reader_next(struct chunk_reader *reader)
{
    if (!reader->threaded) {
        for (size_t i = 0; i < CHUNK_COUNT; i++)
            if (reader->free[i]) {
                reader->free[i] = false;
                fill_chunk(reader, &reader->chunks[i], reader->format);
                return &reader->chunks[i];
            }
        abort(); /* the parser holds two chunks at most */
    }
    pthread_mutex_lock(&reader->lock);
    while (reader->ready_count == 0)
        pthread_cond_wait(&reader->changed, &reader->lock);
    struct chunk *chunk = reader->ready[0];
    memmove(reader->ready, reader->ready + 1, --reader->ready_count * sizeof reader->ready[0]);
    pthread_mutex_unlock(&reader->lock);
    return chunk;
}

void chunk_reader_release(struct chunk_reader *reader, struct chunk *chunk)
{
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
        free(reader->chunks[i].buffer);
    }
    pthread_mutex_destroy(&reader->lock);
    pthread_cond_destroy(&reader->changed);
    free(reader);
}
