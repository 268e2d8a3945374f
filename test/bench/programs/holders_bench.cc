// The holder scan's benchmark program: a heap of HEAP_MB megabytes in 64 KB blocks, all
// reachable from a global table, a quarter of their words pointers into other blocks and
// the rest random numbers, with a thousand logged objects spread over them (half of them
// lost). It prints how long it takes itself to read its heap once, word by word: the
// yardstick of the scan, which reads it at exit.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct Node {
    unsigned AddRef();
    unsigned Release();
    unsigned mRefCnt = 0;
    Node *mNext = nullptr;
};

// The calls stay calls to these symbols, which the shim hooks.
__attribute__((noinline, noclone)) unsigned Node::AddRef() { return ++mRefCnt; }
__attribute__((noinline, noclone)) unsigned Node::Release() { return --mRefCnt; }

static const size_t BLOCK = 64 * 1024;
static uint64_t **gBlocks;

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static double seconds_since(const timespec &start)
{
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    size_t heap_mb = argc > 1 ? strtoul(argv[1], nullptr, 10) : 512;
    size_t count = heap_mb * 1024 * 1024 / BLOCK, words = BLOCK / 8;
    gBlocks = static_cast<uint64_t **>(calloc(count, sizeof *gBlocks));
    for (size_t i = 0; i < count; i++)
        gBlocks[i] = static_cast<uint64_t *>(malloc(BLOCK));
    uint64_t state = 88172645463325252ull;
    for (size_t i = 0; i < count; i++)
        for (size_t w = 0; w < words; w++)
            gBlocks[i][w] = w % 4 == 0 ? (uint64_t)(gBlocks[next_random(&state) % count] +
                                                    next_random(&state) % words)
                                       : next_random(&state);
    for (int n = 0; n < 1000; n++) {
        Node *node = new Node();
        node->AddRef();
        if (n % 2 == 0)
            gBlocks[next_random(&state) % count][1] = (uint64_t)node;
    }
    timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    uint64_t sum = 0;
    for (size_t i = 0; i < count; i++)
        for (size_t w = 0; w < words; w++)
            sum += gBlocks[i][w];
    printf("read %zu MB in %.3f s (sum %llx)\n", heap_mb, seconds_since(start),
           (unsigned long long)(sum & 0xf));
    return 0;
}
