/* Whether this process is being traced. */
#ifndef REFSHIM_SHIM_STATE_H
#define REFSHIM_SHIM_STATE_H

#include <stdbool.h>

/* True once the log is open and the recorder ready; false in an inert shim. */
bool shim_tracing(void);

#endif
