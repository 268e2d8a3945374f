/* The refshim log contract: the format version, the record letters, the event operations
 * and the notes, defined once for the shim that writes the log and the analyzers that
 * read it. doc/log-format.md explains each; a change here is a change of the format. */
#ifndef REFSHIM_LOG_H
#define REFSHIM_LOG_H

/* 2: an event's TID follows its STACK and is left out with its TAB (not just emptied)
 * after a line of the same thread; an N may leave out CLASS and SIZE when they are those
 * of its thread's previous N. Readers still read version 1 (REFSHIM_LOG_VERSION_V1). */
#define REFSHIM_LOG_VERSION 2
#define REFSHIM_LOG_VERSION_V1 1
#define REFSHIM_LOG_STRINGIFY(x) #x
#define REFSHIM_LOG_VERSION_TEXT(v) REFSHIM_LOG_STRINGIFY(v)
/* The first line of every log, without its newline. */
#define REFSHIM_LOG_SIGNATURE "# refshim " REFSHIM_LOG_VERSION_TEXT(REFSHIM_LOG_VERSION)
/* What the signature starts with in every version. */
#define REFSHIM_LOG_MAGIC "# refshim"

/* The first field of a record, one letter. */
enum refshim_record {
    REFSHIM_REC_MODULE = 'm',   /* m ID PATH */
    REFSHIM_REC_FRAME = 'f',    /* f ID MODULE OFFSET FUNCTION SOURCE */
    REFSHIM_REC_STACK = 's',    /* s ID PARENT FRAME */
    REFSHIM_REC_CLASS = 'c',    /* c ID NAME */
    REFSHIM_REC_OBJECT = 'o',   /* o SERIAL ADDRESS CLASS [SIZE]: older logs; now on the first event */
    REFSHIM_REC_NOTE = 'x',     /* x SERIAL NOTE */
    REFSHIM_REC_MARK = 'k',     /* k MARK LAST_SERIAL: a snapshot of the holders begins */
    REFSHIM_REC_HOLDER = 'h',   /* h MARK SERIAL REASON...: why SERIAL is alive at MARK */
    REFSHIM_REC_TAG = 't',      /* t SERIAL TAG: the allocation's tag (ao2), right after
                                 * the object's first event */
};

/* The most bytes of a TAG the shim writes (cut at a UTF-8 character's start). */
#define REFSHIM_TAG_MAX 200

/* Events (version 2):   OP SERIAL COUNT STACK [TID]
 * an object's first:    OP SERIAL COUNT STACK TID ADDRESS [CLASS [SIZE]]
 * TID left out (first event: empty) = the thread of the event line before; CLASS and SIZE
 * left out (N only) = those of the previous N of the same thread.
 * Version 1:            OP SERIAL COUNT TID STACK [ADDRESS CLASS [SIZE]], TID may be empty. */
#define REFSHIM_EVENT_FIELDS 4              /* without TID */
#define REFSHIM_FIRST_EVENT_MIN_FIELDS 6    /* ... TID ADDRESS */
#define REFSHIM_FIRST_EVENT_MAX_FIELDS 8    /* ... TID ADDRESS CLASS SIZE */
enum refshim_op {
    REFSHIM_OP_NEW = 'N',       /* created: its first reference, +1 */
    REFSHIM_OP_ADDREF = 'A',    /* +1 */
    REFSHIM_OP_RELEASE = 'R',   /* -1, still alive */
    REFSHIM_OP_DESTROY = 'D',   /* -1 to zero: destroyed */
};

/* Notes at exit (x records; xpcom's Note records). */
#define REFSHIM_NOTE_MAY_BE_LEAKED "may-be-leaked"

#endif
