/* alloc.h - allocation wrappers that never return NULL.
 *
 * The analyzers are short-lived command line tools: when memory runs out there is
 * nothing sensible left to do, so these print a message and exit instead of making
 * every caller handle NULL. */
#ifndef REFSHIM_ALLOC_H
#define REFSHIM_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *text);
char *xstrndup(const char *text, size_t length);
/* SIZE bytes of zeroed pages, all made at once: one system call instead of a page fault
 * at the first touch of each page, which costs microseconds in a virtual machine. For
 * buffers that will be filled whole; given back with xunmap. */
void *xmap_populated(size_t size);
void xunmap(void *pages, size_t size);

#endif
