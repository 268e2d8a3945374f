#!/bin/sh
# Builds the log-reader fuzz target with clang's libFuzzer, ASan and UBSan, then either
# runs it once over the corpus in test/fuzz/corpus (`run.sh corpus`, for make check) or
# fuzzes for SECONDS (`run.sh fuzz [SECONDS]`, default 300), keeping new inputs in
# BUILD/fuzz/corpus and crashes in BUILD/fuzz/. Needs clang and libclang-rt-14-dev.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CLANG=${CLANG:-clang}
mode=${1:-corpus}
out=$BUILD/fuzz
mkdir -p "$out"
# Every analyzer stage but the tools' mains (analyzer/tools/), each folder on the include
# path, and include/ for the log contract.
dirs=$(ls -d analyzer/*/ | grep -v '/tools/$')
includes="-Iinclude $(for d in $dirs; do printf -- '-I%s ' "${d%/}"; done)"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $includes"
sources=$(for d in $dirs; do ls "$d"*.c; done)
# shellcheck disable=SC2086
$CLANG $flags -o "$out/fuzz_log_reader" test/fuzz/fuzz_log_reader.c $sources \
    $(pkg-config --libs libdw libdebuginfod) -liberty -pthread
case $mode in
corpus)
    # Each file once, as a regression test: fails on the first crash or leak.
    "$out/fuzz_log_reader" -runs=0 test/fuzz/corpus >"$out/corpus.out" 2>&1 || {
        cat "$out/corpus.out"
        echo "fuzz: the corpus made the readers fail (details above)"
        exit 1
    }
    echo "fuzz: $(ls test/fuzz/corpus | wc -l) corpus inputs read without a fault"
    ;;
fuzz)
    seconds=${2:-300}
    mkdir -p "$out/corpus"
    cp test/fuzz/corpus/* "$out/corpus/"
    "$out/fuzz_log_reader" -max_total_time="$seconds" -max_len=4096 \
        -artifact_prefix="$out/" "$out/corpus" test/fuzz/corpus
    ;;
*)
    echo "usage: test/fuzz/run.sh [corpus | fuzz [SECONDS]]" >&2
    exit 64
    ;;
esac
