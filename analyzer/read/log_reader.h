/* log_reader.h - reads a reference-count log and hands out normalized events.
 *
 * The reader streams: it keeps only what later lines can refer to (the definition
 * tables, the distinct stacks and the live objects), never the events themselves.
 * Which log format a file uses (refshim, Mozilla XPCOM refcount/alloc, Asterisk refs)
 * is decided from its first non-empty line (see log_format.h); every format produces
 * the same struct log_event. */
#ifndef REFSHIM_LOG_READER_H
#define REFSHIM_LOG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "refshim_log.h"

/* Line numbers are unsigned long, counts and ids 64-bit integers, sizes size_t: logs run
 * past 4 G lines and 4 GB, which only 64 bits hold. */
_Static_assert(sizeof(unsigned long) >= 8 && sizeof(size_t) >= 8,
               "the analyzers count lines and bytes of logs past 4 GB in 64 bits");

/* Exit statuses shared by the tools, from sysexits.h. */
enum {
    LOG_STATUS_OK = 0,
    LOG_STATUS_USAGE = 64,      /* EX_USAGE */
    LOG_STATUS_BAD_LOG = 65,    /* EX_DATAERR */
    LOG_STATUS_CANNOT_READ = 66 /* EX_NOINPUT */
};

enum log_op {
    LOG_OP_NEW = REFSHIM_OP_NEW,         /* created: first reference */
    LOG_OP_ADDREF = REFSHIM_OP_ADDREF,   /* +1 */
    LOG_OP_RELEASE = REFSHIM_OP_RELEASE, /* -1, still alive */
    LOG_OP_DESTROY = REFSHIM_OP_DESTROY, /* -1 to zero: destroyed */
    /* A change that belongs to no live object: after its destruction, or an Asterisk
     * `**invalid**` line. It changes no count; event->anomaly says what is wrong. */
    LOG_OP_STRAY = 'X',
    /* The object stays alive to the end of the process on purpose (refshim's note
     * `may-be-leaked`): it is not a leak. The object is forgotten; count unchanged. */
    LOG_OP_KEPT = 'K'
};

/* One stack frame. Valid only during the callback, like the event: copy what you keep. */
struct log_frame {
    const char *function; /* demangled, with parameter list, or "???" */
    const char *module;   /* path of the executable or library, NULL if unknown */
    uint64_t offset;      /* from the module's load base; absolute if module is NULL */
    const char *source;   /* "file:line", or NULL if unknown */
};

/* One reference-count change. Valid only during the callback. */
struct log_event {
    enum log_op op;
    uint64_t serial;               /* object number, 1, 2, 3... in creation order */
    const char *address;           /* exactly as written in the log */
    uint64_t address_value;        /* the same, as a number, for comparisons */
    const char *class_name;
    int64_t count;                 /* reference count after the change */
    uint64_t tid;                  /* kernel thread id */
    /* The stack: read it with log_event_frames, never from these two fields alone. */
    const struct log_frame *frames; /* innermost (the caller of AddRef/Release) first */
    size_t frame_count;
    /* Set by a format whose stacks take work to spell out (refshim's: a walk up the stack
     * tree, with debug information): then frames is NULL and log_event_frames asks this.
     * Most events' stacks are never looked at, and refleaks should not pay for them. */
    size_t (*spell_frames)(const struct log_event *event, const struct log_frame **frames);
    void *spell_context;
    /* Equal ids mean equal stacks (within one log); 0: none. Read it with
     * log_event_stack_id: a format whose ids take work (Mozilla's, a digest of the stack's
     * text) sets spell_stack_id instead, and only the consumers that need ids pay. */
    uint64_t stack_id;
    uint64_t (*spell_stack_id)(const struct log_event *event);
    unsigned long line;            /* line of the event in the log, from 1 */
    int64_t delta;                 /* the change to the count: +1, -1, rarely other */
    uint64_t size;                 /* bytes per instance if the log says, else 0 */
    const char *tag;               /* Asterisk's reason text, else NULL */
    const char *state;             /* Asterisk's STATE field as written, else NULL */
    bool first_seen;               /* the object's first event, though not a creation */
    /* ADDRESS is spelled "0x%" PRIx64 of ADDRESS_VALUE, as the tracker spells addresses:
     * it may hand it on instead of spelling it again. False if not known. */
    bool address_plain;
    const char *anomaly;           /* what cannot be right about this event, or NULL */
};

/* EVENT's stack, innermost frame first; returns the number of frames. */
static inline size_t log_event_frames(const struct log_event *event,
                                      const struct log_frame **frames)
{
    if (event->spell_frames)
        return event->spell_frames(event, frames);
    *frames = event->frames;
    return event->frame_count;
}

/* EVENT's stack id (see stack_id). */
static inline uint64_t log_event_stack_id(const struct log_event *event)
{
    return event->spell_stack_id ? event->spell_stack_id(event) : event->stack_id;
}

typedef void (*log_event_fn)(const struct log_event *event, void *user);

/* What went wrong, written so that the tools can print it as is. */
struct log_diag {
    int status;           /* LOG_STATUS_OK, _BAD_LOG or _CANNOT_READ */
    char message[1024];   /* "FILE:LINE: what is wrong", or "FILE: strerror"; empty if OK */
    char warning[1024];   /* "FILE: log was cut after line N; analysed up to there", or empty */
    char torn[1024];      /* "FILE:LINE: warning: N lines left unfinished ... skipped", or
                           * empty: lines inside the log that a killed thread did not finish */
};

/* Reads LOG, opened by the caller; NAME is used in messages. Calls ON_EVENT for every
 * event in log order. Returns diag->status. Stops at the first error; the events
 * before it have been delivered. */
int log_read_stream(FILE *log, const char *name, log_event_fn on_event, void *user,
                    struct log_diag *diag);
/* The same, but every line goes through the format's line reader, never its faster block
 * reader (Mozilla's): the two must give the same events, which the tests check. */
int log_read_stream_by_lines(FILE *log, const char *name, log_event_fn on_event, void *user,
                             struct log_diag *diag);
/* The same with the formats' block readers, but without the lines they read into tokens
 * on the reading thread (scan_lines, log_format.h), which log_read_stream reads nearly
 * every line through: the tests compare all three ways. */
int log_read_stream_without_scans(FILE *log, const char *name, log_event_fn on_event,
                                  void *user, struct log_diag *diag);
/* Which events a reading delivers. A report that needs only the lives of the objects
 * (where each starts and ends, what is wrong, what is alive at the end) reads with
 * LOG_EVENTS_LIVES: a quiet count change, an AddRef or Release of a live object that
 * leaves it alive with nothing wrong, is then applied but not delivered. Such changes
 * are nearly every line of a big log, and delivering them is most of a reading's work.
 * FOLLOW names one object whose quiet changes are delivered all the same (refbalance's):
 * by its serial (the events' serial) or its address (the log's). */
enum log_events { LOG_EVENTS_ALL, LOG_EVENTS_LIVES };
enum log_follow { LOG_FOLLOW_NONE, LOG_FOLLOW_SERIAL, LOG_FOLLOW_ADDRESS };
struct log_wanted {
    enum log_events events;
    enum log_follow follow;
    uint64_t follow_key;
};
/* How much of a format's faster readers a reading uses; all give the same events. */
enum log_reading {
    LOG_READING_BY_LINES,       /* the format's line reader only */
    LOG_READING_BY_BLOCKS,      /* its block reader too, no scans on the reading thread */
    LOG_READING_WITH_SCANS      /* its scans on the reading thread too: the tools' way */
};
/* log_read_stream and its two siblings above with both choices. */
int log_read_stream_with(FILE *log, const char *name, log_event_fn on_event, void *user,
                         struct log_diag *diag, enum log_reading reading,
                         const struct log_wanted *wanted);
/* The progress line shown on a terminal during a long read: "NAME: N of M MB read (P%)"
 * (TOTAL 0: the size is not known). */
void log_progress_text(const char *name, uint64_t done, uint64_t total, char *text,
                       size_t size);
/* A tool calls it once before it reads: the token arrays of the chunks read ahead, a
 * few MB each, then come back from the heap, where by default each one would be mapped
 * and faulted in anew (a fifth of the reading thread's time on a log of short lines).
 * Blocks over 4 MB (the tracker's arrays as they grow) are still mapped: grown on the
 * heap, they left their old copies behind (a million live objects took 20% more). */
void log_reader_tune_memory(void);
/* Opens PATH ("-" is stdin, named "<stdin>" in messages) and reads it as above. */
int log_read_path(const char *path, log_event_fn on_event, void *user, struct log_diag *diag);
/* The same, delivering only the events WANTED (NULL: all). */
int log_read_path_wanting(const char *path, const struct log_wanted *wanted,
                          log_event_fn on_event, void *user, struct log_diag *diag);

#endif
