/* asterisk_lines.h - what asterisk_format.c (the line reader, and the one that decides
 * what a line does) shares with asterisk_block.c (the block reader, which cuts lines
 * out of the reader's buffer by hand): a line cut into checked fields, and the step
 * that takes it or holds it back. Both readers give lines to that one step, so they
 * cannot differ in anything but which lines they can cut. */
#ifndef REFSHIM_ASTERISK_LINES_H
#define REFSHIM_ASTERISK_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fast_hash.h"
#include "log_format.h"

enum { ASTERISK_FIELD_COUNT = 8 };
enum { ADDR, DELTA, TID, FILE_NAME, LINE, FUNC, STATE, TAG };

enum line_kind { LINE_CONSTRUCTOR, LINE_DESTRUCTOR, LINE_INVALID, LINE_COUNT };

/* A line cut into its fields (its first seven commas now NULs), every number read and
 * checked: taking it cannot fail. */
struct parsed_line {
    char *field[ASTERISK_FIELD_COUNT];
    size_t site_length;     /* bytes of FILE,LINE,FUNC, the call site's key */
    struct fast_digest site; /* the key's digest (asterisk_site_digest) */
    uint64_t address;
    int64_t delta;
    uint64_t tid;
    enum line_kind kind;
    int64_t state_count;    /* LINE_COUNT: the count before the change */
    bool address_plain;     /* ADDR is spelled 0x%x (log_event's address_plain) */
    bool site_known;        /* SITE is set; else asterisk_site_digest sets it, when needed */
    /* Not NULL: FIELD is not set yet, and the line at UNCUT_TEXT (LENGTH bytes, then
     * its '\n' or a NUL) not cut at its UNCUT_COMMAS commas, which asterisk_cut_fields
     * does, ending it with a NUL: a quiet line of a reading of lives is never cut, nor
     * written (its bytes are in the reading thread's cache). */
    char *uncut_text;
    size_t uncut_length;
    uint16_t uncut_comma[ASTERISK_FIELD_COUNT - 1];
    uint8_t uncut_commas;
};

/* Sets PARSED's fields if they are not set yet. */
static inline void asterisk_cut_fields(struct parsed_line *parsed)
{
    char *text = parsed->uncut_text;
    if (!text)
        return;
    parsed->field[0] = text;
    text[parsed->uncut_length] = '\0';
    for (unsigned i = 0; i < parsed->uncut_commas; i++) {
        text[parsed->uncut_comma[i]] = '\0';
        parsed->field[i + 1] = text + parsed->uncut_comma[i] + 1;
    }
    if (parsed->uncut_commas == ASTERISK_FIELD_COUNT - 2)
        parsed->field[ASTERISK_FIELD_COUNT - 1] = text + parsed->uncut_length; /* no tag */
    parsed->uncut_text = NULL;
}

/* What the reading thread (asterisk_block.c's asterisk_scan_lines) read of one line:
 * about 80 bytes, as a line, for the parser reads every token the other core wrote. */
enum { TOKEN_TEXT = 0, TOKEN_USUAL = 1, TOKEN_EMPTY_LINE = 2 };
struct asterisk_token {
    struct scanned_line_head head;  /* the line with its '\n' */
    uint8_t kind;                   /* TOKEN_* */
    uint8_t commas;                 /* parsed_line's uncut_commas */
    uint8_t line_kind;              /* enum line_kind */
    bool address_plain;             /* parsed_line's */
    bool site_known;                /* parsed_line's */
    uint16_t comma[ASTERISK_FIELD_COUNT - 1];   /* parsed_line's uncut_comma */
    uint16_t site_length;
    struct fast_digest site;
    uint64_t address, tid;
    int64_t delta, state_count;
};

struct asterisk_state;

/* Gives a checked line (its text LENGTH bytes at TEXT, cut into PARSED) its turn: takes
 * it and the lines that waited for it, or holds a copy until its turn comes. */
void asterisk_accept_line(struct asterisk_state *state, struct parsed_line *parsed,
                          const char *text, size_t length, unsigned long line_number,
                          struct log_sink *sink);
/* The commonest line of a reading of lives, when no line waits: a count change (from
 * STATE_COUNT by DELTA, by thread TID) that fits the live object at ADDRESS and is quiet.
 * Takes it in one call and returns true; else changes nothing, and the line goes the way
 * of any other. */
bool asterisk_take_quiet(struct asterisk_state *state, const struct log_sink *sink,
                         uint64_t address, int64_t state_count, int64_t delta, uint64_t tid);
/* The next commonest, when no line waits at its address: the constructor line of an
 * object at an address with none alive, or the destructor line of the live object at its
 * address that takes its count to 0 or below, of a call site met before; read from its
 * TOKEN (TOKEN_USUAL), its text at TEXT, uncut. Takes it as asterisk_accept_line would,
 * in fewer steps, and returns true; else returns false, and the line goes the way of any
 * other (the lines that waited too long may have been taken, as asterisk_accept_line
 * first does, and the line cut in part, at places where it is cut anyway). */
bool asterisk_take_birth_or_death(struct asterisk_state *state,
                                  const struct asterisk_token *token, char *text,
                                  unsigned long line_number, struct log_sink *sink);
/* The same in two steps, for a reader of many lines: whether asterisk_take_quiet may take
 * a line at all (it may not while a line waits), which changes only when a line is
 * taken otherwise, then object_tracker_quiet_count_from of the state's tracker. */
bool asterisk_quiet_lines_taken(const struct asterisk_state *state, const struct log_sink *sink);
struct object_tracker *asterisk_tracker(struct asterisk_state *state);
/* asterisk_accept_line of a line asterisk_take_quiet did not take. */
void asterisk_accept_unquiet_line(struct asterisk_state *state, struct parsed_line *parsed,
                                  const char *text, size_t length, unsigned long line_number,
                                  struct log_sink *sink);

/* A line asterisk_block.c cut ahead of its turn: in its own copy, or, cut from a token
 * of the reading thread, where it is in the reader's buffer. */
struct asterisk_cut_line {
    struct parsed_line parsed;   /* its fields point into the line */
    char *line;                  /* TEXT, or the line in the reader's buffer */
    size_t length;
    const char *next;            /* where the next line starts in the reader's buffer */
    char text[1024];
};

/* The state's ASTERISK_LOOKAHEAD cut lines. */
enum { ASTERISK_LOOKAHEAD = 16 };
struct asterisk_cut_line *asterisk_cut_lines(struct asterisk_state *state);
/* Starts fetching what a line of KIND will look up, its object's slot in the tracker (and
 * its call site, SITE if known), into the cache. Out of line: inlined into the block
 * reader, GCC 12 -O2 left the prefetches out. */
void asterisk_prefetch_object(const struct asterisk_state *state, enum line_kind kind,
                              uint64_t address, const struct fast_digest *site);
/* The same for PARSED's line. */
void asterisk_prefetch(const struct asterisk_state *state, const struct parsed_line *parsed);
/* The second step, a few lines later, once the first brought the tracker's slot: the
 * tracker's record of the object at ADDRESS. */
void asterisk_prefetch_record(const struct asterisk_state *state, uint64_t address);

/* Sets PARSED's site digest from its FILE..FUNC fields and site_length. */
static inline void asterisk_site_digest(struct parsed_line *parsed)
{
    /* Of the text as written, its commas put back for the while: the reading thread
     * digests the lines where they are, uncut. */
    char *line_comma = parsed->field[LINE] - 1, *function_comma = parsed->field[FUNC] - 1;
    *line_comma = *function_comma = ',';
    parsed->site = fast_digest(parsed->field[FILE_NAME], parsed->site_length);
    parsed->site_known = true;
    *line_comma = *function_comma = '\0';
}

size_t asterisk_parse_block(void *state, const char *data, size_t length,
                            unsigned long *line_number, struct log_sink *sink, bool *need_more);
/* Reading on two cores (asterisk_block.c): scan_lines and parse_scanned of log_format.h. */
void asterisk_scan_lines(const char *data, size_t length, struct scanned_lines *scan);
size_t asterisk_parse_scanned(void *state, char *data, size_t length,
                              struct scanned_lines *scan, unsigned long *line_number,
                              struct log_sink *sink, bool *need_more);

#endif
