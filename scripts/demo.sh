#!/bin/sh
# `make demo`: the whole refshim loop on the example of Mozilla's "Refcount tracing and
# balancing" document: build the example, run it under the shim, find the leaked object,
# and print its balance tree; then the same for the fixed program.
set -e
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)
DEMO=$BIN/demo
mkdir -p "$DEMO"
test/e2e/build-programs.sh "$DEMO"

if [ -t 1 ]; then bold='\033[1m' plain='\033[0m'; else bold='' plain=''; fi
step() { printf "\n${bold}\$ %s${plain}\n" "$*"; }

cd "$DEMO"
step "env REFLOG_CLASSES=nsFoo REFLOG_FILE=leak.log LD_PRELOAD=$BIN/librefshim.so ./seed_leak"
env REFLOG_CLASSES=nsFoo REFLOG_FILE=leak.log LD_PRELOAD="$BIN/librefshim.so" ./seed_leak
step "refleaks leak.log"
"$BIN/refleaks" leak.log || true
addr=$("$BIN/refleaks" leak.log | awk 'NR == 1 { print $1 }' || true)
step "refbalance --object $addr < leak.log"
"$BIN/refbalance" --object "$addr" <leak.log

step "env REFLOG_CLASSES=nsFoo REFLOG_FILE=fixed.log LD_PRELOAD=$BIN/librefshim.so ./seed_fixed"
env REFLOG_CLASSES=nsFoo REFLOG_FILE=fixed.log LD_PRELOAD="$BIN/librefshim.so" ./seed_fixed
step "refleaks fixed.log"
"$BIN/refleaks" fixed.log && echo "(nothing leaked)"
step "refbalance --serial 1 fixed.log"
"$BIN/refbalance" --serial 1 fixed.log
printf '\nThe logs are in %s.\n' "$DEMO"
