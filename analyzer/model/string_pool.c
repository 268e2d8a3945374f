/* string_pool.c - interned strings in a hash table (see string_pool.h). */
#include "string_pool.h"

#include <stdlib.h>
#include <string.h>

#include "fast_hash.h"
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)fast_hash((keyptr), (keylen)))
#include <uthash.h>

#include "alloc.h"

struct pooled_string {
    UT_hash_handle hh;
    uint32_t id;
    char text[];
};

struct string_pool {
    const char **texts;     /* by id */
    size_t count, capacity;
    struct pooled_string *strings;
};

struct string_pool *string_pool_new(void)
{
    return xcalloc(1, sizeof(struct string_pool));
}

void string_pool_free(struct string_pool *pool)
{
    if (!pool)
        return;
    struct pooled_string *entry, *next;
    HASH_ITER(hh, pool->strings, entry, next) {
        HASH_DEL(pool->strings, entry);
        free(entry);
    }
    free(pool->texts);
    free(pool);
}

static struct pooled_string *pooled(struct string_pool *pool, const char *text)
{
    size_t length = strlen(text);
    struct pooled_string *entry;
    HASH_FIND(hh, pool->strings, text, length, entry);
    if (!entry) {
        if (pool->count == pool->capacity) {
            pool->capacity = pool->capacity ? pool->capacity * 2 : 16;
            pool->texts = xrealloc(pool->texts, pool->capacity * sizeof *pool->texts);
        }
        entry = xmalloc(sizeof *entry + length + 1);
        memcpy(entry->text, text, length + 1);
        entry->id = (uint32_t)pool->count;
        pool->texts[pool->count++] = entry->text;
        HASH_ADD_KEYPTR(hh, pool->strings, entry->text, length, entry);
    }
    return entry;
}

const char *string_pool_intern(struct string_pool *pool, const char *text)
{
    return text ? pooled(pool, text)->text : NULL;
}

uint32_t string_pool_id(struct string_pool *pool, const char *text)
{
    return pooled(pool, text)->id;
}

const char *string_pool_text(const struct string_pool *pool, uint32_t id)
{
    return pool->texts[id];
}
