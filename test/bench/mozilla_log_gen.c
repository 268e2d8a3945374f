/* mozilla_log_gen.c - writes a large Mozilla XPCOM refcount log for the analyzers'
 * benchmark: many objects of a few dozen classes, each living through a handful of
 * AddRef/Release pairs, with stacks drawn from a fixed set so that they repeat the way
 * real logs repeat them; one object in fifty leaks. Deterministic (fixed seed).
 * As in a real heap, an address is taken again only once its object is gone: the
 * peers keyed by address (find_leakers.py, make-tree.pl) stop or mix two objects'
 * histories on a log where two live objects share one.
 * With `unique`, no two stacks are alike (every frame's offset is new), the worst case
 * for a reader that keeps every distinct stack.
 *
 * usage: mozilla_log_gen BYTES [unique] > LOG; prints the serial of one leaked object on
 * stderr. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CLASSES = 40,
    FUNCTIONS = 600,
    STACKS = 4000,
    MAX_DEPTH = 14,
    MAX_ALIVE = 20000,
    ADDRESS_SLOTS = 1 << 18 /* far more than the live and leaked objects together */
};

static uint64_t random_state = 0x2545F4914F6CDD1DULL;

static uint32_t next_random(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return (uint32_t)(random_state >> 16);
}

struct stack {
    int depth;
    int functions[MAX_DEPTH];
};

struct object {
    uint64_t address, serial;
    int class_id, count, remaining_pairs;
    bool leaks;
};

static const char *const libraries[] = {"/usr/lib/firefox/libxul.so", "/usr/lib/firefox/libnss3.so",
                                        "/usr/lib/firefox/libmozgtk.so"};
static struct stack stacks[STACKS];
static bool unique_stacks;
static uint64_t next_unique_offset = 0x100000;
static struct object alive[MAX_ALIVE];
static bool slot_taken[ADDRESS_SLOTS]; /* by a live or leaked object */

static void print_stack(FILE *out, int class_id, const char *method, const struct stack *stack)
{
    fprintf(out, "    #01: nsClass%d::%s()[%s +0x%x]\n", class_id, method, libraries[0],
            0x100000 + class_id * 0x40);
    for (int i = 0; i < stack->depth; i++) {
        int function = stack->functions[i];
        if (function % 7 == 0)
            fprintf(out, "    #%02d: mozilla::dom::Function%d(nsISupports*, unsigned int) "
                    "(dom/base/File%d.cpp:%d)\n", i + 2, function, function % 50, 100 + function);
        else
            fprintf(out, "    #%02d: mozilla::Module%d::Method%d(int)[%s +0x%" PRIx64 "]\n",
                    i + 2, function % 30, function, libraries[function % 3],
                    unique_stacks ? next_unique_offset++ : (uint64_t)(0x2000 + function * 0x35));
    }
    fprintf(out, "    #%02d: main[/usr/lib/firefox/firefox +0x11a9]\n", stack->depth + 2);
}

static void record(FILE *out, const struct object *object, const char *op, int count)
{
    fprintf(out, "\n<nsClass%d> 0x%" PRIx64 " %" PRIu64 " %s %d [thread 0x7f0a1c4e5000]\n",
            object->class_id, object->address, object->serial, op, count);
    print_stack(out, object->class_id, op, &stacks[next_random() % STACKS]);
}

int main(int argc, char **argv)
{
    long long target = argc > 1 ? atoll(argv[1]) : 200000000LL;
    unique_stacks = argc > 2 && strcmp(argv[2], "unique") == 0;
    for (int i = 0; i < STACKS; i++) {
        stacks[i].depth = 4 + (int)(next_random() % (MAX_DEPTH - 4));
        for (int d = 0; d < stacks[i].depth; d++)
            stacks[i].functions[d] = (int)(next_random() % FUNCTIONS);
    }
    static char buffer[1 << 20];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    uint64_t next_serial = 1, leaked_serial = 0;
    int alive_count = 0;
    long long written = 0;
    while (written < target) {
        long before = ftell(stdout);
        if (alive_count < MAX_ALIVE && (alive_count < 100 || next_random() % 3 == 0)) {
            struct object *object = &alive[alive_count++];
            object->serial = next_serial++;
            /* Addresses are reused, as a heap reuses them, but never while taken. */
            uint32_t slot = next_random() % ADDRESS_SLOTS;
            while (slot_taken[slot])
                slot = (slot + 1) % ADDRESS_SLOTS;
            slot_taken[slot] = true;
            object->address = 0x7f0a10000000ULL + (uint64_t)slot * 0x40;
            object->class_id = (int)(next_random() % CLASSES);
            object->count = 1;
            object->remaining_pairs = (int)(next_random() % 6);
            object->leaks = next_random() % 50 == 0;
            if (object->leaks && !leaked_serial)
                leaked_serial = object->serial;
            record(stdout, object, "AddRef", 1);
        } else {
            int index = (int)(next_random() % (uint32_t)alive_count);
            struct object *object = &alive[index];
            if (object->remaining_pairs > 0) {
                object->remaining_pairs--;
                record(stdout, object, "AddRef", ++object->count);
                record(stdout, object, "Release", --object->count);
            } else if (object->leaks) {
                /* a leaked object is dropped from the table, never released */
                alive[index] = alive[--alive_count];
            } else {
                record(stdout, object, "Release", --object->count);
                slot_taken[(object->address - 0x7f0a10000000ULL) / 0x40] = false;
                alive[index] = alive[--alive_count];
            }
        }
        written += ftell(stdout) - before;
    }
    fprintf(stderr, "%" PRIu64 "\n", leaked_serial);
    return fflush(stdout) == 0 ? 0 : 1;
}
