# End-to-end cases for the processes of a run: spawning a program (system, popen,
# posix_spawn, vfork, GLib, Python's subprocess) leaves the parent's log whole, the log
# named REFLOG_FILE is the first logging process's however the program was started
# (timeout, sh -c), processes that log nothing leave no file, a file planted at the name is
# never written, and devices, FIFOs and a nearly full disk. Sourced by run.sh.

PROC=$WORK/processes
mkdir -p "$PROC"
SEED=$PROGS/seed_leak

# Built here rather than in build-programs.sh so that this group stays self-contained.
start "spawner.cc and foo_capi.cc build"
glib_flags=""
if pkg-config --exists glib-2.0; then glib_flags="-DHAVE_GLIB $(pkg-config --cflags --libs glib-2.0)"; fi
# shellcheck disable=SC2086
g++ -O0 -g -fno-inline -Wall -Werror -I test/e2e/programs -o "$PROC/spawner" \
    test/e2e/programs/spawner.cc $glib_flags -L"$PROGS" -lnsfoo -Wl,-rpath,"$PROGS" 2>"$PROC/build.err"
expect "spawner compiler status" 0 "$?"
g++ -O0 -g -fPIC -shared -Wall -Werror -I test/e2e/programs -o "$PROC/libfoocapi.so" \
    test/e2e/programs/foo_capi.cc -L"$PROGS" -lnsfoo -Wl,-rpath,"$PROGS" 2>>"$PROC/build.err"
expect "foo_capi compiler status" 0 "$?"
expect "compilers say nothing" "" "$(cat "$PROC/build.err")"
finish

# child_logs DIR NAME: the logs of the other processes, LOG.<pid>..., one a line.
child_logs() { (cd "$1" && ls | grep -E "^$2\.[0-9]+(\.[0-9]+)?\$"); }

# each_leaks_one_seed_foo DIR NAME: "ok" if every child log is seed_leak's and names its
# one leaked nsFoo, else what is wrong.
each_leaks_one_seed_foo() {
    local f wrong=""
    for f in $(child_logs "$1" "$2"); do
        [ "$(refleaks "$1/$f" 2>&1)" = "$(serial_address "$1/$f" 1) (1) @ nsFoo" ] || wrong+="$f: refleaks "
        grep -qx "# exe $SEED" "$1/$f" || wrong+="$f: not seed_leak's "
    done
    echo "${wrong:-ok}"
}

ways="system popen posix_spawn vfork fork_exit"
pkg-config --exists glib-2.0 && ways+=" gspawn"
start "spawning with $ways: the parent's log goes on, each spawned program has its own"
D=$PROC/spawn
mkdir -p "$D"
L=$D/spawn.log
# shellcheck disable=SC2086
traced "$L" "$PROC/spawner" "$SEED" $ways
expect "program" "$(for w in $ways; do echo "$w 0"; done)" "$(grep -v '^value' "$L.out")"
expect "shim says nothing" "" "$(cat "$L.err")"
# Serial 1 before the spawns and the last serial after them; those in between freed.
last=$(introductions "$L" | awk -F'\t' '{ s = $1 } END { print s }')
expect "parent's refleaks: exactly the two planted leaks" "$(serial_address "$L" 1) (1) @ nsFoo
$(serial_address "$L" "$last") ($last) @ nsFoo" "$(refleaks "$L" 2>&1)"
expect "the last leak comes after a creation and a release for each way" "$(( $(echo $ways | wc -w) + 2 ))" "$last"
# fork_exit's child logs nothing and leaves no file; sh (system, popen) neither.
expect "one log per spawned seed_leak" "$(( $(echo $ways | wc -w) - 1 ))" "$(child_logs "$D" spawn.log | wc -l | tr -d ' ')"
expect "each spawned program's log" ok "$(each_leaks_one_seed_foo "$D" spawn.log)"
finish

if command -v python3 >/dev/null; then
    start "Python's subprocess.run: the parent's log goes on, the child has its own"
    D=$PROC/python
    mkdir -p "$D"
    L=$D/py.log
    traced "$L" python3 -c '
import ctypes, subprocess, sys
lib = ctypes.CDLL(sys.argv[1])
lib.foo_new.restype = ctypes.c_void_p
lib.foo_release.argtypes = [ctypes.c_void_p]
lib.foo_new()
during = lib.foo_new()
subprocess.run([sys.argv[2]], check=True)
lib.foo_release(during)
lib.foo_new()
print("done")' "$PROC/libfoocapi.so" "$SEED"
    expect "program" "value 42
done" "$(cat "$L.out")"
    expect "shim says nothing" "" "$(cat "$L.err")"
    expect "parent's refleaks: serials 1 and 3, not 2" "$(serial_address "$L" 1) (1) @ nsFoo
$(serial_address "$L" 3) (3) @ nsFoo" "$(refleaks "$L" 2>&1)"
    expect "one child log" 1 "$(child_logs "$D" py.log | wc -l | tr -d ' ')"
    expect "the child's log" ok "$(each_leaks_one_seed_foo "$D" py.log)"
    finish
else
    echo "skip Python's subprocess: no python3"
fi

# wrapped NAME COMMAND...: runs COMMAND under the shim in a directory of its own.
wrapped() {
    local name=$1
    shift
    D=$PROC/$name
    mkdir -p "$D"
    L=$D/w.log
    traced "$L" "$@"
}

for wrapper in "timeout 20" "sh -c" "sh -c true;" "sh -c (true);"; do
    start "started through '$wrapper': REFLOG_FILE is the program's log, and the only one"
    name=$(echo "$wrapper" | tr -cd 'a-z0-9')
    case $wrapper in
        "sh -c"*) wrapped "$name" sh -c "${wrapper#sh -c}$SEED" ;;
        *) wrapped "$name" $wrapper "$SEED" ;;
    esac
    expect "program" "value 42" "$(cat "$L.out")"
    expect "shim says nothing" "" "$(cat "$L.err")"
    expect "refleaks" "$(serial_address "$L" 1) (1) @ nsFoo" "$(refleaks "$L" 2>&1)"
    expect "the log is seed_leak's" "# exe $SEED" "$(grep '^# exe' "$L")"
    expect "no other log" "" "$(child_logs "$D" w.log)"
    finish
done

start "a relative REFLOG_FILE names the same file in a program that changed directory"
D=$PROC/relative
mkdir -p "$D"
(cd "$D" && env REFLOG_FILE=rel.log LD_PRELOAD="$SHIM" sh -c "cd / && exec $SEED" >rel.out 2>rel.err)
expect "shim says nothing" "" "$(cat "$D/rel.err")"
expect "refleaks" "$(serial_address "$D/rel.log" 1) (1) @ nsFoo" "$(refleaks "$D/rel.log" 2>&1)"
finish

start "a previous run's log at the name is replaced, even through a wrapper"
D=$PROC/stale
mkdir -p "$D"
L=$D/stale.log
printf 'stale\n' >"$L"
traced "$L" timeout 20 "$SEED"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsFoo" "$(refleaks "$L" 2>&1)"
expect "the old content is gone" 0 "$(grep -c stale "$L")"
expect "no other log" "" "$(child_logs "$D" stale.log)"
finish

start "a file planted at the name by another user is never written to"
D=$PROC/planted
mkdir -p "$D"
chmod 1777 "$D"
L=$D/planted.log
printf 'planted\n' >"$L"
chmod 666 "$L"
if chown nobody "$L" 2>/dev/null; then
    traced "$L" sh -c "$SEED"
    expect "program" "value 42" "$(cat "$L.out")"
    expect "one message" "refshim: REFLOG_FILE $L exists and belongs to user $(id -u nobody); refshim writes only files it creates: remove it or choose another name; the program runs untraced" "$(cat "$L.err")"
    expect "the file is untouched" "planted" "$(cat "$L")"
    expect "no other log" "" "$(child_logs "$D" planted.log)"
else
    echo "skip the planted file: cannot chown (not root)"
fi
finish

start "REFLOG_FILE=/dev/full: one message, the program runs"
L=$PROC/full
env REFLOG_FILE=/dev/full LD_PRELOAD="$SHIM" "$SEED" >"$L.out" 2>"$L.err"
expect "program" "value 42" "$(cat "$L.out")"
expect "stderr" "refshim: cannot write the log (No space left on device); tracing stops here" "$(cat "$L.err")"
finish

start "a FIFO that no process reads: one message, the program runs untraced at once"
F=$PROC/nobody.fifo
mkfifo "$F"
timeout 20 env REFLOG_FILE="$F" LD_PRELOAD="$SHIM" "$SEED" >"$F.out" 2>"$F.err"
expect "exit status (124: it blocked)" 0 "$?"
expect "program" "value 42" "$(cat "$F.out")"
expect "stderr" "refshim: REFLOG_FILE $F is a FIFO that no process reads (start the reader first); the program runs untraced" "$(cat "$F.err")"
finish

# wait_for_reader PID FIFO: the reader opens the FIFO when it runs; until then a writer
# would find no reader. 5 s at most.
wait_for_reader() {
    for _ in $(seq 100); do
        [ -n "$(find /proc/$1/fd -lname "$2" 2>/dev/null)" ] && break
        sleep 0.05
    done
}

start "a FIFO with a reader gets the log"
F=$PROC/read.fifo
mkfifo "$F"
timeout 20 cat "$F" >"$F.log" &
reader=$!
wait_for_reader "$reader" "$F"
timeout 20 env REFLOG_FILE="$F" LD_PRELOAD="$SHIM" "$SEED" >"$F.out" 2>"$F.err"
wait "$reader"
expect "shim says nothing" "" "$(cat "$F.err")"
expect "refleaks" "$(serial_address "$F.log" 1) (1) @ nsFoo" "$(refleaks "$F.log" 2>&1)"
finish

start "a FIFO whose reader goes away: one message, the program goes on (no SIGPIPE)"
F=$PROC/gone.fifo
mkfifo "$F"
timeout 20 head -c 10 "$F" >/dev/null &
reader=$!
wait_for_reader "$reader" "$F"
# Megabytes of log: more than the pipe holds, so a write finds the reader gone.
timeout 20 env REFLOG_FILE="$F" LD_PRELOAD="$SHIM" "$PROC/spawner" fill 100000 >"$F.out" 2>"$F.err"
expect "exit status" 0 "$?"
wait "$reader"
expect "program" "filled" "$(cat "$F.out")"
expect "stderr" "refshim: cannot write the log (Broken pipe); tracing stops here" "$(cat "$F.err")"
finish

start "a nearly full disk: the log holds what fits, cut after a whole record, and says so"
M=$PROC/small
mkdir -p "$M"
while mountpoint -q "$M" && umount "$M"; do :; done    # left by an interrupted run
if mount -t tmpfs -o size=300k tmpfs "$M" 2>"$PROC/mount.err"; then
    L=$M/fill.log
    # 100000 pairs: some 2.5 MB of events for 300 KiB of disk.
    env REFLOG_FILE="$L" LD_PRELOAD="$SHIM" "$PROC/spawner" fill 100000 >"$PROC/fill.out" 2>"$PROC/fill.err"
    expect "program" "filled" "$(cat "$PROC/fill.out")"
    size=$(stat -c %s "$L")
    expect "stderr" "refshim: no space left on the device: the log holds what fitted; tracing stops here" "$(cat "$PROC/fill.err")"
    expect "more than half the disk" yes "$([ "$size" -gt 153600 ] && echo yes || echo "no: $size bytes")"
    expect "header" "# refshim 2" "$(head -n 1 "$L")"
    expect "ends with a whole line" "$(printf '\\n')" "$(tail -c 1 "$L" | od -An -c | tr -d ' ')"
    expect "refleaks: both nsFoo, and no warning" "$(serial_address "$L" 1) (1) @ nsFoo
$(serial_address "$L" 2) (2) @ nsFoo" "$(refleaks "$L" 2>&1)"
    umount "$M"
else
    echo "skip the nearly full disk: cannot mount a tmpfs ($(head -n 1 "$PROC/mount.err"))"
fi
finish
