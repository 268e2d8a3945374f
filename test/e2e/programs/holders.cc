// Objects kept alive in each way the holder scan tells apart: lost, held by a global, a
// two-object cycle, one held only by a lost object, one whose pointer is left only in
// freed memory. With the argument `snapshots` it
// stops twice, reading a line from stdin, so that a snapshot can be taken of it running.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Node {
    unsigned AddRef();
    unsigned Release();
    unsigned mRefCnt = 0;
    Node *mNext = nullptr;
    char mName[16] = {0};
};

__attribute__((noinline)) unsigned Node::AddRef() { return ++mRefCnt; }

__attribute__((noinline)) unsigned Node::Release()
{
    unsigned count = --mRefCnt;
    if (count == 0)
        delete this;
    return count;
}

Node *gCache;
static Node *sList[4];

static Node *MakeNode()
{
    Node *node = new Node();
    node->AddRef();
    return node;
}

static void Link(Node *from, Node *to)
{
    to->AddRef();
    from->mNext = to;
}

static void MakeLost()
{
    Node *node = MakeNode();
    node->AddRef();
    node->Release();
}

static void MakeGlobal() { gCache = MakeNode(); }

static void MakeCycle()
{
    Node *a = MakeNode(), *b = MakeNode();
    Link(a, b);
    Link(b, a);
}

static void MakeHeldByLost()
{
    Node *owner = MakeNode(), *child = MakeNode();
    Link(owner, child);
    child->Release();
}

// Copies of its pointer stay in freed memory (a small block goes to glibc's tcache, a
// large one back to the arena): freed memory holds nothing, so the object is lost. (The
// start of the large block is reused by stdout's buffer, which a later printf allocates;
// a copy there would be a stale copy in live memory, which the scan cannot tell.)
static void MakeForgotten()
{
    Node *node = MakeNode();
    Node **small = static_cast<Node **>(malloc(64));
    Node **large = static_cast<Node **>(malloc(8192));
    small[2] = small[5] = node;
    large[700] = node;
    free(small);
    free(large);
}

// Stale copies of the pointers above lie in the dead part of the stack, which exit's
// frames (or the wait for stdin) reuse: it is cleared first.
static void ScrubStack()
{
    char junk[65536];
    memset(junk, 0, sizeof junk);
    __asm__ volatile("" : : "r"(junk) : "memory");
}

static void WaitForLine(const char *phase)
{
    char line[16];
    printf("%s\n", phase);
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        line[0] = '\0';
}

int main(int argc, char **argv)
{
    bool snapshots = argc > 1 && strcmp(argv[1], "snapshots") == 0;
    MakeLost();
    MakeGlobal();
    if (snapshots) {
        ScrubStack();
        WaitForLine("phase 1");
        sList[1] = MakeNode();
    }
    MakeCycle();
    MakeHeldByLost();
    MakeForgotten();
    if (snapshots) {
        ScrubStack();
        WaitForLine("phase 2");
    }
    ScrubStack();
    printf("done\n");
    return 0;
}
