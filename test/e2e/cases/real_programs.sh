# Real programs checked against an oracle: gst-launch pipelines against GStreamer's own
# leaks tracer in the same process, PyGObject and GTK 3 programs with planted leaks, and
# GObjects referenced during their own creation. Sourced by run.sh.

# skip WHY: a program this case needs is not installed.
skip() {
    echo "skip $current: $*"
    current=""
}

# ops_by_serial LOG: each serial's events in order, "o1 N1 A1 ...", on one line.
# The events, "o" marking where an object is introduced (its first event, or an older
# log's o line).
ops_by_serial() {
    awk -F'\t' '$1 ~ /^[NARD]$/ && NF >= 7 { printf "o%s ", $2 }
        $1 ~ /^[oNARD]$/ { printf "%s%s ", $1, $2 }' <(format1 "$1") | sed 's/ $//'
}

# tracer_leaks ERR: "ADDRESS TYPE" of each object GStreamer's leaks tracer found alive.
tracer_leaks() {
    grep -o 'object-alive, type-name=(string)[A-Za-z]*, address=(gpointer)0x[0-9a-f]*' "$1" |
        sed 's/.*type-name=(string)\([A-Za-z]*\), address=(gpointer)\(0x[0-9a-f]*\)/\2 \1/' | sort
}

# ours_vs_tracer NAME LOG: refleaks and the tracer name the same objects. The tracer
# cannot see the GstTracerFactory that made it, created before it started.
ours_vs_tracer() {
    expect "$1: the leaks tracer ran" "yes" \
        "$(grep -q 'object-alive.class' "$2.err" && echo yes || echo no)"
    expect "$1: the same leaked objects as the tracer" "$(tracer_leaks "$2.err")" \
        "$(refleaks "$2" | tr -d '()@' | awk '$3 != "GstTracerFactory" { print $1, $3 }' | sort)"
    expect "$1: the factory the tracer cannot see" "GstTracerFactory" \
        "$(refleaks "$2" | awk '$NF == "GstTracerFactory" { print $NF }')"
    expect "$1: no address has two live objects" "" \
        "$(refleaks "$2" | awk '{ print $1 }' | sort | uniq -d)"
}

have_gst_plugins() {
    command -v gst-launch-1.0 >/dev/null &&
        gst-inspect-1.0 decodebin >/dev/null 2>&1 && gst-inspect-1.0 vorbisenc >/dev/null 2>&1 &&
        gst-inspect-1.0 playbin >/dev/null 2>&1
}

start "GObjects referenced during their own creation get one serial each, never two"
if [ -x "$PROGS/init_refs" ]; then
    L=$WORK/init_refs.log
    traced "$L" "$PROGS/init_refs"
    expect "every class: the leaked object and the child it keeps" \
        "$(serial_address "$L" 4) (4) @ MyDerived
$(serial_address "$L" 5) (5) @ MyBase" "$(refleaks "$L")"
    # The base class's GValue reference in instance_init is the derived object's.
    expect "each object starts with its creation" \
        "o1 N1 A1 R1 o2 N2 A2 R2 A1 R1 D2 D1 o3 N3 A3 R3 D3 o4 N4 A4 R4 o5 N5 A5 R5 A4 R4 A4 o6 N6 A6 R6 o7 N7 A7 R7 A6 R6 D7 D6" \
        "$(ops_by_serial "$L")"
    expect "classes" "MyDerived MyBase" "$(awk -F'\t' '$1 == "c" { printf "%s ", $3 }' "$L" | sed 's/ $//')"
    REFLOG_CLASSES=MyDerived traced "$L" "$PROGS/init_refs"
    expect "the derived class only" "$(serial_address "$L" 2) (2) @ MyDerived" "$(refleaks "$L")"
    expect "the derived class only: events" "o1 N1 A1 R1 D1 o2 N2 A2 R2 A2 o3 N3 A3 R3 D3" \
        "$(ops_by_serial "$L")"
    # Derived objects are not logged, though their base's init runs with the base's class.
    REFLOG_CLASSES=MyBase traced "$L" "$PROGS/init_refs"
    expect "the base class only" "$(serial_address "$L" 3) (3) @ MyBase" "$(refleaks "$L")"
else
    fail "the GObject test program was not built (libglib2.0-dev missing?)"
fi
finish

GST_ENV="GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7 GST_DEBUG_NO_COLOR=1"

start "gst-launch with decodebin: refleaks names what GStreamer's leaks tracer names"
if have_gst_plugins; then
    media=$WORK/media
    mkdir -p "$media"
    gst-launch-1.0 -q audiotestsrc num-buffers=40 ! audioconvert ! vorbisenc ! oggmux ! \
        filesink location="$media/tone.ogg" >/dev/null 2>&1
    expect "the test file was made" "yes" "$([ -s "$media/tone.ogg" ] && echo yes || echo no)"
    L=$WORK/decodebin.log
    env $GST_ENV REFLOG_FILE="$L" LD_PRELOAD="$SHIM" gst-launch-1.0 -q \
        filesrc location="$media/tone.ogg" ! decodebin ! fakesink >"$L.out" 2>"$L.err"
    ours_vs_tracer decodebin "$L"
    expect "decodebin was traced" "yes" "$(grep -qP '^c\t[0-9]+\tGstDecodeBin$' "$L" && echo yes || echo no)"
else
    skip "gst-launch-1.0 or its decodebin, vorbisenc, playbin plugins are missing (gstreamer1.0-tools, -plugins-base)"
fi
finish

start "gst-launch with playbin on a generated file: refleaks names what the leaks tracer names"
if have_gst_plugins && [ -s "$WORK/media/tone.ogg" ]; then
    L=$WORK/playbin.log
    env $GST_ENV REFLOG_FILE="$L" LD_PRELOAD="$SHIM" gst-launch-1.0 -q \
        playbin uri="file://$WORK/media/tone.ogg" audio-sink=fakesink video-sink=fakesink \
        >"$L.out" 2>"$L.err"
    ours_vs_tracer playbin "$L"
else
    skip "gst-launch-1.0 or its decodebin, vorbisenc, playbin plugins are missing (gstreamer1.0-tools, -plugins-base)"
fi
finish

start "REFLOG_FORMAT=xpcom keeps GStreamer's may-be-leaked notes: the same leaks as refshim's format"
if [ -x "$PROGS/gstleak" ]; then
    L=$WORK/gstleak-xpcom.log
    REFLOG_FORMAT=xpcom traced "$L" "$PROGS/gstleak"
    expect "leaked classes" "GstBuffer GstCaps GstIdentity GstMemory GstPad GstPad" \
        "$(refleaks "$L" | awk '{ print $NF }' | sort | tr '\n' ' ' | sed 's/ $//')"
    expect "notes were written" "yes" \
        "$(grep -qE '^<GstPadTemplate> 0x[0-9a-f]+ [0-9]+ Note may-be-leaked$' "$L" && echo yes || echo no)"
else
    fail "the GStreamer test program was not built (libgstreamer1.0-dev missing?)"
fi
finish

start "refleaks reads Note records in Mozilla's format: may-be-leaked is kept, others are ignored"
L=$WORK/notes.xpcom
printf '%s\n' '<nsA> 0x10 1 AddRef 1' '    #01: AddRef' '    #02: main' '' \
    '<nsB> 0x20 2 AddRef 1' '    #01: AddRef' '    #02: main' '' \
    '<nsA> 0x10 1 Note may-be-leaked' '' '<nsB> 0x20 2 Note something-newer' >"$L"
expect "only the object without the note leaks" "0x20 (2) @ nsB" "$(refleaks "$L" 2>&1)"
printf '%s\n' '<nsA> 0x10 1 AddRef 1' '    #01: AddRef' '' '<nsA> 0x10 1 Note' >"$WORK/bad-note.xpcom"
out=$(refleaks "$WORK/bad-note.xpcom" 2>&1); rc=$?
expect "a Note without its word" "$WORK/bad-note.xpcom:4: Note needs one word after it 65" "$out $rc"
finish

start "PyGObject: exactly the planted leak of the planted classes"
if /usr/bin/python3 -c 'from gi.repository import GObject' 2>/dev/null; then
    L=$WORK/gi.log
    REFLOG_CLASSES=PlantedPy,FinePy traced "$L" /usr/bin/python3 test/e2e/programs/gi_leaks.py
    expect "refleaks" "$(serial_address "$L" 6) (6) @ PlantedPy" "$(refleaks "$L")"
    expect "objects" "7" "$(introductions "$L" | wc -l | tr -d ' ')"
else
    skip "/usr/bin/python3 cannot import gi (python3-gi)"
fi
finish

start "GTK 3 under Xvfb: exactly the planted leaks, among hundreds of long-lived objects"
if [ -x "$PROGS/gtk_leaks" ] && command -v xvfb-run >/dev/null && command -v xauth >/dev/null; then
    L=$WORK/gtk.log
    REFLOG_CLASSES=PlantedLabel,PlantedThing REFLOG_FILE="$L" timeout 120 xvfb-run -a \
        env LD_PRELOAD="$SHIM" "$PROGS/gtk_leaks" >"$L.out" 2>"$L.err"
    expect "the planted classes" "$(serial_address "$L" 6) (6) @ PlantedLabel
$(serial_address "$L" 7) (7) @ PlantedThing" "$(refleaks "$L")"
    # Created and referenced once more there; the window's reference went with it.
    expect "the culprit" "    LeakLabel: bal=2" "$(refbalance --serial 6 "$L" | grep -E '^    LeakLabel:')"
    L=$WORK/gtk-all.log
    REFLOG_FILE="$L" timeout 120 xvfb-run -a env LD_PRELOAD="$SHIM" "$PROGS/gtk_leaks" \
        >"$L.out" 2>"$L.err"
    expect "every class: the planted ones" "PlantedLabel PlantedThing" \
        "$(refleaks "$L" | awk '$NF ~ /^Planted/ { print $NF }' | sort | tr '\n' ' ' | sed 's/ $//')"
    expect "every class: no address has two live objects" "" \
        "$(refleaks "$L" | awk '{ print $1 }' | sort | uniq -d)"
else
    skip "the GTK program was not built (libgtk-3-dev) or xvfb-run/xauth are missing (xvfb, xauth)"
fi
finish
