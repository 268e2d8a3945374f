/* Comma-separated name lists of the environment: the classes to log (REFLOG_CLASSES) and
 * the functions to hook (REFLOG_NEW, REFLOG_ADDREF, REFLOG_RELEASE). */
#ifndef REFSHIM_NAME_LIST_H
#define REFSHIM_NAME_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct name_list {
    char **names;   /* NULL when the variable is unset */
    size_t count;
};

/* Parses "nsFoo,nsBar". Empty items are an error: they are always a typo. */
bool name_list_parse(struct name_list *filter, const char *text, char *err, size_t errlen);
/* For class filters: true when no list is set or NAME is one of the listed names. */
bool name_list_matches(const struct name_list *filter, const char *name);
/* For class filters: true when no list is set or some listed name starts with PREFIX. */
bool name_list_may_match_prefix(const struct name_list *filter, const char *prefix);
/* For function patterns: true when NAME matches one of the glob patterns (fnmatch). */
bool name_list_glob_any(const struct name_list *patterns, const char *name);
/* True when some pattern looks like a demangled C++ name (has "::" or a parameter list),
 * so that mangled symbols must be demangled before matching. */
bool name_list_wants_demangled(const struct name_list *patterns);
void name_list_free(struct name_list *filter);

#endif
