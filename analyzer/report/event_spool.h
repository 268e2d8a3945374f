/* event_spool.h - an append-only temporary file of records, each chained to the previous
 * record of the same object, so that a report can keep every event of every object it
 * may have to print without keeping them in memory.
 *
 * refleaks --history cannot know whether an object will be shown before the object ends
 * (or the log does), and an object may live for millions of events. Its events go here;
 * memory holds only the offset of each live object's last record. The newest records stay
 * in an in-memory tail, so the many short-lived objects are read back without a system
 * call, and older ones through a small cache of file blocks. Reading a chain forward (the
 * chain points backward) lists its offsets in memory up to a limit and in a second
 * temporary file beyond it, so that even one object of the whole log costs bounded memory. */
#ifndef REFSHIM_EVENT_SPOOL_H
#define REFSHIM_EVENT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The offset that ends a chain: "no previous record". */
#define SPOOL_NONE UINT64_MAX

struct event_spool;

/* TAIL_BYTES of newest records are kept in memory; CHAIN_LIMIT offsets of a chain being
 * read. Returns NULL (errno set) if no temporary file can be made. */
struct event_spool *event_spool_new(size_t tail_bytes, size_t chain_limit);
void event_spool_free(struct event_spool *spool);
/* Appends DATA, chained to PREVIOUS (an offset or SPOOL_NONE); returns its offset. */
uint64_t event_spool_append(struct event_spool *spool, uint64_t previous, const void *data,
                            size_t length);
/* False once a write or read of the temporary files has failed. */
bool event_spool_ok(const struct event_spool *spool);

/* The records of one chain, oldest first. */
struct spool_chain;
/* The chain that ends at LAST. */
struct spool_chain *spool_chain_open(struct event_spool *spool, uint64_t last);
/* The next record: its data (valid until the next call) and length; false at the end or
 * on a read error (see event_spool_ok). */
bool spool_chain_next(struct spool_chain *chain, const unsigned char **data, size_t *length);
/* Back to the oldest record, to read the chain again. */
void spool_chain_rewind(struct spool_chain *chain);
void spool_chain_close(struct spool_chain *chain);

/* An anonymous temporary file in $TMPDIR, else in /tmp; NULL (errno set) if none can be
 * made. */
FILE *spool_temp_file(void);

#endif
