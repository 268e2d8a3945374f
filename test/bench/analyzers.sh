#!/usr/bin/env bash
# The analyzers' part of `make bench`: generates a 200 MB Mozilla XPCOM refcount log
# (build/bench/mozilla.log: many objects, stacks drawn from a fixed set so they repeat
# as in real logs), then times refleaks and refbalance on it beside `wc -l` on the same
# file, and measures their peak resident memory. Goals: each at most 5x the time of
# `wc -l`, peak RSS at most 64 MB. A goal missed is printed as NOT MET, and the script
# still exits 0: `make bench` is a report, not a test. It fails only if it cannot run.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
LOG=$OUT/mozilla.log
SIZE=${BENCH_LOG_BYTES:-200000000}
RUNS=${BENCH_RUNS:-5}
mkdir -p "$OUT"
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"
cc $CFLAGS -o "$OUT/mozilla_log_gen" test/bench/mozilla_log_gen.c || exit 1
cc $CFLAGS -o "$OUT/run_measured" test/bench/run_measured.c || exit 1

if [ ! -s "$LOG" ] || [ "$(stat -c %s "$LOG")" -lt "$SIZE" ]; then
    "$OUT/mozilla_log_gen" "$SIZE" >"$LOG" 2>/dev/null || exit 1
fi
# The first leaked object, for refbalance: `ADDRESS (SERIAL) @ CLASS`.
serial=$("$BUILD/refleaks" "$LOG" 2>/dev/null | head -n 1 | sed 's/.*(\([0-9]*\)).*/\1/')
echo "log: $LOG, $(($(stat -c %s "$LOG") / 1000000)) MB, $(grep -c '^<' "$LOG") records"

# best RUNS COMMAND...: the fastest of RUNS runs as `SECONDS PEAK_KB STATUS`, so that
# the page cache is warm and a busy moment does not count.
calc() { awk "BEGIN { print ($1) }"; }
best() {
    local best_line="" line
    for _ in $(seq "$RUNS"); do
        line=$("$OUT/run_measured" "$@")
        if [ -z "$best_line" ] || awk -v a="${line%% *}" -v b="${best_line%% *}" 'BEGIN { exit !(a < b) }'; then
            best_line=$line
        fi
    done
    echo "$best_line"
}

read -r wc_seconds wc_kb _ <<<"$(best wc -l "$LOG")"
printf '%-34s %7.3f s  (yardstick)           peak RSS %6.1f MB\n' "wc -l" "$wc_seconds" "$(calc "$wc_kb / 1024")"

measure() {
    local name=$1 time_goal=$2
    shift 2
    read -r seconds kb exit_status <<<"$(best "$@")"
    local ratio verdict_time verdict_rss mb
    ratio=$(calc "$seconds / $wc_seconds")
    mb=$(calc "$kb / 1024")
    verdict_time="met"
    if [ "$time_goal" = yes ] && [ "$(calc "$ratio > 5")" = 1 ]; then
        verdict_time="NOT MET"
    fi
    [ "$time_goal" = yes ] || verdict_time="no goal"
    verdict_rss="met"
    if [ "$(calc "$mb > 64")" = 1 ]; then
        verdict_rss="NOT MET"
    fi
    printf '%-34s %7.3f s  %5.1fx wc -l (<= 5x: %s)  peak RSS %6.1f MB (<= 64 MB: %s)  exit %s\n' \
        "$name" "$seconds" "$ratio" "$verdict_time" "$mb" "$verdict_rss" "$exit_status"
}

measure "refleaks" yes "$BUILD/refleaks" "$LOG"
measure "refbalance --serial $serial" yes "$BUILD/refbalance" --serial "$serial" "$LOG"
measure "refbalance --sites --serial $serial" yes "$BUILD/refbalance" --sites --serial "$serial" "$LOG"
measure "refleaks --bloat" no "$BUILD/refleaks" --bloat "$LOG"
measure "refleaks --by-stack" no "$BUILD/refleaks" --by-stack "$LOG"
measure "refleaks --history -n" no "$BUILD/refleaks" --history -n "$LOG"
exit 0
