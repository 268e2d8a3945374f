# End-to-end cases for the folding of libunwind's signal masking (shim/record/
# unwind_signals.c): one mask change per capture that unwinds the slow way. Sourced by
# run.sh.

UNWOUND_TREE=".root: bal=31
  main: bal=31
    NS_NewFoo: bal=1
    void Touch<63>: bal=30"

# A program whose signal handler walks its own stack with libunwind, step by step, while
# a second thread signals it without pause and it calls AddRef/Release from 64 functions
# libunwind has not met: no handler may wait for a lock its thread holds, and every
# reference is in the log.
start "libunwind in the program's own signal handlers, while the shim unwinds new frames"
L=$WORK/unwinding_handler.log
traced "$L" timeout 60 "$PROGS/unwinding_handler" 30
expect "exit" "0" "$?"
expect "handlers" "unwound in handlers" "$(cat "$L.out")"
expect "stderr" "" "$(cat "$L.err")"
expect "tree" "$UNWOUND_TREE" "$(refbalance --serial 1 "$L" | grep -v ': bal=0$')"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsFoo" "$(refleaks "$L")"
finish

# Without the folding, libunwind makes some eight sigprocmask calls for each frame it has
# not met: 3,500 for these ten rounds (1,100 for the first alone); folded, about 500 (two
# for each capture in which libunwind masks, none for the others).
start "libunwind's signal masking: one change per slow capture"
if command -v strace >/dev/null; then
    L=$WORK/unwinding_quiet.log
    strace -f -qq -c -e trace=rt_sigprocmask -o "$L.strace" \
        env REFLOG_FILE="$L" LD_PRELOAD="$SHIM" "$PROGS/unwinding_handler" 10 quiet
    calls=$(awk '$NF == "rt_sigprocmask" { print $4 }' "$L.strace")
    expect "rt_sigprocmask calls at most 700" "yes" "$([ "${calls:-0}" -gt 0 ] && [ "$calls" -le 700 ] && echo yes || echo "no: ${calls:-none}")"
    expect "tree" "$(echo "$UNWOUND_TREE" | sed 's/31/11/g; s/30/10/')" "$(refbalance --serial 1 "$L" | grep -v ': bal=0$')"
else
    fail "strace is missing (make deps installs it)"
fi
finish
