/* Telling the user about the shim's own problems without disturbing the traced program. */
#ifndef REFSHIM_REPORT_H
#define REFSHIM_REPORT_H

/* Prints "refshim: MESSAGE" on stderr, once per process: later calls are silent, so
 * a recurring problem cannot flood the program's own error output. */
void report_once(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "refshim: MESSAGE" on stderr each time: for things that happen once anyway. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
