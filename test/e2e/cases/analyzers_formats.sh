# End-to-end cases for the analyzers' readers: Mozilla refcount and alloc logs, Asterisk
# refs logs (hand-written, in test/e2e/logs/), refshim logs the shim writes, several logs
# at once, and bad input. Sourced by run.sh, which provides the helpers.

LOGS=test/e2e/logs
# Logs of our own from the shim, whatever order the groups run in.
[ -e "$WORK/an_seed_leak.log" ] || traced "$WORK/an_seed_leak.log" "$PROGS/seed_leak"
[ -e "$WORK/an_seed_fixed.log" ] || traced "$WORK/an_seed_fixed.log" "$PROGS/seed_fixed"
[ -e "$WORK/an_many.log" ] || traced "$WORK/an_many.log" "$PROGS/scenarios" many
UNKNOWN=": unknown log format (not a refshim, Mozilla XPCOM refcount/alloc or Asterisk refs log)"

start "Mozilla refcount log with threads: leaks in serial order, a Release never created is told"
out=$(refleaks "$LOGS/mozilla_refcnt.log" 2>"$WORK/moz.err"); rc=$?
expect "stdout" "0x7f0a1c02a0c0 (1) @ nsFoo
0x7f0a1c02a200 (3) @ nsBar
0x7f0a1c02a300 (7) @ nsBaz" "$out"
expect "exit code" 1 "$rc"
expect "stderr" "$LOGS/mozilla_refcnt.log:40: warning: Release of an object never created (object 7 at 0x7f0a1c02a300, nsBaz)" "$(cat "$WORK/moz.err")"
finish

start "Mozilla refcount log: frame #01 (AddRef itself) is dropped, the tree starts at main"
expect "tree" ".root: bal=2
  main: bal=2
    DoSomethingWithFooAndReturnItToo: bal=3
      NS_NewFoo: bal=1" "$(refbalance --serial 1 "$LOGS/mozilla_refcnt.log" 2>/dev/null)"
expect "a reused address gets the last object" ".root: bal=1
  main: bal=1
    ???: bal=1" "$(refbalance --object 0x7f0a1c02a200 "$LOGS/mozilla_refcnt.log" 2>/dev/null)"
finish

start "older Mozilla log: no thread field, serial 0, func+0xNN [lib +0xOFF] frames"
out=$(refleaks "$LOGS/mozilla_old.log" 2>&1); rc=$?
expect "stdout" "0x00253ab0 (1) @ nsQux" "$out"
expect "exit code" 1 "$rc"
expect "tree" ".root: bal=1
  main: bal=1
    MakeQux: bal=1" "$(refbalance --object 0x253ab0 "$LOGS/mozilla_old.log")"
finish

start "Mozilla alloc log: Ctor/Dtor with sizes and Create/Destroy"
out=$(refleaks "$LOGS/mozilla_alloc.log" 2>&1); rc=$?
expect "stdout" "0x7f0a1c02a0e0 (2) @ nsFoo
0x7f0a1c02a100 (4) @ nsFoo
0x7f0a1c02c000 (5) @ nsBar" "$out"
expect "exit code" 1 "$rc"
finish

start "Asterisk refs log: leaks, and what cannot be right on stderr"
out=$(refleaks "$LOGS/asterisk_refs.log" 2>"$WORK/ast.err"); rc=$?
expect "stdout" "0x7f9dbc003000 (2) @ sip_alloc
0x7f9dbc004000 (3) @ __ast_channel_alloc" "$out"
expect "exit code" 1 "$rc"
# Line 12 waits for the change from 1 to 3 it follows, in case another thread wrote it
# later, until the end of the log: its warning comes last.
expect "stderr" "$LOGS/asterisk_refs.log:10: warning: Release of an object never created (object 4 at 0x7f9dbc005000, ?)
$LOGS/asterisk_refs.log:13: warning: change to an invalid object (bad magic number or count below zero) (at 0x7f9dbc006000)
$LOGS/asterisk_refs.log:12: warning: the count before this change is 3 in the log but 1 after the events before it: an event is missing (object 3 at 0x7f9dbc004000, __ast_channel_alloc)" "$(cat "$WORK/ast.err")"
finish

start "older Asterisk log: bare **constructor** and **destructor**"
out=$(refleaks "$LOGS/asterisk_old.log" 2>&1); rc=$?
expect "stdout" "0x1a2b400 (2) @ ao2_alloc" "$out"
expect "exit code" 1 "$rc"
finish

start "Asterisk: each line's FILE:LINE FUNC is its one-frame stack"
expect "tree" ".root: bal=0
  sip_alloc: bal=2
  __sip_reliable_xmit: bal=1
  __sip_ack: bal=-1
  dialog_unlink_all: bal=-2" "$(refbalance --object 0x7f9dbc002048 "$LOGS/asterisk_refs.log" 2>/dev/null)"
finish

start "several logs of different formats: each reported on its own"
out=$(refleaks "$LOGS/asterisk_old.log" "$LOGS/mozilla_old.log" "$WORK/an_seed_fixed.log" 2>&1); rc=$?
expect "stdout" "# $LOGS/asterisk_old.log
0x1a2b400 (2) @ ao2_alloc
# $LOGS/mozilla_old.log
0x00253ab0 (1) @ nsQux
# $WORK/an_seed_fixed.log" "$out"
expect "exit code" 1 "$rc"
finish

start "a log copied through Windows (CRLF) reads the same"
sed 's/$/\r/' "$LOGS/mozilla_refcnt.log" >"$WORK/crlf.log"
expect "stdout" "$(refleaks "$LOGS/mozilla_refcnt.log" 2>/dev/null)" "$(refleaks "$WORK/crlf.log" 2>/dev/null)"
finish

start "a Mozilla log cut inside a stack: analysed up to the last complete record"
head -c 700 "$LOGS/mozilla_refcnt.log" >"$WORK/moz_cut.log"
out=$(refleaks --history -n "$WORK/moz_cut.log" 2>"$WORK/moz_cut.err"); rc=$?
expect "stdout" "======== Leaked Objects ========

==== Leaked Object 0x7f0a1c02a0c0 history ====
[0x7f0a1c4e5000] libdemo.so+0x1b40 NS_NewFoo(nsFoo**): +1 create - [**constructor**]
[0x7f0a1c4e5000] demo.cpp:21 DoSomethingWithFooAndReturnItToo(): +1 AddRef - [1]" "$out"
expect "exit code" 1 "$rc"
expect "warning" "$WORK/moz_cut.log: log was cut after line 15; analysed up to there" "$(cat "$WORK/moz_cut.err")"
finish

start "garbage and malformed lines: FILE:LINE: what is wrong, exit 65"
printf '\177ELF\002\001\001\000\000\000junk\n' >"$WORK/junk.bin"
out=$(refleaks "$WORK/junk.bin" 2>&1); rc=$?
expect "binary" "$WORK/junk.bin:1$UNKNOWN" "$out"
expect "binary exit" 65 "$rc"
printf '\n\n   \n' >"$WORK/blank.log"
out=$(refbalance --serial 1 "$WORK/blank.log" 2>&1); rc=$?
expect "blank" "$WORK/blank.log:3$UNKNOWN" "$out"
expect "blank exit" 65 "$rc"
: >"$WORK/empty.log"
expect "empty" "$WORK/empty.log:1: empty log (no reference-count records)" "$(refleaks "$WORK/empty.log" 2>&1)"
head -n 3 "$LOGS/asterisk_refs.log" >"$WORK/ast_bad.log"
printf '0x7f9dbc002048,+1,19256,chan_sip.c\n' >>"$WORK/ast_bad.log"
out=$(refleaks --history "$WORK/ast_bad.log" 2>&1); rc=$?
expect "asterisk" "$WORK/ast_bad.log:4: expected ADDR,DELTA,TID,FILE,LINE,FUNC,STATE,TAG" "$out"
expect "asterisk exit" 65 "$rc"
printf '\n<nsFoo> 0x10 1 AddRef 1\n    #01: a\n<nsFoo> 0x10 1 Grab 2\n' >"$WORK/moz_bad.log"
out=$(refleaks "$WORK/moz_bad.log" 2>&1); rc=$?
expect "mozilla" "$WORK/moz_bad.log:4: unknown operation 'Grab' (expected AddRef, Release, Create, Destroy, Ctor or Dtor)" "$out"
expect "mozilla exit" 65 "$rc"
finish

start "refshim log: a change after D is a reported anomaly, not an error"
cp "$WORK/an_seed_fixed.log" "$WORK/after_d.log"
line=$(($(wc -l <"$WORK/after_d.log") + 1))
printf 'A\t1\t1\t0\t1\n' >>"$WORK/after_d.log"      # stack 0, thread 1 (format 2)
out=$(refleaks "$WORK/after_d.log" 2>&1); rc=$?
expect "stderr" "$WORK/after_d.log:$line: warning: change after the object's destruction (at ?)" "$out"
expect "exit code" 0 "$rc"
expect "history" "======== Invalid Referenced Objects ========

==== Invalid Referenced Object ? history ====
[1] ? ???: +1 stray change - [**invalid**]
    !! change after the object's destruction" "$(refleaks --history -n "$WORK/after_d.log" 2>/dev/null)"
finish
