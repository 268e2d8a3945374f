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
/* Makes the whole pages within LENGTH bytes at START now, in one system call, leaving
 * their bytes as they are. A page made at its first touch costs a page fault, some
 * microseconds in a virtual machine: for arrays that are about to be filled. */
void populate_pages(void *start, size_t length);
/* xrealloc of a large array of which the first USED bytes are in use: the new block's
 * pages for them are made at once (populate_pages) before the copy, which otherwise
 * faulted on every page it wrote. */
void *xgrow(void *ptr, size_t used, size_t size);

#endif
