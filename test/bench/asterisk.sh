#!/usr/bin/env bash
# The Asterisk part of `make bench`: a stock Asterisk 22 (test/asterisk_lib.sh) started,
# given the same little traffic as the e2e test, and stopped, with Asterisk's own
# `refdebug` alone, with refshim alone, and with neither; the best of RUNS runs of each,
# wall time from start to exit and the CPU time of the process, and the ratios. The idle
# seconds of the traffic script are left out (RUN_SECONDS=0). Skipped, like the e2e test,
# where the Asterisk source is absent. A report, not a test: exits 0 unless it cannot run.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-3}
. test/asterisk_lib.sh
mkdir -p "$BUILD"
asterisk_prepare "$BUILD"
case $? in
1) echo "skip: $AST_SKIP"; exit 0 ;;
2) echo "Asterisk did not build: see $BUILD/asterisk/build.out"; exit 1 ;;
esac
SHIM=$(realpath "$BUILD/librefshim.so")
OUT=$(cd "$BUILD" && pwd)/bench/asterisk
export RUN_SECONDS=0

# measure NAME ENV...: the best wall and CPU seconds of RUNS runs, as "WALL CPU".
measure() {
    local name=$1 best_wall="" best_cpu=""
    shift
    for run in $(seq 1 "$RUNS"); do
        asterisk_traffic_run "$OUT/$name" "$@" || { echo "$name: Asterisk failed" >&2; return 1; }
        if [ -z "$best_wall" ] || awk -v a="$AST_SECONDS" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
            best_wall=$AST_SECONDS
        fi
        if [ -z "$best_cpu" ] || awk -v a="$AST_CPU" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
            best_cpu=$AST_CPU
        fi
    done
    echo "$best_wall $best_cpu"
}

read -r plain_wall plain_cpu < <(AST_REFDEBUG=no measure neither) || exit 1
read -r refdebug_wall refdebug_cpu < <(measure refdebug) || exit 1
read -r shim_wall shim_cpu < <(AST_REFDEBUG=no measure refshim LD_PRELOAD="$SHIM" REFLOG_FILE="$OUT/refshim.log") || exit 1
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "?" }'; }
printf '%-22s %8s %8s %12s %12s\n' "Asterisk start..stop" wall-s cpu-s "wall/neither" "cpu/neither"
printf '%-22s %8s %8s %12s %12s\n' neither "$plain_wall" "$plain_cpu" 1.00x 1.00x
printf '%-22s %8s %8s %12s %12s\n' "refdebug alone" "$refdebug_wall" "$refdebug_cpu" \
    "$(ratio "$refdebug_wall" "$plain_wall")" "$(ratio "$refdebug_cpu" "$plain_cpu")"
printf '%-22s %8s %8s %12s %12s\n' "refshim alone" "$shim_wall" "$shim_cpu" \
    "$(ratio "$shim_wall" "$plain_wall")" "$(ratio "$shim_cpu" "$plain_cpu")"
echo "refshim / refdebug: wall $(ratio "$shim_wall" "$refdebug_wall"), cpu $(ratio "$shim_cpu" "$refdebug_cpu")"
echo "events: $(grep -c '^[NARD]' "$OUT/refshim/../refshim.log" 2>/dev/null || echo ?) in refshim's log, $(wc -l <"$OUT/refdebug/refs") lines in Asterisk's refs log"
