/* output.c - the text and JSON back-ends of the reports (see output.h).
 *
 * The text back-end keeps one level per open object or list, reused from one object to
 * the next, so that a report of millions of records allocates nothing per record once
 * warm, and a tree 100,000 levels deep costs one small level per depth. */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "frame_text.h"
#include "json_writer.h"

struct field {
    const char *key;                 /* the caller's string literal */
    size_t value_offset;             /* in the level's buffer */
    const struct log_frame *frames;  /* a stack field; else NULL */
    size_t frame_count;
    bool is_stack;
};

struct level {
    const struct text_format *format;
    bool head_written;
    struct field *fields;
    size_t field_count, field_capacity;
    char *buffer;
    size_t used, capacity;
};

struct output {
    bool json;
    FILE *out;
    struct json_writer writer;
    struct level *levels;            /* text: the open objects and lists */
    size_t depth, level_capacity;
    size_t skip_depth;               /* inside a container the back-end does not see */
    int width;
    char *line;                      /* text: what render wrote, for one fwrite */
    size_t line_used, line_capacity;
};

static struct output *output_new(FILE *out, bool json, bool html_safe)
{
    struct output *output = xcalloc(1, sizeof *output);
    output->json = json;
    output->out = out;
    json_writer_init(&output->writer, out, html_safe);
    return output;
}

struct output *output_new_text(FILE *out)
{
    return output_new(out, false, false);
}

struct output *output_new_json(FILE *out, bool html_safe)
{
    return output_new(out, true, html_safe);
}

struct output *output_new_like(const struct output *model, FILE *out)
{
    return output_new(out, model->json, model->writer.html_safe);
}

void output_free(struct output *output)
{
    if (!output)
        return;
    for (size_t i = 0; i < output->level_capacity; i++) {
        free(output->levels[i].fields);
        free(output->levels[i].buffer);
    }
    free(output->levels);
    free(output->line);
    free(output);
}

bool output_is_json(const struct output *output)
{
    return output->json;
}

void output_set_width(struct output *output, int width)
{
    output->width = width;
}

int output_flush(struct output *output)
{
    return fflush(output->out);
}

/* Writes VALUE in decimal (after a '-' if NEGATIVE) to TEXT, of 24 bytes, without a
 * terminating NUL; returns its length. A report writes numbers on every line, and
 * snprintf is most of the time of writing them. */
static size_t format_decimal(char text[24], uint64_t value, bool negative)
{
    char digits[20];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    size_t length = 0;
    if (negative)
        text[length++] = '-';
    while (count)
        text[length++] = digits[--count];
    return length;
}

char *output_decimal(char text[24], int64_t value, bool plus_sign)
{
    size_t length = 0;
    if (plus_sign && value >= 0)
        text[length++] = '+';
    length += format_decimal(text + length, value < 0 ? -(uint64_t)value : (uint64_t)value,
                             value < 0);
    text[length] = '\0';
    return text;
}

/* ---- text rendering ---- */

static const struct field *find_field(const struct level *level, const char *key, size_t length)
{
    /* The first two bytes first (a key's second byte is its NUL at worst): a report's
     * lines each look up every field of theirs. */
    for (size_t i = 0; i < level->field_count; i++) {
        const char *candidate = level->fields[i].key;
        if (candidate[0] == key[0] && (length < 2 || candidate[1] == key[1]) &&
            strncmp(candidate, key, length) == 0 && candidate[length] == '\0')
            return &level->fields[i];
    }
    return NULL;
}

/* A rendered text goes out in one piece: a report line is some ten pieces, and writing
 * each through stdio took a call and a lock apiece, a fifth of the time of printing
 * --history. */
static void put_text(struct output *output, const char *text, size_t length)
{
    if (length == 0)
        return;
    if (output->line_used + length > output->line_capacity) {
        output->line_capacity = (output->line_used + length) * 2 + 256;
        output->line = xrealloc(output->line, output->line_capacity);
    }
    memcpy(output->line + output->line_used, text, length);
    output->line_used += length;
}

static void flush_text(struct output *output)
{
    if (output->line_used)
        fwrite(output->line, 1, output->line_used, output->out);
    output->line_used = 0;
}

static void print_padded(struct output *output, const char *value, const char *spec,
                         size_t spec_length, int star_width)
{
    if (spec_length == 0) {
        put_text(output, value, strlen(value));
        return;
    }
    bool left = spec[0] == '-';
    int width = spec[left] == '*' ? star_width : atoi(spec + left);
    int length = snprintf(NULL, 0, "%*s", left ? -width : width, value);
    if (length <= 0)
        return;
    char *padded = xmalloc((size_t)length + 1);
    snprintf(padded, (size_t)length + 1, "%*s", left ? -width : width, value);
    put_text(output, padded, (size_t)length);
    free(padded);
}

/* One placeholder, PLACE[0..LENGTH): key[:spec][|default]. */
static void render_placeholder(struct output *output, const struct level *level,
                               const char *place, size_t length)
{
    size_t key_length = strcspn(place, ":|}");
    const char *spec = place + key_length, *fallback = NULL;
    size_t spec_length = 0, fallback_length = 0;
    if (*spec == ':') {
        spec++;
        spec_length = strcspn(spec, "|}");
    } else {
        spec = "";
    }
    const char *bar = memchr(place, '|', length);
    if (bar) {
        fallback = bar + 1;
        fallback_length = (size_t)(place + length - fallback);
    }
    const struct field *field = find_field(level, place, key_length);
    if (field && field->is_stack) {
        flush_text(output);
        frame_text_print_stack(output->out, field->frames, field->frame_count);
        return;
    }
    char missing[64];
    const char *value = "";
    if (field) {
        value = level->buffer + field->value_offset;
    } else if (fallback) {
        snprintf(missing, sizeof missing, "%.*s", (int)fallback_length, fallback);
        value = missing;
    }
    print_padded(output, value, spec, spec_length, output->width);
}

static void render_pieces(struct output *output, const struct level *level, const char *format)
{
    while (*format) {
        const char *open = strchr(format, '{');
        if (!open) {
            put_text(output, format, strlen(format));
            return;
        }
        put_text(output, format, (size_t)(open - format));
        const char *close = strchr(open, '}');
        if (!close)
            return; /* a bad format: the caller's bug, seen in the first test */
        const char *place = open + 1;
        size_t length = (size_t)(close - place);
        format = close + 1;
        if (place[0] == '?' || place[0] == '!') {
            bool present = find_field(level, place + 1, length - 1) != NULL;
            if (present != (place[0] == '?')) {
                const char *end = strstr(format, "{/}");
                format = end ? end + 3 : format + strlen(format);
            }
        } else if (place[0] != '/') {
            render_placeholder(output, level, place, length);
        }
    }
}

static void render(struct output *output, const struct level *level, const char *format)
{
    render_pieces(output, level, format);
    flush_text(output);
}

static void write_head(struct output *output)
{
    if (output->depth == 0)
        return;
    struct level *level = &output->levels[output->depth - 1];
    if (level->head_written)
        return;
    level->head_written = true;
    if (level->format && level->format->head)
        render(output, level, level->format->head);
}

/* Levels deeper than this give their fields back once their head is written and they
 * have no tail: a tree 100,000 levels deep then holds no text per level. Shallower
 * levels keep their storage for the next record. */
enum { KEPT_DEPTH = 64 };

static void release_if_deep(struct output *output)
{
    struct level *level = &output->levels[output->depth - 1];
    if (output->depth <= KEPT_DEPTH || (level->format && level->format->tail))
        return;
    free(level->fields);
    free(level->buffer);
    level->fields = NULL;
    level->buffer = NULL;
    level->field_count = level->field_capacity = 0;
    level->used = level->capacity = 0;
}

static void push_level(struct output *output, const struct text_format *format)
{
    write_head(output);
    if (output->depth > 0)
        release_if_deep(output);
    if (output->depth == output->level_capacity) {
        size_t old = output->level_capacity;
        output->level_capacity = old ? old * 2 : 8;
        output->levels = xrealloc(output->levels, output->level_capacity * sizeof *output->levels);
        memset(output->levels + old, 0, (output->level_capacity - old) * sizeof *output->levels);
    }
    struct level *level = &output->levels[output->depth++];
    level->format = format;
    level->head_written = false;
    level->field_count = 0;
    level->used = 0;
}

static void pop_level(struct output *output)
{
    write_head(output);
    struct level *level = &output->levels[output->depth - 1];
    if (level->format && level->format->tail)
        render(output, level, level->format->tail);
    output->depth--;
}

static struct field *add_field(struct output *output, const char *key)
{
    if (output->depth == 0)
        push_level(output, NULL); /* a field at top level: kept for nothing */
    struct level *level = &output->levels[output->depth - 1];
    if (level->field_count == level->field_capacity) {
        level->field_capacity = level->field_capacity ? level->field_capacity * 2 : 8;
        level->fields = xrealloc(level->fields, level->field_capacity * sizeof *level->fields);
    }
    struct field *field = &level->fields[level->field_count++];
    *field = (struct field){.key = key};
    return field;
}

static void add_text(struct output *output, const char *key, const char *text, size_t length)
{
    struct field *field = add_field(output, key);
    struct level *level = &output->levels[output->depth - 1];
    if (level->used + length + 1 > level->capacity) {
        level->capacity = (level->used + length + 1) * 2;
        level->buffer = xrealloc(level->buffer, level->capacity);
    }
    field->value_offset = level->used;
    memcpy(level->buffer + level->used, text, length);
    level->buffer[level->used + length] = '\0';
    level->used += length + 1;
}

/* ---- the interface ---- */

static bool seen_by(const struct output *output, const struct text_format *format)
{
    if (!format)
        return true;
    return format->scope == OUTPUT_BOTH ||
           format->scope == (output->json ? OUTPUT_JSON_ONLY : OUTPUT_TEXT_ONLY);
}

static bool skipping(const struct output *output)
{
    return output->skip_depth > 0;
}

/* Enters a container; true if the back-end writes it. */
static bool enter(struct output *output, const struct text_format *format)
{
    if (skipping(output) || !seen_by(output, format)) {
        output->skip_depth++;
        return false;
    }
    return true;
}

/* Leaves a container; true if the back-end wrote it. */
static bool leave(struct output *output)
{
    if (skipping(output)) {
        output->skip_depth--;
        return false;
    }
    return true;
}

void out_begin_object(struct output *output, const char *key, const struct text_format *format)
{
    if (!enter(output, format))
        return;
    if (output->json) {
        if (key)
            json_key(&output->writer, key);
        json_begin_object(&output->writer);
    } else {
        push_level(output, format);
    }
}

void out_end_object(struct output *output)
{
    if (!leave(output))
        return;
    if (output->json)
        json_end_object(&output->writer);
    else
        pop_level(output);
}

void out_begin_list(struct output *output, const char *key, const struct text_format *format)
{
    if (!enter(output, format))
        return;
    if (output->json) {
        if (key)
            json_key(&output->writer, key);
        json_begin_array(&output->writer);
    } else {
        push_level(output, format);
    }
}

void out_end_list(struct output *output)
{
    if (!leave(output))
        return;
    if (output->json)
        json_end_array(&output->writer);
    else
        pop_level(output);
}

void out_string_n(struct output *output, const char *key, const char *text, size_t length)
{
    if (skipping(output))
        return;
    if (output->json) {
        json_key(&output->writer, key);
        json_string_n(&output->writer, text, length);
    } else {
        add_text(output, key, text, length);
    }
}

void out_string(struct output *output, const char *key, const char *text)
{
    if (text) {
        out_string_n(output, key, text, strlen(text));
    } else if (!skipping(output) && output->json) {
        json_key(&output->writer, key);
        json_string(&output->writer, NULL); /* null; in text, the field is missing */
    }
}

void out_uint(struct output *output, const char *key, uint64_t value)
{
    if (skipping(output))
        return;
    if (output->json) {
        json_member_uint(&output->writer, key, value);
        return;
    }
    char text[24];
    add_text(output, key, text, format_decimal(text, value, false));
}

void out_int(struct output *output, const char *key, int64_t value)
{
    if (skipping(output))
        return;
    if (output->json) {
        json_member_int(&output->writer, key, value);
        return;
    }
    char text[24];
    add_text(output, key, text,
             format_decimal(text, value < 0 ? -(uint64_t)value : (uint64_t)value, value < 0));
}

/* The frames JSON shows: those of the text, frame_text_path_start's path. */
static void json_frame(struct json_writer *writer, const struct log_frame *frame)
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

void out_stack(struct output *output, const char *key, const struct log_frame *frames,
               size_t frame_count)
{
    if (skipping(output))
        return;
    if (!output->json) {
        struct field *field = add_field(output, key);
        field->is_stack = true;
        field->frames = frames;
        field->frame_count = frame_count;
        return;
    }
    struct json_writer *writer = &output->writer;
    json_key(writer, key);
    json_begin_array(writer);
    size_t outermost = frame_count ? frame_text_path_start(frames, frame_count) : 0;
    if (outermost == frame_count && frame_count > 0)
        outermost = frame_count - 1; /* only plumbing: show it all */
    for (size_t i = 0; i < frame_count && i <= outermost; i++)
        json_frame(writer, &frames[i]);
    json_end_array(writer);
}

void out_text_field(struct output *output, const char *key, const char *text)
{
    if (!skipping(output) && !output->json)
        add_text(output, key, text, strlen(text));
}

void out_uint_line(struct output *output, const char *key, uint64_t value,
                   const char *line_format)
{
    if (skipping(output))
        return;
    if (output->json) {
        json_member_uint(&output->writer, key, value);
        return;
    }
    struct text_format format = {line_format, NULL, OUTPUT_BOTH};
    push_level(output, &format);
    out_uint(output, key, value);
    pop_level(output);
}

bool out_copy_list(struct output *output, FILE *spill, size_t count)
{
    if (skipping(output) || count == 0)
        return true;
    write_head(output);
    if (output->json && output->writer.after_value)
        fputc(',', output->out);
    char buffer[1 << 16];
    size_t got;
    if (fflush(spill) != 0)
        return false;
    rewind(spill);
    while ((got = fread(buffer, 1, sizeof buffer, spill)) > 0)
        if (fwrite(buffer, 1, got, output->out) != got)
            return false;
    output->writer.after_value = true;
    return !ferror(spill);
}
