#!/usr/bin/env bash
# The holder scan's part of `make bench`: what the scan at exit costs a process with a
# 512 MB heap, beside the time that process takes to read its heap once. Goal (issue 9):
# the scan adds at most 1 s. The scan's own time is the `# scan 0:` line of the log; the
# whole run with the scan and with REFLOG_HOLDERS=0 is shown too. Median of 3 runs. A
# missed goal is reported, not fatal.
# Environment: BUILD (default build), SHIM (default $BUILD/librefshim.so).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
SHIM=$(realpath "${SHIM:-$BUILD/librefshim.so}")
RUNS=3
HEAP_MB=${HEAP_MB:-512}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
g++ -O2 -g -Wall -Werror -o "$OUT/holders_bench" test/bench/programs/holders_bench.cc || exit 1

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

scan_s=() read_s=() with_s=() without_s=()
for _ in $(seq $RUNS); do
    L=$OUT/holders_bench.log
    t0=$(now)
    out=$(REFLOG_FILE=$L LD_PRELOAD=$SHIM "$OUT/holders_bench" "$HEAP_MB")
    t1=$(now)
    with_s+=("$(echo "$t1 - $t0" | bc -l)")
    read_s+=("$(echo "$out" | awk '{ print $5 }')")
    scan_line=$(grep -a '^# scan 0:' "$L")
    scan_s+=("$(echo "$scan_line" | awk '{ printf "%.3f", $(NF - 1) / 1e6 }')")
    t0=$(now)
    REFLOG_HOLDERS=0 REFLOG_FILE=$L.off LD_PRELOAD=$SHIM "$OUT/holders_bench" "$HEAP_MB" >/dev/null
    t1=$(now)
    without_s+=("$(echo "$t1 - $t0" | bc -l)")
done
scan=$(printf '%s\n' "${scan_s[@]}" | median)
read=$(printf '%s\n' "${read_s[@]}" | median)
with=$(printf '%s\n' "${with_s[@]}" | median)
without=$(printf '%s\n' "${without_s[@]}" | median)
echo "last scan: ${scan_line#\# }"
printf 'heap of %s MB: the scan at exit takes %.3f s; reading the heap once takes %.3f s\n' \
    "$HEAP_MB" "$scan" "$read"
printf 'whole run: %.3f s with the scan, %.3f s with REFLOG_HOLDERS=0\n' "$with" "$without"
if [ "$(echo "$scan <= 1.0" | bc -l)" = 1 ]; then verdict=met; else verdict="NOT MET"; fi
echo "goal: the scan adds at most 1 s with a 512 MB heap: $verdict"
echo "reasons at exit: $("$BUILD/refleaks" --holders "$L" 2>/dev/null | grep -v '^    ' | sed 's/.*: //; s/ .*//' | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }' | sed 's/, $//')"
