# End-to-end cases for the log's format 2 (doc/log-format.md): the shim writes it, the
# analyzers read it back, and the same log in format 1 (lib.sh's format1, which does not
# use the analyzers' reader) gives the same output. Sourced by run.sh.

# event_shapes LOG: "OP FIELDS" for each event line, on one line.
event_shapes() { awk -F'\t' '$1 ~ /^[NARD]$/ { printf "%s%s%d", sep, $1, NF; sep = " " }' "$1"; }

# same_reports LOG: every analyzer report of LOG against the same of LOG in format 1,
# read under the same name in another directory (--json tells the name); prints what
# differs.
same_reports() {
    local dir=${1%/*} name=${1##*/} addr args
    mkdir -p "$WORK/format1"
    format1 "$1" >"$WORK/format1/$name"
    addr=$(serial_address "$1" 2)
    for args in "" "--history" "--holders" "--json"; do
        # shellcheck disable=SC2086
        diff <(cd "$dir" && refleaks $args "$name" 2>&1) \
             <(cd "$WORK/format1" && refleaks $args "$name" 2>&1) >/dev/null ||
            echo "refleaks $args differs"
    done
    for args in "" "--json" "--sites"; do
        # shellcheck disable=SC2086
        diff <(cd "$dir" && "$BIN/refbalance" --object "$addr" $args "$name" 2>&1) \
             <(cd "$WORK/format1" && "$BIN/refbalance" --object "$addr" $args "$name" 2>&1) >/dev/null ||
            echo "refbalance $args differs"
    done
}

start "format 2: an event leaves out its TID after its thread's line, an N the class of its thread's previous N"
L=$WORK/format2_many.log
traced "$L" "$PROGS/scenarios" many
expect "header" "# refshim 2" "$(head -n 1 "$L")"
# The first N tells its thread and class; the four after it, nsFoo like it on the same
# thread, leave the class out (6 fields); no other event tells a thread (4 fields).
expect "event shapes" "N7 N6 N6 N6 N6" "$(event_shapes "$L" | tr ' ' '\n' | grep '^N' | tr '\n' ' ' | sed 's/ $//')"
expect "events with 4 fields" "yes" "$(event_shapes "$L" | tr ' ' '\n' | grep -v '^N' | sort -u | tr '\n' ' ' | grep -qx '[ARD]4 \([ARD]4 \)*' && echo yes)"
expect "refleaks" "$(serial_address "$L" 2) (2) @ nsFoo
$(serial_address "$L" 4) (4) @ nsFoo" "$(refleaks "$L")"
expect "reports of the same log in format 1" "" "$(same_reports "$L")"
finish

start "format 2: three threads' events, each thread told where its run of lines starts"
L=$WORK/format2_threads.log
traced "$L" "$PROGS/scenarios" threads
told=$(awk -F'\t' '$1 ~ /^[NARD]$/ && NF == 5 || $1 ~ /^[NARD]$/ && NF >= 6 && $5 != ""' "$L" | wc -l | tr -d ' ')
expect "events that tell their thread" "yes" "$([ "$told" -ge 2 ] && echo yes || echo "no: $told")"
expect "threads in --history (main and two)" "3" "$(refleaks --history "$L" | grep -o '^\[[0-9]*\]' | sort -u | wc -l | tr -d ' ')"
expect "reports of the same log in format 1" "" "$(same_reports "$L")"
finish

start "format 1 logs still read: an old shim's log of the many scenario"
L=$WORK/format2_many.log
format1 "$L" >"$L.old"
expect "header" "# refshim 1" "$(head -n 1 "$L.old")"
expect "refleaks" "$(refleaks "$L")" "$(refleaks "$L.old")"
finish
