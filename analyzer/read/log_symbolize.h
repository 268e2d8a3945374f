/* log_symbolize.h - `refleaks --symbolize`: a refshim log with its frames looked up. */
#ifndef REFSHIM_LOG_SYMBOLIZE_H
#define REFSHIM_LOG_SYMBOLIZE_H

#include <stdio.h>

#include "log_reader.h"

/* Writes to OUT a copy of the refshim log PATH ("-": standard input) in which every frame
 * that lacked a name or a source line has what debug information gives (debug_symbols.h),
 * inlined levels as frames of their own. The log is checked whole first; a log the
 * reader refuses is not copied. Returns diag->status. */
int log_symbolize_path(const char *path, FILE *out, struct log_diag *diag);

#endif
