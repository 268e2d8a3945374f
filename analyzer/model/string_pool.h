/* string_pool.h - one copy of each distinct string, kept until the pool is freed.
 *
 * Histories repeat the same few tags and states millions of times; a pointer into the
 * pool costs eight bytes per event instead of a copy. */
#ifndef REFSHIM_STRING_POOL_H
#define REFSHIM_STRING_POOL_H

#include <stdint.h>

struct string_pool;

struct string_pool *string_pool_new(void);
void string_pool_free(struct string_pool *pool);
/* The pool's copy of TEXT (NULL gives NULL). */
const char *string_pool_intern(struct string_pool *pool, const char *text);
/* A small number for TEXT (not NULL): 0, 1, 2... in the order strings were first
 * pooled, so that a record that names a string costs four bytes, not eight. */
uint32_t string_pool_id(struct string_pool *pool, const char *text);
/* The pool's copy of the string numbered ID (an id string_pool_id gave). */
const char *string_pool_text(const struct string_pool *pool, uint32_t id);

#endif
