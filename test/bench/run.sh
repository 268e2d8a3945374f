#!/usr/bin/env bash
# `make bench`: runs every benchmark part in test/bench/ (each prints its figures beside
# their yardsticks) and reports the machine they ran on.
set -u
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
echo "machine: $(nproc) cores, $(awk '/model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo), $(uname -sr)"
status=0
for part in test/bench/*.sh; do
    [ "$(basename "$part")" = run.sh ] && continue
    echo
    echo "== $(basename "$part" .sh)"
    bash "$part" || status=1
done
exit $status
