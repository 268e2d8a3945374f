/* json_writer.h - the JSON back-end of the reports (refleaks --json, refbalance --json
 * and the data of refbalance --html).
 *
 * A streaming writer: values are written as they come, so a report of millions of objects
 * or a tree 100,000 levels deep never exists twice in memory. Output is compact (no
 * indentation: an indent that grows with depth makes deep trees quadratic in size) and
 * always valid JSON, whatever bytes the log held: strings are escaped, and bytes that are
 * not UTF-8 become U+FFFD. The schema of each report is in doc/json.md. */
#ifndef REFSHIM_JSON_WRITER_H
#define REFSHIM_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer {
    FILE *out;
    /* Also escape < > & so that the text can sit inside an HTML <script> element. */
    bool html_safe;
    /* A value was just written in the current array or object: the next one needs a comma. */
    bool after_value;
};

void json_writer_init(struct json_writer *writer, FILE *out, bool html_safe);
void json_begin_object(struct json_writer *writer);
void json_end_object(struct json_writer *writer);
void json_begin_array(struct json_writer *writer);
void json_end_array(struct json_writer *writer);
/* The key of the next member of the current object. */
void json_key(struct json_writer *writer, const char *key);
/* TEXT NULL is written as null. */
void json_string(struct json_writer *writer, const char *text);
/* The first LENGTH bytes of TEXT (which may go on). */
void json_string_n(struct json_writer *writer, const char *text, size_t length);
void json_int(struct json_writer *writer, int64_t value);
void json_uint(struct json_writer *writer, uint64_t value);
void json_bool(struct json_writer *writer, bool value);
/* Shorthands for a key and its value. */
void json_member_string(struct json_writer *writer, const char *key, const char *text);
void json_member_int(struct json_writer *writer, const char *key, int64_t value);
void json_member_uint(struct json_writer *writer, const char *key, uint64_t value);

#endif
