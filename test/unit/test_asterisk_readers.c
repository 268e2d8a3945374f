/* test_asterisk_readers.c - the Asterisk block reader (asterisk_block.c) against the line
 * reader (asterisk_format.c): every log must give the same events, field for field, the
 * same errors and warnings, whichever reads its lines. The logs mix the usual lines with
 * what only the line reader reads (hex numbers, `\r`, long lines, missing tags), lines
 * that wait for their object's earlier lines, **invalid** records, destructor lines,
 * bad lines, and lines cut by the ends of the reader's chunks. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_format.h"
#include "lives_reading.h"
#include "log_reader.h"

/* Every field of EVENT as one line of text. */
static void describe(const struct log_event *event, void *user)
{
    FILE *out = user;
    fprintf(out, "%lu %c %" PRIu64 " %s=%#" PRIx64 " %s n=%" PRId64 " t=%" PRIu64 " d=%" PRId64
            " s=%" PRIu64 " k=%" PRIu64 " first=%d",
            event->line, (char)event->op, event->serial, event->address, event->address_value,
            event->class_name, event->count, event->tid, event->delta, event->size,
            event->stack_id, event->first_seen);
    const struct log_frame *frames;
    size_t count = log_event_frames(event, &frames);
    for (size_t i = 0; i < count; i++)
        fprintf(out, " [%s|%s]", frames[i].function, frames[i].source ? frames[i].source : "-");
    fprintf(out, " tag=%s state=%s !%s\n", event->tag ? event->tag : "(null)",
            event->state ? event->state : "(null)", event->anomaly ? event->anomaly : "");
}

struct reading {
    int status;
    struct log_diag diag;
    char *events;
    size_t size;
};

typedef int (*stream_reader)(FILE *, const char *, log_event_fn, void *, struct log_diag *);

static void read_with(stream_reader reader, const char *log, size_t length, struct reading *r)
{
    FILE *out = open_memstream(&r->events, &r->size);
    FILE *in = fmemopen((void *)log, length, "r");
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(in);
    r->status = reader(in, "t.log", describe, out, &r->diag);
    fclose(in);
    fclose(out);
}

/* Reads LOG both ways, asserts they agree and returns the status; *EVENTS (if given)
 * receives the number of events. */
static int readers_agree(const char *log, size_t length, size_t *events)
{
    struct reading fast, lines;
    read_with(log_read_stream, log, length, &fast);
    read_with(log_read_stream_by_lines, log, length, &lines);
    ck_assert_int_eq(fast.status, lines.status);
    ck_assert_str_eq(fast.diag.message, lines.diag.message);
    ck_assert_str_eq(fast.diag.warning, lines.diag.warning);
    ck_assert_str_eq(fast.diag.torn, lines.diag.torn);
    ck_assert_str_eq(fast.events, lines.events);
    assert_lives_reading_agrees(log, length, describe, 1);
    if (events) {
        *events = 0;
        for (const char *c = fast.events; *c; c++)
            *events += *c == '\n';
    }
    free(fast.events);
    free(lines.events);
    return fast.status;
}

/* Lines only the line reader reads, or reads differently: each with its object's
 * constructor before and destructor after, at address ADDRESS. */
static void write_odd_object(FILE *out, unsigned long address, int kind)
{
    fprintf(out, "0x%lx,+1,7,odd.c,1,make,**constructor**48**%d**,odd %d\n", address, kind,
            kind);
    switch (kind) {
    case 0: fprintf(out, "0x%lx,+0x1,7,odd.c,2,hexdelta,1,\n", address); break;
    case 1: fprintf(out, "0X%lX,+1,0x1f,odd.c,3,hextid,1,x\n", address); break;
    case 2: fprintf(out, "0x%lx,+1,7,odd.c,4,hexstate,0x1,x\r\n", address); break;
    case 3: fprintf(out, "0x%lx,+1,7,odd.c,5,notag,1\n", address); break;
    case 4: fprintf(out, "0x%lx,+-1,7,,6,,1,no file, no function\n", address); break;
    case 5: fprintf(out, "0x%017lx,+1,7,odd.c,7,zeros,1, leading  spaces ,\n", address); break;
    case 6: {
        char tag[1500];
        memset(tag, 'y', sizeof tag - 1);
        tag[sizeof tag - 1] = '\0';
        fprintf(out, "0x%lx,+1,7,odd.c,8,longtag,1,%s\n", address, tag);
        break;
    }
    case 7: fprintf(out, "\n0x%lx,+1,0000000000000000007,odd.c,9,longtid,1,\n\n", address); break;
    }
    fprintf(out, "0x%lx,-1,7,odd.c,10,drop,**destructor**lock-state:unlocked**,bye\n", address);
}

/* A log of several MiB: objects whose lines come in order, out of order (a later count
 * first, the destructor before the outer -1, a new object at the address before the old
 * one's destructor line), **invalid** records, changes after destruction, odd lines. */
static char *long_log(size_t *length)
{
    char *log = NULL;
    FILE *out = open_memstream(&log, length);
    for (unsigned long i = 0; i < 24000; i++) {
        unsigned long address = 0x7f0000000000ul + 0x80ul * (i % 3000);
        unsigned tid = 100 + (unsigned)(i % 7);
        fprintf(out, "0x%lx,+1,%u,a.c,%lu,alloc_%lu,**constructor**48**%lu**,new, with comma\n",
                address, tid, 10 + i % 13, i % 13, 64 + i % 5);
        switch (i % 6) {
        case 0: /* in order */
            fprintf(out, "0x%lx,+1,%u,b.c,20,hold,1,\n", address, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,21,drop,2,done\n", address, tid);
            break;
        case 1: /* another thread's later change first */
            fprintf(out, "0x%lx,+1,%u,b.c,20,hold,1,\n", address, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,22,drop,3,late\n", address, tid + 1);
            fprintf(out, "0x%lx,+1,%u,b.c,23,hold,2,\n", address, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,21,drop,2,\n", address, tid);
            break;
        case 2: /* the destructor line before the outer call's own */
            fprintf(out, "0x%lx,+1,%u,b.c,20,hold,1,weakproxy link\n", address, tid);
            fprintf(out, "0x%lx,-1,%u,astobj2.c,555,__ao2_ref,**destructor**lock-state:used**,\n",
                    address, tid);
            fprintf(out, "0x%lx,-1,%u,c.c,1430,cleanup,2,\n", address, tid);
            fprintf(out, "0x%lx,+1,%u,a.c,1,again,**constructor**,\n", address, tid);
            break;
        case 3: /* **invalid** records, a change after destruction */
            fprintf(out, "0x%lx,-1,%u,astobj2.c,500,__ao2_ref,**invalid**,bad magic\n",
                    address + 8, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,21,drop,1,\n", address, tid);
            fprintf(out, "0x%lx,-1,%u,astobj2.c,501,__ao2_ref,**destructor**,\n", address, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,24,late,0,after\n", address, tid);
            break;
        case 4: /* a missing change, and an odd line */
            fprintf(out, "0x%lx,+1,%u,b.c,20,hold,3,missing\n", address, tid);
            write_odd_object(out, address + 0x40, (int)(i / 6 % 8));
            break;
        default: /* left alive: a leak; the next object at the address meets it */
            break;
        }
    }
    fclose(out);
    return log;
}

START_TEST(readers_agree_on_a_long_log)
{
    size_t length, events;
    char *log = long_log(&length);
    ck_assert_uint_gt(length, 3u << 20); /* several blocks: lines cut by their ends */
    ck_assert_int_eq(readers_agree(log, length, &events), LOG_STATUS_OK);
    ck_assert_uint_gt(events, 100000);
    /* Cut inside its last line: the same warning and events. */
    ck_assert_int_eq(readers_agree(log, length - 20, NULL), LOG_STATUS_OK);
    free(log);
}
END_TEST

/* A bad line after many good ones stops both readers at the same line, with the same
 * events before it, lines waiting for their turn included. */
START_TEST(readers_agree_on_bad_lines)
{
    static const char *const bad[] = {
        " 0x10,+1,7,a.c,1,f,1,x\n",
        "0x10,+1,7,a.c\n",
        "0x10,++1,7,a.c,1,f,1,x\n",
        "0x10,+1,seven,a.c,1,f,1,x\n",
        "0x10,+1,7,a.c,one,f,1,x\n",
        "0x10,+1,7,a.c,1,f,**what**,x\n",
        "0x10,+1,7,a.c,1,f,1 ,x\n",
        "0x10000000000000000,+1,7,a.c,1,f,1,x\n",
        "0x10,+1,7,a.c,1,f,99999999999999999999,x\n",
    };
    size_t length;
    char *log = long_log(&length);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t cut = length / 2;
        while (log[cut - 1] != '\n')
            cut--;
        char *bad_log = malloc(cut + strlen(bad[i]) + 200);
        ck_assert_ptr_nonnull(bad_log);
        memcpy(bad_log, log, cut);
        size_t bad_length = cut + (size_t)sprintf(bad_log + cut, "%s0x20,+1,7,a.c,1,f,1,x\n",
                                                  bad[i]);
        ck_assert_int_eq(readers_agree(bad_log, bad_length, NULL), LOG_STATUS_BAD_LOG);
        free(bad_log);
    }
    free(log);
}
END_TEST

/* A torn line (NULs where a killed thread stopped writing) inside the log. */
START_TEST(readers_agree_on_a_torn_line)
{
    static const char log[] = "0x10,+1,7,a.c,1,make,**constructor**,\n"
                              "0x10,+1,7,a.c,2,ho\0\0\0\0"
                              "0x10,+1,8,a.c,3,hold,1,\n"
                              "0x10,-1,8,a.c,4,drop,**destructor**,\n";
    size_t events;
    ck_assert_int_eq(readers_agree(log, sizeof log - 1, &events), LOG_STATUS_OK);
    ck_assert_uint_eq(events, 3);
}
END_TEST

/* Lines that put the reading thread's separators (asterisk_scan.h) where its shortcuts
 * could go wrong: fields across its 64-byte words, lines longer than one or two, commas
 * in the tag, '\r\n', missing and empty fields, each object created and destroyed, many
 * times over so that chunks end inside and between them. */
START_TEST(readers_agree_on_lines_odd_for_the_scan)
{
    char *log = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&log, &length);
    ck_assert_ptr_nonnull(out);
    char long_name[300];
    for (unsigned i = 0; i < 20000; i++) {
        unsigned long address = 0x7f0000000000ul + 0x40ul * (i % 500);
        size_t name = 1 + (i * 7) % (sizeof long_name - 1);
        memset(long_name, i % 3 ? 'a' + (char)(i % 26) : ',', name);
        long_name[name] = '\0';
        const char *file = i % 3 ? long_name : "x";
        fprintf(out, "0x%lx,+1,%u,%s.c,%u,%s,**constructor**,tag, with, commas,,\n", address,
                100 + i % 5, file, i % 9000, i % 3 ? long_name + name / 2 : "y");
        switch (i % 8) {
        case 0: fprintf(out, "0x%lx,+1,7,a.c,1,f,1\n", address); break;        /* no tag */
        case 1: fprintf(out, "0x%lx,+1,7,a.c,1,f,1,\r\n", address); break;     /* \r\n */
        case 2: fprintf(out, "0x%lx,+1,7,a.c,1,f,1,%0200d\n", address, 0); break;
        case 3: fprintf(out, "0x%lx,+1,7,a.c,1,f,1,%s,%s\n", address, long_name,
                        long_name); break;
        case 4: fprintf(out, "\n\n0X%lX,+1,0x7,a.c,1,f,1,x\n", address); break; /* hex tid */
        case 5: fprintf(out, "0x%lx,+1,7,,1,,1,,\n", address); break;            /* empty */
        case 6: fprintf(out, "0x%lx,-1,7,a.c,1,f,**invalid**,%s\n", address + 8,
                        long_name); break;
        default: fprintf(out, "0x%lx,+1,7,a.c,1,f,1,x\n", address); break;
        }
        fprintf(out, "0x%lx,-1,7,b.c,2,g,**destructor**,%s\n", address, long_name);
    }
    fclose(out);
    ck_assert_int_eq(readers_agree(log, length, NULL), LOG_STATUS_OK);
    /* the last line cut before its '\n' */
    ck_assert_int_eq(readers_agree(log, length - 1, NULL), LOG_STATUS_OK);
    free(log);
}
END_TEST

/* Births and deaths on both sides of the reading of lives' shortcut for them
 * (asterisk_take_birth_or_death): taken there (a constructor at a free address, the
 * destructor of the live object, to 0 or below), or left to the usual way (a constructor
 * at a live address or with no +1, a destructor with no live object, or while its
 * object's count stays above 0, or while a line waits, or of a call site not met yet),
 * with the anomalies each is told with, over many chunks. */
START_TEST(readers_agree_on_births_and_deaths)
{
    char *log = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&log, &length);
    ck_assert_ptr_nonnull(out);
    for (unsigned i = 0; i < 30000; i++) {
        unsigned long a = 0x7f0000000000ul + 0x40ul * (i % 700);
        unsigned tid = 100 + i % 3;
        fprintf(out, "0x%lx,+1,%u,a.c,%u,make,**constructor**48**%u**,new\n", a, tid, i % 5,
                i % 9);
        switch (i % 12) {
        case 0: /* a destructor of a site never met before */
            fprintf(out, "0x%lx,-1,%u,new.c,%u,end,**destructor**,first\n", a, tid, i);
            break;
        case 1: /* the count stays above 0: destroyed while its count was 2 */
            fprintf(out, "0x%lx,+1,%u,b.c,1,hold,1,\n", a, tid);
            fprintf(out, "0x%lx,+1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            break;
        case 2: /* below 0, the object shared by two threads: no anomaly */
            fprintf(out, "0x%lx,+1,%u,b.c,1,hold,1,\n", a, tid + 1);
            fprintf(out, "0x%lx,-3,%u,b.c,3,drop,**destructor**,\n", a, tid);
            break;
        case 3: /* a constructor at a live address, then no +1 */
            fprintf(out, "0x%lx,+1,%u,a.c,1,make,**constructor**,again\n", a, tid);
            fprintf(out, "0x%lx,+0,%u,a.c,2,make,**constructor**,zero\n", a + 8, tid);
            fprintf(out, "0x%lx,-1,%u,a.c,3,make,**constructor**,minus\n", a + 16, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            break;
        case 4: /* a destructor of no live object, before and after a destruction */
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a + 24, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            break;
        case 5: /* a line waits: the count of 2 comes before the +1 from 1 */
            fprintf(out, "0x%lx,-1,%u,b.c,4,drop,2,late\n", a, tid);
            fprintf(out, "0x%lx,+1,%u,b.c,1,hold,1,\n", a, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            break;
        case 6: /* the destructor before the new object's constructor, as Asterisk frees */
            fprintf(out, "0x%lx,+1,%u,a.c,1,make,**constructor**,reborn\n", a, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**,\n", a, tid);
            break;
        case 7: /* spelled otherwise: uppercase, leading zeros, no tag; below 0 */
            fprintf(out, "0X%lX,+1,%u,b.c,1,hold,1,x\n", a, tid);
            fprintf(out, "0x%017lx,-3,%u,b.c,2,drop,**destructor**\n", a, tid);
            break;
        case 8: /* left alive, a leak; the next constructor at its address meets it */
            break;
        case 9: /* below 0, one thread: destroyed while its count was 2 */
            fprintf(out, "0x%lx,+1,%u,b.c,1,hold,1,\n", a, tid);
            fprintf(out, "0x%lx,-3,%u,b.c,2,drop,**destructor**,\n", a, tid);
            break;
        default: /* the commonest: born, changed, dead */
            fprintf(out, "0x%lx,+1,%u,b.c,1,hold,1,\n", a, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,2,\n", a, tid);
            fprintf(out, "0x%lx,-1,%u,b.c,2,drop,**destructor**lock-state:unlocked**,\n", a,
                    tid);
            break;
        }
    }
    fclose(out);
    ck_assert_uint_gt(length, 1u << 20);
    ck_assert_int_eq(readers_agree(log, length, NULL), LOG_STATUS_OK);
    free(log);
}
END_TEST

static void count_event(const struct log_event *event, void *user)
{
    (void)event;
    (*(unsigned *)user)++;
}

/* The block reader itself: it reads the usual lines, stops at the first other one,
 * leaves the last complete line of its data to the line reader (which alone can tell
 * whether the log ends in a torn line) and asks for more when its data ends inside a
 * line. */
START_TEST(block_reader_stops_where_the_line_reader_must_read)
{
    const struct log_format *format = &asterisk_log_format;
    void *state = format->create();
    char error[128] = "";
    unsigned events = 0;
    struct log_sink sink = {.error = error, .error_size = sizeof error, .user = &events};
    sink.on_event = count_event;
    static const char usual[] = "0x10,+1,7,a.c,1,make,**constructor**,\n"
                                "\n"
                                "0x10,+1,7,a.c,2,hold,1,x, y\n";
    static const char odd[] = "0x10,+0x1,7,a.c,3,hold,2,\n";
    static const char last_two[] = "0x10,-1,7,a.c,4,drop,3,\n"
                                   "0x10,-1,7,a.c,5,drop,2,\n";
    static const char cut[] = "0x10,-1,7,a.c,6,drop,1";
    char data[256];
    size_t length = (size_t)snprintf(data, sizeof data, "%s%s", usual, odd);
    unsigned long line = 0;
    bool need_more = true;
    ck_assert_uint_eq(format->parse_block(state, data, length, &line, &sink, &need_more),
                      sizeof usual - 1);
    ck_assert_uint_eq(line, 3);
    ck_assert(!need_more);
    ck_assert_uint_eq(events, 2);
    /* The odd line, as the line reader would take it. */
    length = (size_t)snprintf(data, sizeof data, "%s", odd);
    data[length - 1] = '\0';
    ck_assert(format->parse_line(state, data, length - 1, ++line, &sink));
    length = (size_t)snprintf(data, sizeof data, "%s", last_two);
    ck_assert_uint_eq(format->parse_block(state, data, length, &line, &sink, &need_more),
                      strchr(last_two, '\n') + 1 - last_two);
    ck_assert(!need_more);
    ck_assert_uint_eq(line, 5);
    ck_assert_uint_eq(events, 4);
    length = (size_t)snprintf(data, sizeof data, "%s", cut);
    ck_assert_uint_eq(format->parse_block(state, data, length, &line, &sink, &need_more), 0);
    ck_assert(need_more);
    ck_assert_uint_eq(line, 5);
    ck_assert_str_eq(error, "");
    format->destroy(state);
}
END_TEST

Suite *asterisk_readers_suite(void)
{
    Suite *suite = suite_create("asterisk_readers");
    TCase *cases = tcase_create("agree");
    tcase_set_timeout(cases, 60);
    tcase_add_test(cases, readers_agree_on_a_long_log);
    tcase_add_test(cases, readers_agree_on_bad_lines);
    tcase_add_test(cases, readers_agree_on_a_torn_line);
    tcase_add_test(cases, readers_agree_on_lines_odd_for_the_scan);
    tcase_add_test(cases, readers_agree_on_births_and_deaths);
    tcase_add_test(cases, block_reader_stops_where_the_line_reader_must_read);
    suite_add_tcase(suite, cases);
    return suite;
}
