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
    for (size_t i = 0; i < patterns->count; i++)
        if (fnmatch(patterns->names[i], name, 0) == 0)
            return true;
    return false;
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
    for (size_t i = 0; i < filter->count; i++)
        free(filter->names[i]);
    free(filter->names);
    filter->names = NULL;
    filter->count = 0;
}
