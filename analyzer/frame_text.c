/* frame_text.c - writing frames and call sites (see frame_text.h). */
#include "frame_text.h"

#include <inttypes.h>
#include <string.h>

void frame_text_print(FILE *out, const struct log_frame *frame)
{
    const char *function = frame->function ? frame->function : "???";
    if (frame->source)
        fprintf(out, "%s (%s)", function, frame->source);
    else if (frame->module)
        fprintf(out, "%s[%s +0x%" PRIx64 "]", function, frame->module, frame->offset);
    else if (frame->offset)
        fprintf(out, "%s[0x%" PRIx64 "]", function, frame->offset);
    else
        fputs(function, out);
}

const char *frame_text_location(const struct log_frame *frame, char *buffer, size_t size)
{
    if (frame->source) {
        snprintf(buffer, size, "%s", frame->source);
    } else if (frame->module) {
        const char *slash = strrchr(frame->module, '/');
        snprintf(buffer, size, "%s+0x%" PRIx64, slash ? slash + 1 : frame->module, frame->offset);
    } else if (frame->offset) {
        snprintf(buffer, size, "0x%" PRIx64, frame->offset);
    } else {
        snprintf(buffer, size, "?");
    }
    return buffer;
}
