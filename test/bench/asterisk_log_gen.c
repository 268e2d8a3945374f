/* asterisk_log_gen.c - writes a large Asterisk refs log (refdebug=yes) for the analyzers'
 * benchmark, shaped like the logs of a busy Asterisk: objects of a few dozen kinds
 * constructed at reused heap addresses, each with a handful of +1/-1 changes from call
 * sites spread over the source, the count before each change in STATE, tags of free text
 * (some with commas), two dozen threads, a destructor line to end each object; one object
 * in fifty leaks. Deterministic (fixed seed).
 *
 * usage: asterisk_log_gen BYTES > LOG */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum {
    KINDS = 40,
    SITES = 900,
    THREADS = 24,
    MAX_ALIVE = 20000,
    ADDRESS_SLOTS = 60000
};

static bool slot_taken[ADDRESS_SLOTS];

static uint64_t random_state = 0x9E3779B97F4A7C15ULL;

static uint32_t next_random(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return (uint32_t)(random_state >> 16);
}

static const char *const files[] = {"channel.c", "chan_pjsip.c", "res_pjsip_session.c",
                                    "stasis.c", "bridge.c", "astobj2_container.c",
                                    "res_pjsip.c", "pbx.c", "sorcery.c", "taskprocessor.c"};
static const char *const tags[] = {"", "link into container", "ao2_find in dialogs",
                                   "bump, so that it does not die, before we are done",
                                   "session reference", "stasis subscription",
                                   "drop the container's reference", "found by name"};

struct object {
    uint64_t address;
    int kind, count, remaining, slot;
    bool leaks;
};

static struct object alive[MAX_ALIVE];

static void write_site(FILE *out, int site)
{
    fprintf(out, "%s,%d,function_%d", files[site % 10], 100 + site * 7 % 9000, site);
}

static void change(FILE *out, const struct object *object, int delta, const char *state)
{
    int site = (object->kind * 31 + (int)(next_random() % 25)) % SITES;
    fprintf(out, "0x%" PRIx64 ",%+d,%u,", object->address, delta,
            20000 + next_random() % THREADS);
    write_site(out, site);
    fprintf(out, ",%s,%s\n", state, tags[next_random() % 8]);
}

static void change_count(FILE *out, struct object *object, int delta)
{
    char state[24];
    snprintf(state, sizeof state, "%d", object->count);
    object->count += delta;
    change(out, object, delta, state);
}

int main(int argc, char **argv)
{
    long long target = argc > 1 ? atoll(argv[1]) : 200000000LL;
    static char buffer[1 << 20];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    int alive_count = 0;
    long long written = 0;
    while (written < target) {
        long before = ftell(stdout);
        if (alive_count < MAX_ALIVE && (alive_count < 100 || next_random() % 3 == 0)) {
            struct object *object = &alive[alive_count++];
            object->leaks = next_random() % 50 == 0;
            /* A heap gives an address to one live object at a time, and a leaked object
             * keeps its memory: its address is never given again. */
            static uint64_t next_leaked_address = 0x7f3c00000000ULL;
            if (object->leaks) {
                object->slot = -1;
                object->address = next_leaked_address += 0x80;
            } else {
                do
                    object->slot = (int)(next_random() % ADDRESS_SLOTS);
                while (slot_taken[object->slot]);
                slot_taken[object->slot] = true;
                object->address = 0x7f3a40000000ULL + (uint64_t)object->slot * 0x80;
            }
            object->kind = (int)(next_random() % KINDS);
            object->count = 0;
            object->remaining = (int)(next_random() % 8);
            change(stdout, object, 1, "**constructor**");
            object->count = 1;
        } else {
            int index = (int)(next_random() % (uint32_t)alive_count);
            struct object *object = &alive[index];
            if (object->remaining > 0) {
                object->remaining--;
                change_count(stdout, object, +1);
                change_count(stdout, object, -1);
            } else if (object->leaks) {
                alive[index] = alive[--alive_count];
            } else {
                change(stdout, object, -1, "**destructor**");
                slot_taken[object->slot] = false;
                alive[index] = alive[--alive_count];
            }
        }
        written += ftell(stdout) - before;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
