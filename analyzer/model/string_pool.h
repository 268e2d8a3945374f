/* string_pool.h - one copy of each distinct string, kept until the pool is freed.
 *
 * Histories repeat the same few tags and states millions of times; a pointer into the
 * pool costs eight bytes per event instead of a copy. */
#ifndef REFSHIM_STRING_POOL_H
#define REFSHIM_STRING_POOL_H

struct string_pool;

struct string_pool *string_pool_new(void);
void string_pool_free(struct string_pool *pool);
/* The pool's copy of TEXT (NULL gives NULL). */
const char *string_pool_intern(struct string_pool *pool, const char *text);

#endif
