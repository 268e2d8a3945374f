#!/bin/sh
# Builds the example programs of the end-to-end tests and the demo into OUTDIR.
# -O0 and -fno-inline keep every function of the examples in its own frame.
set -e
out=${1:?usage: build-programs.sh OUTDIR}
src=$(dirname "$0")/programs
mkdir -p "$out"
CXX=${CXX:-g++}
FLAGS="-O0 -g -fno-inline -Wall -Werror"
$CXX $FLAGS -fPIC -shared -o "$out/libnsfoo.so" "$src/nsfoo.cc"
LINK="-L$out -lnsfoo -Wl,-rpath,$out"
$CXX $FLAGS -DLEAK -o "$out/seed_leak" "$src/seed.cc" $LINK
$CXX $FLAGS -o "$out/seed_fixed" "$src/seed.cc" $LINK
$CXX $FLAGS -o "$out/scenarios" "$src/scenarios.cc" $LINK
