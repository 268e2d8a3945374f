// holder_node.h - the refcounted object of the holder scan's test programs
// (big_holders.cc, near_holders.cc): an XPCOM-style AddRef/Release the shim hooks by
// name, and nothing else, so that the only pointers to it are the ones a test plants;
// and their two helpers, making one and clearing the stack of stale copies.
#ifndef HOLDER_NODE_H
#define HOLDER_NODE_H

#include <string.h>

struct Node {
    unsigned AddRef();
    unsigned Release();
    unsigned mRefCnt = 0;
};

__attribute__((noinline)) unsigned Node::AddRef() { return ++mRefCnt; }

__attribute__((noinline)) unsigned Node::Release()
{
    unsigned count = --mRefCnt;
    if (count == 0)
        delete this;
    return count;
}

static Node *MakeNode()
{
    Node *node = new Node();
    node->AddRef();
    return node;
}

// Stale copies of the nodes' addresses lie in the dead part of the stack, which the scan
// reads as stack (exit's frames reuse only some of it): a program clears it first.
static void ScrubStack()
{
    char junk[65536];
    memset(junk, 0, sizeof junk);
    __asm__ volatile("" : : "r"(junk) : "memory");
}

#endif
