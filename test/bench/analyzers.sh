#!/usr/bin/env bash
# The analyzers' part of `make bench`: times refleaks and refbalance on four shapes of
# log, each beside `wc -l` on the same file, and measures their peak resident memory:
#   gst        refshim's own log of a real program: gst-launch-1.0 (videotestsrc !
#              videoconvert ! fakesink, every class traced) run under the shim
#   mozilla    Mozilla XPCOM refcount log whose stacks repeat, as in real logs
#   unique     Mozilla log whose stacks never repeat (every stack has a new offset)
#   asterisk   Asterisk refs log (refdebug=yes) shaped like a busy Asterisk's
# The logs are made once and kept under build/bench/ (about BENCH_LOG_BYTES each).
# Times are medians of RUNS runs, each run in turn with one of `wc -l` on the same log
# (measure). Goals: each at most 5x `wc -l`, peak RSS at most 64 MB.
# Then the memory refleaks takes per object alive at the end, on a Mozilla log that
# ends with BENCH_LIVE_OBJECTS (1 M) objects alive (live_log_gen): its peak RSS less
# that on the same log with one object alive, per object. Goal: at most 100 bytes.
# Beside them, the peers that answer the same question, where they are found (their
# scripts are not ours to ship; README's Performance section says where to fetch them):
#   FIND_LEAKERS=path/to/find_leakers.py  (mozilla-central tools/rb/) against refleaks
#   MAKE_TREE=path/to/make-tree.pl        (mozilla-central tools/rb/) against refbalance
#   REFCOUNTER=path/to/refcounter.py      (Asterisk contrib/scripts/) against
#                                         refleaks --history; taken from the Asterisk
#                                         tarball in /work/shared/asterisk when unset
# Goal: each peer at least 10x slower. A peer runs PEER_RUNS times (3) on the same log, each
# run followed by OUR_RUNS_PER_PEER (3) of our tool's, and the two medians are compared
# (see peer). A goal missed is printed as NOT MET, and the script still exits 0: `make
# bench` is a report, not a test. It fails only if it cannot run.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
SIZE=${BENCH_LOG_BYTES:-200000000}
RUNS=${BENCH_RUNS:-7}
mkdir -p "$OUT"
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"
for tool in mozilla_log_gen asterisk_log_gen live_log_gen run_measured; do
    cc $CFLAGS -o "$OUT/$tool" "test/bench/$tool.c" || exit 1
done

big_enough() { [ -s "$1" ] && [ "$(stat -c %s "$1")" -ge $((SIZE * 9 / 10)) ]; }

# The gst-launch log: about 340 bytes of log per buffer, so the
# number of buffers follows SIZE; generated once, it takes a few seconds.
make_gst_log() {
    local log=$OUT/gst.log buffers=$((SIZE / 340 + 1000))
    # Kept while made with the same number of buffers and the same log contract (its
    # size and form follow the shim's format).
    local made="$buffers $(md5sum <include/refshim_log.h | cut -c1-32)"
    [ -s "$log" ] && [ "$(cat "$log.buffers" 2>/dev/null)" = "$made" ] && return 0
    rm -f "$log" "$log.buffers"
    env REFLOG_FILE="$(realpath "$OUT")/gst.log" LD_PRELOAD="$(realpath "$BUILD/librefshim.so")" \
        gst-launch-1.0 -q videotestsrc num-buffers="$buffers" ! video/x-raw,width=64,height=48 \
        ! videoconvert ! fakesink >/dev/null 2>&1
    [ -s "$log" ] && echo "$made" >"$log.buffers"
}
make_gst_log || { echo "cannot make $OUT/gst.log with gst-launch-1.0"; exit 1; }
# generated LOG TOOL ARGS...: LOG made by test/bench/TOOL.c, again whenever the size or
# the generator changed (a stamp beside the log says with what it was made).
generated() {
    local log=$OUT/$1 tool=$2
    shift 2
    local made="$SIZE $* $(md5sum <"test/bench/$tool.c" | cut -c1-32)"
    big_enough "$log" && [ "$(cat "$log.made" 2>/dev/null)" = "$made" ] && return 0
    rm -f "$log.made"
    "$OUT/$tool" "$SIZE" "$@" >"$log" 2>/dev/null && echo "$made" >"$log.made"
}
generated mozilla.log mozilla_log_gen || exit 1
generated unique.log mozilla_log_gen unique || exit 1
generated asterisk.log asterisk_log_gen || exit 1

if [ -z "${REFCOUNTER:-}" ]; then
    tarball=$(ls /work/shared/asterisk/asterisk-*.tar.* 2>/dev/null | head -n 1)
    if [ -n "$tarball" ] && [ ! -s "$OUT/refcounter.py" ]; then
        tar -xf "$tarball" -C "$OUT" --strip-components=3 --wildcards '*/contrib/scripts/refcounter.py' 2>/dev/null
    fi
    [ -s "$OUT/refcounter.py" ] && REFCOUNTER=$OUT/refcounter.py
fi

calc() { awk "BEGIN { print ($1) }"; }
# median_of RUNS: reads run_measured's lines and prints `SECONDS PEAK_KB STATUS`, the
# median time of the RUNS runs (the machine is shared and noisy) and the largest peak memory.
median_of() {
    sort -n -k1,1 | awk -v n="$1" '
        { t[NR] = $1; if ($2 > kb) kb = $2; status = $3 }
        END { print t[int((n + 1) / 2)], kb, status }'
}
# median RUNS COMMAND...: the same for RUNS runs of COMMAND.
median() {
    local runs=$1 lines=""
    shift
    for _ in $(seq "$runs"); do
        lines+="$("$OUT/run_measured" "$@" 2>/dev/null)"$'\n'
    done
    printf '%s' "$lines" | median_of "$runs"
}

# measure NAME TIME_GOAL COMMAND...: one line, the time beside `wc -l`'s. The two are
# timed in turns, RUNS rounds of one `wc -l` and one COMMAND, and the ratio is that of
# their medians: on this shared VM the speed of the machine drifts within a minute, and a
# yardstick timed once before all the commands put that drift into every ratio (the same
# refbalance was 5.6x one run and 4.2x the next).
measure() {
    local name=$1 time_goal=$2
    shift 2
    local wc_lines="" our_lines=""
    for _ in $(seq "$RUNS"); do
        wc_lines+="$("$OUT/run_measured" wc -l "$log" 2>/dev/null)"$'\n'
        our_lines+="$("$OUT/run_measured" "$@" 2>/dev/null)"$'\n'
    done
    local seconds kb exit_status wc_now
    read -r seconds kb exit_status <<<"$(printf '%s' "$our_lines" | median_of "$RUNS")"
    read -r wc_now _ _ <<<"$(printf '%s' "$wc_lines" | median_of "$RUNS")"
    local ratio mb verdict_time verdict_rss
    ratio=$(calc "$seconds / $wc_now")
    mb=$(calc "$kb / 1024")
    verdict_time="no goal"
    if [ "$time_goal" = yes ]; then
        verdict_time="met"
        [ "$(calc "$ratio > 5")" = 1 ] && verdict_time="NOT MET"
    fi
    verdict_rss="met"
    [ "$(calc "$mb > 64")" = 1 ] && verdict_rss="NOT MET"
    printf '  %-36s %7.3f s %6.1fx wc -l %.3f s (<= 5x: %s)  peak RSS %6.1f MB (<= 64 MB: %s)  exit %s\n' \
        "$name" "$seconds" "$ratio" "$wc_now" "$verdict_time" "$mb" "$verdict_rss" "$exit_status"
}

# peer NAME MAX_STATUS: PEER_COMMAND (an array) beside OUR_COMMAND, run in turns: PEER_RUNS
# (3) rounds of one peer run and OUR_RUNS_PER_PEER (3) of ours, the medians compared. Ours
# takes a few hundredths of a second, so a busy moment of this shared VM measured on our
# side only (as when ours was the median of `measure`, seconds before) moved the ratio by
# a third; taken in turns, such a moment falls on both sides. An exit status above
# MAX_STATUS means the peer failed (a Python traceback is 1): its time would compare a
# crash with a whole reading, so none is given.
peer() {
    local name=$1 max_status=$2 rounds=${PEER_RUNS:-3} per=${OUR_RUNS_PER_PEER:-3}
    local peer_lines="" our_lines=""
    for _ in $(seq "$rounds"); do
        peer_lines+="$("$OUT/run_measured" "${PEER_COMMAND[@]}" 2>/dev/null)"$'\n'
        for _ in $(seq "$per"); do
            our_lines+="$("$OUT/run_measured" "${OUR_COMMAND[@]}" 2>/dev/null)"$'\n'
        done
    done
    local seconds kb exit_status ours
    read -r seconds kb exit_status <<<"$(printf '%s' "$peer_lines" | median_of "$rounds")"
    read -r ours _ _ <<<"$(printf '%s' "$our_lines" | median_of $((rounds * per)))"
    if [ "$exit_status" -gt "$max_status" ]; then
        printf '  %-36s failed (exit %s): no comparison\n' "$name" "$exit_status"
        return
    fi
    local ratio verdict="met"
    ratio=$(calc "$seconds / $ours")
    [ "$(calc "$ratio < 10")" = 1 ] && verdict="NOT MET"
    printf '  %-36s %7.3f s  ours %.3f s: %.1fx faster (>= 10x: %s)  peak RSS %6.1f MB  exit %s\n' \
        "$name" "$seconds" "$ours" "$ratio" "$verdict" "$(calc "$kb / 1024")" "$exit_status"
}
skip_peer() { printf '  %-36s skipped: set %s to its path (README, Performance)\n' "$1" "$2"; }

for shape in gst mozilla unique asterisk; do
    log=$OUT/$shape.log
    echo "$shape: $log, $(($(stat -c %s "$log") / 1000000)) MB, $(wc -l <"$log") lines"
    read -r wc_seconds wc_kb _ <<<"$(median "$RUNS" wc -l "$log")"
    printf '  %-36s %7.3f s  (yardstick; each line below has its own, timed in turns with it)  peak RSS %6.1f MB\n' "wc -l" "$wc_seconds" "$(calc "$wc_kb / 1024")"
    measure "refleaks" yes "$BUILD/refleaks" "$log"
    # The object refbalance is asked about: the first leaked one, else the first one.
    serial=$("$BUILD/refleaks" "$log" 2>/dev/null | head -n 1 | sed -n 's/.*(\([0-9]*\)) @.*/\1/p')
    serial=${serial:-1}
    measure "refbalance --serial $serial" yes "$BUILD/refbalance" --serial "$serial" "$log"
    measure "refbalance --sites --serial $serial" yes "$BUILD/refbalance" --sites --serial "$serial" "$log"
    measure "refleaks --history -n" no "$BUILD/refleaks" --history -n "$log"
    if [ "$shape" = mozilla ] || [ "$shape" = unique ]; then
        measure "refleaks --bloat" no "$BUILD/refleaks" --bloat "$log"
        measure "refleaks --by-stack" no "$BUILD/refleaks" --by-stack "$log"
        if [ -n "${FIND_LEAKERS:-}" ] && [ -f "$FIND_LEAKERS" ]; then
            OUR_COMMAND=("$BUILD/refleaks" "$log")
            PEER_COMMAND=(python3 "$FIND_LEAKERS" "$log")
            peer "find_leakers.py" 0
        else
            skip_peer "find_leakers.py" FIND_LEAKERS
        fi
        if [ -n "${MAKE_TREE:-}" ] && [ -f "$MAKE_TREE" ]; then
            address=$("$BUILD/refleaks" "$log" 2>/dev/null | head -n 1 | cut -d' ' -f1)
            # make-tree.pl reads its standard input only.
            OUR_COMMAND=("$BUILD/refbalance" --serial "$serial" "$log")
            PEER_COMMAND=(sh -c 'exec perl "$0" --object "$1" <"$2"' "$MAKE_TREE" "$address" "$log")
            peer "make-tree.pl --object $address" 0
        else
            skip_peer "make-tree.pl" MAKE_TREE
        fi
    fi
    if [ "$shape" = asterisk ]; then
        if [ -n "${REFCOUNTER:-}" ] && [ -f "$REFCOUNTER" ]; then
            OUR_COMMAND=("$BUILD/refleaks" --history -n "$log")
            PEER_COMMAND=(python3 "$REFCOUNTER" -f "$log" -n)
            peer "refcounter.py -n" 7
        else
            skip_peer "refcounter.py" REFCOUNTER
        fi
    fi
done

alive=${BENCH_LIVE_OBJECTS:-1000000}
if [ "$(cat "$OUT/live.log.alive" 2>/dev/null)" != "$alive" ]; then
    "$OUT/live_log_gen" "$alive" >"$OUT/live.log" && "$OUT/live_log_gen" 1 >"$OUT/live1.log" &&
        echo "$alive" >"$OUT/live.log.alive" || exit 1
fi
echo "live objects: $OUT/live.log, $(($(stat -c %s "$OUT/live.log") / 1000000)) MB, $alive objects alive at the end"
read -r _ big_kb _ <<<"$(median 1 "$BUILD/refleaks" "$OUT/live.log")"
read -r _ small_kb _ <<<"$(median 1 "$BUILD/refleaks" "$OUT/live1.log")"
per_object=$(calc "($big_kb - $small_kb) * 1024 / $alive")
verdict="met"
[ "$(calc "$per_object > 100")" = 1 ] && verdict="NOT MET"
printf '  %-36s %7.1f bytes per live object (<= 100: %s)  peak RSS %6.1f MB\n' \
    "refleaks" "$per_object" "$verdict" "$(calc "$big_kb / 1024")"
exit 0
