/* The log file of this process: where it goes, its header, and writing records to it. */
#ifndef REFSHIM_LOG_WRITER_H
#define REFSHIM_LOG_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Gets ready to log as CONFIG says; the file is created at the first record, named
 * REFLOG_FILE if no other process of the run has taken that name, else
 * "<REFLOG_FILE>.<pid>". FIRST_PROCESS (no process of the run before this one) frees the
 * name: it removes a previous run's log of this user, and refuses (false, with the reason
 * in ERR) a name that it cannot use or that holds another user's file. */
bool log_open(const struct config *config, bool first_process, char *err, size_t errlen);
/* In a forked child: drop the parent's log; the child's own is created at its first record
 * (or never, if children are not followed). Returns false when the child does not log. */
bool log_reopen_in_child(const struct config *config);
/* Appends whole records. From any thread, without waiting for others when the log is a
 * regular file. On an error logging stops, with one message on stderr. */
void log_write(const char *data, size_t len);
bool log_is_open(void);
/* Writes the comment line `# WORD TEXT` (TEXT without a line end) to a refshim-format
 * log; nothing in the xpcom format, which has no comments. */
void log_write_comment(const char *word, const char *text);
/* Appends definition records, after every definition written before. Callers serialize
 * their definitions (the depot's lock). */
void log_write_definitions(const char *data, size_t len);
/* Appends the records of one object's event after *AFTER: the later of where its previous
 * ones ended (0 at first) and log_definitions_end() when the definitions it uses were
 * written. *AFTER is moved past these records. Callers hold the object's lock. The
 * REPEAT_LEN bytes at REPEAT_AT (an event's thread id) may be left out where the line
 * before in the file is the same thread's (0, 0: nothing may be: another thread's event,
 * after which the calling thread's next event tells its thread again). False when nothing
 * was written (logging is off, or the caller is a vfork child). */
bool log_write_event(const char *data, size_t len, size_t *after, size_t repeat_at, size_t repeat_len);
/* Where the records written by log_write so far end: a definition written before the call
 * ends there or before. */
size_t log_definitions_end(void);
/* Whether the calling process owns the log state in this memory: false in a child made by
 * vfork (posix_spawn, system, popen), which shares its parent's memory until it executes
 * a program, and must change nothing of it. */
bool log_belongs_to_caller(void);
/* Around execve: the file is cut to its length before, and reopened for writing if the
 * exec fails. Nothing happens when the caller does not own the log. */
void log_before_exec(void);
void log_after_failed_exec(void);
/* At exit: waits for records being written and cuts the file to its length. */
void log_finish(void);

#endif
