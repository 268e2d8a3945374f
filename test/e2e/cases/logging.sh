# End-to-end cases for how the log is written: Mozilla's format, an exact file at a clean
# exit, and a program that closes the shim's file descriptor. Sourced by run.sh.

start "REFLOG_FORMAT=xpcom writes Mozilla's refcount log, and the analyzers read it back"
L=$WORK/xpcom.log
REFLOG_FORMAT=xpcom traced "$L" "$PROGS/seed_leak"
addr=$(awk 'NR == 2 { print $2 }' "$L")
expect "first record" "" "$(head -n 1 "$L")"
expect "record line" "<nsFoo> $addr 1 AddRef 1 [thread" "$(sed -n 2p "$L" | cut -d' ' -f1-6)"
expect "frame #01 is the method" "    #01: nsFoo::AddRef()[$PROGS/libnsfoo.so" "$(sed -n 3p "$L" | sed 's/ +0x.*//')"
expect "frame #02 its caller" "    #02: NS_NewFoo(nsFoo**)[$PROGS/libnsfoo.so" "$(sed -n 4p "$L" | sed 's/ +0x.*//')"
expect "refleaks" "$addr (1) @ nsFoo" "$(refleaks "$L")"
expect "tree" "$SEED_LEAK_TREE" "$(refbalance --object "$addr" "$L")"
finish

start "a bad REFLOG_FORMAT is refused"
L=$WORK/badformat.log
REFLOG_FORMAT=json traced "$L" "$PROGS/seed_leak"
expect "stderr" 'refshim: REFLOG_FORMAT: "json" is not refshim or xpcom; the program runs untraced' "$(cat "$L.err")"
finish

start "after a clean exit the log is cut to its length: no NUL padding"
L=$WORK/exact.log
traced "$L" "$PROGS/scenarios" many
expect "NUL bytes" "0" "$(tr -cd '\0' <"$L" | wc -c | tr -d ' ')"
expect "last byte" "$(printf '\\n')" "$(tail -c 1 "$L" | od -An -c | tr -d ' ')"
finish

start "a program that closes the log's descriptor and reuses the number keeps its own file"
L=$WORK/closer.log
traced "$L" "$PROGS/closer" "$WORK/own.txt"
expect "program" "fd 3 wrote 5" "$(cat "$L.out")"
expect "its file" "mine" "$(cat "$WORK/own.txt")"
expect "stderr" "refshim: the log's file descriptor was closed by the program; tracing stops here" "$(cat "$L.err")"
refleaks "$L" >/dev/null 2>&1; rc=$?
expect "the log up to there reads" "1" "$rc"
finish
