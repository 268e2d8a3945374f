/* test_asterisk_format.c - unit tests for asterisk_format.c: current and older lines,
 * tags with commas, sizes, skewed objects, invalid lines and bad fields, and the orders
 * in which a real Asterisk writes an object's lines. */
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

/* A -1 on an object with a weak proxy: the nested __ao2_ref's destructor line comes
 * before the outer call's own line (state 2), as Asterisk 22 writes it. */
START_TEST(weak_proxy_destructor_before_outer_line)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x10,+1,7,stasis.c,654,topic_create,**constructor**64**80**,topic\n"
              "0x10,+1,7,stasis.c,607,link_topic_proxy,1,weakproxy link\n"
              "0x10,-1,8,astobj2.c,555,__ao2_ref,**destructor**lock-state:used**,\n"
              "0x10,-1,8,channel.c,1430,cleanup,2,\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x10=0x10 topic_create 1 7 [topic_create|(none)|0|stasis.c:654] "
                     "size=80 tag=topic\n"
                     "2: A 1 0x10=0x10 topic_create 2 7 [link_topic_proxy|(none)|0|stasis.c:607] "
                     "tag=weakproxy link\n"
                     "4: R 1 0x10=0x10 topic_create 1 8 [cleanup|(none)|0|channel.c:1430] tag=\n"
                     "3: D 1 0x10=0x10 topic_create 0 8 [__ao2_ref|(none)|0|astobj2.c:555] tag=\n");
    free(transcript.text);
}
END_TEST

/* Lines are written after the atomic change: another thread's later change (state 4)
 * can be written before the change that made the count 4, and a destructor before the
 * last -1 of another thread; the memory is freed before the destructor line, so a new
 * object at the address can be constructed first. */
START_TEST(threads_out_of_order_and_address_reused)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x20,+1,7,a.c,1,make,**constructor**,\n"
              "0x20,+1,7,a.c,2,hold,1,\n"
              "0x20,-1,9,a.c,4,drop,3,\n"
              "0x20,+1,8,a.c,3,hold,2,\n"
              "0x20,-1,9,a.c,6,drop,**destructor**,\n"
              "0x20,+1,9,a.c,1,make,**constructor**,again\n"
              "0x20,-1,8,a.c,5,drop,2,\n"
              "0x20,-1,7,a.c,5,drop,1,\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x20=0x20 make 1 7 [make|(none)|0|a.c:1] tag=\n"
                     "2: A 1 0x20=0x20 make 2 7 [hold|(none)|0|a.c:2] tag=\n"
                     "4: A 1 0x20=0x20 make 3 8 [hold|(none)|0|a.c:3] tag=\n"
                     "3: R 1 0x20=0x20 make 2 9 [drop|(none)|0|a.c:4] tag=\n"
                     "7: R 1 0x20=0x20 make 1 8 [drop|(none)|0|a.c:5] tag=\n"
                     "5: D 1 0x20=0x20 make 0 9 [drop|(none)|0|a.c:6] tag=\n"
                     "6: N 2 0x20=0x20 make 1 9 [make|(none)|0|a.c:1] tag=again\n"
                     "8: D 2 0x20=0x20 make 0 7 [drop|(none)|0|a.c:5] tag=\n");
    free(transcript.text);
}
END_TEST

/* The destructor line of one thread before two other threads' -1 lines, written in the
 * reverse of their changes (state 2 before state 3), as a stock Asterisk 22 wrote them
 * for a stasis message: the state-3 line fits first, then the state-2 line, which waits
 * behind the destructor, then the destructor. */
START_TEST(two_lines_wait_behind_a_destructor)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x30,+1,6,stasis_message.c,148,create,**constructor**24**48**,message\n"
              "0x30,+1,6,stasis.c,1452,dispatch_message,1,\n"
              "0x30,+1,6,stasis.c,1452,dispatch_message,2,\n"
              "0x30,-1,6,devicestate.c,719,_dtor_message,**destructor**lock-state:none**,\n"
              "0x30,-1,3,stasis.c,1332,dispatch_exec_async,2,\n"
              "0x40,+1,3,a.c,1,other,**constructor**,\n"
              "0x30,-1,9,stasis.c,1332,dispatch_exec_async,3,\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x30=0x30 create 1 6 [create|(none)|0|stasis_message.c:148] "
                     "size=48 tag=message\n"
                     "2: A 1 0x30=0x30 create 2 6 [dispatch_message|(none)|0|stasis.c:1452] tag=\n"
                     "3: A 1 0x30=0x30 create 3 6 [dispatch_message|(none)|0|stasis.c:1452] tag=\n"
                     "6: N 2 0x40=0x40 other 1 3 [other|(none)|0|a.c:1] tag=\n"
                     "7: R 1 0x30=0x30 create 2 9 [dispatch_exec_async|(none)|0|stasis.c:1332] tag=\n"
                     "5: R 1 0x30=0x30 create 1 3 [dispatch_exec_async|(none)|0|stasis.c:1332] tag=\n"
                     "4: D 1 0x30=0x30 create 0 6 [_dtor_message|(none)|0|devicestate.c:719] tag=\n");
    free(transcript.text);
}
END_TEST

/* A change that is really missing is still told: the line waiting for it is taken as it
 * is at the end of the log. */
START_TEST(missing_change_still_told)
{
    struct transcript transcript;
    struct log_diag diag;
    read_text("0x30,+1,7,a.c,1,make,**constructor**,\n"
              "0x30,-1,7,a.c,2,drop,3,\n"
              "0x40,+1,7,a.c,1,make,**constructor**,\n",
              &transcript, &diag);
    ck_assert_int_eq(diag.status, LOG_STATUS_OK);
    ck_assert_str_eq(transcript.text,
                     "1: N 1 0x30=0x30 make 1 7 [make|(none)|0|a.c:1] tag=\n"
                     "3: N 2 0x40=0x40 make 1 7 [make|(none)|0|a.c:1] tag=\n"
                     "2: R 1 0x30=0x30 make 2 7 [drop|(none)|0|a.c:2] tag= !the count before "
                     "this change is 3 in the log but 1 after the events before it: an event "
                     "is missing\n");
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
    tcase_add_test(cases, weak_proxy_destructor_before_outer_line);
    tcase_add_test(cases, threads_out_of_order_and_address_reused);
    tcase_add_test(cases, two_lines_wait_behind_a_destructor);
    tcase_add_test(cases, missing_change_still_told);
    tcase_add_test(cases, bad_fields);
    tcase_add_test(cases, constructor_at_a_live_address_ends_the_older_object);
    suite_add_tcase(suite, cases);
    return suite;
}
