# End-to-end cases for the seed document's example, the filters, the shim's manners and
# the analyzers on the logs the shim wrote. Sourced by run.sh, which provides the helpers.

# --- the seed document's example -------------------------------------------------------

start "seed, leaking: refleaks names the one leaked nsFoo"
L=$WORK/seed_leak.log
traced "$L" "$PROGS/seed_leak"
expect "program output" "value 42" "$(cat "$L.out")"
expect "shim says nothing" "" "$(cat "$L.err")"
addr=$(serial_address "$L" 1)
out=$(refleaks "$L"); rc=$?
expect "refleaks output" "$addr (1) @ nsFoo" "$out"
expect "refleaks exit code" 1 "$rc"
finish

start "seed, leaking: refbalance --object gives the seed's tree"
expect "tree" "$SEED_LEAK_TREE" "$(refbalance --object "$addr" <"$L")"
finish

start "seed, leaking: --object matches the address numerically"
padded=$(printf '0x%016x' "$addr")
expect "tree" "$SEED_LEAK_TREE" "$(refbalance --object "$padded" "$L")"
finish

start "seed, leaking: --ignore-balanced keeps an unbalanced tree whole"
expect "tree" "$SEED_LEAK_TREE" "$(refbalance --object "$addr" --ignore-balanced "$L")"
finish

start "seed, leaking: --exclude drops every stack through an excluded function"
printf 'NS_NewFoo\n' >"$WORK/ex1.txt"
expect "tree without NS_NewFoo" ".root: bal=0
  main: bal=0
    DoSomethingWithFooAndReturnItToo: bal=1" "$(refbalance --object "$addr" --exclude "$WORK/ex1.txt" "$L")"
printf '# matched by hand\n\nDoSomethingWithFooAndReturnItToo()\n' >"$WORK/ex2.txt"
expect "tree without DoSomething" ".root: bal=-1
  main: bal=-1" "$(refbalance --object "$addr" --exclude "$WORK/ex2.txt" "$L")"
expect "ignore-balanced with exclude" ".root: bal=0" \
    "$(refbalance --object "$addr" --exclude "$WORK/ex1.txt" --ignore-balanced "$L")"
finish

start "seed, fixed: nothing leaks and --serial gives the fixed tree"
F=$WORK/seed_fixed.log
traced "$F" "$PROGS/seed_fixed"
out=$(refleaks "$F"); rc=$?
expect "refleaks output" "" "$out"
expect "refleaks exit code" 0 "$rc"
expect "tree" "$SEED_FIXED_TREE" "$(refbalance --serial 1 "$F")"
expect "ignore-balanced" ".root: bal=0" "$(refbalance --serial 1 --ignore-balanced "$F")"
finish

start "the log is owner-only and starts with its header"
expect "mode" "600" "$(stat -c %a "$L")"
expect "header" "# refshim 2" "$(head -n 1 "$L")"
expect "pid line" "1" "$(grep -c '^# pid [0-9]*$' "$L")"
finish

start "the innermost frame is the caller of AddRef, never the shim or AddRef itself"
frames=$(awk -F'\t' '$1 == "f" { print $5 }' "$L")
expect "no AddRef/Release frame" "" "$(grep -E 'AddRef|Release|refshim' <<<"$frames")"
finish

# --- filters -----------------------------------------------------------------------------

start "REFLOG_CLASSES logs only the named classes, serials count over them"
C=$WORK/classes.log
REFLOG_CLASSES=nsBar traced "$C" "$PROGS/scenarios" classes
expect "refleaks" "$(serial_address "$C" 1) (1) @ nsBar" "$(refleaks "$C")"
expect "no nsFoo in the log" "0" "$(grep -c nsFoo "$C")"
C2=$WORK/classes2.log
REFLOG_CLASSES="nsFoo, nsBar" traced "$C2" "$PROGS/scenarios" classes
expect "both classes" "$(serial_address "$C2" 1) (1) @ nsFoo
$(serial_address "$C2" 2) (2) @ nsBar" "$(refleaks "$C2")"
finish

start "REFLOG_OBJECTS logs only the selected serial numbers"
O=$WORK/objects.log
REFLOG_OBJECTS=2-3 traced "$O" "$PROGS/scenarios" many
expect "objects in the log" "2 3" "$(introductions "$O" | awk -F'\t' '{ printf "%s%s", sep, $1; sep = " " }')"
expect "refleaks" "$(serial_address "$O" 2) (2) @ nsFoo" "$(refleaks "$O")"
A=$WORK/all.log
traced "$A" "$PROGS/scenarios" many
expect "unfiltered refleaks" "$(serial_address "$A" 2) (2) @ nsFoo
$(serial_address "$A" 4) (4) @ nsFoo" "$(refleaks "$A")"
finish

# --- address reuse -----------------------------------------------------------------------

start "a reused address gets a new serial; --object takes the last object"
R=$WORK/reuse.log
traced "$R" "$PROGS/scenarios" reuse
a1=$(serial_address "$R" 1)
a2=$(serial_address "$R" 2)
expect "same address" "$a1" "$a2"
expect "refleaks" "$a2 (2) @ nsPooled" "$(refleaks "$R")"
tree=$(refbalance --object "$a2" "$R" 2>"$WORK/reuse.err")
expect "tree of the last" ".root: bal=1
  main: bal=1
    KeepSecond: bal=1" "$tree"
expect "note" "refbalance: $a2 was used by 2 objects; showing the last, serial 2 (the 1 earlier ones are left out; pick one with --serial)" "$(cat "$WORK/reuse.err")"
expect "--serial 1" ".root: bal=0
  main: bal=0
    KeepSecond: bal=0" "$(refbalance --serial 1 "$R")"
finish

# --- bad configuration and the shim's manners ---------------------------------------------

start "a bad REFLOG_OBJECTS: one line on stderr, the program runs untraced"
B=$WORK/bad_objects.log
REFLOG_OBJECTS=abc traced "$B" "$PROGS/scenarios" many
expect "stderr" 'refshim: REFLOG_OBJECTS: expected a serial number (1, 2, ...) at "abc"; the program runs untraced' "$(cat "$B.err")"
expect "stdout" "done" "$(cat "$B.out")"
expect "no log" "absent" "$([ -e "$B" ] && echo present || echo absent)"
finish

start "an unwritable REFLOG_FILE: one line on stderr, the program runs untraced"
U=$WORK/no/such/dir/refs.log
mkdir -p "$WORK/no"
env REFLOG_FILE="$U" LD_PRELOAD="$SHIM" "$PROGS/seed_leak" >"$WORK/unwritable.out" 2>"$WORK/unwritable.err"
expect "stderr" "refshim: cannot open REFLOG_FILE $U: No such file or directory; the program runs untraced" "$(cat "$WORK/unwritable.err")"
expect "stdout" "value 42" "$(cat "$WORK/unwritable.out")"
finish

start "a log path that is a symbolic link is refused"
ln -sf "$WORK/elsewhere.log" "$WORK/link.log"
env REFLOG_FILE="$WORK/link.log" LD_PRELOAD="$SHIM" "$PROGS/seed_leak" >/dev/null 2>"$WORK/link.err"
expect "stderr" "refshim: cannot open REFLOG_FILE $WORK/link.log: Too many levels of symbolic links; the program runs untraced" "$(cat "$WORK/link.err")"
expect "nothing written through the link" "absent" "$([ -e "$WORK/elsewhere.log" ] && echo present || echo absent)"
finish

start "without REFLOG_FILE the shim is inert"
env LD_PRELOAD="$SHIM" "$PROGS/seed_leak" >"$WORK/inert.out" 2>"$WORK/inert.err"
expect "stdout" "value 42" "$(cat "$WORK/inert.out")"
expect "stderr" "" "$(cat "$WORK/inert.err")"
finish

start "REFLOG_FILE=2 writes the log to stderr"
env REFLOG_FILE=2 LD_PRELOAD="$SHIM" "$PROGS/seed_leak" >"$WORK/stderr.out" 2>"$WORK/stderr.log"
expect "stdout" "value 42" "$(cat "$WORK/stderr.out")"
expect "refleaks reads it" "$(serial_address "$WORK/stderr.log" 1) (1) @ nsFoo" "$(refleaks "$WORK/stderr.log")"
finish

# --- the analyzers on several logs and on bad input ----------------------------------------

start "refleaks on several logs reports each one under its name"
expect "two logs" "# $L
$addr (1) @ nsFoo
# $F" "$(refleaks "$L" "$F")"
finish

start "refleaks on a file that is not a log: FILE:LINE: what is wrong, exit 65"
printf 'hello\nworld\n' >"$WORK/garbage.txt"
out=$(refleaks "$WORK/garbage.txt" 2>&1); rc=$?
expect "message" "$WORK/garbage.txt:1: unknown log format (not a refshim, Mozilla XPCOM refcount/alloc or Asterisk refs log)" "$out"
expect "exit code" 65 "$rc"
finish

start "refleaks on a log cut in the middle of a line analyses what is complete"
head -c "$(($(stat -c %s "$L") - 3))" "$L" >"$WORK/cut.log"
out=$(refleaks "$WORK/cut.log" 2>"$WORK/cut.err"); rc=$?
expect "leaks up to the cut" "$addr (1) @ nsFoo" "$out"
expect "warning" "1" "$(grep -c 'log was cut' "$WORK/cut.err")"
finish

