# REFLOG_REF=function:N and the built-in ao2 hooks, on a miniature of Asterisk's astobj2
# (test/e2e/programs/mini_ao2.c): a change by any delta, a weak proxy's -1 that changes
# the count again from inside itself, a call that only asks. Sourced by run.sh.

mini_src=test/e2e/programs/mini_ao2.c
cc -O0 -g -fno-inline -Wall -Werror -o "$PROGS/mini_ao2" "$mini_src"
cc -O0 -g -fno-inline -Wall -Werror -DAO2_NAMES -o "$PROGS/mini_ao2_names" "$mini_src"

# The events of LOG as "OP SERIAL COUNT;" and the class records, in log order.
mini_events() { awk -F'\t' '$1 ~ /^[NARDc]$/ { printf "%s %s %s;", $1, $2, $3 }' "$1"; }

start "REFLOG_REF=mo_ref:2: each unit of a delta is one event, a nested -1 comes after the outer"
REFLOG_NEW=mo_alloc REFLOG_REF=mo_ref:2 traced "$WORK/delta.log" "$PROGS/mini_ao2"
expect "the program ran" "done" "$(cat "$WORK/delta.log.out")"
expect "the events" "c 1 mo;N 1 1;A 1 2;A 1 3;R 1 2;R 1 1;N 2 1;A 2 2;A 1 2;R 2 1;R 1 1;D 1 0;D 2 0;N 3 1;A 3 2;R 3 1;" \
    "$(mini_events "$WORK/delta.log")"
expect "the leak" "(3) @ mo" "$(refleaks "$WORK/delta.log" | cut -d' ' -f2-)"
finish

start "REFLOG_REF without an argument number is refused, and the program runs untraced"
REFLOG_REF=mo_ref traced "$WORK/delta_bad.log" "$PROGS/mini_ao2"
expect "the program ran" "done" "$(cat "$WORK/delta_bad.log.out")"
expect "the message" "refshim: REFLOG_REF: \"mo_ref\" is not FUNCTION:N, N the argument (2 to 6) that gives the change; the program runs untraced" \
    "$(cat "$WORK/delta_bad.log.err")"
finish

start "ao2 built in: __ao2_alloc/__ao2_ref hooked with no setting, counts from the object"
traced "$WORK/ao2.log" "$PROGS/mini_ao2_names"
expect "the program ran" "done" "$(cat "$WORK/ao2.log.out")"
expect "the events: classes from the destructor, else the allocating function" \
    "c 1 thing_destructor;N 1 1;A 1 2;A 1 3;R 1 2;R 1 1;c 2 make_proxy;N 2 1;A 2 2;A 1 2;R 2 1;R 1 1;D 1 0;D 2 0;c 3 make_leak;N 3 1;A 3 2;R 3 1;" \
    "$(mini_events "$WORK/ao2.log")"
expect "the leak" "(3) @ make_leak" "$(refleaks "$WORK/ao2.log" | cut -d' ' -f2-)"
finish

start "ao2 built in: an allocation's tag is a t record after its first event, and in --history"
long_tag="a thing for tests $(printf 'x%.0s' $(seq 181))"    # 199 bytes; the cut drops a 2-byte character
expect "the t records (TAB and control characters made spaces, cut at 200 bytes), none for a NULL tag" \
    "$(printf 'N 1\nt 1 %s\nN 2\nN 3\nt 3 leaked on purpose' "$long_tag")" \
    "$(awk -F'\t' '$1 == "N" { print $1, $2 } $1 == "t" { print $1, $2, $3 }' "$WORK/ao2.log")"
expect "the leaked object's history: the tag on its allocation" \
    "make_leak: +1 leaked on purpose - [**constructor**]" \
    "$(refleaks --history "$WORK/ao2.log" | grep ' make_leak: ' | cut -d' ' -f3-)"
expect "refbalance --json: the tag on the N event only" '"tag":"leaked on purpose"' \
    "$(refbalance --json --serial 3 "$WORK/ao2.log" | grep -o '"tag":"[^"]*"')"
finish

start "ao2 built in: REFLOG_CLASSES keeps one class, by the name refleaks gives it"
REFLOG_CLASSES=make_leak traced "$WORK/ao2_one.log" "$PROGS/mini_ao2_names"
expect "only that class's events" "c 1 make_leak;N 1 1;A 1 2;R 1 1;" "$(mini_events "$WORK/ao2_one.log")"
finish
