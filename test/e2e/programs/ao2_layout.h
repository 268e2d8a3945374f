/* The header Asterisk's astobj2 puts just before each object's user data, for the test
 * programs that mimic ao2 (mini_ao2.c, reuse_race_ao2.c): the shim's ao2 hooks read the
 * count where Asterisk keeps it, so the miniatures keep the same layout. */
#ifndef AO2_LAYOUT_H
#define AO2_LAYOUT_H

#include <stdint.h>

typedef void (*destructor_fn)(void *);

struct header {
    destructor_fn destructor;
    void *weakptr;
    int32_t ref_counter;
    uint32_t options;
};

static inline struct header *header_of(void *user) { return (struct header *)user - 1; }

#endif
