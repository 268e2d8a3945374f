/* test_asterisk_format.c - unit tests for asterisk_format.c: current and older lines,
 * tags with commas, sizes, skewed objects, invalid lines and bad fields. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "event_transcript.h"
#include "log_reader.h"

START_TEST(current_and_older_lines)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x10,+1,7,a.c,1,make,**constructor**48**96**,new, with comma\n"
              "0x10,+1,7,b.c,2,hold,1,\n"
              "0x10,-1,8,b.c,3,drop,2\n"
              "0x10,-1,8,b.c,4,drop,**destructor**lock-state:unlocked**,bye\n"
              "0x20,+1,7,a.c,1,make,**constructor**,old\n"
              "0x20,-1,7,a.c,9,done,**destructor**,old\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x10=0x10 make 1 7 [make|(none)|0|a.c:1] size=96 tag=new, with comma\n"
                     "2: A 1 0x10=0x10 make 2 7 [hold|(none)|0|b.c:2] tag=\n"
                     "3: R 1 0x10=0x10 make 1 8 [drop|(none)|0|b.c:3] tag=\n"
                     "4: D 1 0x10=0x10 make 0 8 [drop|(none)|0|b.c:4] tag=bye\n"
                     "5: N 2 0x20=0x20 make 1 7 [make|(none)|0|a.c:1] tag=old\n"
                     "6: D 2 0x20=0x20 make 0 7 [done|(none)|0|a.c:9] tag=old\n");
    free(transcript.text);
}
END_TEST

START_TEST(skewed_invalid_and_after_destruction)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x30,-1,7,a.c,1,f,2,mid-life\n"
              "0x30,-1,7,a.c,2,f,1,to zero\n"
              "0x30,-1,7,a.c,3,f,0,after\n"
              "0x40,-1,7,astobj2.c,4,g,**invalid**,bad magic\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: R 1 0x30=0x30 ? 1 7 [f|(none)|0|a.c:1] tag=mid-life !Release of an "
                     "object never created\n"
                     "2: D 1 0x30=0x30 ? 0 7 [f|(none)|0|a.c:2] tag=to zero\n"
                     "3: X 0 0x30=0x30 ? -1 7 [f|(none)|0|a.c:3] tag=after !change after the "
                     "object's destruction\n"
                     "4: X 0 0x40=0x40 ? 0 7 [g|(none)|0|astobj2.c:4] tag=bad magic !change to an "
                     "invalid object (bad magic number or count below zero)\n");
    free(transcript.text);
}
END_TEST

/* A +1 not logged, then a -1 whose STATE (the count before it) is 2: the count after it
 * is 1, as the tracker had before, which used to read "count jumps from 1 to 1". The
 * message compares the count the line gives, before the change, with the tracked one. */
START_TEST(missing_event_is_told_with_the_count_before)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x10,+1,7,a.c,1,make,**constructor**,new\n"
              "0x10,-1,7,b.c,3,drop,2,\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x10=0x10 make 1 7 [make|(none)|0|a.c:1] tag=new\n"
                     "2: R 1 0x10=0x10 make 1 7 [drop|(none)|0|b.c:3] tag= !the count before "
                     "this change is 2 in the log but 1 after the events before it: an event is "
                     "missing\n");
    free(transcript.text);
}
END_TEST

/* A second constructor at the address of a live object: the log missed its destructor.
 * The older object is taken as ended there (K, with the warning), never left leaked. */
START_TEST(constructor_at_a_live_address_ends_the_older_object)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x10,+1,7,a.c,1,make,**constructor**,new\n"
              "0x10,+1,7,a.c,1,make,**constructor**,again\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x10=0x10 make 1 7 [make|(none)|0|a.c:1] tag=new\n"
                     "2: K 1 0x10=0x10 make 1 7 [] !object 2 starts at this address while "
                     "object 1 is alive there: the log misses the destruction of 1, taken as "
                     "ended here\n"
                     "2: N 2 0x10=0x10 make 1 7 [make|(none)|0|a.c:1] tag=again\n");
    free(transcript.text);
}
END_TEST

START_TEST(bad_fields)
{
    const char *first = "0x10,+1,7,a.c,1,f,**constructor**,x\n";
    char log[256];
    snprintf(log, sizeof log, "%s0x10,+1,7,a.c\n", first);
    assert_bad_log(log, "t.log:2: expected ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG");
    snprintf(log, sizeof log, "%s0x10,++1,7,a.c,1,f,1,x\n", first);
    assert_bad_log(log, "t.log:2: bad delta '++1'");
    snprintf(log, sizeof log, "%s0x10,+1,7,a.c,one,f,1,x\n", first);
    assert_bad_log(log, "t.log:2: bad line number 'one'");
    snprintf(log, sizeof log, "%s0x10,+1,7,a.c,1,f,**what**,x\n", first);
    assert_bad_log(log, "t.log:2: bad state '**what**' (a count, **constructor**, **destructor** or "
                    "**invalid**)");
}
END_TEST

Suite *asterisk_format_suite(void)
{
    Suite *suite = suite_create("asterisk_format");
    TCase *cases = tcase_create("core");
    tcase_add_test(cases, missing_event_is_told_with_the_count_before);
    tcase_add_test(cases, current_and_older_lines);
    tcase_add_test(cases, skewed_invalid_and_after_destruction);
    tcase_add_test(cases, bad_fields);
    tcase_add_test(cases, constructor_at_a_live_address_ends_the_older_object);
    suite_add_tcase(suite, cases);
    return suite;
}
