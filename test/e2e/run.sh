#!/usr/bin/env bash
# End-to-end tests: build small programs, run them under the shim, and assert the exact
# output of the analyzers. Prints one line per test and "N passed, N failed" at the end.
# Environment: BUILD (build directory, default build), SHIM (the shim to preload).
# Each file in test/e2e/cases/ is one group of cases; name files to run only those.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD" && pwd)
SHIM=$(realpath "${SHIM:-$BUILD/librefshim.so}")
WORK=$BIN/e2e
PROGS=$WORK/programs
rm -rf "$WORK"
mkdir -p "$WORK"
test/e2e/build-programs.sh "$PROGS" || { echo "cannot build the test programs"; echo "0 passed, 1 failed"; exit 1; }

. test/e2e/lib.sh

if [ $# -gt 0 ]; then groups=("$@"); else groups=(test/e2e/cases/*.sh); fi
for group in "${groups[@]}"; do
    echo "# $group"
    . "$group"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
