/* live_log_gen.c - writes a Mozilla XPCOM refcount log that ends with many objects
 * alive, for the benchmark's measure of the analyzers' memory per live object: object
 * pairs are created and the first of each pair destroyed, so that half of all objects
 * are alive at the end. No stacks: only the objects are measured. Deterministic.
 *
 * usage: live_log_gen ALIVE > LOG */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void record(uint64_t serial, const char *op, int count)
{
    /* Addresses 64 bytes apart, as heap objects of one size are. */
    printf("\n<nsClass%" PRIu64 "> 0x%" PRIx64 " %" PRIu64 " %s %d\n", serial % 37,
           UINT64_C(0x7f0a10000000) + serial * 64, serial, op, count);
}

int main(int argc, char **argv)
{
    uint64_t alive = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
    if (alive == 0) {
        fprintf(stderr, "usage: live_log_gen ALIVE > LOG\n");
        return 64;
    }
    for (uint64_t pair = 0; pair < alive; pair++) {
        uint64_t doomed = 2 * pair + 1, kept = 2 * pair + 2;
        record(doomed, "AddRef", 1);
        record(kept, "AddRef", 1);
        record(doomed, "Release", 0);
    }
    return fflush(stdout) == 0 ? 0 : 74;
}
