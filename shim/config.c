/* Reads the REFLOG_* environment into a struct config, rejecting values that cannot be
 * meant: a wrong value is reported by the shim once and tracing is then off, because
 * tracing the wrong objects silently is worse than not tracing. */
#include "config.h"

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

bool config_load(struct config *config, env_lookup_fn lookup, char *err, size_t errlen)
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
    if (classes != NULL && !class_filter_parse(&config->classes, classes, why, sizeof why)) {
        snprintf(err, errlen, "REFLOG_CLASSES: %s", why);
        config_free(config);
        return false;
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
    class_filter_free(&config->classes);
    serial_set_free(&config->objects);
    config->have_objects = false;
}
