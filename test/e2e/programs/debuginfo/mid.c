/* libmid.so for the debug-information cases: stripped by the test, its debug information
 * split off into a build-id tree. A static function and an inlined helper take the
 * reference, so only the debug information can name them. */
struct thing;
void thing_ref(struct thing *t);

static inline __attribute__((always_inline)) void hold_thing(struct thing *t)
{
    thing_ref(t);
}

static __attribute__((noinline)) void keep_static(struct thing *t)
{
    hold_thing(t);
}

void mid_keep(struct thing *t)
{
    keep_static(t);
}
