/* Comma-separated name lists of the environment: the classes to log (REFLOG_CLASSES) and
 * the functions to hook (REFLOG_NEW, REFLOG_ADDREF, REFLOG_RELEASE). */
#ifndef REFSHIM_NAME_LIST_H
#define REFSHIM_NAME_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct name_list {
    char **names;   /* NULL when the variable is unset */
    char **labels;  /* function patterns: the class after "=" (pattern=class), or NULL */
    size_t count;
};

/* Parses "nsFoo,nsBar". Empty items are an error: they are always a typo. */
bool name_list_parse(struct name_list *filter, const char *text, char *err, size_t errlen);
/* For function patterns: like name_list_parse, but an item may name its class after its
 * last "=" ("hb_blob_create*=hb_blob"); LABELS then holds it. */
bool name_list_parse_patterns(struct name_list *patterns, const char *text, char *err,
                              size_t errlen);
/* For class filters: true when no list is set or NAME is one of the listed names. */
bool name_list_matches(const struct name_list *filter, const char *name);
/* For function patterns: like name_list_parse, but an item may name its class after its
 * last "=" ("hb_blob_create*=hb_blob"); LABELS then holds it. */
bool name_list_parse_patterns(struct name_list *patterns, const char *text, char *err,
                              size_t errlen);
/* For class filters: true when no list is set or some listed name starts with PREFIX. */
bool name_list_may_match_prefix(const struct name_list *filter, const char *prefix);
/* For function patterns: true when NAME matches one of the glob patterns (fnmatch). */
bool name_list_glob_any(const struct name_list *patterns, const char *name);
/* The index of the first pattern NAME matches, or -1. */
int name_list_glob_index(const struct name_list *patterns, const char *name);
/* The class a reference-counting function's name implies (malloc'd; NULL when out of
 * memory). C++ (NAME has "::", no parameter list): the name up to its last "::". C: the
 * words before the first verb word after the first one (new, create, ref, unref, retain,
 * release, destroy, free, copy...): hb_blob_create_or_fail, dbus_message_new_method_call
 * and widget_retain give hb_blob, dbus_message and widget. With no verb word, the name up
 * to its last "_". */
char *function_class_name(const char *name);
/* True when some pattern looks like a demangled C++ name (has "::" or a parameter list),
 * so that mangled symbols must be demangled before matching. */
bool name_list_wants_demangled(const struct name_list *patterns);
void name_list_free(struct name_list *filter);

#endif
