# End-to-end cases for the analyzers' questions: refleaks --history (refcounter.py's
# report), --bloat (BloatView's table), --by-stack, and refbalance --sites, on the
# hand-written logs of test/e2e/logs/ and on logs the shim writes. Sourced by run.sh.
# Logs the shim writes name source lines of the test programs; those numbers are
# replaced by N so that editing a program does not break these cases.

LOGS=test/e2e/logs
# Logs of our own from the shim, whatever order the groups run in.
[ -e "$WORK/an_seed_leak.log" ] || traced "$WORK/an_seed_leak.log" "$PROGS/seed_leak"
[ -e "$WORK/an_seed_fixed.log" ] || traced "$WORK/an_seed_fixed.log" "$PROGS/seed_fixed"
[ -e "$WORK/an_many.log" ] || traced "$WORK/an_many.log" "$PROGS/scenarios" many
no_line_numbers() { sed -E 's/(\.cc):[0-9]+/\1:N/g'; }
# Reports end with a blank line, which $(...) drops from the actual output: drop it here too.
trimmed() { printf '%s' "$1"; }

AST_INVALID="======== Invalid Referenced Objects ========

==== Invalid Referenced Object 0x7f9dbc006000 history ====
[19256] astobj2.c:500 __ao2_ref: -1 bad magic - [**invalid**]
    !! change to an invalid object (bad magic number or count below zero)

==== Invalid Referenced Object 0x7f9dbc004000 history ====
[19256] channel.c:1020 __ast_channel_alloc: +1 ast_channel_alloc - [**constructor**48**2048**]
[19256] channel.c:1100 ast_channel_ref: +1 skipped one - [3]
    !! the count before this change is 3 in the log but 1 after the events before it: an event is missing
"
AST_LEAKED="======== Leaked Objects ========

==== Leaked Object 0x7f9dbc003000 history ====
[19256] chan_sip.c:8651 sip_alloc: +1 allocate a dialog(pvt) struct - [**constructor**48**1184**]
[19257] chan_sip.c:9248 find_call: +1 pedantic ao2_find in dialogs - [1]

==== Leaked Object 0x7f9dbc004000 history ====
[19256] channel.c:1020 __ast_channel_alloc: +1 ast_channel_alloc - [**constructor**48**2048**]
[19256] channel.c:1100 ast_channel_ref: +1 skipped one - [3]
    !! the count before this change is 3 in the log but 1 after the events before it: an event is missing
"
AST_SKEWED_HISTORY="[19258] pbx.c:77 pbx_thread: -1 done with it - [2]
    !! Release of an object never created
[19258] pbx.c:78 pbx_thread: -1 done, really - [1]"
AST_SKEWED="======== Skewed Objects ========

==== Skewed Object 0x7f9dbc005000 history ====
$AST_SKEWED_HISTORY
"
AST_FINALIZED="======== Finalized Objects ========

==== Finalized Object 0x7f9dbc002048 history ====
[19256] chan_sip.c:8651 sip_alloc: +1 allocate a dialog(pvt) struct - [**constructor**48**1184**]
[19256] chan_sip.c:8795 sip_alloc: +1 link pvt into dialogs table - [1]
[19256] chan_sip.c:4186 __sip_reliable_xmit: +1 __sip_reliable_xmit: setting pkt->owner - [2]
[19256] chan_sip.c:4430 __sip_ack: -1 unref pkt cur->owner dialog from sip ack, before freeing pkt - [3]
[19256] chan_sip.c:3286 dialog_unlink_all: -1 unlinking dialog via ao2_unlink - [2]
[19256] chan_sip.c:3352 dialog_unlink_all: -1 Let's unbump the count in the unlink so the poor pvt can disappear if it is time - [**destructor**lock-state:unlocked**]

==== Finalized Object 0x7f9dbc005000 history ====
$AST_SKEWED_HISTORY
"

start "--history: refcounter.py's four sections, tags with commas, exit bitmask 4|1|2"
out=$(refleaks --history "$LOGS/asterisk_refs.log" 2>/dev/null); rc=$?
expect "report" "$(trimmed "$AST_INVALID
$AST_LEAKED
$AST_SKEWED
$AST_FINALIZED")" "$out"
expect "exit code" 7 "$rc"
finish

start "--history: an object first seen in mid-life that reaches zero is skewed, not leaked"
out=$(refleaks --history -i -n -s "$LOGS/asterisk_refs.log" 2>/dev/null)
expect "leaked section only" "$(trimmed "$AST_LEAKED")" "$out"
expect "not in Leaked" "" "$(grep 0x7f9dbc005000 <<<"$out")"
finish

start "--history: -i -l -n -s hide sections but not the exit status"
out=$(refleaks --history -ilns "$LOGS/asterisk_refs.log" 2>/dev/null); rc=$?
expect "nothing shown" "" "$out"
expect "exit code" 7 "$rc"
out=$(refleaks --history -n "$LOGS/asterisk_old.log"); rc=$?
expect "old log" "======== Leaked Objects ========

==== Leaked Object 0x1a2b400 history ====
[501] astobj2.c:100 ao2_alloc: +1 allocating - [**constructor**]" "$out"
expect "old log exit code" 1 "$rc"
out=$(refleaks --history -n -l -f "$LOGS/asterisk_old.log"); rc=$?
expect "-f and nothing to show" "" "$out"
expect "-f exit code" 1 "$rc"
finish

start "--history on a Mozilla log: thread pointers in hex, the count before each change"
out=$(refleaks --history -n -l "$LOGS/mozilla_refcnt.log" 2>/dev/null); rc=$?
expect "report" "======== Skewed Objects ========

==== Skewed Object 0x7f0a1c02a300 history ====
[0x7f0a1c4e6000] worker.cpp:40 Worker::Run(): -1 Release - [2]
    !! Release of an object never created" "$out"
expect "exit code" 3 "$rc"
finish

start "--history on a log the shim wrote"
refleaks --history "$WORK/an_seed_leak.log" >"$WORK/history.out"; rc=$?
out=$(no_line_numbers <"$WORK/history.out")
addr=$(serial_address "$WORK/an_seed_leak.log" 1)
tid=$(format1 "$WORK/an_seed_leak.log" | awk -F'\t' '$1 == "N" { print $4; exit }')
expect "report" "======== Leaked Objects ========

==== Leaked Object $addr history ====
[$tid] test/e2e/programs/nsfoo.cc:N NS_NewFoo(nsFoo**): +1 create - [**constructor**]
[$tid] test/e2e/programs/seed.cc:N DoSomethingWithFooAndReturnItToo(): +1 AddRef - [1]
[$tid] test/e2e/programs/seed.cc:N main: -1 Release - [2]" "$out"
expect "exit code" 1 "$rc"
expect "fixed: finalized only" 0 "$(refleaks --history -n "$WORK/an_seed_fixed.log" >/dev/null; echo $?)"
finish

start "--bloat: per class created, destroyed, leaked and bytes; leaked serials with stacks"
out=$(refleaks --bloat "$LOGS/mozilla_alloc.log"); rc=$?
expect "report" "Class            Per-Inst Bytes-Leaked    Created  Destroyed     Leaked
TOTAL                               88          5          2          3
nsBar                  40           40          1          0          1
nsFoo                  24           48          3          1          2
nsStringBuffer          -            -          1          1          0

Serial Numbers of Leaked Objects:
2 @0x7f0a1c02a0e0 (refcount 1, nsFoo)
    NS_NewFoo(nsFoo**)[/tmp/demo/libdemo.so +0x1b40]
    main[/tmp/demo/demo +0x11a9]
4 @0x7f0a1c02a100 (refcount 1, nsFoo)
    NS_NewFoo(nsFoo**)[/tmp/demo/libdemo.so +0x1b40]
    main[/tmp/demo/demo +0x11a9]
5 @0x7f0a1c02c000 (refcount 1, nsBar)
    main[/tmp/demo/demo +0x1230]" "$out"
expect "exit code" 1 "$rc"
finish

start "--bloat: Asterisk sizes from **constructor**OVERHEAD**SIZE**, classes by constructor"
out=$(refleaks --bloat "$LOGS/asterisk_refs.log" 2>/dev/null); rc=$?
expect "report" "Class                 Per-Inst Bytes-Leaked    Created  Destroyed     Leaked
TOTAL                                  3232          4          2          2
?                            -            -          1          1          0
__ast_channel_alloc       2048         2048          1          0          1
sip_alloc                 1184         1184          2          1          1

Serial Numbers of Leaked Objects:
2 @0x7f9dbc003000 (refcount 2, sip_alloc)
    sip_alloc (chan_sip.c:8651)
3 @0x7f9dbc004000 (refcount 4, __ast_channel_alloc)
    __ast_channel_alloc (channel.c:1020)" "$out"
expect "exit code" 1 "$rc"
finish

start "--bloat on a log the shim wrote, nothing leaked: exit 0"
out=$(refleaks --bloat "$WORK/an_seed_fixed.log"); rc=$?
expect "report" "Class   Per-Inst Bytes-Leaked    Created  Destroyed     Leaked
TOTAL                       -          1          1          0
nsFoo          -            -          1          1          0" "$out"
expect "exit code" 0 "$rc"
finish

start "--by-stack: leaked objects grouped by allocation stack, largest group first"
out=$(refleaks --by-stack "$LOGS/mozilla_alloc.log"); rc=$?
expect "report" "2 leaked objects allocated at:
    NS_NewFoo(nsFoo**)[/tmp/demo/libdemo.so +0x1b40]
    main[/tmp/demo/demo +0x11a9]
  0x7f0a1c02a0e0 (2) @ nsFoo
  0x7f0a1c02a100 (4) @ nsFoo

1 leaked object allocated at:
    main[/tmp/demo/demo +0x1230]
  0x7f0a1c02c000 (5) @ nsBar" "$out"
expect "exit code" 1 "$rc"
finish

start "--by-stack on a log the shim wrote: the start-up frames are left out"
refleaks --by-stack "$WORK/an_many.log" >"$WORK/by_stack.out"; rc=$?
out=$(no_line_numbers <"$WORK/by_stack.out")
expect "report" "2 leaked objects allocated at:
    MakeFive() (test/e2e/programs/scenarios.cc:N)
    main (test/e2e/programs/scenarios.cc:N)
  $(serial_address "$WORK/an_many.log" 2) (2) @ nsFoo
  $(serial_address "$WORK/an_many.log" 4) (4) @ nsFoo" "$out"
expect "exit code" 1 "$rc"
finish

start "refbalance --sites: one node per call site"
expect "Mozilla" ".root: bal=2
  main (demo+0x11a9): bal=3
    DoSomethingWithFooAndReturnItToo (demo.cpp:19): bal=1
      NS_NewFoo (libdemo.so+0x1b40): bal=1
    DoSomethingWithFooAndReturnItToo (demo.cpp:21): bal=1
    DoSomethingWithFooAndReturnItToo (demo.cpp:22): bal=1
  main (demo+0x11c0): bal=-1" "$(refbalance --sites --serial 1 "$LOGS/mozilla_refcnt.log" 2>/dev/null)"
expect "Asterisk" ".root: bal=0
  sip_alloc (chan_sip.c:8651): bal=1
  sip_alloc (chan_sip.c:8795): bal=1
  __sip_reliable_xmit (chan_sip.c:4186): bal=1
  __sip_ack (chan_sip.c:4430): bal=-1
  dialog_unlink_all (chan_sip.c:3286): bal=-1
  dialog_unlink_all (chan_sip.c:3352): bal=-1" "$(refbalance --sites --object 0x7f9dbc002048 "$LOGS/asterisk_refs.log" 2>/dev/null)"
expect "shim log" ".root: bal=1
  main (test/e2e/programs/seed.cc:N): bal=2
    DoSomethingWithFooAndReturnItToo (test/e2e/programs/seed.cc:N): bal=1
      NS_NewFoo (test/e2e/programs/nsfoo.cc:N): bal=1
    DoSomethingWithFooAndReturnItToo (test/e2e/programs/seed.cc:N): bal=1
  main (test/e2e/programs/seed.cc:N): bal=-1" "$(refbalance --sites --serial 1 "$WORK/an_seed_leak.log" | no_line_numbers)"
finish

start "usage errors: exit 64"
refleaks -n "$LOGS/asterisk_old.log" >/dev/null 2>&1
expect "-n without --history" 64 "$?"
refleaks --bloat --history "$LOGS/asterisk_old.log" >/dev/null 2>&1
expect "two reports" 64 "$?"
refbalance --sites "$LOGS/asterisk_old.log" >/dev/null 2>&1
expect "no object chosen" 64 "$?"
finish
