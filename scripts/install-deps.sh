#!/bin/sh
# Installs the Debian packages given as arguments, but only those that are missing,
# so that `make demo` on a ready machine does not need root or the network.
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "refshim: installing missing packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "refshim: run 'make deps' as root (apt-get needs it)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
