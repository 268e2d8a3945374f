/* What the user asked for through the environment (REFLOG_*). */
#ifndef REFSHIM_CONFIG_H
#define REFSHIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "name_list.h"
#include "ranges.h"

#define CONFIG_DEFAULT_DEPTH 64
#define CONFIG_MAX_DEPTH 256

enum log_format {
    FORMAT_REFSHIM,             /* doc/log-format.md */
    FORMAT_XPCOM,               /* Mozilla's XPCOM_MEM_REFCNT_LOG */
};

struct config {
    const char *file;           /* REFLOG_FILE: path, "1" or "2"; NULL = shim inert */
    int std_fd;                 /* 1 or 2 when REFLOG_FILE names stdout/stderr, else -1 */
    struct name_list classes;   /* REFLOG_CLASSES */
    struct name_list new_fns;   /* REFLOG_NEW: functions returning a new object, count 1 */
    struct name_list addref_fns;/* REFLOG_ADDREF: functions adding a reference to arg 1 */
    struct name_list release_fns;/* REFLOG_RELEASE: functions dropping a reference */
    struct name_list delta_fns; /* REFLOG_REF: "function:N", changing arg 1's count by arg N */
    bool have_objects;
    struct serial_set objects;  /* REFLOG_OBJECTS */
    int depth;                  /* REFLOG_DEPTH: frames kept per stack */
    bool follow_children;       /* REFLOG_CHILDREN: forked and exec'd processes log too */
    bool scan_holders;          /* REFLOG_HOLDERS: why each object is alive, at exit */
    int snapshot_signal;        /* REFLOG_SNAPSHOT_SIGNAL: 0, or the signal for a snapshot */
    enum log_format format;     /* REFLOG_FORMAT */
};

/* The argument (2 to 6) that gives the change in a REFLOG_REF entry "function:N", or 0
 * when ENTRY has no such suffix. */
int config_delta_argument(const char *entry);
/* One REFLOG_* variable, as variables.inc describes it. */
struct config_variable {
    const char *name;           /* "REFLOG_DEPTH" */
    const char *default_text;   /* what the variable unset means, for people */
    const char *description;    /* one line */
};
/* The variables the shim reads, in the order of variables.inc. */
size_t config_variable_count(void);
const struct config_variable *config_variable(size_t index);

typedef const char *(*env_lookup_fn)(const char *name);

/* Fills CONFIG from LOOKUP (secure_getenv in the shim, a table in tests). Returns false with
 * a reason naming the variable in ERR when a value cannot be used. */
bool config_load(struct config *config, env_lookup_fn lookup, char *err, size_t errlen);
void config_free(struct config *config);
/* Escapes TEXT's control characters and backslashes in place (\n, \x1b, \\), keeping
 * at most SIZE bytes with the terminating NUL: for messages that quote REFLOG_* values. */
void config_escape_controls(char *text, size_t size);

#endif
