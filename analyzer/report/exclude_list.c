/* exclude_list.c - a hash set of function keys read from an exclude file. */
#include "exclude_list.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "alloc.h"
#include "escape_text.h"
#include "func_name.h"

struct excluded_name {
    char *key;
    UT_hash_handle hh;
};

struct exclude_list {
    struct excluded_name *names;
};

struct exclude_list *exclude_list_new(void)
{
    return xcalloc(1, sizeof(struct exclude_list));
}

void exclude_list_free(struct exclude_list *list)
{
    if (!list)
        return;
    struct excluded_name *name, *next;
    HASH_ITER(hh, list->names, name, next) {
        HASH_DEL(list->names, name);
        free(name->key);
        free(name);
    }
    free(list);
}

void exclude_list_add(struct exclude_list *list, const char *name)
{
    size_t key_length = func_name_key_length(name);
    struct excluded_name *found;
    HASH_FIND(hh, list->names, name, key_length, found);
    if (found)
        return;
    struct excluded_name *entry = xcalloc(1, sizeof *entry);
    entry->key = xstrndup(name, key_length);
    HASH_ADD_KEYPTR(hh, list->names, entry->key, key_length, entry);
}

/* Trims LINE in place (including the `\r` of CRLF files) and returns its start. */
static char *trim(char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    size_t length = strlen(line);
    while (length > 0 && isspace((unsigned char)line[length - 1]))
        line[--length] = '\0';
    return line;
}

bool exclude_list_load_stream(struct exclude_list *list, FILE *file)
{
    char *line = NULL;
    size_t capacity = 0;
    while (getline(&line, &capacity, file) >= 0) {
        char *name = trim(line);
        if (name[0] != '\0' && name[0] != '#')
            exclude_list_add(list, name);
    }
    free(line);
    return !ferror(file);
}

bool exclude_list_load_path(struct exclude_list *list, const char *path, char *error,
                            size_t error_size)
{
    char escaped[1024];
    FILE *file = fopen(path, "r");
    if (!file) {
        snprintf(error, error_size, "%s: %s", escape_text(path, escaped, sizeof escaped),
                 strerror(errno));
        return false;
    }
    errno = 0;
    bool ok = exclude_list_load_stream(list, file);
    if (!ok)
        snprintf(error, error_size, "%s: %s", escape_text(path, escaped, sizeof escaped),
                 strerror(errno ? errno : EIO));
    fclose(file);
    return ok;
}

bool exclude_list_matches(const struct exclude_list *list, const char *function_name)
{
    struct excluded_name *found;
    HASH_FIND(hh, list->names, function_name, func_name_key_length(function_name), found);
    return found != NULL;
}

size_t exclude_list_size(const struct exclude_list *list)
{
    return HASH_COUNT(list->names);
}
