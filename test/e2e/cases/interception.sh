# End-to-end cases for complete interception: thunks, executable-defined methods, hardened
# libraries, dlopen, threads, fork and exec, named C functions, the instrumentation API,
# GObject and GStreamer, and the launcher. Sourced by run.sh.

# tree_of LOG SERIAL: the balance tree of one object.
tree_of() { refbalance --serial "$2" "$1"; }
count_events() { awk -F'\t' -v op="$2" '$1 == op' "$1" | wc -l | tr -d ' '; }

start "multiple inheritance: an AddRef through the secondary interface's thunk"
L=$WORK/thunk.log
traced "$L" "$PROGS/scenarios" thunk
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsMulti" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    UseMulti: bal=1
      LeakThroughSecondary: bal=1" "$(tree_of "$L" 1)"
finish

start "AddRef and Release defined in the executable itself"
L=$WORK/local.log
traced "$L" "$PROGS/scenarios" local
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsLocal" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    LeakLocal: bal=1" "$(tree_of "$L" 1)"
finish

start "a library and program built with -fno-plt -z now -z relro"
L=$WORK/hardened.log
traced "$L" "$PROGS/hardened/seed_leak"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsFoo" "$(refleaks "$L")"
expect "tree" "$SEED_LEAK_TREE" "$(tree_of "$L" 1)"
finish

start "a library loaded later with dlopen(RTLD_LOCAL), then unloaded"
L=$WORK/dlopen.log
traced "$L" "$PROGS/dlopener" "$PROGS/libplugin.so"
expect "program" "done" "$(cat "$L.out")"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsPlugin" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    plugin_run: bal=1
      PluginKeepsOne: bal=1" "$(tree_of "$L" 1)"
finish

start "a library unloaded and another loaded at its address: frames name the new code"
L=$WORK/dlreload.log
traced "$L" "$PROGS/dlopener" "$PROGS/libplugin.so" "$PROGS/libplugin2.so"
expect "program" "done" "$(cat "$L.out")"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsPlugin
$(serial_address "$L" 2) (2) @ nsPlugin" "$(refleaks "$L")"
expect "first tree" "      PluginKeepsOne: bal=1" "$(tree_of "$L" 1 | grep KeepsOne)"
expect "second tree" "      SecondKeepsOne: bal=1" "$(tree_of "$L" 2 | grep KeepsOne)"
finish

start "two threads share an object; every event is there, the culprit is found"
L=$WORK/threads.log
traced "$L" "$PROGS/scenarios" threads
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsAtomic" "$(refleaks "$L")"
expect "AddRefs" "1001" "$(count_events "$L" A)"
expect "Releases" "1001" "$(count_events "$L" R)"
expect "tree" ".root: bal=1
  main: bal=0
    RunThreads: bal=0
  Worker: bal=1
    BorrowAndReturn: bal=0
    KeepOne: bal=1" "$(tree_of "$L" 1)"
finish

start "two threads racing on one object: its events are logged in the order its count changed"
L=$WORK/contend.log
traced "$L" "$PROGS/scenarios" contend
expect "events" "200002" "$(awk -F'\t' '$1 ~ /^[NARD]$/' "$L" | wc -l | tr -d ' ')"
expect "steps that do not follow the count" "0" "$(awk -F'\t' '
    $1 ~ /^[NARD]$/ { if (seen) { d = $3 - prev; if (($1 ~ /[NA]/ && d != 1) || ($1 ~ /[RD]/ && d != -1)) bad++ }
                      prev = $3; seen = 1 }
    END { print bad + 0 }' "$L")"
expect "refleaks" "" "$(refleaks "$L")"
finish

start "a thread descheduled between its change and the shim's record: the other thread's later change waits for it"
L=$WORK/stall.log
traced "$L" "$PROGS/scenarios" stall
expect "program" "done" "$(cat "$L.out")"
expect "the object's events, in the order of its counts" "N1 A2 A3 R2 R1 D0" \
    "$(awk -F'\t' '$1 ~ /^[NARD]$/ { printf "%s%s%s", sep, $1, $3; sep = " " }' "$L")"
expect "stderr" "" "$(cat "$L.err")"
finish

start "changes the shim cannot see: it stops waiting for them, and says so once"
L=$WORK/hidden.log
traced "$L" "$PROGS/hidden_refs"
expect "program" "done" "$(cat "$L.out")"
expect "stderr" "refshim: some AddRef/Release calls are not seen (inlined where they are called?): counts in the log jump, and objects' events may be out of order when threads race" "$(cat "$L.err")"
expect "every seen event is logged" "50 50 150" "$(awk -F'\t' '$1 == "N" { n++ } $1 == "A" { a++ } $1 ~ /[RD]/ { r++ } END { print n, a, r }' "$L")"
finish

start "fork and exec: each process writes a log of its own"
L=$WORK/fork.log
traced "$L" "$PROGS/scenarios" fork "$PROGS/seed_leak"
child=$(sed -n 's/^child //p' "$L.out")
expect "logs" "fork.log fork.log.$child fork.log.$child.2" \
    "$(cd "$WORK" && ls fork.log fork.log.[0-9]* | tr '\n' ' ' | sed 's/ $//')"
expect "parent" "$(serial_address "$L" 1) (1) @ nsFoo" "$(refleaks "$L")"
expect "forked child" "$(serial_address "$L.$child" 2) (2) @ nsBar" "$(refleaks "$L.$child")"
expect "its log was cut to its length before the exec" "" "$(refleaks "$L.$child" 2>&1 >/dev/null)"
expect "executed program" "$(serial_address "$L.$child.2" 1) (1) @ nsFoo" "$(refleaks "$L.$child.2")"
expect "exec'd log names its parent" "1" "$(grep -c "^# exe $PROGS/seed_leak\$" "$L.$child.2")"
finish

start "a failed exec: the log goes on"
L=$WORK/badexec.log
traced "$L" "$PROGS/scenarios" badexec /nonexistent/program
expect "program" "done" "$(cat "$L.out")"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsFoo
$(serial_address "$L" 2) (2) @ nsBar" "$(refleaks "$L" 2>&1)"
finish

start "REFLOG_CHILDREN=0 traces only the first process"
L=$WORK/first.log
REFLOG_CHILDREN=0 traced "$L" "$PROGS/scenarios" fork "$PROGS/seed_leak"
expect "logs" "first.log" "$(cd "$WORK" && ls first.log first.log.[0-9]* 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
finish

start "a C library's retain/release functions named with REFLOG_NEW/ADDREF/RELEASE"
L=$WORK/widgets.log
REFLOG_NEW=widget_new REFLOG_ADDREF=widget_retain REFLOG_RELEASE=widget_release \
    traced "$L" "$PROGS/widgets"
expect "refleaks" "$(serial_address "$L" 2) (2) @ widget" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    Leaky: bal=1
      KeepsWidget: bal=1" "$(tree_of "$L" 2)"
expect "balanced widget" ".root: bal=0" "$(refbalance --serial 1 --ignore-balanced "$L")"
L2=$WORK/widgets-glob.log
REFLOG_NEW='widget_n*' REFLOG_ADDREF='widget_ret*' REFLOG_RELEASE='*_release' \
    traced "$L2" "$PROGS/widgets"
expect "globs" "$(serial_address "$L2" 2) (2) @ widget" "$(refleaks "$L2")"
finish

start "C++ methods named by demangled globs and by mangled names; the class comes from the name"
L=$WORK/gadgets.log
REFLOG_NEW='Gadget::create' REFLOG_ADDREF='Gadget::ret*' REFLOG_RELEASE=_ZN6Gadget7releaseEv \
    traced "$L" "$PROGS/scenarios" gadgets
expect "refleaks" "$(serial_address "$L" 2) (2) @ Gadget" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    UseGadgets: bal=1
      KeepGadget: bal=1" "$(tree_of "$L" 2)"
finish

start "an entry that cannot be patched falls back to the GOT, and says so once"
L=$WORK/grab.log
REFLOG_NEW=widget_new REFLOG_ADDREF=widget_retain,widget_grab REFLOG_RELEASE=widget_release \
    traced "$L" "$PROGS/widgets" grab
expect "stderr" "refshim: cannot patch the entry of widget_grab (the function branches back into its first instructions); tracing its calls through the GOT, the PLT and vtables instead: calls from inside $PROGS/libwidget.so are not seen" "$(cat "$L.err")"
expect "refleaks" "$(serial_address "$L" 2) (2) @ widget" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    Leaky: bal=1
      KeepsWidget: bal=1" "$(tree_of "$L" 2)"
finish

start "the instrumentation API logs inline reference counting, and costs nothing without the shim"
L=$WORK/instrumented.log
traced "$L" "$PROGS/instrumented"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsInline
$(serial_address "$L" 2) (2) @ Plain" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    nsInline::AddRef: bal=1
    KeepInline: bal=1
      nsInline::AddRef: bal=1
    nsInline::Release: bal=-1" "$(tree_of "$L" 1)"
expect "without the shim" "done 1" "$("$PROGS/instrumented" 2>&1)"
finish

start "GStreamer buffer pools: buffers that go back to their pool are neither leaked nor anomalies"
if command -v gst-launch-1.0 >/dev/null && gst-inspect-1.0 videotestsrc >/dev/null 2>&1; then
    L=$WORK/pool.log
    traced "$L" gst-launch-1.0 -q videotestsrc num-buffers=30 ! videoconvert ! fakesink
    expect "refleaks" "" "$(refleaks "$L" 2>&1)"
    expect "buffers were traced" "yes" "$(grep -qP '^c\t[0-9]+\tGstBuffer$' "$L" && echo yes || echo no)"
else
    fail "gst-launch-1.0 or videotestsrc is missing (gstreamer1.0-tools, gstreamer1.0-plugins-base)"
fi
finish

start "the launcher sets the environment and finds the shim"
expect "run" "value 42" "$(cd "$WORK" && "$OLDPWD/scripts/refshim" --classes nsFoo -o launched.log -- "$PROGS/seed_leak")"
expect "refleaks" "$(serial_address "$WORK/launched.log" 1) (1) @ nsFoo" "$(refleaks "$WORK/launched.log")"
out=$(scripts/refshim --bogus -- true 2>&1); rc=$?
expect "bad option" "refshim: unknown option --bogus (see refshim --help) 64" "$out $rc"
finish

start "GObject: references through GValue are seen, floating references are handled"
if [ -x "$PROGS/gobjects" ]; then
    L=$WORK/gobjects.log
    traced "$L" "$PROGS/gobjects"
    expect "refleaks" "$(serial_address "$L" 1) (1) @ MyThing" "$(refleaks "$L")"
    tree=$(tree_of "$L" 1)
    expect "culprit" "    StoreInValue: bal=1" "$(grep -E '^    StoreInValue:' <<<"$tree")"
    expect "balanced user of a GValue" "    UseTemporaryValue: bal=0" "$(grep -E '^    UseTemporaryValue:' <<<"$tree")"
    expect "root" ".root: bal=1" "$(head -n 1 <<<"$tree")"
    # GLib versions differ in whether g_object_ref_sink refs and unrefs inside.
    widget=$(awk -F'\t' '$1 ~ /^[NARD]$/ && $2 == 3 { print $1, $3 }' "$L")
    expect "the floating widget is created with 1, sunk and destroyed" "N 1|D 0|balanced" \
        "$(head -n 1 <<<"$widget")|$(tail -n 1 <<<"$widget")|$(awk '$1 == "A" { a++ } $1 == "R" { r++ } END { print (a == r ? "balanced" : a " A, " r " R") }' <<<"$widget")"
    expect "sizes are logged" "24" "$(introductions "$L" | awk -F'\t' '$1 == 1 { print $4 }')"
    # The reference hooks are installed when the first MyThing is made: none is missed.
    L2=$WORK/gobjects-filtered.log
    REFLOG_CLASSES=MyThing traced "$L2" "$PROGS/gobjects"
    expect "filtered refleaks" "$(serial_address "$L2" 1) (1) @ MyThing" "$(refleaks "$L2")"
    expect "filtered tree" "$tree" "$(tree_of "$L2" 1)"
else
    fail "the GObject test program was not built (libglib2.0-dev missing?)"
fi
finish

start "GStreamer: refleaks names exactly the objects GStreamer's leaks tracer names, mini objects too"
if [ -x "$PROGS/gstleak" ]; then
    L=$WORK/gstleak.log
    GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7 GST_DEBUG_NO_COLOR=1 traced "$L" "$PROGS/gstleak"
    tracer=$(grep -o 'object-alive, type-name=(string)[A-Za-z]*, address=(gpointer)0x[0-9a-f]*' "$L.err" |
             sed 's/.*type-name=(string)\([A-Za-z]*\), address=(gpointer)\(0x[0-9a-f]*\)/\2 \1/' | sort)
    expect "the tracer found the kept element, its pads, caps, buffer and memory" \
        "GstBuffer GstCaps GstIdentity GstMemory GstPad GstPad" \
        "$(awk '{ print $2 }' <<<"$tracer" | sort | tr '\n' ' ' | sed 's/ $//')"
    # The tracer sees only objects created after it started; refleaks sees all of them.
    started=$(awk -F'\t' '$1 == "c" && $3 == "GstLeaksTracer" { c = $2 } $1 ~ /^[NARD]$/ && NF >= 7 && $7 == c { print $2 }' <(format1 "$L"))
    ours=$(refleaks "$L" | tr -d '()@' | awk -v s="$started" '$2 > s { print $1, $3 }' | sort)
    expect "same objects" "$tracer" "$ours"
    expect "before the tracer started" "GstTracerFactory" \
        "$(refleaks "$L" | tr -d '()@' | awk -v s="$started" '$2 < s { print $3 }')"
else
    fail "the GStreamer test program was not built (libgstreamer1.0-dev missing?)"
fi
finish
