/* Name lists from the environment. Class names match exactly, as in Mozilla's
 * XPCOM_MEM_LOG_CLASSES; function names are glob patterns. Both checks run once per hooked
 * function or per new class, never per event, so a linear scan is enough. */
#include "name_list.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool name_list_parse(struct name_list *filter, const char *text, char *err, size_t errlen)
{
    filter->names = NULL;
    filter->labels = NULL;
    filter->count = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed > 0 && p[trimmed - 1] == ' ')
            trimmed--;
        if (trimmed == 0) {
            snprintf(err, errlen, "empty name in \"%s\"", text);
            name_list_free(filter);
            return false;
        }
        char **grown = realloc(filter->names, (filter->count + 1) * sizeof *grown);
        char *name = strndup(p, trimmed);
        if (!grown || !name) {
            free(name);
            if (grown)
                filter->names = grown;
            snprintf(err, errlen, "out of memory");
            name_list_free(filter);
            return false;
        }
        filter->names = grown;
        filter->names[filter->count++] = name;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

/* A label is a class name: something like an identifier, never part of a C++ name such
 * as "operator=" or "operator==". */
static bool looks_like_label(const char *text)
{
    if (*text == '\0')
        return false;
    for (const char *p = text; *p != '\0'; p++)
        if (!(*p == '_' || *p == ':' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
              (*p >= 'A' && *p <= 'Z')))
            return false;
    return true;
}

bool name_list_parse_patterns(struct name_list *patterns, const char *text, char *err,
                              size_t errlen)
{
    if (!name_list_parse(patterns, text, err, errlen))
        return false;
    patterns->labels = calloc(patterns->count, sizeof *patterns->labels);
    if (patterns->labels == NULL) {
        snprintf(err, errlen, "out of memory");
        name_list_free(patterns);
        return false;
    }
    for (size_t i = 0; i < patterns->count; i++) {
        char *equals = strrchr(patterns->names[i], '=');
        if (equals == NULL || !looks_like_label(equals + 1))
            continue;
        if (equals == patterns->names[i]) {
            snprintf(err, errlen, "no function before \"%s\"", equals);
            name_list_free(patterns);
            return false;
        }
        if ((patterns->labels[i] = strdup(equals + 1)) == NULL) {
            snprintf(err, errlen, "out of memory");
            name_list_free(patterns);
            return false;
        }
        *equals = '\0';
    }
    return true;
}

bool name_list_matches(const struct name_list *filter, const char *name)
{
    if (filter->names == NULL)
        return true;
    for (size_t i = 0; i < filter->count; i++)
        if (strcmp(filter->names[i], name) == 0)
            return true;
    return false;
}

bool name_list_may_match_prefix(const struct name_list *filter, const char *prefix)
{
    if (filter->names == NULL)
        return true;
    size_t n = strlen(prefix);
    for (size_t i = 0; i < filter->count; i++)
        if (strncmp(filter->names[i], prefix, n) == 0)
            return true;
    return false;
}

bool name_list_glob_any(const struct name_list *patterns, const char *name)
{
    return name_list_glob_index(patterns, name) >= 0;
}

int name_list_glob_index(const struct name_list *patterns, const char *name)
{
    for (size_t i = 0; i < patterns->count; i++)
        if (fnmatch(patterns->names[i], name, 0) == 0)
            return (int)i;
    return -1;
}

/* Words of C function names that say what the function does to its object. */
static bool is_verb_word(const char *word, size_t len)
{
    static const char *const verbs[] = {
        "new", "create", "ref", "unref", "reference", "retain", "release", "destroy", "free",
        "copy", "dup", "clone", "delete", "alloc", "acquire", "incref", "decref", "addref",
        "grab", "open", "close", "make", "sink",
    };
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strlen(verbs[i]) == len && strncmp(verbs[i], word, len) == 0)
            return true;
    return false;
}

char *function_class_name(const char *name)
{
    const char *sep = NULL;
    for (const char *p = strstr(name, "::"); p != NULL; p = strstr(p + 2, "::"))
        sep = p;
    if (sep != NULL)
        return strndup(name, (size_t)(sep - name));
    const char *first_sep = strchr(name, '_');
    for (const char *word = first_sep; word != NULL && word != name; word = strchr(word + 1, '_')) {
        const char *start = word + 1;
        if (is_verb_word(start, strcspn(start, "_")))
            return strndup(name, (size_t)(word - name));
    }
    sep = strrchr(name, '_');
    if (sep == NULL || sep == name)
        return strdup(name);
    return strndup(name, (size_t)(sep - name));
}

bool name_list_wants_demangled(const struct name_list *patterns)
{
    for (size_t i = 0; i < patterns->count; i++)
        if (strstr(patterns->names[i], "::") != NULL || strchr(patterns->names[i], '(') != NULL)
            return true;
    return false;
}

void name_list_free(struct name_list *filter)
{
    for (size_t i = 0; i < filter->count; i++) {
        free(filter->names[i]);
        if (filter->labels != NULL)
            free(filter->labels[i]);
    }
    free(filter->names);
    free(filter->labels);
    filter->names = NULL;
    filter->labels = NULL;
    filter->count = 0;
}
