/* Snapshots of a running program: REFLOG_SNAPSHOT_SIGNAL names a signal (USR1, USR2 or a
 * number) on which the shim writes a mark and the holder records of the objects alive
 * then (`refshim snapshot PID` sends it). */
#ifndef REFSHIM_SNAPSHOT_H
#define REFSHIM_SNAPSHOT_H

/* At start-up: installs the handler and starts the thread that scans, when asked. */
void snapshot_start(int sig);

#endif
