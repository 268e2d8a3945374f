/* debug_symbols.h - names, file:line and inlined frames for frames the log left bare.
 *
 * The shim names what the symbol tables of the traced program's files name, cheaply; the
 * rest is looked up when a log is read, with elfutils' libdwfl, in this order: the module
 * file itself (when its build-id is the one the log recorded), a separate debug file found
 * by build-id under /usr/lib/debug and the --debug-dir directories (DIR/.build-id/xx/
 * yyyy.debug), then debuginfod when DEBUGINFOD_URLS is set. Each module is opened once. */
#ifndef REFSHIM_DEBUG_SYMBOLS_H
#define REFSHIM_DEBUG_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_reader.h"

/* Adds DIR to the directories searched by build-id, after /usr/lib/debug. */
void debug_symbols_add_dir(const char *dir);
/* Never asks a debuginfod server, even with DEBUGINFOD_URLS set. */
void debug_symbols_no_debuginfod(void);

/* The tools' options for this: `--debug-dir DIR` and `--no-debuginfod` at ARGV[I].
 * Returns how many arguments it used, 0 if ARGV[I] is neither, -1 if DIR is missing. */
int debug_symbols_option(int argc, char **argv, int i);

/* Whether FRAME lacks what a lookup could add: a name or a source line. */
bool debug_symbols_wanted(const struct log_frame *frame);

/* The frames the return address FRAME->offset in module FRAME->module stands for,
 * innermost (inlined) level first, one per inlined function as `eu-addr2line -i` shows;
 * BUILD_ID (hex, or NULL) is the module's as the log recorded it. Returns their number
 * and a malloc'd array in *LEVELS (function and source malloc'd, module borrowed from
 * FRAME), or 0 when nothing better than FRAME is known. */
size_t debug_symbols_resolve(const struct log_frame *frame, const char *build_id,
                             struct log_frame **levels);
void debug_symbols_free_levels(struct log_frame *levels, size_t count);

/* Closes every module and the debuginfod client. */
void debug_symbols_shutdown(void);

#endif
