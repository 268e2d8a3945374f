/* Measures the shape of a refshim log for `make bench`: its bytes up to the last complete
 * line, the event lines among them, and the padding (empty lines and NUL bytes left by
 * blocks of the file that threads did not fill). The NUL bytes after the last line (the
 * unused rest of the last chunk of a killed process's log) are not counted: readers never
 * get there. Prints "BYTES EVENTS PADDING_BYTES". */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (f == NULL) {
        fprintf(stderr, "usage: log_shape LOG\n");
        return 2;
    }
    static char buf[1 << 20];
    unsigned long long offset = 0, content_end = 0, events = 0, padding = 0, padding_at_end = 0;
    int previous = '\n', before_previous = '\n';
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < n; i++, offset++) {
            int c = (unsigned char)buf[i];
            bool line_start = previous == '\n' || previous == '\0';
            if (c == '\0' || (c == '\n' && line_start)) {
                padding_at_end++;
            } else if (c == '\n') {
                content_end = offset + 1;
                padding += padding_at_end;
                padding_at_end = 0;
            } else if (c == '\t' && (before_previous == '\n' || before_previous == '\0') &&
                       (previous == 'N' || previous == 'A' || previous == 'R' || previous == 'D')) {
                events++;
            }
            if (c != '\n' && c != '\0' && padding_at_end > 0) {
                padding += padding_at_end;
                padding_at_end = 0;
            }
            before_previous = previous;
            previous = c;
        }
    }
    fclose(f);
    printf("%llu %llu %llu\n", content_end, events, padding);
    return 0;
}
