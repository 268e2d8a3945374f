// Holders the scan finds in memory it reads the cheap way: a pointer in the last page of
// a 4 MB block whose other pages were never touched (untouched pages are skipped), one in
// its first page, and one at the end of a chain of 3000 small blocks of [heap] (read a
// line of heap memory at a time). Prints where each holder is, for the test to compare.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holder_node.h"

struct Link {
    Link *next;
    Node *node;
};

void **gBig;
Link *gChain;


__attribute__((noinline)) static void Fill(void **where[3])
{
    const size_t words = (4u << 20) / sizeof(void *);
    gBig = static_cast<void **>(malloc(words * sizeof(void *)));
    gBig[words - 1] = MakeNode();
    gBig[3] = MakeNode();
    for (int i = 0; i < 3000; i++) {
        Link *link = static_cast<Link *>(calloc(1, sizeof *link));
        link->next = gChain;
        gChain = link;
    }
    Link *last = gChain;
    while (last->next)
        last = last->next;
    last->node = MakeNode();
    where[0] = &gBig[words - 1];
    where[1] = &gBig[3];
    where[2] = reinterpret_cast<void **>(&last->node);
}

int main()
{
    void **where[3];
    Fill(where);
    ScrubStack();
    printf("%p %p %p\n", (void *)where[0], (void *)where[1], (void *)where[2]);
    return 0;
}
