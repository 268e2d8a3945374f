# End-to-end cases for logs torn by SIGKILL while several threads wrote: a thread's event
# cut halfway, the NULs of the rest of its block, then another thread's block. The
# analyzers skip the torn line, read on, and say once what they skipped. Sourced by run.sh.

TORN=$WORK/torn
mkdir -p "$TORN"

start "a crafted torn log: the lines after the tear are read, the tear is told once"
L=$TORN/crafted.log
{
    printf '# refshim 1\nm\t1\t/tmp/app\nf\t1\t1\t0x10\tmain\t-\ns\t1\t0\t1\nc\t1\tnsFoo\n'
    printf 'o\t1\t0x1000\t1\nN\t1\t1\t7\t1\no\t2\t0x2000\t1\nN\t2\t1\t8\t1\nA\t1\t2\t7'
    head -c 200 /dev/zero
    printf 'A\t2\t2\t8\t1\n\n\nR\t2\t1\t8\t1\nD\t2\t0\t8\t1\nR\t1\t1\t7\t1\nA\t1\t2\t'
    head -c 300 /dev/zero
} >"$L"
out=$(refleaks "$L" 2>"$L.err"); rc=$?
expect "refleaks" "0x1000 (1) @ nsFoo" "$out"
expect "exit status" 1 "$rc"
# The torn A of serial 1 is missing: its R then leaves the count at 1, not 0.
expect "stderr" "$L:15: warning: the count after this Release is 1 in the log but 0 after the events before it: an event is missing (object 1 at 0x1000, nsFoo)
$L:10: warning: 1 line left unfinished by a thread of the program (killed, or still writing the log) was skipped (the first is here, before the NUL bytes)
$L: log was cut after line 15; analysed up to there" "$(cat "$L.err")"
out=$(refbalance --serial 2 "$L" 2>"$L.rb.err"); rc=$?
expect "refbalance" ".root: bal=0
  main: bal=0" "$out"
expect "refbalance exit status" 0 "$rc"
# The count warning is about serial 1: refbalance only counts it.
expect "refbalance stderr" "$L: 1 warning about other objects not shown (refleaks shows them)
$(tail -n 2 "$L.err")" "$(cat "$L.rb.err")"
finish

# A real kill: four threads AddRef and Release objects of their own without pause.
cat >"$TORN/threads.cc" <<'PROGRAM'
// Four threads each AddRef and Release an nsFoo of their own until killed from outside.
#include <pthread.h>
#include <stdio.h>

#include "nsfoo.h"

enum { THREADS = 4 };

static void *spin(void *arg)
{
    nsFoo *foo = static_cast<nsFoo *>(arg);
    for (;;) {
        foo->AddRef();
        foo->Release();
    }
    return nullptr;
}

int main()
{
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        nsFoo *foo = new nsFoo();
        foo->AddRef();
        pthread_create(&threads[i], nullptr, spin, foo);
    }
    printf("spinning\n");
    fflush(stdout);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], nullptr);
    return 0;
}
PROGRAM
start "threads.cc builds"
g++ -O0 -g -fno-inline -pthread -Wall -Werror -I test/e2e/programs -o "$TORN/threads" \
    "$TORN/threads.cc" -L"$PROGS" -lnsfoo -Wl,-rpath,"$PROGS" 2>"$TORN/build.err"
expect "compiler status" 0 "$?"
expect "compiler says nothing" "" "$(cat "$TORN/build.err")"
finish

# Whether a kill lands inside an event being written is luck (a few bytes of copying
# among microseconds of work per event), so every kill must give the right answer, torn
# or not, and the case says how many were torn.
KILLS=8
torn_logs=0
wrong=""
for round in $(seq "$KILLS"); do
    L=$TORN/kill-$round.log
    env REFLOG_FILE="$L" LD_PRELOAD="$SHIM" "$TORN/threads" >"$L.out" 2>"$L.err" &
    pid=$!
    for _ in $(seq 100); do
        [ -s "$L.out" ] && break
        sleep 0.05
    done
    sleep "0.$((round % 3 + 1))"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    # A torn line inside the log: a byte that is no NUL and no \n, NULs, then more.
    if LC_ALL=C grep -qaP '[^\x00\n]\x00+[^\x00]' "$L"; then torn_logs=$((torn_logs + 1)); fi
    out=$(refleaks "$L" 2>"$L.rl.err"); rc=$?
    want="$(serial_address "$L" 1) (1) @ nsFoo
$(serial_address "$L" 2) (2) @ nsFoo
$(serial_address "$L" 3) (3) @ nsFoo
$(serial_address "$L" 4) (4) @ nsFoo"
    [ "$rc" = 1 ] && [ "$out" = "$want" ] || wrong+="kill $round: exit $rc, stdout '$out'"$'\n'
    # Only the tear, the cut and the counts the torn events leave behind may be told.
    odd=$(grep -Ev "^$L(:[0-9]+: warning: [0-9]+ lines? left unfinished by a thread of the program \(killed, or still writing the log\) (was|were) skipped|: log was cut after line [0-9]+; analysed up to there|:[0-9]+: warning: the count after this (AddRef|Release) is)" "$L.rl.err")
    [ -z "$odd" ] || wrong+="kill $round: stderr '$odd'"$'\n'
    rm -f "$L"
done
start "$KILLS kills from outside of 4 logging threads ($torn_logs torn): each log read whole"
expect "kills answered wrongly" "" "${wrong%$'\n'}"
finish
