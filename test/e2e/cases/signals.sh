# End-to-end case for signal handlers that AddRef/Release while the shim is busy on their
# thread. Sourced by run.sh.

start "a 10 kHz signal handler's AddRef/Release calls are all recorded, even those that interrupt the shim"
L=$WORK/signals.log
traced "$L" "$PROGS/signals"
n=$(cat "$L.out")
expect "signals" "300" "$n"
expect "stderr" "" "$(cat "$L.err")"
expect "the handler's events" "1 A $n|1 D 1|1 N 1|1 R $n|2 A $n|2 N 1" \
    "$(awk -F'\t' '$1 ~ /^[NARD]$/ && $2 < 3 { n[$2 " " $1]++ } END { for (k in n) print k, n[k] }' "$L" |
       sort | tr '\n' '|' | sed 's/|$//')"
expect "refleaks" "$(serial_address "$L" 2) (2) @ nsSignalled" "$(refleaks "$L" 2>&1)"
finish
