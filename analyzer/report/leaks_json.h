/* leaks_json.h - refleaks --json: the leaked objects of one log, and with --bloat the
 * per-class counts, as one member of the "logs" array (schema in doc/json.md). */
#ifndef REFSHIM_LEAKS_JSON_H
#define REFSHIM_LEAKS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "json_writer.h"
#include "leak_table.h"

/* Writes {"log", ["classes",] "leaked"}; returns the number of leaked objects. */
size_t leaks_json_write(struct json_writer *writer, const char *log_name,
                        const struct leak_table *table, bool with_classes);

#endif
