#!/bin/sh
# Builds the example programs of the end-to-end tests and the demo into OUTDIR.
# -O0 and -fno-inline keep every function of the examples in its own frame.
set -e
out=${1:?usage: build-programs.sh OUTDIR}
src=$(dirname "$0")/programs
include=$(dirname "$0")/../../include
mkdir -p "$out"
CXX=${CXX:-g++}
CC=${CC:-cc}
FLAGS="-O0 -g -fno-inline -Wall -Werror"
$CXX $FLAGS -fPIC -shared -o "$out/libnsfoo.so" "$src/nsfoo.cc"
LINK="-L$out -lnsfoo -Wl,-rpath,$out"
$CXX $FLAGS -DLEAK -o "$out/seed_leak" "$src/seed.cc" $LINK
$CXX $FLAGS -o "$out/seed_fixed" "$src/seed.cc" $LINK
$CXX $FLAGS -pthread -o "$out/scenarios" "$src/scenarios.cc" $LINK

# The same library and program built hardened: no PLT, immediate binding, full RELRO.
mkdir -p "$out/hardened"
HARD="-fno-plt -Wl,-z,now,-z,relro"
$CXX $FLAGS $HARD -fPIC -shared -o "$out/hardened/libnsfoo.so" "$src/nsfoo.cc"
$CXX $FLAGS $HARD -DLEAK -o "$out/hardened/seed_leak" "$src/seed.cc" \
    -L"$out/hardened" -lnsfoo -Wl,-rpath,"$out/hardened"

$CXX $FLAGS -fPIC -shared -o "$out/libplugin.so" "$src/plugin.cc"
$CXX $FLAGS -DSECOND -fPIC -shared -o "$out/libplugin2.so" "$src/plugin.cc"
$CXX $FLAGS -o "$out/dlopener" "$src/dlopener.cc" -ldl

$CC $FLAGS -fPIC -shared -o "$out/libwidget.so" "$src/widget.c"
$CC $FLAGS -o "$out/widgets" "$src/widgets.c" -L"$out" -lwidget -Wl,-rpath,"$out"

$CXX $FLAGS -I"$include" -o "$out/instrumented" "$src/instrumented.cc"

# GObject and GStreamer programs, when their development files are there.
if pkg-config --exists gobject-2.0; then
    $CC $FLAGS -o "$out/gobjects" "$src/gobjects.c" $(pkg-config --cflags --libs gobject-2.0)
    $CC $FLAGS -o "$out/init_refs" "$src/init_refs.c" $(pkg-config --cflags --libs gobject-2.0)
fi
if pkg-config --exists gtk+-3.0; then
    $CC $FLAGS -o "$out/gtk_leaks" "$src/gtk_leaks.c" $(pkg-config --cflags --libs gtk+-3.0)
fi
if pkg-config --exists gstreamer-1.0; then
    $CC $FLAGS -o "$out/gstleak" "$src/gstleak.c" $(pkg-config --cflags --libs gstreamer-1.0)
fi
$CXX $FLAGS -o "$out/closer" "$src/closer.cc" $LINK
$CXX $FLAGS -o "$out/hidden_refs" "$src/hidden_refs.cc"
$CC $FLAGS -o "$out/things" "$src/things.c"
$CXX $FLAGS -o "$out/signals" "$src/signals.cc"
$CXX $FLAGS -pthread -o "$out/unwinding_handler" "$src/unwinding_handler.cc" $LINK -lunwind
