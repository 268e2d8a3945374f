# End-to-end cases for refleaks --history on big logs: memory must not grow with the
# events of the objects it follows (they are spooled to a temporary file), and what it
# prints is the same as if they were kept. Sourced by run.sh.

# One object that lives through a million events and leaks, one that is finalized.
awk 'BEGIN {
    print "0x1000,+1,7,astobj2.c,100,ao2_alloc,**constructor**,alloc"
    for (i = 0; i < 500000; i++) {
        print "0x1000,+1,7,app.c,20,app_exec,1,hold"
        print "0x1000,-1,7,app.c,30,app_exec,2,drop"
    }
    print "0x2000,+1,7,astobj2.c,100,ao2_alloc,**constructor**,alloc"
    print "0x2000,-1,7,app.c,31,app_exec,**destructor**,done"
}' >"$WORK/long_life.log"

# What the leaked object's history must be, line for line.
long_life_expected() {
    printf '======== Leaked Objects ========\n\n==== Leaked Object 0x1000 history ====\n'
    printf '[7] astobj2.c:100 ao2_alloc: +1 alloc - [**constructor**]\n'
    awk 'BEGIN { for (i = 0; i < 500000; i++) {
        print "[7] app.c:20 app_exec: +1 hold - [1]"
        print "[7] app.c:30 app_exec: -1 drop - [2]" } }'
    printf '\n'
}
long_life_expected | cksum >"$WORK/long_life.sum"

# The 48 MB limit on address space, except under AddressSanitizer (make check-asan sets
# ASAN_OPTIONS), which reserves terabytes of it for its shadow memory: the outputs are
# still compared there.
LIMIT_48MB="ulimit -v 48000"
[ -n "${ASAN_OPTIONS:-}" ] && LIMIT_48MB=":"

start "--history: a million events of one object in 48 MB of address space"
# Kept in memory at 48 bytes an event, the history alone would take more than that.
out=$( ($LIMIT_48MB; refleaks --history -n "$WORK/long_life.log" | cksum) 2>&1)
expect "the whole history, as it was" "$(cat "$WORK/long_life.sum")" "$out"
($LIMIT_48MB; refleaks --history -n "$WORK/long_life.log" >/dev/null 2>&1)
expect "leaked: exit 1" 1 "$?"
finish

start "--history: a log on standard input is spooled the same way"
out=$( ($LIMIT_48MB; refleaks --history -n - <"$WORK/long_life.log" | cksum) 2>&1)
expect "the whole history, from stdin" "$(cat "$WORK/long_life.sum")" "$out"
finish

start "--history: the finalized object is still reported without -n, after the leaked one"
out=$( ($LIMIT_48MB; refleaks --history "$WORK/long_life.log" | tail -n 6) 2>&1)
expect "finalized" "======== Finalized Objects ========

==== Finalized Object 0x2000 history ====
[7] astobj2.c:100 ao2_alloc: +1 alloc - [**constructor**]
[7] app.c:31 app_exec: -1 done - [**destructor**]" "$out"
finish

start "--history: its temporary files go to \$TMPDIR and are gone when it ends"
mkdir -p "$WORK/history_tmp"
out=$(TMPDIR="$WORK/history_tmp" refleaks --history -n "$WORK/long_life.log" | cksum)
expect "the same history" "$(cat "$WORK/long_life.sum")" "$out"
expect "nothing left behind" "" "$(ls -A "$WORK/history_tmp")"
TMPDIR="$WORK/no such directory" refleaks --history -n "$WORK/long_life.log" >/dev/null 2>"$WORK/history_tmp.err"
expect "no temporary file: EX_IOERR" 74 "$?"
expect "and why" "refleaks: temporary file: No such file or directory" "$(cat "$WORK/history_tmp.err")"
finish
