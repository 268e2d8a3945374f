/* The program of the debug-information cases: one thing, one reference kept by the
 * stripped libmid.so, both leaked. */
struct thing;
struct thing *thing_new(void);
void mid_keep(struct thing *t);

int main(void)
{
    struct thing *t = thing_new();
    mid_keep(t);
    return 0;
}
