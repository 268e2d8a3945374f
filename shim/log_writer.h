/* The log file of this process: where it goes, its header, and writing records to it. */
#ifndef REFSHIM_LOG_WRITER_H
#define REFSHIM_LOG_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Opens the log named by CONFIG. A process that is not the first one traced in its
 * process tree (FIRST_PROCESS false) writes "<REFLOG_FILE>.<pid>" instead, so that no
 * process overwrites another's log. */
bool log_open(const struct config *config, bool first_process, char *err, size_t errlen);
/* In a forked child: switch to a log of its own (or stop logging if children are not
 * followed). Returns false when the child does not log. */
bool log_reopen_in_child(const struct config *config);
/* Appends whole records. From any thread, without waiting for others when the log is a
 * regular file. On an error logging stops, with one message on stderr. */
void log_write(const char *data, size_t len);
bool log_is_open(void);
/* Appends the records of one object's event after its previous ones: *AFTER is where
 * those ended (0 at first), and is moved past these. Callers hold the object's lock. */
void log_write_event(const char *data, size_t len, size_t *after);
/* Around execve: the file is cut to its length before, and reopened for writing if the
 * exec fails. */
void log_before_exec(void);
void log_after_failed_exec(void);
/* At exit: waits for records being written and cuts the file to its length. */
void log_finish(void);

#endif
