/* lives_reading.h - the unit tests' check of a reading of lives (log_reader.h's
 * LOG_EVENTS_LIVES): it must give exactly the events of a full reading less the quiet
 * count changes, in every way of reading, with and without an object followed. */
#ifndef REFSHIM_LIVES_READING_H
#define REFSHIM_LIVES_READING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_reader.h"

/* Reads LENGTH bytes of LOG in full by lines and as lives in the three ways, first
 * without an object followed, then following serial FOLLOW_SERIAL, writing each event
 * with WRITE (its user: the FILE * written); fails, saying how, if a reading of lives differs from the full reading
 * less its quiet changes, in events, status or diagnostics. */
void assert_lives_reading_agrees(const char *log, size_t length, log_event_fn write,
                                 uint64_t follow_serial);

#endif
