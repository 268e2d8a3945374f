// holder_node.h - the refcounted object of the holder scan's test programs
// (big_holders.cc, near_holders.cc): an XPCOM-style AddRef/Release the shim hooks by
// name, and nothing else, so that the only pointers to it are the ones a test plants.
#ifndef HOLDER_NODE_H
#define HOLDER_NODE_H

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

#endif
