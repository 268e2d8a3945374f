/* test_mozilla_format.c - unit tests for mozilla_format.c: every frame form, frame #01
 * dropped, alloc-log lines with sizes, serial-less logs, truncation and bad lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "event_transcript.h"
#include "log_reader.h"

START_TEST(every_frame_form)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("\n<nsFoo> 0x10 1 AddRef 1 [thread 0x7f00]\n"
              "    #01: nsFoo::AddRef()[/lib/libx.so +0x1a2c]\n"
              "    #02: NS_NewFoo(nsFoo**)[/lib/libx.so +0x1b40]\n"
              "    #03: Run() const (run.cpp:12)\n"
              "    #04: ?\?\? (?\?\?:?\?\?)\n"
              "    #05: Old(int)+0x1f [/lib/old.so +0x00000b1f]\n"
              "    #06: bare\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "2: N 1 0x10=0x10 nsFoo 1 32512 [NS_NewFoo(nsFoo**)|/lib/libx.so|0x1b40|(none); "
                     "Run() const|(none)|0|run.cpp:12; ???|(none)|0|(none); "
                     "Old(int)|/lib/old.so|0xb1f|(none); bare|(none)|0|(none)]\n");
    free(transcript.text);
}
END_TEST

START_TEST(alloc_log_sizes_and_release_to_zero)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("\n<A> 0x10 1 Ctor (24)\n\n<A> 0x10 1 AddRef 1\n\n<A> 0x10 1 Release 0\n\n"
              "<A> 0x10 1 Dtor (24)\n\n<B> 0x20 2 Create\n\n<B> 0x20 2 Destroy\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    /* An object made by a Ctor lives until its Dtor, whatever its count says. */
    ck_assert_str_eq(transcript.text, "2: N 1 0x10=0x10 A 1 0 [] size=24\n"
                                      "4: A 1 0x10=0x10 A 1 0 []\n"
                                      "6: R 1 0x10=0x10 A 0 0 []\n"
                                      "8: D 1 0x10=0x10 A 0 0 [] size=24\n"
                                      "10: N 2 0x20=0x20 B 1 0 []\n"
                                      "12: D 2 0x20=0x20 B 0 0 []\n");
    free(transcript.text);
}
END_TEST

START_TEST(serial_zero_objects_are_numbered_by_address)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("\n<Q> 0x10 0 AddRef 1\n\n<Q> 0x10 0 Release 0\n\n<Q> 0x10 0 AddRef 1\n\n"
              "<Q> 0x20 0 Release 3\n\n<Q> 0x10 0 AddRef 4\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "2: N 1 0x10=0x10 Q 1 0 []\n"
                     "4: D 1 0x10=0x10 Q 0 0 []\n"
                     "6: N 2 0x10=0x10 Q 1 0 []\n"
                     "8: R 3 0x20=0x20 Q 3 0 [] !Release of an object never created\n"
                     "10: A 2 0x10=0x10 Q 4 0 [] !the count after this AddRef is 4 in the log but 2 after the events before it: "
                     "an event is missing\n");
    free(transcript.text);
}
END_TEST

/* A record line, then a frame line, torn by NULs: each is skipped, the records after
 * them are read. */
START_TEST(torn_lines_are_skipped)
{
    static const char log[] = "\n<A> 0x10 1 AddRef 1\n    #01: a\n    #02: b\n\n<A> 0x10 1 Add\0\0"
                              "<A> 0x10 1 AddRef 3\n    #01: a\n    #02: c\n    #03: ma\0\0\0"
                              "\n<A> 0x10 1 Release 2\n    #01: a\n    #02: d\n";
    struct transcript transcript;
    struct log_diag diag;
    ck_assert_int_eq(read_log(log, sizeof log - 1, &transcript, &diag), LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "2: N 1 0x10=0x10 A 1 0 [b|(none)|0|(none)]\n"
                     "6: A 1 0x10=0x10 A 3 0 [c|(none)|0|(none)] !the count after this AddRef is 3 "
                     "in the log but 2 after the events before it: an event is missing\n"
                     "10: R 1 0x10=0x10 A 2 0 [d|(none)|0|(none)]\n");
    ck_assert_str_eq(diag.torn, "t.log:6: warning: 2 lines left unfinished by a thread of the "
                                "program (killed, or still writing the log) were skipped (the first is here, before the NUL "
                                "bytes)");
    free(transcript.text);
}
END_TEST

START_TEST(cut_record_is_left_out)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("\n<A> 0x10 1 AddRef 1\n    #01: a\n    #02: b\n\n<A> 0x10 1 AddRef 2\n    #01: a\n"
              "    #02: c",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text, "2: N 1 0x10=0x10 A 1 0 [b|(none)|0|(none)]\n");
    ck_assert_str_eq(diag.warning, "t.log: log was cut after line 7; analysed up to there");
    free(transcript.text);
}
END_TEST

START_TEST(bad_lines)
{
    assert_bad_log("\n<A> 0x10 1 AddRef 1\nhello\n",
               "t.log:3: not a Mozilla refcount record (`<Class> ADDRESS SERIAL OP ...`) nor a "
               "stack frame");
    assert_bad_log("\n<A> 0x10 1 AddRef 1\n<A> 0x10 x AddRef 2\n", "t.log:3: bad serial number 'x'");
    assert_bad_log("\n<A> 0x10 1 AddRef 1\n<A> 0x10 1 AddRef\n", "t.log:3: AddRef without a valid count");
    assert_bad_log("\n<A> 0x10 1 AddRef 1\n<A> 0x10 1 Ctor (x)\n", "t.log:3: bad size 'x'");
    assert_bad_log("\n<A> 0x10 1 AddRef 1\n\n<A> 0x10 1 AddRef 2 [thread zz]\n",
               "t.log:4: bad thread 'zz'");
    assert_bad_log("\n<A> 0x10 1 AddRef 1\n    no number\n", "t.log:3: stack frame line without `#NN: `");
}
END_TEST

Suite *mozilla_format_suite(void)
{
    Suite *suite = suite_create("mozilla_format");
    TCase *cases = tcase_create("core");
    tcase_add_test(cases, every_frame_form);
    tcase_add_test(cases, alloc_log_sizes_and_release_to_zero);
    tcase_add_test(cases, serial_zero_objects_are_numbered_by_address);
    tcase_add_test(cases, cut_record_is_left_out);
    tcase_add_test(cases, torn_lines_are_skipped);
    tcase_add_test(cases, bad_lines);
    suite_add_tcase(suite, cases);
    return suite;
}
