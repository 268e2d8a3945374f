/* The stack depot: a trace tree like heaptrack's. A stack node is (parent node, frame), so a
 * new stack costs one s record per frame that is not shared with a stack seen before, and
 * a frame (one return address) is symbolized once for the whole run. */
#include "depot.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "symbolizer.h"

struct named_entry {            /* modules and classes */
    char *name;
    uint32_t id;
    UT_hash_handle hh;
};

struct frame_entry {
    uintptr_t ip;
    uint32_t id;
    UT_hash_handle hh;
};

struct node_entry {
    uint64_t key;               /* parent << 32 | frame */
    uint32_t id;
    UT_hash_handle hh;
};

static struct named_entry *modules, *classes;
static struct frame_entry *frames;
static struct node_entry *nodes;
static uint32_t module_count, class_count, frame_count, node_count;

/* Returns the entry for NAME in *TABLE, adding it (and its record KIND into DEFS) if new. */
static uint32_t intern_name(struct named_entry **table, uint32_t *counter, char kind,
                            struct textbuf *defs, const char *name)
{
    struct named_entry *e;
    HASH_FIND_STR(*table, name, e);
    if (e != NULL)
        return e->id;
    e = calloc(1, sizeof *e);
    if (e == NULL || (e->name = strdup(name)) == NULL) {
        free(e);
        defs->failed = true;
        return 0;
    }
    e->id = ++*counter;
    HASH_ADD_KEYPTR(hh, *table, e->name, strlen(e->name), e);
    textbuf_add_char(defs, kind);
    textbuf_add_char(defs, '\t');
    textbuf_add_uint(defs, e->id);
    textbuf_add_char(defs, '\t');
    textbuf_add_field(defs, name, "?");
    textbuf_add_char(defs, '\n');
    return e->id;
}

static uint32_t intern_frame(struct textbuf *defs, uintptr_t ip)
{
    struct frame_entry *e;
    HASH_FIND(hh, frames, &ip, sizeof ip, e);
    if (e != NULL)
        return e->id;
    e = calloc(1, sizeof *e);
    if (e == NULL) {
        defs->failed = true;
        return 0;
    }
    struct symbol_info info;
    symbolizer_describe(ip, &info);
    uint32_t module = info.module ? intern_name(&modules, &module_count, 'm', defs, info.module) : 0;
    e->ip = ip;
    e->id = ++frame_count;
    HASH_ADD(hh, frames, ip, sizeof e->ip, e);
    textbuf_add_str(defs, "f\t");
    textbuf_add_uint(defs, e->id);
    textbuf_add_char(defs, '\t');
    textbuf_add_uint(defs, module);
    textbuf_add_char(defs, '\t');
    textbuf_add_hex(defs, info.offset);
    textbuf_add_char(defs, '\t');
    textbuf_add_field(defs, info.function, "???");
    textbuf_add_char(defs, '\t');
    textbuf_add_field(defs, info.source, "-");
    textbuf_add_char(defs, '\n');
    symbol_info_free(&info);
    return e->id;
}

static uint32_t intern_node(struct textbuf *defs, uint32_t parent, uint32_t frame)
{
    uint64_t key = (uint64_t)parent << 32 | frame;
    struct node_entry *e;
    HASH_FIND(hh, nodes, &key, sizeof key, e);
    if (e != NULL)
        return e->id;
    e = calloc(1, sizeof *e);
    if (e == NULL) {
        defs->failed = true;
        return parent;
    }
    e->key = key;
    e->id = ++node_count;
    HASH_ADD(hh, nodes, key, sizeof e->key, e);
    textbuf_add_str(defs, "s\t");
    textbuf_add_uint(defs, e->id);
    textbuf_add_char(defs, '\t');
    textbuf_add_uint(defs, parent);
    textbuf_add_char(defs, '\t');
    textbuf_add_uint(defs, frame);
    textbuf_add_char(defs, '\n');
    return e->id;
}

uint32_t depot_stack(struct textbuf *defs, const uintptr_t *ips, int count)
{
    uint32_t node = 0;
    for (int i = count - 1; i >= 0; i--)      /* outermost first: the tree's root is main */
        node = intern_node(defs, node, intern_frame(defs, ips[i]));
    return node;
}

uint32_t depot_class(struct textbuf *defs, const char *name)
{
    return intern_name(&classes, &class_count, 'c', defs, name);
}

static void free_names(struct named_entry **table)
{
    struct named_entry *e, *tmp;
    HASH_ITER(hh, *table, e, tmp) {
        HASH_DEL(*table, e);
        free(e->name);
        free(e);
    }
}

void depot_forget_frames(uintptr_t start, uintptr_t end)
{
    struct frame_entry *f, *tmp;
    HASH_ITER(hh, frames, f, tmp) {
        if (f->ip > start && f->ip <= end) {      /* return addresses: ip - 1 is the call */
            HASH_DEL(frames, f);
            free(f);
        }
    }
}

void depot_reset(void)
{
    free_names(&modules);
    free_names(&classes);
    struct frame_entry *f, *ftmp;
    HASH_ITER(hh, frames, f, ftmp) {
        HASH_DEL(frames, f);
        free(f);
    }
    struct node_entry *n, *ntmp;
    HASH_ITER(hh, nodes, n, ntmp) {
        HASH_DEL(nodes, n);
        free(n);
    }
    module_count = class_count = frame_count = node_count = 0;
}
