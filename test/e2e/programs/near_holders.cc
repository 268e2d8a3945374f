// Holders the scan finds without reading the heap behind them: two objects held by
// globals, whose holders the roots alone give, and one held by the first block of a chain
// of 4096 blocks of 1 KB that a global holds, where the scan stops once every object has
// a holder. Prints where the heap holder is, for the test to compare.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holder_node.h"

struct Block {
    Block *next;
    Node *node;
    char filler[1008];          // not pointers: the scan reads them all the same
};

Node *gFirst;
Node *gSecond;
Block *gChain;


__attribute__((noinline)) static void Fill(void **where)
{
    gFirst = MakeNode();
    gSecond = MakeNode();
    for (int i = 0; i < 4096; i++) {
        Block *block = static_cast<Block *>(malloc(sizeof *block));
        memset(block, 0x5a, sizeof *block);
        block->node = nullptr;
        block->next = gChain;
        gChain = block;
    }
    gChain->node = MakeNode();
    *where = &gChain->node;
}

int main()
{
    void *where;
    Fill(&where);
    ScrubStack();
    printf("%p\n", where);
    return 0;
}
