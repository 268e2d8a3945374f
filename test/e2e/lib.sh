# Helpers for the end-to-end cases (sourced by run.sh): assertions and running under the shim.
# A case is: start "what it shows"; one or more expect WHAT EXPECTED ACTUAL; finish.

passed=0
failed=0
current=""

fail() {
    echo "FAIL $current: $*"
    failed=$((failed + 1))
    current=""
}

# expect WHAT EXPECTED ACTUAL: one assertion of the current test.
expect() {
    [ -z "$current" ] && return
    if [ "$2" != "$3" ]; then
        fail "$1"
        diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'
    fi
}

start() { current=$1; }

finish() {
    if [ -n "$current" ]; then
        echo "ok   $current"
        passed=$((passed + 1))
    fi
    current=""
}

# traced LOG PROGRAM ARGS...: runs PROGRAM under the shim with any REFLOG_* already in
# the environment of the call; stdout and stderr go to LOG.out and LOG.err.
traced() {
    local log=$1
    shift
    env REFLOG_FILE="$log" LD_PRELOAD="$SHIM" "$@" >"$log.out" 2>"$log.err"
}

# format1 [LOG]: a refshim log (or standard input) in format 1, line for line: a format-2
# log's events get the TID before STACK (empty where left out) and an N's left-out CLASS
# and SIZE back, from the previous N of its thread. Independent of the analyzers' reader,
# so that tests can read the fields of either format one way.
format1() {
    awk -F'\t' -v OFS='\t' '
        NR == 1 { v2 = $0 == "# refshim 2"; print v2 ? "# refshim 1" : $0; next }
        !v2 || $1 !~ /^[NARD]$/ { print; next }
        NF <= 5 { if (NF == 5) tid = $5; print $1, $2, $3, (NF == 5 ? $5 : ""), $4; next }
        {
            if ($5 != "") tid = $5
            c = $7; z = $8
            if (NF == 6) { c = cls[tid]; z = size[tid] }
            if ($1 == "N") { cls[tid] = c; size[tid] = z }
            line = $1 OFS $2 OFS $3 OFS $5 OFS $4 OFS $6 OFS c
            print (z != "" ? line OFS z : line)
        }' "$@"
}

# introductions LOG: "SERIAL ADDRESS CLASS-ID SIZE" (tab-separated) for each object, as
# its first event gives them (older logs: its `o` line), in the log's order. A line cut
# by the kill of a program and followed by NUL bytes is dropped as the readers drop it, and
# what follows the NULs (another thread's line) is read.
introductions() {
    perl -pe 's/[^\n\x00]*\x00+//g' "$1" | format1 |
        awk -F'\t' -v OFS='\t' '$1 == "o" { print $2, $3, $4, $5 }
            $1 ~ /^[NARD]$/ && NF >= 7 { print $2, $6, $7, $8 }'
}
# serial_address LOG SERIAL: the address the log gives object SERIAL.
serial_address() {
    introductions "$1" | awk -F'\t' -v s="$2" '$1 == s { print $2 }'
}

refleaks() { "$BIN/refleaks" "$@"; }
refbalance() { "$BIN/refbalance" "$@"; }


# The trees of the seed document, for the leaking and the fixed program.
SEED_LEAK_TREE=".root: bal=1
  main: bal=1
    DoSomethingWithFooAndReturnItToo: bal=2
      NS_NewFoo: bal=1"
SEED_FIXED_TREE=".root: bal=0
  main: bal=0
    DoSomethingWithFooAndReturnItToo: bal=1
      NS_NewFoo: bal=1"
