/* frame_text.h - how the reports write a stack frame and a call site.
 *
 * A frame is written the way Mozilla's logs write it, which users already read:
 * `function (file:line)` when the source is known, else `function[/lib.so +0xOFF]`. */
#ifndef REFSHIM_FRAME_TEXT_H
#define REFSHIM_FRAME_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_reader.h"

/* Writes a stack, innermost first, one `    frame` line each, from the innermost frame
 * out to `main` or the thread's start routine (start-up frames are left out). */
void frame_text_print_stack(FILE *out, const struct log_frame *frames, size_t frame_count);
/* Writes FRAME on one line, without a line end. */
void frame_text_print(FILE *out, const struct log_frame *frame);
/* Where FRAME is: `file:line`, else `lib.so+0xOFF` (the module's base name), else
 * `0xOFF`, else `?`, into BUFFER; returns BUFFER. */
const char *frame_text_location(const struct log_frame *frame, char *buffer, size_t size);

/* `[TID]` for a history line: kernel thread ids in decimal, Mozilla's thread pointers
 * (anything above 32 bits) in hex. */
void frame_text_print_thread(FILE *out, uint64_t tid);

#endif
