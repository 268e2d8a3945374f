/* Mozilla's refcount log format, for people's own scripts and habits (make-tree.pl,
 * find_leakers.py). Every event carries its whole stack in text, so this format is much
 * larger and slower than refshim's own; each frame's text is made once and cached. */
#include "xpcom_writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "log_writer.h"
#include "refshim_log.h"
#include "symbolizer.h"
#include "textbuf.h"

/* Mozilla's text for a frame it knows nothing of (escaped: "??)" would be a trigraph). */
#define UNKNOWN_FRAME "\?\?\? (\?\?\?:\?\?\?)"

struct frame_text {
    uintptr_t ip;
    char *text;                 /* "function[/module +0xoff]" */
    UT_hash_handle hh;
};

static pthread_mutex_t frames_lock = PTHREAD_MUTEX_INITIALIZER;
static struct frame_text *frames;

static char *describe(uintptr_t ip)
{
    struct symbol_info info;
    symbolizer_describe(ip, &info);
    char *text = NULL;
    const char *function = info.function ? info.function : "???";
    if (info.module != NULL) {
        if (asprintf(&text, "%s[%s +0x%lx]", function, info.module, (unsigned long)info.offset) < 0)
            text = NULL;
    } else if (asprintf(&text, "%s (\?\?\?:\?\?\?)", function) < 0) {
        text = NULL;
    }
    symbol_info_free(&info);
    return text;
}

/* Appends the text of the frame at return address IP (cached). */
static void add_frame(struct textbuf *out, uintptr_t ip)
{
    pthread_mutex_lock(&frames_lock);
    struct frame_text *f;
    HASH_FIND(hh, frames, &ip, sizeof ip, f);
    if (f == NULL && (f = calloc(1, sizeof *f)) != NULL) {
        f->ip = ip;
        f->text = describe(ip);
        HASH_ADD(hh, frames, ip, sizeof f->ip, f);
    }
    textbuf_add_field(out, f ? f->text : NULL, UNKNOWN_FRAME);
    pthread_mutex_unlock(&frames_lock);
}

static void add_frame_number(struct textbuf *out, int n)
{
    char number[16];
    snprintf(number, sizeof number, "    #%02d: ", n);
    textbuf_add_str(out, number);
}

void xpcom_write_event(const char *class_name, uintptr_t address, uint64_t serial, char op,
                       uint32_t count, uintptr_t method, const uintptr_t *ips, int depth,
                       size_t *log_end)
{
    struct textbuf out = {0};
    char head[96];
    bool add = op == REFSHIM_OP_NEW || op == REFSHIM_OP_ADDREF;
    snprintf(head, sizeof head, " 0x%lx %llu %s %u [thread 0x%lx]\n", (unsigned long)address,
             (unsigned long long)serial, add ? "AddRef" : "Release", count,
             (unsigned long)pthread_self());
    textbuf_add_str(&out, "\n<");
    textbuf_add_field(&out, class_name, "?");
    textbuf_add_char(&out, '>');
    textbuf_add_str(&out, head);
    int n = 1;
    if (method != 0) {
        add_frame_number(&out, n++);
        add_frame(&out, method + 1);    /* described as a return address: one byte in */
        textbuf_add_char(&out, '\n');
    }
    for (int i = 0; i < depth; i++) {
        add_frame_number(&out, n++);
        add_frame(&out, ips[i]);
        textbuf_add_char(&out, '\n');
    }
    if (!out.failed)
        log_write_event(out.data, out.len, log_end, 0, 0);
    textbuf_free(&out);
}

void xpcom_write_note(const char *class_name, uintptr_t address, uint64_t serial,
                      const char *note)
{
    struct textbuf out = {0};
    char tail[64];
    snprintf(tail, sizeof tail, "> 0x%lx %llu Note ", (unsigned long)address,
             (unsigned long long)serial);
    textbuf_add_str(&out, "\n<");
    textbuf_add_field(&out, class_name, "?");
    textbuf_add_str(&out, tail);
    textbuf_add_str(&out, note);
    textbuf_add_char(&out, '\n');
    if (!out.failed)
        log_write(out.data, out.len);
    textbuf_free(&out);
}
