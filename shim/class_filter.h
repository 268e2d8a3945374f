/* The list of class names to log (REFLOG_CLASSES). */
#ifndef REFSHIM_CLASS_FILTER_H
#define REFSHIM_CLASS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct class_filter {
    char **names;   /* NULL when every class is logged */
    size_t count;
};

/* Parses "nsFoo,nsBar". Empty items are an error: they are always a typo. */
bool class_filter_parse(struct class_filter *filter, const char *text, char *err, size_t errlen);
/* True when no filter is set or NAME is one of the listed classes. */
bool class_filter_matches(const struct class_filter *filter, const char *name);
void class_filter_free(struct class_filter *filter);

#endif
