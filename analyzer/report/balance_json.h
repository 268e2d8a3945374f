/* balance_json.h - refbalance --json: the object, its balance tree and its events as one
 * JSON document (schema in doc/json.md). refbalance --html embeds the same document. */
#ifndef REFSHIM_BALANCE_JSON_H
#define REFSHIM_BALANCE_JSON_H

#include <stdbool.h>

#include "balance_tree.h"
#include "json_writer.h"
#include "object_events.h"

/* With IGNORE_BALANCED, a node with bal 0 has no children, as in the text tree. */
void balance_json_write(struct json_writer *writer, const struct balance_tree *tree,
                        const struct object_events *history, bool ignore_balanced);

#endif
