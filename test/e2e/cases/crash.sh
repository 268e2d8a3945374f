# End-to-end cases for logs of programs that die: every event logged before a clean exit,
# _exit, abort, a segfault or SIGKILL (raised, or sent from outside at any moment) is in
# the log, and the analyzers read a log cut anywhere up to its last complete line and
# say that it was cut. Sourced by run.sh, which provides the helpers.

CRASH=$WORK/crash
mkdir -p "$CRASH"

# The program is built here rather than in build-programs.sh so that this group stays
# self-contained; same flags and the same libnsfoo.so as the other programs.
start "dying.cc builds"
g++ -O0 -g -fno-inline -Wall -Werror -I test/e2e/programs -o "$CRASH/dying" \
    test/e2e/programs/dying.cc -L"$PROGS" -lnsfoo -Wl,-rpath,"$PROGS" 2>"$CRASH/build.err"
expect "compiler status" 0 "$?"
expect "compiler says nothing" "" "$(cat "$CRASH/build.err")"
finish

# event_counts LOG: "N=.. A=.. R=.. D=.." over the event lines (NULs dropped first: a
# crashed log ends in padding). Only lines ended by \n count: a cut last line is no event.
event_counts() {
    tr -d '\0' <"$1" | awk -F'\t' '
        { n[$1]++ }
        END { printf "N=%d A=%d R=%d D=%d", n["N"], n["A"], n["R"], n["D"] }'
}

# newline_count LOG: the number of complete lines, as the analyzers number them.
newline_count() { tr -cd '\n' <"$1" | wc -c | tr -d ' '; }

# The tree of serial 2 (kept at count 2): three references taken in MakeFour, one given
# back in ReleaseSome. Every way of dying must give the same tree as the clean exit.
DYING_TREE=".root: bal=2
  main: bal=2
    MakeFour: bal=3
    ReleaseSome: bal=-1"

# way EXIT_STATUS: the ways of dying and the status the shell sees (128 + signal).
for pair in exit:0 _exit:3 abort:134 segv:139 kill:137; do
    how=${pair%%:*}
    status=${pair#*:}
    start "dies by $how: all 20 events are in the log and refleaks names serials 2 and 4"
    L=$CRASH/$how.log
    # No core files in the source tree; the subshell's own "Aborted"/"Segmentation
    # fault" notice goes to /dev/null so that only the assertions speak.
    (ulimit -c 0; traced "$L" "$CRASH/dying" "$how") 2>/dev/null
    rc=$?
    expect "exit status" "$status" "$rc"
    expect "marker: the program logged everything before dying" "20 events" "$(cat "$L.out")"
    expect "shim says nothing" "" "$(cat "$L.err")"
    expect "events" "N=4 A=8 R=6 D=2" "$(event_counts "$L")"
    out=$(refleaks "$L" 2>"$L.rl.err"); rc=$?
    expect "refleaks" "$(serial_address "$L" 2) (2) @ nsFoo
$(serial_address "$L" 4) (4) @ nsFoo" "$out"
    expect "refleaks exit status" 1 "$rc"
    tree=$(refbalance --serial 2 "$L" 2>"$L.rb.err"); rc=$?
    expect "refbalance tree" "$DYING_TREE" "$tree"
    expect "refbalance exit status" 0 "$rc"
    finish

    # A case of its own, so that its failure does not hide the assertions above.
    # A clean exit cuts the file to its length; any other death leaves the NUL padding
    # of the preallocated file, and a log that ends in padding was cut by a death.
    if [ "$how" = exit ]; then
        start "dies by exit: no NUL padding, and refleaks warns of nothing"
        expect "NUL bytes" 0 "$(tr -cd '\0' <"$L" | wc -c | tr -d ' ')"
        expect "refleaks stderr" "" "$(cat "$L.rl.err")"
    else
        start "dies by $how: refleaks says the log was cut"
        expect "refleaks stderr" \
            "$L: log was cut after line $(newline_count "$L"); analysed up to there" "$(cat "$L.rl.err")"
    fi
    finish
done

# --- SIGKILL from outside, at any moment -------------------------------------------------

# Each round kills the spinning program after a different delay, so the kill lands at
# different points of the logging path (mid-record included, with luck).
for delay in 0.1 0.2 0.3; do
    start "killed with kill -9 after ${delay}s of AddRef/Release: a readable log, nothing lost"
    L=$CRASH/spin-$delay.log
    # Started directly (no function, no subshell) so that $! is the program itself.
    env REFLOG_FILE="$L" LD_PRELOAD="$SHIM" "$CRASH/dying" spin >"$L.out" 2>"$L.err" &
    pid=$!
    # The marker says the three leaked objects and the spinner exist; the delay counts
    # from there. 5 s at most: a program that never spins fails the marker assertion.
    for _ in $(seq 100); do
        [ -s "$L.out" ] && break
        sleep 0.05
    done
    sleep "$delay"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    expect "killed by SIGKILL" 137 "$?"
    expect "marker" "spinning" "$(cat "$L.out")"
    expect "shim says nothing" "" "$(cat "$L.err")"
    # After the NULs are dropped, every line ended by \n that is an event must be whole:
    # OP SERIAL COUNT TID STACK [ADDRESS CLASS [SIZE]], all numbers, TID perhaps empty
    # (the line before's). A half-written record may only be the last line, without its \n,
    # which readers ignore. (grep, not awk: a million lines.)
    tr -d '\0' <"$L" >"$L.text"
    [ -n "$(tail -c 1 "$L.text")" ] && sed -i '$ d' "$L.text"   # the unterminated last line
    bad=$(grep -E $'^[NARD]\t' "$L.text" | grep -Evx $'[NARD]\t[0-9]+\t[0-9]+\t[0-9]+(\t[0-9]+|\t[0-9]*\t0x[0-9a-f]+(\t[0-9]+(\t[0-9]+)?)?)?' | head -n 3)
    expect "malformed event lines" "" "$bad"
    # The spinner is serial 4: created at count 1, then A to 2 and R to 1 in strict
    # alternation. A lost or doubled event shows as a wrong count or two equal
    # neighbours.
    grep -E $'^[AR]\t4\t' "$L.text" | cut -f1,3 >"$L.spin"
    expect "spinner counts other than A 2 and R 1" "" "$(grep -vx -e $'A\t2' -e $'R\t1' "$L.spin" | sort | uniq -c)"
    expect "spinner events not alternating" "" "$(uniq -d "$L.spin" | head -n 3)"
    a=$(grep -c $'^A\t' "$L.text")
    r=$(grep -c $'^R\t' "$L.text")
    expect "A lines minus R lines is 0 or 1" yes "$([ $((a - r)) -ge 0 ] && [ $((a - r)) -le 1 ] && echo yes || echo "no: A=$a R=$r")"
    expect "the spinner ran (at least 100 pairs logged)" yes "$([ "$r" -ge 100 ] && echo yes || echo "no: R=$r")"
    expect "creations" 4 "$(grep -c $'^N\t' "$L.text")"
    expect "destructions" 0 "$(grep -c $'^D\t' "$L.text")"
    out=$(refleaks "$L" 2>"$L.rl.err"); rc=$?
    expect "refleaks: the three leaked objects and the spinner" "$(serial_address "$L" 1) (1) @ nsFoo
$(serial_address "$L" 2) (2) @ nsFoo
$(serial_address "$L" 3) (3) @ nsFoo
$(serial_address "$L" 4) (4) @ nsFoo" "$out"
    expect "refleaks exit status" 1 "$rc"
    rm -f "$L.text" "$L.spin"
    finish

    start "killed with kill -9 after ${delay}s: refleaks says the log was cut"
    expect "refleaks stderr" \
        "$L: log was cut after line $(newline_count "$L"); analysed up to there" "$(cat "$L.rl.err")"
    finish
done

# --- a log cut at every byte offset ---------------------------------------------------------

start "a log cut at every byte offset: exit 0 or 1, the objects alive after the complete lines"
L=$CRASH/exit.log
size=$(stat -c %s "$L")
CUT=$CRASH/cut
mkdir -p "$CUT"
# The oracle, independent of the analyzers: for each number K of complete lines, the
# objects alive after them (created, not destroyed), in serial order, as refleaks prints
# them; written to $CUT/expected.K.
awk -F'\t' -v dir="$CUT" '
    function dump(k,    s, out) {
        out = dir "/expected." k
        printf "" >out
        for (s = 1; s <= maxserial; s++)
            if (s in alive) printf "%s (%d) @ %s\n", addr[s], s, class[cls[s]] >out
        close(out)
    }
    BEGIN { dump(0) }
    $1 == "c" { class[$2] = $3 }
    $1 ~ /^[NARD]$/ && NF >= 7 { addr[$2] = $6; cls[$2] = $7; if ($2 + 0 > maxserial) maxserial = $2 + 0 }
    $1 == "N" || $1 == "A" || $1 == "R" { alive[$2] = 1 }
    $1 == "D" { delete alive[$2] }
    { dump(NR) }' <(format1 "$L")
# Offsets where line K+1 starts, so the loop knows K without reading the prefix again.
mapfile -t line_ends < <(awk '{ total += length($0) + 1; print total }' "$L")
# The prefixes are cut from a shell variable and the answers read back with $(<...), so
# that each offset costs one process (refleaks): the loop runs a thousand times. The log
# of a clean exit holds no NUL and is ASCII, so characters are bytes.
saved_lc_all=${LC_ALL-unset}
LC_ALL=C
text=$(<"$L")$'\n'
wrong=""
nwrong=0
k=0
for ((offset = 0; offset <= size; offset++)); do
    while [ "$k" -lt "${#line_ends[@]}" ] && [ "${line_ends[$k]}" -le "$offset" ]; do
        k=$((k + 1))
    done
    printf '%s' "${text:0:offset}" >"$CUT/log"
    "$BIN/refleaks" "$CUT/log" >"$CUT/out" 2>"$CUT/err"
    rc=$?
    out=$(<"$CUT/out")
    expected=$(<"$CUT/expected.$k")
    if [ -n "$expected" ]; then want_rc=1; else want_rc=0; fi
    # Cut inside a line: the reader must say so. Cut just after a \n: a whole log as far
    # as anyone can tell, so no warning. An empty file says nothing at all: an error.
    if [ "$offset" -eq 0 ]; then
        want_rc=65
        want_err="$CUT/log:1: empty log (no reference-count records)"
    elif [ "$k" -eq 0 ] || [ "${line_ends[$((k - 1))]}" -ne "$offset" ]; then
        want_err="$CUT/log: log was cut after line $k; analysed up to there"
    else
        want_err=""
    fi
    got_err=$(<"$CUT/err")
    if [ "$rc" != "$want_rc" ] || [ "$out" != "$expected" ] || [ "$got_err" != "$want_err" ]; then
        nwrong=$((nwrong + 1))
        # One line per offset is too much for a whole log: keep the first few.
        [ "$nwrong" -le 5 ] &&
            wrong+="offset $offset (K=$k): exit $rc (want $want_rc), stdout $([ "$out" = "$expected" ] && echo right || echo wrong), stderr '${got_err:0:70}'"$'\n'
    fi
done
if [ "$saved_lc_all" = unset ]; then unset LC_ALL; else LC_ALL=$saved_lc_all; fi
[ "$nwrong" -gt 0 ] && wrong+="$nwrong of $((size + 1)) offsets wrong"$'\n'
expect "offsets answered wrongly (first few)" "" "${wrong%$'\n'}"
finish

start "trailing NUL bytes after a complete log: skipped, same answer, the log was cut"
P=$CRASH/padded.log
cp "$CRASH/exit.log" "$P"
head -c 10000 /dev/zero >>"$P"
out=$(refleaks "$P" 2>"$P.err"); rc=$?
expect "refleaks" "$(refleaks "$CRASH/exit.log")" "$out"
expect "exit status" 1 "$rc"
expect "warning" "$P: log was cut after line $(newline_count "$P"); analysed up to there" "$(cat "$P.err")"
finish

start "a log that is nothing but NUL padding (killed before its header): nothing alive, cut"
Z=$CRASH/zeros.log
head -c 65536 /dev/zero >"$Z"
out=$(refleaks "$Z" 2>"$Z.err"); rc=$?
expect "refleaks" "" "$out"
expect "warning" "$Z: log was cut after line 0; analysed up to there" "$(cat "$Z.err")"
expect "exit status" 0 "$rc"
finish
