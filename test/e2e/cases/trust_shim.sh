# End-to-end cases for what the shim must say rather than keep silent or garble: a log
# name with control characters, C++ libraries without symbols, events of signal handlers
# that interrupt GObject and mini-object hooks. Sourced by run.sh.

start "a REFLOG_FILE that cannot be opened is quoted with its control characters escaped"
L=$WORK/bad_name
env REFLOG_FILE=$'/nonexistent/a\nb\e.log' LD_PRELOAD="$SHIM" "$PROGS/seed_leak" >"$L.out" 2>"$L.err"
expect "stderr" 'refshim: cannot open REFLOG_FILE /nonexistent/a\nb\x1b.log: No such file or directory; the program runs untraced' "$(cat "$L.err")"
expect "the program ran" "value 42" "$(cat "$L.out")"
finish
