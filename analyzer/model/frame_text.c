/* frame_text.c - writing frames and call sites (see frame_text.h). */
#include "frame_text.h"

#include <inttypes.h>
#include <string.h>

#include "balance_tree.h"

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

void frame_text_print_stack(FILE *out, const struct log_frame *frames, size_t frame_count)
{
    if (frame_count == 0) {
        fputs("    (no stack)\n", out);
        return;
    }
    size_t outermost = balance_tree_path_start(frames, frame_count);
    if (outermost == frame_count)
        outermost = frame_count - 1; /* only plumbing: show it all */
    for (size_t i = 0; i <= outermost; i++) {
        fputs("    ", out);
        frame_text_print(out, &frames[i]);
        fputc('\n', out);
    }
}

void frame_text_print_thread(FILE *out, uint64_t tid)
{
    if (tid > UINT32_MAX)
        fprintf(out, "[0x%" PRIx64 "]", tid);
    else
        fprintf(out, "[%" PRIu64 "]", tid);
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
