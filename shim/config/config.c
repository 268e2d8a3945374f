/* Reads the REFLOG_* environment into a struct config, rejecting values that cannot be
 * meant: a wrong value is reported by the shim once and tracing is then off, because
 * tracing the wrong objects silently is worse than not tracing. */
#include "config.h"

#include <signal.h>
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

/* Each parser reads VALUE (set, maybe empty) into CONFIG, or says in ERR, after NAME,
 * why it cannot. */
static bool parse_file(struct config *config, const char *name, const char *value, char *err,
                       size_t errlen)
{
    if (*value == '\0') {
        snprintf(err, errlen, "%s is empty (give a path, 1 for stdout or 2 for stderr)", name);
        return false;
    }
    config->file = value;
    if (strcmp(value, "1") == 0 || strcmp(value, "2") == 0)
        config->std_fd = value[0] - '0';
    return true;
}

static bool parse_classes(struct config *config, const char *name, const char *value,
                          char *err, size_t errlen)
{
    char why[200];
    if (name_list_parse(&config->classes, value, why, sizeof why))
        return true;
    snprintf(err, errlen, "%s: %s", name, why);
    return false;
}

static struct name_list *function_list(struct config *config, const char *name)
{
    return strcmp(name, "REFLOG_NEW") == 0      ? &config->new_fns
           : strcmp(name, "REFLOG_ADDREF") == 0 ? &config->addref_fns
                                                : &config->release_fns;
}

static bool parse_function_list(struct config *config, const char *name, const char *value,
                                char *err, size_t errlen)
{
    char why[200];
    if (name_list_parse_patterns(function_list(config, name), value, why, sizeof why))
        return true;
    snprintf(err, errlen, "%s: %s", name, why);
    return false;
}

/* REFLOG_REF: patterns as for the other lists, each ending in ":N", the argument (2 to
 * 6) that gives the change. */
static bool parse_delta_list(struct config *config, const char *name, const char *value,
                             char *err, size_t errlen)
{
    char why[200];
    if (!name_list_parse_patterns(&config->delta_fns, value, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", name, why);
        return false;
    }
    for (size_t i = 0; i < config->delta_fns.count; i++) {
        if (config_delta_argument(config->delta_fns.names[i]) == 0) {
            snprintf(err, errlen, "%s: \"%s\" is not FUNCTION:N, N the argument (2 to 6) "
                     "that gives the change", name, config->delta_fns.names[i]);
            return false;
        }
    }
    return true;
}

static bool parse_objects(struct config *config, const char *name, const char *value,
                          char *err, size_t errlen)
{
    char why[200];
    if (!serial_set_parse(&config->objects, value, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", name, why);
        return false;
    }
    config->have_objects = true;
    return true;
}

static bool parse_depth(struct config *config, const char *name, const char *value, char *err,
                        size_t errlen)
{
    if (parse_small_int(value, 1, CONFIG_MAX_DEPTH, &config->depth))
        return true;
    snprintf(err, errlen, "%s: \"%s\" is not a number of frames from 1 to %d", name, value,
             CONFIG_MAX_DEPTH);
    return false;
}

static bool parse_format(struct config *config, const char *name, const char *value,
                         char *err, size_t errlen)
{
    if (strcmp(value, "refshim") == 0) {
        config->format = FORMAT_REFSHIM;
    } else if (strcmp(value, "xpcom") == 0) {
        config->format = FORMAT_XPCOM;
    } else {
        snprintf(err, errlen, "%s: \"%s\" is not refshim or xpcom", name, value);
        return false;
    }
    return true;
}

static bool parse_switch(const char *name, const char *value, bool *out, char *err,
                         size_t errlen)
{
    if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0) {
        snprintf(err, errlen, "%s: \"%s\" is not 0 or 1", name, value);
        return false;
    }
    *out = value[0] == '1';
    return true;
}

static bool parse_children(struct config *config, const char *name, const char *value,
                           char *err, size_t errlen)
{
    return parse_switch(name, value, &config->follow_children, err, errlen);
}

static bool parse_holders(struct config *config, const char *name, const char *value,
                          char *err, size_t errlen)
{
    return parse_switch(name, value, &config->scan_holders, err, errlen);
}

/* USR1, USR2 (with or without SIG) or a signal number a handler may be given for. */
static bool parse_snapshot_signal(struct config *config, const char *name, const char *value,
                                  char *err, size_t errlen)
{
    const char *bare = strncmp(value, "SIG", 3) == 0 ? value + 3 : value;
    int number = 0;
    if (strcmp(bare, "USR1") == 0)
        number = SIGUSR1;
    else if (strcmp(bare, "USR2") == 0)
        number = SIGUSR2;
    else if (!parse_small_int(bare, 1, NSIG - 1, &number) || number == SIGKILL ||
             number == SIGSTOP)
        number = 0;
    if (number == 0) {
        snprintf(err, errlen, "%s: \"%s\" is not USR1, USR2 or a signal number", name, value);
        return false;
    }
    config->snapshot_signal = number;
    return true;
}

typedef bool (*variable_parser)(struct config *config, const char *name, const char *value,
                                char *err, size_t errlen);

static const struct {
    struct config_variable about;
    variable_parser parse;
} variables[] = {
#define REFLOG_VARIABLE(name, parser, default_text, description) \
    {{#name, default_text, description}, parser},
#include "variables.inc"
#undef REFLOG_VARIABLE
};

size_t config_variable_count(void)
{
    return sizeof variables / sizeof variables[0];
}

const struct config_variable *config_variable(size_t index)
{
    return index < config_variable_count() ? &variables[index].about : NULL;
}

static bool load_values(struct config *config, env_lookup_fn lookup, char *err, size_t errlen)
{
    memset(config, 0, sizeof *config);
    config->std_fd = -1;
    config->depth = CONFIG_DEFAULT_DEPTH;
    config->follow_children = true;
    config->scan_holders = true;
    if (lookup(variables[0].about.name) == NULL)
        return true;             /* REFLOG_FILE unset: inert, nothing else matters */
    for (size_t i = 0; i < config_variable_count(); i++) {
        const char *value = lookup(variables[i].about.name);
        if (value != NULL && !variables[i].parse(config, variables[i].about.name, value, err,
                                                 errlen)) {
            config_free(config);
            return false;
        }
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
