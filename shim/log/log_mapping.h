/* A log file written through a shared mapping: lock-free appends that survive a crash. */
#ifndef REFSHIM_LOG_MAPPING_H
#define REFSHIM_LOG_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

/* Starts writing the regular file open on FD (empty) through a mapping. False if the file
 * cannot be mapped; the caller then falls back to write(2). BLANK_LINES_ARE_PADDING: the
 * format has no empty lines of its own, so those that fill blocks are removed when the log
 * is cut (refshim's format; not Mozilla's, where an empty line ends a record). */
bool log_mapping_start(int fd, bool blank_lines_are_padding);
/* Appends LEN bytes at the end of the file: headers and definitions. Returns false when
 * logging has stopped (disk full, the log's file descriptor was closed under us, the
 * mapping is closed). */
bool log_mapping_append(const char *data, size_t len);
/* Appends LEN bytes of events somewhere after offset *AFTER, and sets *AFTER to their end:
 * give the later of the object's previous end and the end of the definitions the event
 * uses (callers serialize an object's appends). */
bool log_mapping_append_after(const char *data, size_t len, size_t *after);
/* The same, and the OMIT_LEN bytes at OMIT_AT are left out when the event follows a line
 * of the same thread in the file (the thread id, which readers then take from it). An
 * event with nothing to leave out (OMIT_LEN 0) counts as another thread's line. */
bool log_mapping_append_event(const char *data, size_t len, size_t *after, size_t omit_at,
                              size_t omit_len);
/* Appends definitions (m, f, s, c records), after every definition written before, into
 * the calling thread's block (callers serialize their definitions). */
bool log_mapping_append_definitions(const char *data, size_t len);
/* The end of the last definition, or of what log_mapping_append wrote at the tail, so
 * far: a definition just written ends there or before. */
size_t log_mapping_definitions_end(void);
/* Stops appending, waits for appends under way, and cuts the file to what was written:
 * at exit, when other threads may still be logging. */
void log_mapping_finish(void);
/* Before execve: waits for appends under way and cuts the file to its length, since the
 * new program image will not. Appends are dropped until log_mapping_resume, which a
 * failed execve calls to grow the file back and go on. */
void log_mapping_suspend(void);
void log_mapping_resume(void);
/* In a forked child: drops the parent's mapping without touching the parent's file. */
void log_mapping_forget(void);
bool log_mapping_active(void);

#endif
