/* json_writer.c - compact, always valid JSON (see json_writer.h). */
#include "json_writer.h"

#include <inttypes.h>
#include <string.h>

void json_writer_init(struct json_writer *writer, FILE *out, bool html_safe)
{
    writer->out = out;
    writer->html_safe = html_safe;
    writer->after_value = false;
}

static void separate(struct json_writer *writer)
{
    if (writer->after_value)
        fputc(',', writer->out);
}

void json_begin_object(struct json_writer *writer)
{
    separate(writer);
    fputc('{', writer->out);
    writer->after_value = false;
}

void json_end_object(struct json_writer *writer)
{
    fputc('}', writer->out);
    writer->after_value = true;
}

void json_begin_array(struct json_writer *writer)
{
    separate(writer);
    fputc('[', writer->out);
    writer->after_value = false;
}

void json_end_array(struct json_writer *writer)
{
    fputc(']', writer->out);
    writer->after_value = true;
}

/* Length of the valid UTF-8 sequence at TEXT, or 0 if it is not one (overlong forms,
 * surrogates and code points above U+10FFFF are not valid either). */
static int utf8_sequence_length(const unsigned char *text)
{
    unsigned char lead = text[0];
    int length;
    uint32_t code_point;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        code_point = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        code_point = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        code_point = lead & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < length; i++) {
        if ((text[i] & 0xc0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        code_point = code_point << 6 | (text[i] & 0x3f);
    }
    static const uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length] || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff))
        return 0;
    return length;
}

static bool needs_unicode_escape(const struct json_writer *writer, unsigned char c)
{
    return c < 0x20 || c == 0x7f || (writer->html_safe && (c == '<' || c == '>' || c == '&'));
}

static void write_escaped(struct json_writer *writer, const unsigned char *text, size_t length)
{
    FILE *out = writer->out;
    const unsigned char *end = text + length;
    fputc('"', out);
    while (text < end) {
        unsigned char c = *text;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (needs_unicode_escape(writer, c)) {
            fprintf(out, "\\u%04x", c);
        } else if (c >= 0x80) {
            int length = utf8_sequence_length(text);
            if (text + length > end)
                length = 0; /* cut by LENGTH */
            if (length == 0) {
                fputs("\\ufffd", out);
                length = 1;
            } else {
                fwrite(text, 1, (size_t)length, out);
            }
            text += length;
            continue;
        } else {
            fputc(c, out);
        }
        text++;
    }
    fputc('"', out);
}

void json_key(struct json_writer *writer, const char *key)
{
    separate(writer);
    write_escaped(writer, (const unsigned char *)key, strlen(key));
    fputc(':', writer->out);
    writer->after_value = false;
}

void json_string(struct json_writer *writer, const char *text)
{
    separate(writer);
    if (text)
        write_escaped(writer, (const unsigned char *)text, strlen(text));
    else
        fputs("null", writer->out);
    writer->after_value = true;
}

void json_string_n(struct json_writer *writer, const char *text, size_t length)
{
    separate(writer);
    write_escaped(writer, (const unsigned char *)text, length);
    writer->after_value = true;
}

void json_int(struct json_writer *writer, int64_t value)
{
    separate(writer);
    fprintf(writer->out, "%" PRId64, value);
    writer->after_value = true;
}

void json_uint(struct json_writer *writer, uint64_t value)
{
    separate(writer);
    fprintf(writer->out, "%" PRIu64, value);
    writer->after_value = true;
}

void json_bool(struct json_writer *writer, bool value)
{
    separate(writer);
    fputs(value ? "true" : "false", writer->out);
    writer->after_value = true;
}

void json_member_string(struct json_writer *writer, const char *key, const char *text)
{
    json_key(writer, key);
    json_string(writer, text);
}

void json_member_int(struct json_writer *writer, const char *key, int64_t value)
{
    json_key(writer, key);
    json_int(writer, value);
}

void json_member_uint(struct json_writer *writer, const char *key, uint64_t value)
{
    json_key(writer, key);
    json_uint(writer, value);
}
