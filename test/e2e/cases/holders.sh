# End-to-end cases for the holder scan: why each leaked object is still alive (lost, a
# global, a cycle, held by a leaked object), for C++ objects and GObjects, at exit and in
# snapshots of a running program, and what refleaks makes of the records. Sourced by run.sh.

H=$WORK/holders
mkdir -p "$H"
SRC=test/e2e/programs

# Built here rather than in build-programs.sh so that this group stays self-contained.
start "holders.cc builds"
g++ -O0 -g -fno-inline -Wall -Werror -o "$H/holders" "$SRC/holders.cc" 2>"$H/build.err"
expect "compiler" "" "$(cat "$H/build.err")"
finish

# addr LOG SERIAL
addr() { serial_address "$1" "$2"; }
# The line of the first call of FUNCTION-like TEXT in holders.cc.
make_node_line=$(grep -n 'node->AddRef();' "$SRC/holders.cc" | head -n 1 | cut -d: -f1)

start "C++ objects: lost, a global, a two-object cycle, held only by a lost object, lost with copies in freed memory"
L=$H/cxx.log
traced "$L" "$H/holders"
expect "program" "done" "$(cat "$L.out")"
expect "shim says nothing" "" "$(cat "$L.err")"
expect "refleaks --holders" "$(addr "$L" 1) (1) @ Node: lost
    +1 at MakeNode() ($SRC/holders.cc:$make_node_line)
$(addr "$L" 2) (2) @ Node: global gCache
$(addr "$L" 3) (3) @ Node: cycle (4)
$(addr "$L" 4) (4) @ Node: cycle (3)
$(addr "$L" 5) (5) @ Node: lost
    +1 at MakeNode() ($SRC/holders.cc:$make_node_line)
$(addr "$L" 6) (6) @ Node: held by (5)
$(addr "$L" 7) (7) @ Node: lost
    +1 at MakeNode() ($SRC/holders.cc:$make_node_line)" "$(refleaks --holders "$L")"
refleaks --holders "$L" >/dev/null 2>&1; rc=$?
expect "--holders exit status: leaks" "1" "$rc"
expect "plain refleaks keeps its list; --summary counts the reasons" "$(addr "$L" 1) (1) @ Node
$(addr "$L" 2) (2) @ Node
$(addr "$L" 3) (3) @ Node
$(addr "$L" 4) (4) @ Node
$(addr "$L" 5) (5) @ Node
$(addr "$L" 6) (6) @ Node
$(addr "$L" 7) (7) @ Node
refleaks: why alive: 3 lost, 2 in cycles, 1 held by leaked objects, 1 held by globals, 0 from stacks, 0 from other heap memory" \
    "$(refleaks --summary "$L" 2>&1)"
expect "--brief: lost and cycles first, then counts" "$(addr "$L" 1) (1) @ Node: lost
    +1 at MakeNode() ($SRC/holders.cc:$make_node_line)
$(addr "$L" 5) (5) @ Node: lost
    +1 at MakeNode() ($SRC/holders.cc:$make_node_line)
$(addr "$L" 7) (7) @ Node: lost
    +1 at MakeNode() ($SRC/holders.cc:$make_node_line)
$(addr "$L" 3) (3) @ Node: cycle (4)
$(addr "$L" 4) (4) @ Node: cycle (3)
1 held by leaked objects
1 held by global gCache" "$(refleaks --holders --brief "$L")"
expect "without --summary and a terminal, stderr is quiet" "" "$(refleaks "$L" 2>&1 >/dev/null)"
expect "one k record for the scan at exit" "k	0	7" "$(grep -a '^k' "$L")"
finish

if [ -x "$PROGS/gobjects" ]; then
    start "GObjects: lost, held by a global, held by a GObject that a global holds"
    cc -O0 -g -fno-inline -Wall -Werror -o "$H/gholders" "$SRC/gholders.c" \
        $(pkg-config --cflags --libs gobject-2.0) 2>"$H/gbuild.err"
    L=$H/gobject.log
    # As the refshim launcher sets it: GLib's slices would keep old pointers in use.
    G_SLICE=always-malloc traced "$L" "$H/gholders"
    expect "program" "done" "$(cat "$L.out")"
    expect "shim says nothing" "" "$(cat "$L.err")"
    expect "reasons" "$(addr "$L" 1) (1) @ MyThing: lost
$(addr "$L" 2) (2) @ MyThing: global gKeeper
$(addr "$L" 3) (3) @ MyThing: held by (2)" "$(refleaks --holders "$L" | grep -v '^    ')"
    expect "the lost one's unmatched reference is in g_object_new" "1" \
        "$(refleaks --holders "$L" | grep -c '^    +1 at ')"
    finish
fi

start "snapshots of a running program: each mark, and what was made between two marks"
D=$H/snap
mkdir -p "$D"
L=$D/snap.log
rm -f "$D/in"
mkfifo "$D/in"
REFLOG_SNAPSHOT_SIGNAL=USR2 REFLOG_FILE=$L LD_PRELOAD=$SHIM "$H/holders" snapshots \
    <"$D/in" >"$L.out" 2>"$L.err" &
pid=$!
exec 7>"$D/in"
# wait_for CMD...: polls for up to 20 s, for a loaded machine.
wait_for() { for _ in $(seq 200); do "$@" && return 0; sleep 0.1; done; return 1; }
wait_for grep -q "phase 1" "$L.out"
scripts/refshim snapshot "$pid"
wait_for grep -qa "^k	1	" "$L"
echo go >&7
wait_for grep -q "phase 2" "$L.out"
scripts/refshim snapshot "$pid"
wait_for grep -qa "^k	2	" "$L"
echo go >&7
exec 7>&-
wait "$pid"
expect "program" "phase 1
phase 2
done" "$(cat "$L.out")"
expect "shim says nothing" "" "$(cat "$L.err")"
expect "--at-mark 1" "$(addr "$L" 1) (1) @ Node: lost
$(addr "$L" 2) (2) @ Node: global gCache" "$(refleaks --at-mark 1 "$L")"
expect "--between 1 2" "$(addr "$L" 3) (3) @ Node: global sList+8
$(addr "$L" 4) (4) @ Node: cycle (5)
$(addr "$L" 5) (5) @ Node: cycle (4)
$(addr "$L" 6) (6) @ Node: lost
$(addr "$L" 7) (7) @ Node: held by (6)
$(addr "$L" 8) (8) @ Node: lost" "$(refleaks --between 1 2 "$L")"
expect "--at-mark 2 has both" "8" "$(refleaks --at-mark 2 "$L" | wc -l | tr -d ' ')"
expect "--at-mark 3: no such snapshot" "$L: no snapshot 3 in the log" "$(refleaks --at-mark 3 "$L" 2>&1)"
expect "at exit" "lost global global cycle cycle lost held lost" \
    "$(refleaks --holders "$L" | grep -v '^    ' | sed 's/.*: //; s/ .*//' | tr '\n' ' ' | sed 's/ $//')"
finish

start "refshim snapshot: a process that does not take snapshots is told so"
sleep 5 &
pid=$!
out=$(scripts/refshim snapshot "$pid" 2>&1); rc=$?
kill "$pid" 2>/dev/null
expect "message" "refshim: process $pid does not take snapshots (start it with refshim --snapshots)" "$out"
expect "status" "69" "$rc"
finish

start "REFLOG_HOLDERS=0: no scan, and --holders says why there is no answer"
L=$H/off.log
REFLOG_HOLDERS=0 traced "$L" "$H/holders"
expect "no k record" "0" "$(grep -ac '^k' "$L")"
out=$(refleaks --holders "$L" 2>&1); rc=$?
expect "message" "$L: no holder records at exit: the program did not exit normally, or ran with REFLOG_HOLDERS=0" "$out"
expect "status" "65" "$rc"
finish

start "bad holder records: file:line: what is wrong"
L=$H/bad.log
printf '# refshim 1\nc\t1\tNode\no\t1\t0x10\t1\nN\t1\t1\t7\t0\nk\t0\t1\nh\t0\tx\tlost\n' >"$L"
out=$(refleaks --holders "$L" 2>&1); rc=$?
expect "bad serial" "$L:6: bad SERIAL 'x' in 'h' record" "$out"
expect "status" "65" "$rc"
printf '# refshim 1\nc\t1\tNode\no\t1\t0x10\t1\nN\t1\t1\t7\t0\nk\t0\t1\nh\t0\t1\n' >"$L"
expect "missing reason" "$L:6: 'h' record has 3 fields, expected 4" "$(refleaks --holders "$L" 2>&1)"
printf '# refshim 1\nc\t1\tNode\no\t1\t0x10\t1\nN\t1\t1\t7\t0\nk\t0\t1\nh\t0\t1\tcycle (2)\n' >"$L"
expect "a hand-made log reads" "0x10 (1) @ Node: cycle (2)" "$(refleaks --holders "$L" 2>&1)"
finish

start "usage: --at-mark and --between want snapshot numbers"
out=$(refleaks --at-mark x /dev/null 2>&1 | head -n 1); 
expect "message" "refleaks: a snapshot number (1, 2...) is expected, not x" "$out"
refleaks --between 1 /dev/null >/dev/null 2>&1; rc=$?
expect "missing value" "64" "$rc"
expect "--brief alone" "refleaks: --brief goes with --holders, --at-mark and --between" \
    "$(refleaks --brief /dev/null 2>&1 | head -n 1)"
finish

# expect_scan_below LOG BYTES WHAT: the first scan of LOG read fewer than BYTES. Not under
# make check-asan (ASAN_OPTIONS set): the sanitizer runtime in the shim has memory of its
# own, which the scan reads like the program's.
expect_scan_below() {
    [ -n "${ASAN_OPTIONS:-}" ] && return
    local scanned
    scanned=$(grep -a '^# scan 0:' "$1" | awk '{ print $6 }')
    expect "$3" "yes" "$([ "${scanned:-99999999}" -lt "$2" ] && echo yes || echo "no: $scanned bytes")"
}

start "holders in a 4 MB block mostly never touched, and at the end of a chain of 3000 small blocks"
g++ -O0 -g -fno-inline -Wall -Werror -o "$H/big_holders" "$SRC/big_holders.cc" 2>"$H/big.err"
expect "compiler" "" "$(cat "$H/big.err")"
L=$H/big.log
traced "$L" "$H/big_holders"
read -r last_page first_page chain_end <"$L.out"
expect "shim says nothing" "" "$(cat "$L.err")"
expect "reasons" "$(addr "$L" 1) (1) @ Node: heap $last_page in anonymous memory
$(addr "$L" 2) (2) @ Node: heap $first_page in anonymous memory
$(addr "$L" 3) (3) @ Node: heap $chain_end in [heap]" "$(refleaks --holders "$L" | grep -v '^    ')"
# The untouched pages of the block are not read (the whole scan read 9.8 MB before: the
# block, and the files libelf maps for the symbolizer; some 1.2 MB now).
expect_scan_below "$L" 4194304 "less than the block itself is read"
finish

start "holders found without reading the heap behind them: globals, and the first block of a 4 MB chain"
g++ -O0 -g -fno-inline -Wall -Werror -o "$H/near_holders" "$SRC/near_holders.cc" 2>"$H/near.err"
expect "compiler" "" "$(cat "$H/near.err")"
L=$H/near.log
traced "$L" "$H/near_holders"
read -r chain_start <"$L.out"
expect "shim says nothing" "" "$(cat "$L.err")"
expect "reasons" "$(addr "$L" 1) (1) @ Node: global gFirst
$(addr "$L" 2) (2) @ Node: global gSecond
$(addr "$L" 3) (3) @ Node: heap $chain_start in [heap]" "$(refleaks --holders "$L" | grep -v '^    ')"
# The roots alone give the globals' objects; the chain is followed only for the third,
# and no further than its first block (the whole scan read the 4 MB chain before; some
# 0.6 MB of roots now).
expect_scan_below "$L" 2097152 "less than the chain is read"
finish

start "the scan at exit looks for no debug file: a C library whose plain .dynsym was read has none read for it"
cc -shared -fPIC -O2 -Wall -Werror -o "$H/open_spy.so" "$SRC/open_spy.c" -ldl 2>"$H/spy.err"
expect "compiler" "" "$(cat "$H/spy.err")"
L=$H/spy.log
rm -f "$L.opens"
# holders.cc is C++: libstdc++ brings libm in, where no frame of the run lies.
OPEN_SPY_LOG=$L.opens REFLOG_FILE=$L LD_PRELOAD="$H/open_spy.so $SHIM" "$H/holders" >"$L.out" 2>"$L.err"
expect "program" "done" "$(cat "$L.out")"
expect "a scan at exit" "k	0	7" "$(grep -a '^k' "$L")"
libm=$(ldd "$H/holders" | awk '/libm\.so/ { print $3 }')
libm_id=$(readelf -n "$libm" | awk '/Build ID/ { print $3 }')
expect "libm has a build-id" "yes" "$([ -n "$libm_id" ] && echo yes || echo "no: $libm")"
# Before, the scan asked libdwfl for the symbol table of every module to find the files
# libelf had mapped, and libdwfl went looking for the debug files of libm and the others.
expect "libm's debug file is never looked for" "" \
    "$(grep -F "${libm_id:0:2}/${libm_id:2}" "$L.opens" 2>/dev/null)"
finish
