/* chunk_reader.h - reads a log on a second thread, a chunk ahead of its parser.
 *
 * The parser works on one chunk while the reading thread copies the next one out of the
 * page cache, checks it for NUL bytes and, once the log's format is known and offers
 * `scan_lines` (log_format.h), reads its whole lines into the format's tokens: the work a
 * line needs that depends on no earlier line, done on the other core. From a regular
 * file, the parser reads a chunk itself rather than wait for the thread.
 *
 * Chunk buffers have room before their data, so that the parser can put the unfinished
 * last line of the chunk before in front of it and read on without copying the chunk. */
#ifndef REFSHIM_CHUNK_READER_H
#define REFSHIM_CHUNK_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_format.h"

enum {
    /* Bytes read per chunk: small enough for a chunk and its tokens to stay in the
     * second-level cache of the core that reads and scans it, and for a chunk's tokens
     * to come from the heap, under malloc's mmap threshold, not in fresh pages (1 MiB:
     * gst log 44,000 page faults, 33% more CPU). */
    CHUNK_DATA = 1 << 18,
    CHUNK_ROOM = 1 << 18         /* bytes before the data, for the line carried over */
};

struct chunk {
    char *buffer;                /* CHUNK_ROOM + CHUNK_DATA + 1 bytes; data at CHUNK_ROOM */
    size_t length;               /* bytes of data; 0 at the end of the file */
    uint64_t offset;             /* of the data's first byte in the file */
    bool has_nul;                /* NUL bytes in the data: offsets past them shift */
    int error;                   /* errno of a failed read (then length is 0) */
    struct scanned_lines scan;   /* tokens == NULL: nothing scanned */
};

struct chunk_reader;

/* Tells the format of a log from its first chunk (DATA, LENGTH bytes), or NULL. */
typedef const struct log_format *(*chunk_format_fn)(const char *data, size_t length);

/* Starts reading FILE. With DETECT, the reading thread finds the format from the first
 * chunk and scans from there on; without, only once told (chunk_reader_use_format).
 * LIVES_ONLY: the reading is one of lives (scanned_lines' lives_only). */
struct chunk_reader *chunk_reader_start(FILE *file, chunk_format_fn detect, bool lives_only);
/* From now on, chunks are scanned with FORMAT's scan_lines (if it has one). */
void chunk_reader_use_format(struct chunk_reader *reader, const struct log_format *format);
/* Waits for the next chunk. */
struct chunk *chunk_reader_next(struct chunk_reader *reader);
/* Gives CHUNK back (its tokens too) once the parser is done with it. */
void chunk_reader_release(struct chunk_reader *reader, struct chunk *chunk);
/* Stops the thread (it may be blocked ahead) and frees everything. */
void chunk_reader_stop(struct chunk_reader *reader);

#endif
