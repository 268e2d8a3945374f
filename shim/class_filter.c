/* REFLOG_CLASSES: which classes are logged. Matching is exact, as in Mozilla's
 * XPCOM_MEM_LOG_CLASSES; the check runs once per hooked method or per new GType,
 * never per event, so a linear scan is enough. */
#include "class_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool class_filter_parse(struct class_filter *filter, const char *text, char *err, size_t errlen)
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
            snprintf(err, errlen, "empty class name in \"%s\"", text);
            class_filter_free(filter);
            return false;
        }
        char **grown = realloc(filter->names, (filter->count + 1) * sizeof *grown);
        char *name = strndup(p, trimmed);
        if (!grown || !name) {
            free(name);
            if (grown)
                filter->names = grown;
            snprintf(err, errlen, "out of memory");
            class_filter_free(filter);
            return false;
        }
        filter->names = grown;
        filter->names[filter->count++] = name;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

bool class_filter_matches(const struct class_filter *filter, const char *name)
{
    if (filter->names == NULL)
        return true;
    for (size_t i = 0; i < filter->count; i++)
        if (strcmp(filter->names[i], name) == 0)
            return true;
    return false;
}

void class_filter_free(struct class_filter *filter)
{
    for (size_t i = 0; i < filter->count; i++)
        free(filter->names[i]);
    free(filter->names);
    filter->names = NULL;
    filter->count = 0;
}
