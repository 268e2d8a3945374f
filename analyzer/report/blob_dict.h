/* blob_dict.h - numbers for the byte strings a report sees again and again, up to a
 * budget.
 *
 * refleaks --history spools millions of events that repeat a few thousand call sites,
 * tags and states: a number takes a byte or three where the text takes dozens. A log of
 * all-different texts must not make memory grow with it, so past the budget a text gets
 * no number and the caller writes it out in full. */
#ifndef REFSHIM_BLOB_DICT_H
#define REFSHIM_BLOB_DICT_H

#include <stddef.h>
#include <stdint.h>

struct blob_dict;

/* At most MAX_BYTES of texts are kept. */
struct blob_dict *blob_dict_new(size_t max_bytes);
void blob_dict_free(struct blob_dict *dict);
/* The number of DATA (LENGTH bytes), given the first time it is seen; -1 if it is new
 * and the budget is spent. */
int64_t blob_dict_number(struct blob_dict *dict, const void *data, size_t length);
/* The text numbered NUMBER, followed by a NUL byte not counted in *LENGTH; NULL if no
 * text has that number. */
const char *blob_dict_text(const struct blob_dict *dict, uint64_t number, size_t *length);

#endif
