# End-to-end cases for functions named with REFLOG_NEW/ADDREF/RELEASE: globs that match
# functions calling each other for the same object, class names, and globs that would
# match the shim's own code. Sourced by run.sh.

# events LOG: the events of the log, one "OP SERIAL COUNT" a line.
events() { awk -F'\t' '$1 ~ /^[NARD]$/ { print $1, $2, $3 }' "$1"; }

start "nested constructors and nested refs of the same object count once, at the outermost call"
L=$WORK/things.log
REFLOG_NEW='thing_create*' REFLOG_ADDREF='thing_ref*' REFLOG_RELEASE='thing_unref' \
    traced "$L" "$PROGS/things"
expect "program" "done" "$(cat "$L.out")"
expect "events" "N 1 1
A 1 2
R 1 1
D 1 0
N 2 1
A 2 2
R 2 1
N 3 1
N 4 1
D 4 0
D 3 0" "$(events "$L")"
expect "refleaks" "$(serial_address "$L" 2) (2) @ thing" "$(refleaks "$L")"
expect "the leak's tree" ".root: bal=1
  main: bal=1
    Leaky: bal=1
      KeepsThing: bal=1" "$(refbalance --serial 2 "$L")"
expect "a creation is recorded where the user's code called" ".root: bal=0
  main: bal=0
    Family: bal=0" "$(refbalance --serial 4 "$L")"
expect "a part made inside a constructor has its own stack" ".root: bal=0
  main: bal=0
    Family: bal=0
      thing_create_with_child: bal=1
      thing_unref: bal=-1" "$(refbalance --serial 3 "$L")"
finish

start "the class is the one the pattern names, or the words before the verb"
L=$WORK/things-class.log
REFLOG_NEW='thing_create*=Thing' REFLOG_ADDREF='thing_ref*' REFLOG_RELEASE='thing_unref' \
    traced "$L" "$PROGS/things"
expect "refleaks" "$(serial_address "$L" 2) (2) @ Thing" "$(refleaks "$L")"
L2=$WORK/widgets-class.log
REFLOG_NEW='widget_new*' REFLOG_ADDREF='widget_retain' REFLOG_RELEASE='widget_release' \
    traced "$L2" "$PROGS/widgets"
expect "widget" "widget" "$(awk -F'\t' '$1 == "c" { print $3 }' "$L2")"
finish

start "REFLOG_ADDREF='*' hooks the program, never the shim or what it runs on"
L=$WORK/star.log
REFLOG_ADDREF='*' traced "$L" "$PROGS/things"
expect "the program runs" "done" "$(cat "$L.out")"
expect "stderr" "" "$(cat "$L.err")"
expect "its functions are traced" "yes" \
    "$(awk -F'\t' '$1 == "c" && $3 == "thing" { found = 1 } END { print found ? "yes" : "no" }' "$L")"
expect "no frame of libc or of the shim is an AddRef's caller's callee" "" \
    "$(awk -F'\t' '$1 == "c" && ($3 ~ /^(malloc|free|calloc|memcpy|refshim|shim_|record)/) { print $3 }' "$L")"
L2=$WORK/star2.log
REFLOG_ADDREF='?*' traced "$L2" "$PROGS/things"
expect "'?*' too" "done" "$(cat "$L2.out")"
finish

start "a glob that matches thousands of functions: one warning with the count"
if [ -x "$PROGS/gobjects" ]; then
    L=$WORK/wide.log
    REFLOG_ADDREF='g_*' traced "$L" "$PROGS/gobjects"
    expect "the program runs" "done" "$(cat "$L.out")"
    expect "warning" "1" "$(grep -c "^refshim: REFLOG_ADDREF matches [0-9]* functions: are its patterns too wide?" "$L.err")"
else
    fail "the GObject test program was not built (libglib2.0-dev missing?)"
fi
finish
