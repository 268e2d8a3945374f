/* escape_text.h - text from the input, made safe to echo in a message.
 *
 * The analyzers quote what they were given (a bad field of a log, a bad option value, a
 * file name, a module path) in their messages; a newline or a terminal escape in it would
 * forge more lines or change the terminal. Every such quote goes through here:
 * `\n`, `\t`, `\r` and `\\` for those, `\xNN` for the other control characters and DEL.
 * Bytes from 0x80 up (UTF-8) are kept. */
#ifndef REFSHIM_ESCAPE_TEXT_H
#define REFSHIM_ESCAPE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Writes TEXT escaped into BUFFER (SIZE > 0 bytes, always terminated; cut at a whole
 * escape when too long); returns BUFFER. */
char *escape_text(const char *text, char *buffer, size_t size);
/* Writes TEXT escaped to OUT. */
void escape_text_print(FILE *out, const char *text);

#endif
