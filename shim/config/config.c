/* Reads the REFLOG_* environment into a struct config, rejecting values that cannot be
 * meant: a wrong value is reported by the shim once and tracing is then off, because
 * tracing the wrong objects silently is worse than not tracing. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_small_int(const char *text, int min, int max, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < min || v > max)
        return false;
    *out = (int)v;
    return true;
}

static bool load_values(struct config *config, env_lookup_fn lookup, char *err, size_t errlen);

/* Rewrites TEXT with its control characters (and backslashes) escaped, C style, cut to
 * SIZE bytes: messages quote the user's values, and a newline or an escape sequence in a
 * value must not reach the terminal raw. */
void config_escape_controls(char *text, size_t size)
{
    char escaped[1024];
    size_t out = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        char piece[5];
        switch (*p) {
        case '\n': strcpy(piece, "\\n"); break;
        case '\t': strcpy(piece, "\\t"); break;
        case '\r': strcpy(piece, "\\r"); break;
        case '\\': strcpy(piece, "\\\\"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                snprintf(piece, sizeof piece, "\\x%02x", *p);
            else
                piece[0] = (char)*p, piece[1] = '\0';
        }
        size_t n = strlen(piece);
        if (out + n >= sizeof escaped || out + n >= size)
            break;
        memcpy(escaped + out, piece, n);
        out += n;
    }
    escaped[out] = '\0';
    memcpy(text, escaped, out + 1);
}

int config_delta_argument(const char *entry)
{
    const char *colon = strrchr(entry, ':');
    int argument;
    if (colon == NULL || colon == entry || colon[-1] == ':' ||
        !parse_small_int(colon + 1, 2, 6, &argument))
        return 0;
    return argument;
}

bool config_load(struct config *config, env_lookup_fn lookup, char *err, size_t errlen)
{
    if (load_values(config, lookup, err, errlen))
        return true;
    config_escape_controls(err, errlen);
    return false;
}

static bool load_values(struct config *config, env_lookup_fn lookup, char *err, size_t errlen)
{
    memset(config, 0, sizeof *config);
    config->std_fd = -1;
    config->depth = CONFIG_DEFAULT_DEPTH;
    config->follow_children = true;

    const char *file = lookup("REFLOG_FILE");
    if (file == NULL)
        return true;             /* inert: nothing else matters */
    if (*file == '\0') {
        snprintf(err, errlen, "REFLOG_FILE is empty (give a path, 1 for stdout or 2 for stderr)");
        return false;
    }
    config->file = file;
    if (strcmp(file, "1") == 0 || strcmp(file, "2") == 0)
        config->std_fd = file[0] - '0';

    char why[200];
    const char *classes = lookup("REFLOG_CLASSES");
    if (classes != NULL && !name_list_parse(&config->classes, classes, why, sizeof why)) {
        snprintf(err, errlen, "REFLOG_CLASSES: %s", why);
        config_free(config);
        return false;
    }
    static const struct {
        const char *variable;
        size_t offset;
    } function_lists[] = {
        {"REFLOG_NEW", offsetof(struct config, new_fns)},
        {"REFLOG_ADDREF", offsetof(struct config, addref_fns)},
        {"REFLOG_RELEASE", offsetof(struct config, release_fns)},
        {"REFLOG_REF", offsetof(struct config, delta_fns)},
    };
    for (size_t i = 0; i < sizeof function_lists / sizeof function_lists[0]; i++) {
        const char *value = lookup(function_lists[i].variable);
        struct name_list *list = (struct name_list *)((char *)config + function_lists[i].offset);
        if (value != NULL && !name_list_parse_patterns(list, value, why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", function_lists[i].variable, why);
            config_free(config);
            return false;
        }
    }
    for (size_t i = 0; i < config->delta_fns.count; i++) {
        if (config_delta_argument(config->delta_fns.names[i]) == 0) {
            snprintf(err, errlen, "REFLOG_REF: \"%s\" is not FUNCTION:N, N the argument "
                     "(2 to 6) that gives the change", config->delta_fns.names[i]);
            config_free(config);
            return false;
        }
    }
    const char *objects = lookup("REFLOG_OBJECTS");
    if (objects != NULL) {
        if (!serial_set_parse(&config->objects, objects, why, sizeof why)) {
            snprintf(err, errlen, "REFLOG_OBJECTS: %s", why);
            config_free(config);
            return false;
        }
        config->have_objects = true;
    }
    const char *depth = lookup("REFLOG_DEPTH");
    if (depth != NULL && !parse_small_int(depth, 1, CONFIG_MAX_DEPTH, &config->depth)) {
        snprintf(err, errlen, "REFLOG_DEPTH: \"%s\" is not a number of frames from 1 to %d",
                 depth, CONFIG_MAX_DEPTH);
        config_free(config);
        return false;
    }
    const char *format = lookup("REFLOG_FORMAT");
    if (format != NULL) {
        if (strcmp(format, "refshim") == 0) {
            config->format = FORMAT_REFSHIM;
        } else if (strcmp(format, "xpcom") == 0) {
            config->format = FORMAT_XPCOM;
        } else {
            snprintf(err, errlen, "REFLOG_FORMAT: \"%s\" is not refshim or xpcom", format);
            config_free(config);
            return false;
        }
    }
    const char *children = lookup("REFLOG_CHILDREN");
    if (children != NULL) {
        if (strcmp(children, "0") != 0 && strcmp(children, "1") != 0) {
            snprintf(err, errlen, "REFLOG_CHILDREN: \"%s\" is not 0 or 1", children);
            config_free(config);
            return false;
        }
        config->follow_children = children[0] == '1';
    }
    return true;
}

void config_free(struct config *config)
{
    name_list_free(&config->classes);
    name_list_free(&config->new_fns);
    name_list_free(&config->addref_fns);
    name_list_free(&config->release_fns);
    name_list_free(&config->delta_fns);
    serial_set_free(&config->objects);
    config->have_objects = false;
}
