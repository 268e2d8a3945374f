/* alloc.c - allocation wrappers that exit with a message instead of returning NULL. */
#include "alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* EX_OSERR from sysexits.h: the system could not give us what we needed. */
#define EXIT_OUT_OF_MEMORY 71

static void out_of_memory(void)
{
    fputs("refshim analyzer: out of memory\n", stderr);
    exit(EXIT_OUT_OF_MEMORY);
}

void *xmalloc(size_t size)
{
    void *ptr = malloc(size ? size : 1);
    if (!ptr)
        out_of_memory();
    return ptr;
}

void *xcalloc(size_t count, size_t size)
{
    void *ptr = calloc(count ? count : 1, size ? size : 1);
    if (!ptr)
        out_of_memory();
    return ptr;
}

void *xrealloc(void *ptr, size_t size)
{
    void *grown = realloc(ptr, size ? size : 1);
    if (!grown)
        out_of_memory();
    return grown;
}

char *xstrndup(const char *text, size_t length)
{
    char *copy = xmalloc(length + 1);
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *xstrdup(const char *text)
{
    return xstrndup(text, strlen(text));
}

void *xmap_populated(size_t size)
{
    void *pages = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (pages == MAP_FAILED)
        out_of_memory();
    return pages;
}

void xunmap(void *pages, size_t size)
{
    munmap(pages, size ? size : 1);
}

void populate_pages(void *start, size_t length)
{
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)start + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)start + length) & ~(page - 1);
    /* MADV_POPULATE_WRITE leaves the bytes as they are; before Linux 5.14 it fails, and
     * the pages are made at their first touch as before. */
    if (to > from)
        madvise((void *)from, to - from, MADV_POPULATE_WRITE);
}

void *xgrow(void *ptr, size_t used, size_t size)
{
    void *grown = xmalloc(size);
    populate_pages(grown, used);
    if (used)
        memcpy(grown, ptr, used);
    free(ptr);
    return grown;
}
