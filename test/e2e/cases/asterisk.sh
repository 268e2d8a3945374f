# A stock Asterisk 22 (no REF_DEBUG), built from ../shared/asterisk once into
# $BUILD/asterisk, run with refdebug=yes under the shim with only REFLOG_FILE and
# LD_PRELOAD: refshim's log of the process against Asterisk's own refs log of the same
# process. Skipped where the Asterisk source is absent (users' trees). Sourced by run.sh.

. test/asterisk_lib.sh

asterisk_skip() {
    echo "skip $current: $*"
    current=""
}

start "Asterisk: refshim finds the leaks of Asterisk's own refs log, change for change"
if ! command -v python3 >/dev/null; then
    asterisk_skip "python3 is not installed"
else
    asterisk_prepare "$BIN"
    case $? in
    1) asterisk_skip "$AST_SKIP" ;;
    2) fail "Asterisk did not build: see $BIN/asterisk/build.out" ;;
    esac
fi
if [ -n "$current" ]; then
    ast_out=$WORK/asterisk
    if ! asterisk_traffic_run "$ast_out" LD_PRELOAD="$SHIM" REFLOG_FILE="$ast_out/shim.log"; then
        fail "Asterisk did not start and stop under the shim: see $ast_out/console.log"
    fi
fi
if [ -n "$current" ]; then
    comparison=$(python3 test/e2e/asterisk_compare.py "$ast_out/refs" <(format1 "$ast_out/shim.log"))
    expect "the same objects, leaks and +1/-1 changes in both logs" "differences: 0" \
        "$(echo "$comparison" | tail -1 | sed 's/.*; //')"
    [ "$(echo "$comparison" | tail -1 | sed 's/.*; //')" = "differences: 0" ] ||
        echo "$comparison" | head -20 | sed 's/^/    /'
    refleaks --history -n "$ast_out/refs" >"$ast_out/history.out" 2>"$ast_out/history.err"
    expect "refleaks --history on Asterisk's log: leaks only (exit 1), no invalid object" "1" "$?"
    expect "refleaks --history on Asterisk's log: no warning" "" "$(cat "$ast_out/history.err")"
    # refshim's leaks are Asterisk's plus the objects Asterisk does not log (container nodes).
    awk -F'\t' '$1 == "x" && $3 == "no-ref-debug" { print $2 }' "$ast_out/shim.log" |
        sort >"$ast_out/quiet.serials"
    refleaks "$ast_out/shim.log" 2>"$ast_out/leaks.err" | tr -d '()' |
        awk 'NR == FNR { quiet[$1] = 1; next } !($2 in quiet) { print $1 }' \
            "$ast_out/quiet.serials" - | sort >"$ast_out/shim.leaks"
    refleaks "$ast_out/refs" | awk '{ print $1 }' | sort >"$ast_out/refs.leaks"
    expect "refleaks names the same leaked addresses in both logs" \
        "$(cat "$ast_out/refs.leaks")" "$(cat "$ast_out/shim.leaks")"
    expect "no warning on refshim's log" "" "$(cat "$ast_out/leaks.err")"
    expect "NO_REF_DEBUG objects are traced and marked" "yes" \
        "$([ -s "$ast_out/quiet.serials" ] && echo yes || echo no)"
    # Allocation tags: the t records hold the tags of Asterisk's constructor lines.
    ast_tags=$(awk -F, '$7 ~ /^\*\*constructor\*\*/ && $8 != "" {
        sub(/^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,/, ""); print }' "$ast_out/refs" | sort)
    expect "allocation tags: the same as Asterisk's constructor lines', and some" \
        "$ast_tags" "$( [ -n "$ast_tags" ] && awk -F'\t' '$1 == "t" { print $3 }' "$ast_out/shim.log" | sort)"
    # Classes named after destructors; full stacks, down to main.
    expect "classes from destructors; stacks down to main" "ao2_container main" \
        "$(refleaks "$ast_out/shim.log" 2>/dev/null | grep -m1 -o '@ ao2_container' | cut -c3-) $(
           refleaks --by-stack "$ast_out/shim.log" 2>/dev/null | grep -m1 -o '^ *main ' | tr -d ' ')"
    finish
fi
