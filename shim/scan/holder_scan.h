/* Why is each leaked object still alive? A conservative scan of the process's memory for
 * pointers to the live logged objects, and one reason per object written to the log
 * (`k` and `h` records, doc/log-format.md). */
#ifndef REFSHIM_HOLDER_SCAN_H
#define REFSHIM_HOLDER_SCAN_H

#include <stdint.h>

#include "config.h"

/* At start-up: makes GLib allocate with malloc (G_SLICE=always-malloc, unless set) and
 * starts the snapshot thread when REFLOG_SNAPSHOT_SIGNAL asks. Nothing when
 * REFLOG_HOLDERS=0. */
void holder_scan_start(const struct config *config);
/* Scans and writes mark MARK (0: at exit) with the holder record of every live logged
 * object. Inside shim_enter(); safe from any thread while others run. Does nothing when
 * REFLOG_HOLDERS=0. */
void holder_scan_run(uint64_t mark);

#endif
