/* REFLOG_FORMAT=xpcom: events in Mozilla's XPCOM_MEM_REFCNT_LOG text format. */
#ifndef REFSHIM_XPCOM_WRITER_H
#define REFSHIM_XPCOM_WRITER_H

#include <stddef.h>
#include <stdint.h>

/* Writes one event: a blank line, "<Class> 0xADDR SERIAL AddRef|Release COUNT [thread
 * 0x...]", then one "    #NN: function[/module +0xOFF]" line per frame. Frame #01 is
 * METHOD, the hooked AddRef/Release itself, as in Mozilla's logs (0 when there is none:
 * the instrumentation API is called from inside the method, which is then the first of
 * IPS). LOG_END is the object's place in the log (log_write_event). */
void xpcom_write_event(const char *class_name, uintptr_t address, uint64_t serial, char op,
                       uint32_t count, uintptr_t method, const uintptr_t *ips, int depth,
                       size_t *log_end);

/* Writes a note at exit about a live object: a blank line and "<Class> 0xADDR SERIAL Note
 * NOTE", without a stack. Mozilla's tools skip an operation they do not know; refleaks
 * reads "Note may-be-leaked" as refshim's x record. */
void xpcom_write_note(const char *class_name, uintptr_t address, uint64_t serial,
                      const char *note);

#endif
