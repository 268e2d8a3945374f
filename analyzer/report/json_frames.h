/* json_frames.h - stack frames and stacks in the JSON reports (see doc/json.md). */
#ifndef REFSHIM_JSON_FRAMES_H
#define REFSHIM_JSON_FRAMES_H

#include <stddef.h>

#include "json_writer.h"
#include "log_reader.h"

/* {"function", "source"?, "module"?, "offset"?}: keys the log does not give are left out. */
void json_write_frame(struct json_writer *writer, const struct log_frame *frame);
/* An array of frames, innermost first, out to `main` or the thread's start routine, as
 * the text reports print stacks (start-up frames are left out). */
void json_write_stack(struct json_writer *writer, const struct log_frame *frames,
                      size_t frame_count);

#endif
