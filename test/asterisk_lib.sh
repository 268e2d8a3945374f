# Building and running a stock Asterisk for the e2e case and the bench (sourced).
# The source is ../shared/asterisk beside the repository (ASTERISK_SHARED overrides it;
# /work/shared/asterisk when neither exists). Users do not have it: callers skip.
#
# asterisk_prepare BUILD_DIR: builds and installs it once under BUILD_DIR/asterisk (later
#   calls take a second); sets AST_PREFIX. Returns 1, with AST_SKIP saying why, when the
#   tarball is absent; 2 when the build fails (its log is in BUILD_DIR/asterisk/build.out).
# asterisk_traffic_run LOG_DIR ENV...: starts it headless with `refdebug = yes` and the
#   environment ENV (LD_PRELOAD=..., REFLOG_FILE=...), pushes the same traffic through it as
#   build-and-run.sh, stops it; Asterisk's refs log is copied to LOG_DIR/refs. With
#   AST_REFDEBUG=no, Asterisk runs with refdebug off. Sets AST_SECONDS (start to exit) and
#   AST_CPU (the CPU seconds of the Asterisk process).

asterisk_shared_dir() {
    local repo default
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    default="$repo/../shared/asterisk"
    local dir=${ASTERISK_SHARED:-$default}
    if [ ! -f "$dir/asterisk-22.10.1.tar.xz" ] && [ -z "${ASTERISK_SHARED:-}" ]; then
        dir=/work/shared/asterisk
    fi
    echo "$dir"
}

asterisk_prepare() {
    local build shared root src
    build=$(cd "$1" && pwd)
    shared=$(asterisk_shared_dir)
    if [ ! -f "$shared/asterisk-22.10.1.tar.xz" ] || [ ! -x "$shared/build-and-run.sh" ]; then
        AST_SKIP="no Asterisk source at $shared (set ASTERISK_SHARED)"
        return 1
    fi
    root=$build/asterisk
    src=$root/src/asterisk-22.10.1
    AST_PREFIX=$root/inst
    if [ -x "$AST_PREFIX/sbin/asterisk" ] && [ -f "$root/built.stamp" ]; then
        return 0
    fi
    mkdir -p "$root/src"
    [ -d "$src" ] || tar -xJf "$shared/asterisk-22.10.1.tar.xz" -C "$root/src" || return 2
    SKIP_RUN=1 LOGDIR="$root/logs" "$shared/build-and-run.sh" "$src" "$AST_PREFIX" \
        >"$root/build.out" 2>&1 || return 2
    touch "$root/built.stamp"
}

# The asterisk.conf build-and-run.sh wrote: its CLI talks to the running instance.
asterisk_cli() {
    timeout 10 "$AST_PREFIX/sbin/asterisk" -C "$AST_PREFIX/etc/asterisk/asterisk.conf" -rx "$*"
}

asterisk_traffic_run() {
    local out=$1
    shift
    local conf=$AST_PREFIX/etc/asterisk/asterisk.conf
    local refs=$AST_PREFIX/var/log/asterisk/refs
    if [ "${AST_REFDEBUG:-yes}" = no ]; then
        sed 's/^refdebug = yes/refdebug = no/' "$conf" >"$AST_PREFIX/etc/asterisk/norefdebug.conf"
        conf=$AST_PREFIX/etc/asterisk/norefdebug.conf
    fi
    mkdir -p "$out"
    if asterisk_cli "core show uptime" >/dev/null 2>&1; then
        asterisk_cli "core stop now" >/dev/null 2>&1
        sleep 2
    fi
    rm -f "$refs"
    local started timer=()
    started=$(date +%s.%N)
    rm -f "$out/cpu"
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%U %S' -o "$out/cpu")
    "${timer[@]}" env "$@" "$AST_PREFIX/sbin/asterisk" -f -n -C "$conf" \
        </dev/null >"$out/console.log" 2>&1 &
    local pid=$! booted=0
    for _ in $(seq 1 600); do
        if asterisk_cli "core waitfullybooted" >/dev/null 2>&1; then booted=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ $booted -ne 1 ]; then
        asterisk_cli "core stop now" >/dev/null 2>&1
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        return 1
    fi
    {
        asterisk_cli "core show channels"
        asterisk_cli "channel originate Local/wait@default application Wait 1"
        asterisk_cli "channel originate Local/echo@default extension wait@default"
        sleep 0.3
        asterisk_cli "core show channels"
        asterisk_cli "dialplan reload"
        asterisk_cli "module reload"
        asterisk_cli "core show channels"
        sleep "${RUN_SECONDS:-2}"
        asterisk_cli "core stop now"
    } >"$out/cli.log" 2>&1
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        asterisk_cli "core stop now" >/dev/null 2>&1
        kill "$pid"
        wait "$pid" 2>/dev/null
        return 1
    fi
    wait "$pid"
    local rc=$?
    AST_SECONDS=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
    AST_CPU=$([ -f "$out/cpu" ] && awk '{ printf "%.2f", $1 + $2 }' "$out/cpu" || echo "?")
    [ -f "$refs" ] && cp "$refs" "$out/refs"
    return $rc
}
