# End-to-end cases for what the shim must say rather than keep silent or garble: a log
# name with control characters, C++ libraries without symbols, events of signal handlers
# that interrupt GObject and mini-object hooks. Sourced by run.sh.

start "a REFLOG_FILE that cannot be opened is quoted with its control characters escaped"
L=$WORK/bad_name
env REFLOG_FILE=$'/nonexistent/a\nb\e.log' LD_PRELOAD="$SHIM" "$PROGS/seed_leak" >"$L.out" 2>"$L.err"
expect "stderr" 'refshim: cannot open REFLOG_FILE /nonexistent/a\nb\x1b.log: No such file or directory; the program runs untraced' "$(cat "$L.err")"
expect "the program ran" "value 42" "$(cat "$L.out")"
finish

start "a stripped C++ library whose AddRef is hidden: said once on stderr and in the log"
D=$WORK/nosymbols
mkdir -p "$D"
g++ -O0 -fno-inline -fPIC -shared -fvisibility=hidden -o "$D/libhidden.so" test/e2e/programs/hidden_lib.cc
strip --strip-all "$D/libhidden.so"
cc -O0 -o "$D/app" test/e2e/programs/hidden_lib_main.c -L"$D" -lhidden -Wl,-rpath,"$D"
L=$D/refs.log
traced "$L" "$D/app"
expect "stdout" "done" "$(cat "$L.out")"
expect "stderr" "refshim: $D/libhidden.so has no symbol table and no debug file: its AddRef/Release methods cannot be found and are not traced (install its debug symbols, on Debian its -dbgsym package, or use a build with -g that is not stripped)" "$(cat "$L.err")"
expect "log line" "# nosymbols $D/libhidden.so" "$(grep '^# nosymbols' "$L")"
finish

start "a stripped C library says nothing: its functions are in .dynsym"
D=$WORK/nosymbols_c
mkdir -p "$D"
cp "$PROGS/libwidget.so" "$D/libwidget.so"
strip --strip-all "$D/libwidget.so"
cc -O0 -o "$D/widgets" test/e2e/programs/widgets.c -L"$D" -lwidget -Wl,-rpath,"$D"
L=$D/refs.log
REFLOG_NEW=widget_new REFLOG_RELEASE=widget_release traced "$L" "$D/widgets"
expect "stderr" "" "$(cat "$L.err")"
expect "no nosymbols line" "0" "$(grep -c '^# nosymbols' "$L")"
expect "its calls are traced" "yes" "$(grep -q "^N" "$L" && echo yes)"
finish

# gobject_app NAME: builds test/e2e/programs/NAME.c against GObject as $D/app, D=$WORK/NAME.
gobject_app() {
    D=$WORK/$1
    mkdir -p "$D"
    cc -O0 -g -Wall -Werror -o "$D/app" "test/e2e/programs/$1.c" \
        $(pkg-config --cflags --libs gobject-2.0)
}

start "a signal handler's g_object_ref while its thread is inside the shim's type lookup: no deadlock"
# 200 GObject types, more than the shim's per-thread cache of types: the loop looks types
# up under the shim's lock nearly all the time, and the handler's calls come there too.
# A shim that let the handler wait for the lock its own thread held hung here every time.
gobject_app signals_types
L=$D/refs.log
REFLOG_CLASSES=Kind0 traced "$L" timeout 60 "$D/app"
expect "the program finishes (exit status; 124: hung)" "0 300" "$? $(cat "$L.out")"
expect "stderr" "" "$(cat "$L.err")"
# A handler that lands inside the thread's own g_object_ref, after the count went up but
# before the shim recorded it, is recorded after it (the next case makes that happen).
expect "refleaks" "$(serial_address "$L" 1) (1) @ Kind0" "$(refleaks "$L" 2>&1)"
finish

start "references inside g_object_ref/unref of the same object: a toggle notification's, a signal handler's, a dispose's, in the order the count changed"
gobject_app nested_refs
for what in toggle signal dispose container; do
    L=$D/$what.log
    traced "$L" "$D/app" "$what"
    expect "$what: program" "done" "$(cat "$L.out")"
    expect "$what: stderr" "" "$(cat "$L.err")"
    case $what in
    toggle|signal) counts="1: N1 A2 R1 A2 A3 R2 R1 D0" ;;   # the notification's pair last
    dispose) counts="1: N1 A2 R1 D0" ;;
    container) counts="1: N1 A2 R1 D0; 2: N1 A2 R1 D0" ;;  # the child freed in a dispose
    esac
    expect "$what: each object's events" "$counts" "$(awk -F'\t' '
        $1 ~ /^[NARD]$/ { if (!($2 in seen)) order[++n] = $2; seen[$2] = seen[$2] " " $1 $3 }
        END { for (i = 1; i <= n; i++) printf "%s%s:%s", (i > 1 ? "; " : ""), order[i], seen[order[i]] }' "$L")"
    expect "$what: refleaks, no warning" "" "$(refleaks "$L" 2>&1)"
done
finish

if pkg-config --exists gstreamer-1.0; then
start "a 5 kHz signal handler's g_object_ref/unref and mini-object ref/unref are all recorded, even those that interrupt the shim"
D=$WORK/signals_gobject
mkdir -p "$D"
cc -O0 -g -fno-inline -Wall -Werror -o "$D/app" test/e2e/programs/signals_gobject.c \
    $(pkg-config --cflags --libs gstreamer-1.0)
L=$D/refs.log
REFLOG_CLASSES=GObject,GstBuffer traced "$L" "$D/app"
n=$(cat "$L.out")
expect "stderr" "" "$(cat "$L.err")"
# Objects 1 (borrowed) and 2 (kept) are GObjects, 3 and 4 GstBuffers: the handler's.
expect "the handler's events" "1 A $n|1 D 1|1 N 1|1 R $n|2 A $n|2 N 1|3 A $n|3 D 1|3 N 1|3 R $n|4 A $n|4 N 1" \
    "$(awk -F'\t' '$1 ~ /^[NARD]$/ && $2 < 5 { n[$2 " " $1]++ } END { for (k in n) print k, n[k] }' "$L" |
       sort | tr '\n' '|' | sed 's/|$//')"
expect "refleaks" "$(serial_address "$L" 2) (2) @ GObject
$(serial_address "$L" 4) (4) @ GstBuffer" "$(refleaks "$L" 2>&1)"
finish
fi
