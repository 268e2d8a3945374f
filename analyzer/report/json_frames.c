/* json_frames.c - frames as JSON objects (see json_frames.h). */
#include "json_frames.h"

#include "frame_text.h"

void json_write_frame(struct json_writer *writer, const struct log_frame *frame)
{
    json_begin_object(writer);
    json_member_string(writer, "function", frame->function ? frame->function : "???");
    if (frame->source)
        json_member_string(writer, "source", frame->source);
    if (frame->module)
        json_member_string(writer, "module", frame->module);
    if (frame->module || frame->offset)
        json_member_uint(writer, "offset", frame->offset);
    json_end_object(writer);
}

void json_write_stack(struct json_writer *writer, const struct log_frame *frames,
                      size_t frame_count)
{
    json_begin_array(writer);
    size_t outermost = frame_count ? frame_text_path_start(frames, frame_count) : 0;
    if (outermost == frame_count && frame_count > 0)
        outermost = frame_count - 1; /* only plumbing: show it all */
    for (size_t i = 0; i < frame_count && i <= outermost; i++)
        json_write_frame(writer, &frames[i]);
    json_end_array(writer);
}
