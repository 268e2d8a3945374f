/* event_spool.c - records chained per object in a temporary file (see event_spool.h).
 *
 * A record is `varint LENGTH, varint BACK, DATA`: BACK is how far before the record its
 * chain's previous record starts (0: none), which takes a byte or two for the usual
 * neighbours where an absolute offset would take eight. */
#include "event_spool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

/* Small blocks, many of them (8 MB): the leaked objects' chains, read at the end, are
 * records of some 15 bytes strewn over the whole file, and 64 KB blocks in a cache of 16
 * read 1.3 GB to print 12 MB of histories of the Asterisk bench log (a quarter of
 * --history's time); 4 KB blocks read some 30 MB. */
enum { BLOCK_BYTES = 4096, CACHE_BLOCKS = 2048, HEADER_MAX = 20 };

struct cached_block {
    uint64_t index;
    size_t valid; /* bytes of the block read; 0: nothing cached */
    unsigned char *bytes;
};

struct event_spool {
    FILE *file;
    uint64_t tail_start; /* file offset of tail[0]: everything before it is in the file */
    unsigned char *tail;
    size_t tail_used, tail_capacity;
    struct cached_block blocks[CACHE_BLOCKS];
    unsigned char *scratch;
    size_t scratch_capacity;
    size_t chain_limit;
    bool failed;
};

struct spool_chain {
    struct event_spool *spool;
    uint64_t *offsets;       /* newest first: the first CHAIN_LIMIT went to overflow */
    size_t in_memory;
    FILE *overflow;          /* full chunks of CHAIN_LIMIT offsets, newest chunk first */
    size_t overflow_chunks;
    uint64_t *chunk;         /* the overflow chunk being read */
    size_t chunk_number;     /* reading: chunks left to load, counting down */
    size_t position;         /* reading: offsets left in the current array */
    bool reading_chunks;
};

FILE *spool_temp_file(void)
{
    const char *directory = getenv("TMPDIR");
    if (!directory || !*directory)
        return tmpfile(); /* glibc's: in /tmp */
    size_t size = strlen(directory) + sizeof "/refleaks-XXXXXX";
    char *path = xmalloc(size);
    snprintf(path, size, "%s/refleaks-XXXXXX", directory);
    int fd = mkstemp(path);
    FILE *file = NULL;
    if (fd >= 0) {
        unlink(path); /* gone with the last close, whatever happens */
        file = fdopen(fd, "w+");
        if (!file)
            close(fd);
    }
    free(path);
    return file;
}

struct event_spool *event_spool_new(size_t tail_bytes, size_t chain_limit)
{
    FILE *file = spool_temp_file();
    if (!file)
        return NULL;
    struct event_spool *spool = xcalloc(1, sizeof *spool);
    spool->file = file;
    spool->tail_capacity = tail_bytes > HEADER_MAX ? tail_bytes : HEADER_MAX;
    spool->tail = xmalloc(spool->tail_capacity);
    spool->chain_limit = chain_limit ? chain_limit : 1;
    return spool;
}

void event_spool_free(struct event_spool *spool)
{
    if (!spool)
        return;
    fclose(spool->file);
    free(spool->tail);
    for (int i = 0; i < CACHE_BLOCKS; i++)
        free(spool->blocks[i].bytes);
    free(spool->scratch);
    free(spool);
}

bool event_spool_ok(const struct event_spool *spool)
{
    return !spool->failed;
}

static size_t put_varint(unsigned char *out, uint64_t value)
{
    size_t n = 0;
    while (value >= 0x80) {
        out[n++] = (unsigned char)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (unsigned char)value;
    return n;
}

/* Decodes a varint of BYTES[0..LIMIT); returns its length, 0 if it does not fit. */
static size_t get_varint(const unsigned char *bytes, size_t limit, uint64_t *value)
{
    uint64_t result = 0;
    for (size_t n = 0; n < limit && n < 10; n++) {
        result |= (uint64_t)(bytes[n] & 0x7f) << (7 * n);
        if (!(bytes[n] & 0x80)) {
            *value = result;
            return n + 1;
        }
    }
    return 0;
}

static bool write_all(int fd, const void *data, size_t length, uint64_t offset)
{
    const unsigned char *bytes = data;
    while (length > 0) {
        ssize_t written = pwrite(fd, bytes, length, (off_t)offset);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        bytes += written;
        length -= (size_t)written;
        offset += (uint64_t)written;
    }
    return true;
}

static void write_at(struct event_spool *spool, const void *data, size_t length, uint64_t offset)
{
    if (!spool->failed && !write_all(fileno(spool->file), data, length, offset))
        spool->failed = true;
}

static void flush_tail(struct event_spool *spool)
{
    write_at(spool, spool->tail, spool->tail_used, spool->tail_start);
    spool->tail_start += spool->tail_used;
    spool->tail_used = 0;
}

uint64_t event_spool_append(struct event_spool *spool, uint64_t previous, const void *data,
                            size_t length)
{
    uint64_t offset = spool->tail_start + spool->tail_used;
    unsigned char header[HEADER_MAX];
    size_t header_length = put_varint(header, length);
    header_length += put_varint(header + header_length,
                                previous == SPOOL_NONE ? 0 : offset - previous);
    if (spool->tail_used + header_length + length > spool->tail_capacity) {
        flush_tail(spool);
        if (header_length + length > spool->tail_capacity) {
            /* Larger than the whole tail: straight to the file. */
            write_at(spool, header, header_length, offset);
            write_at(spool, data, length, offset + header_length);
            spool->tail_start += header_length + length;
            return offset;
        }
    }
    memcpy(spool->tail + spool->tail_used, header, header_length);
    memcpy(spool->tail + spool->tail_used + header_length, data, length);
    spool->tail_used += header_length + length;
    return offset;
}

static const struct cached_block *load_block(struct event_spool *spool, uint64_t index,
                                             size_t needed)
{
    struct cached_block *block = &spool->blocks[index % CACHE_BLOCKS];
    if (block->valid > needed && block->index == index)
        return block;
    if (!block->bytes)
        block->bytes = xmalloc(BLOCK_BYTES);
    uint64_t start = index * BLOCK_BYTES;
    size_t wanted = spool->tail_start - start < BLOCK_BYTES ? (size_t)(spool->tail_start - start)
                                                            : BLOCK_BYTES;
    size_t got = 0;
    while (got < wanted) {
        ssize_t n = pread(fileno(spool->file), block->bytes + got, wanted - got,
                          (off_t)(start + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    block->index = index;
    block->valid = got;
    if (got <= needed) {
        spool->failed = true;
        return NULL;
    }
    return block;
}

/* Copies LENGTH bytes at OFFSET (before the end of what was appended). */
static bool read_at(struct event_spool *spool, uint64_t offset, void *out, size_t length)
{
    unsigned char *to = out;
    while (length > 0) {
        if (offset >= spool->tail_start) {
            memcpy(to, spool->tail + (offset - spool->tail_start), length);
            return true;
        }
        uint64_t index = offset / BLOCK_BYTES;
        size_t within = (size_t)(offset % BLOCK_BYTES);
        const struct cached_block *block = load_block(spool, index, within);
        if (!block)
            return false;
        size_t n = block->valid - within < length ? block->valid - within : length;
        memcpy(to, block->bytes + within, n);
        to += n;
        offset += n;
        length -= n;
    }
    return true;
}

/* The record at OFFSET: its data into the scratch buffer, and its chain's previous. */
static bool read_record(struct event_spool *spool, uint64_t offset, size_t *length,
                        uint64_t *previous)
{
    uint64_t end = spool->tail_start + spool->tail_used;
    unsigned char header[HEADER_MAX];
    size_t available = end - offset < HEADER_MAX ? (size_t)(end - offset) : HEADER_MAX;
    uint64_t data_length, back;
    size_t used, used2;
    if (offset >= end || !read_at(spool, offset, header, available) ||
        !(used = get_varint(header, available, &data_length)) ||
        !(used2 = get_varint(header + used, available - used, &back)) || back > offset ||
        data_length > end - offset - used - used2) {
        spool->failed = true;
        return false;
    }
    if (data_length > spool->scratch_capacity) {
        spool->scratch_capacity = data_length * 2;
        spool->scratch = xrealloc(spool->scratch, spool->scratch_capacity);
    }
    *length = (size_t)data_length;
    *previous = back == 0 ? SPOOL_NONE : offset - back;
    return read_at(spool, offset + used + used2, spool->scratch, *length);
}

/* The offset of the record before the one at OFFSET in its chain. */
static bool previous_of(struct event_spool *spool, uint64_t offset, uint64_t *previous)
{
    uint64_t end = spool->tail_start + spool->tail_used;
    unsigned char header[HEADER_MAX];
    size_t available = end - offset < HEADER_MAX ? (size_t)(end - offset) : HEADER_MAX;
    uint64_t data_length, back;
    size_t used;
    if (offset >= end || !read_at(spool, offset, header, available) ||
        !(used = get_varint(header, available, &data_length)) ||
        !get_varint(header + used, available - used, &back) || back > offset) {
        spool->failed = true;
        return false;
    }
    *previous = back == 0 ? SPOOL_NONE : offset - back;
    return true;
}

static void spill_chunk(struct spool_chain *chain)
{
    struct event_spool *spool = chain->spool;
    if (!chain->overflow && !(chain->overflow = spool_temp_file())) {
        spool->failed = true;
        return;
    }
    size_t bytes = spool->chain_limit * sizeof *chain->offsets;
    if (!write_all(fileno(chain->overflow), chain->offsets, bytes, chain->overflow_chunks * bytes))
        spool->failed = true;
    chain->overflow_chunks++;
    chain->in_memory = 0;
}

struct spool_chain *spool_chain_open(struct event_spool *spool, uint64_t last)
{
    struct spool_chain *chain = xcalloc(1, sizeof *chain);
    chain->spool = spool;
    size_t limit = spool->chain_limit;
    size_t capacity = 16;
    chain->offsets = xmalloc(capacity * sizeof *chain->offsets);
    for (uint64_t offset = last; offset != SPOOL_NONE && !spool->failed;) {
        if (chain->in_memory == limit)
            spill_chunk(chain);
        if (chain->in_memory == capacity) {
            capacity = capacity * 2 < limit ? capacity * 2 : limit;
            chain->offsets = xrealloc(chain->offsets, capacity * sizeof *chain->offsets);
        }
        chain->offsets[chain->in_memory++] = offset;
        if (!previous_of(spool, offset, &offset))
            break;
    }
    spool_chain_rewind(chain);
    return chain;
}

void spool_chain_rewind(struct spool_chain *chain)
{
    chain->reading_chunks = false;
    chain->position = chain->in_memory;
    chain->chunk_number = chain->overflow_chunks;
}

static bool load_chunk(struct spool_chain *chain)
{
    struct event_spool *spool = chain->spool;
    size_t bytes = spool->chain_limit * sizeof *chain->offsets;
    if (!chain->chunk)
        chain->chunk = xmalloc(bytes);
    chain->chunk_number--;
    size_t got = 0;
    while (got < bytes) {
        ssize_t n = pread(fileno(chain->overflow), (char *)chain->chunk + got, bytes - got,
                          (off_t)(chain->chunk_number * bytes + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            spool->failed = true;
            return false;
        }
        got += (size_t)n;
    }
    chain->reading_chunks = true;
    chain->position = spool->chain_limit;
    return true;
}

bool spool_chain_next(struct spool_chain *chain, const unsigned char **data, size_t *length)
{
    struct event_spool *spool = chain->spool;
    if (chain->position == 0) {
        if (chain->chunk_number == 0 || !load_chunk(chain))
            return false;
    }
    const uint64_t *offsets = chain->reading_chunks ? chain->chunk : chain->offsets;
    uint64_t previous;
    if (spool->failed || !read_record(spool, offsets[--chain->position], length, &previous))
        return false;
    *data = spool->scratch;
    return true;
}

void spool_chain_close(struct spool_chain *chain)
{
    if (!chain)
        return;
    if (chain->overflow)
        fclose(chain->overflow);
    free(chain->offsets);
    free(chain->chunk);
    free(chain);
}
