/* frame_text.h - how the reports write a stack frame and a call site, and which frames
 * of a stack they show.
 *
 * A frame is written the way Mozilla's logs write it, which users already read:
 * `function (file:line)` when the source is known, else `function[/lib.so +0xOFF]`.
 * Every report trims a stack by the same rule (frame_text_path_start), and every report
 * that prints frames tells which of them had no name, so that the tool can say at the
 * end which modules lack their debug symbols. */
#ifndef REFSHIM_FRAME_TEXT_H
#define REFSHIM_FRAME_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_reader.h"

/* True if FUNCTION names process or thread start-up code (`_start`, `__libc_start_main`,
 * `start_thread`, `clone`...), which no report shows (frame_text_path_start). */
bool frame_text_is_startup_name(const char *function);
/* Number of the outermost frame (counting from the innermost, 0) that a report shows:
 * the outermost `main`; else the frame that `__libc_start_main` (or its helper) called;
 * else the outermost frame that is not process or thread start-up. Start-up frames are
 * `_start`, `__libc_start_main`, `start_thread`, `clone`..., and also frames of the C
 * library or the dynamic loader that have no name (their debug symbols are missing).
 * FRAME_COUNT if every frame is start-up. */
size_t frame_text_path_start(const struct log_frame *frames, size_t frame_count);
/* Writes a stack, innermost first, one `    frame` line each, from the innermost frame
 * out to `main` or the thread's start routine (start-up frames are left out). */
void frame_text_print_stack(FILE *out, const struct log_frame *frames, size_t frame_count);
/* Writes FRAME on one line, without a line end. */
void frame_text_print(FILE *out, const struct log_frame *frame);
/* Where FRAME is: `file:line`, else `lib.so+0xOFF` (the module's base name), else
 * `0xOFF`, else `?`, into BUFFER; returns BUFFER. */
const char *frame_text_location(const struct log_frame *frame, char *buffer, size_t size);
/* True if FRAME has no function name (`???` or none). */
bool frame_text_is_nameless(const struct log_frame *frame);

/* `[TID]` for a history line: kernel thread ids in decimal, Mozilla's thread pointers
 * (anything above 32 bits) in hex. */
void frame_text_print_thread(FILE *out, uint64_t tid);

/* Notes that a frame without a name at OFFSET in MODULE was shown to the user. Frames
 * printed by frame_text_print and frame_text_print_stack are noted by themselves. */
void frame_text_note_nameless(const char *module, uint64_t offset);
/* Writes, once per module, `TOOL: N frames in MODULE have no function name: ...` for
 * the nameless frames shown so far (each distinct frame counted once), and forgets
 * them. Nothing if every shown frame had a name. */
void frame_text_report_nameless(FILE *out, const char *tool);

#endif
