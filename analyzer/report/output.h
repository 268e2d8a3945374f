/* output.h - the one interface the reports write through, with a text and a JSON back-end.
 *
 * A report describes its content once, as JSON-shaped values: objects and lists, named
 * fields, stacks. The JSON back-end writes them as they come (doc/json.md); the text
 * back-end keeps the fields of the object being written and prints the object's text
 * format with them: its head before anything nested in the object (or at its end), its
 * tail at its end. So each report's text bytes are set by a few format strings, and its
 * JSON keys by the same calls.
 *
 * Format strings: literal text, and
 *   {key}          the field's value ("" when it is missing)
 *   {key:SPEC}     padded as printf's %SPECs: `10`, `-12`, `-*` (* is output_set_width's)
 *   {key|TEXT}     TEXT when the field is missing
 *   {?key}...{/}   the text between, only when the field is present
 *   {!key}...{/}   the text between, only when it is missing
 * A stack field prints as frame_text_print_stack does, one frame per line. */
#ifndef REFSHIM_OUTPUT_H
#define REFSHIM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_reader.h"

/* Which back-ends see an object or list (and everything in it). */
enum output_scope { OUTPUT_BOTH, OUTPUT_TEXT_ONLY, OUTPUT_JSON_ONLY };

struct text_format {
    const char *head;           /* NULL: nothing */
    const char *tail;           /* NULL: nothing */
    enum output_scope scope;
};

struct output;

struct output *output_new_text(FILE *out);
/* HTML_SAFE: also escape < > & (for a <script> element). */
struct output *output_new_json(FILE *out, bool html_safe);
/* A second output of the same kind on OUT (the spill files of --history). Inside a list
 * of its own, so that what it writes can be copied into a list with output_copy_list. */
struct output *output_new_like(const struct output *model, FILE *out);
void output_free(struct output *output);
bool output_is_json(const struct output *output);
/* The width `*` stands for in format specs. */
void output_set_width(struct output *output, int width);

/* KEY names the value inside an object; it is ignored inside a list. FORMAT may be NULL. */
void out_begin_object(struct output *output, const char *key, const struct text_format *format);
void out_end_object(struct output *output);
void out_begin_list(struct output *output, const char *key, const struct text_format *format);
void out_end_list(struct output *output);

/* TEXT NULL: null in JSON, a missing field in text. */
void out_string(struct output *output, const char *key, const char *text);
/* The first LENGTH bytes of TEXT. */
void out_string_n(struct output *output, const char *key, const char *text, size_t length);
void out_uint(struct output *output, const char *key, uint64_t value);
void out_int(struct output *output, const char *key, int64_t value);
void out_stack(struct output *output, const char *key, const struct log_frame *frames,
               size_t frame_count);
/* A field only the text formats use (a padded label, a plural `s`); JSON leaves it out. */
void out_text_field(struct output *output, const char *key, const char *text);
/* VALUE in decimal, with a '+' before it if PLUS_SIGN and it is not negative, in TEXT
 * (NUL-terminated); returns TEXT. The reports' numbers, without snprintf's cost. */
char *output_decimal(char text[24], int64_t value, bool plus_sign);
/* A number that is one line of text of its own, LINE_FORMAT, in the text (`{KEY} held
 * from stacks\n`), and a member KEY in JSON. */
void out_uint_line(struct output *output, const char *key, uint64_t value,
                   const char *line_format);

/* Appends to the current list what SPILL's output (output_new_like) wrote: COUNT values. */
bool out_copy_list(struct output *output, FILE *spill, size_t count);

/* Flushes pending text; the output's file is the caller's. */
int output_flush(struct output *output);

#endif
