# End-to-end cases about debug information looked up when a log is read: a stripped
# library whose debug file sits in a build-id tree (--debug-dir) or behind a debuginfod
# server started here, inlined frames, and a server that does not answer. Sourced by run.sh.

DI=$WORK/debuginfo
DI_SRC=test/e2e/programs/debuginfo
mkdir -p "$DI/lib" "$DI/tree" "$DI/served"
cc -O0 -g -fPIC -shared -o "$DI/lib/libthing.so" "$DI_SRC/thing.c"
cc -O0 -g -fPIC -shared -Wl,--build-id -o "$DI/lib/libmid.so" "$DI_SRC/mid.c"
mkdir -p "$DI/unstripped"
cp "$DI/lib/libmid.so" "$DI/unstripped/"
cc -O0 -g -o "$DI/app" "$DI_SRC/app.c" -L"$DI/lib" -lthing -lmid -Wl,-rpath,"$DI/lib"
DI_ID=$(readelf -n "$DI/lib/libmid.so" | awk '/Build ID/ { print $3 }')
DI_DEBUG=$DI/tree/.build-id/${DI_ID:0:2}/${DI_ID:2}.debug
mkdir -p "$(dirname "$DI_DEBUG")"
objcopy --only-keep-debug "$DI/lib/libmid.so" "$DI_DEBUG"
strip --strip-all "$DI/lib/libmid.so"
cp -r "$DI/tree/.build-id" "$DI/served/"

L=$WORK/debuginfo.log
REFLOG_NEW=thing_new REFLOG_ADDREF=thing_ref REFLOG_RELEASE=thing_unref traced "$L" "$DI/app"
# The frame in keep_static, which the stripped library's .dynsym does not name.
DI_OFF=$(awk -F'\t' '$1 == "m" && $3 ~ /libmid.so$/ { m = $2 } $1 == "f" && $3 == m && $5 == "???" { print $4 }' "$L")
DI_BARE=".root: bal=2
  main: bal=2
    mid_keep: bal=1
      libmid.so+$DI_OFF: bal=1"
DI_NAMED=".root: bal=2
  main: bal=2
    mid_keep: bal=1
      keep_static: bal=1
        hold_thing: bal=1"
di_balance() { env -u DEBUGINFOD_URLS "$BIN/refbalance" --serial 1 "$@"; }
# The bare tree, then refbalance's word on stderr about the module at $1 that has no names.
di_bare_with_note() {
    printf '%s\nrefbalance: 1 frame in %s has no function name: its debug symbols are missing (Debian: install the -dbgsym package of the package that owns it; dpkg -S PATH names it)' \
        "$DI_BARE" "$1"
}

start "the m record carries the module's build-id"
expect "libmid's record" "$DI/lib/libmid.so	$DI_ID" \
    "$(awk -F'\t' -v OFS='\t' '$1 == "m" && $3 ~ /libmid.so$/ { print $3, $4 }' "$L")"
finish

start "a stripped library's frame without debug information is its module and offset"
expect "tree" "$(di_bare_with_note "$DI/lib/libmid.so")" "$(di_balance "$L" 2>&1)"
finish

start "--debug-dir: the build-id tree names the static function and the inlined helper"
expect "tree" "$DI_NAMED" "$(di_balance --debug-dir "$DI/tree" "$L" 2>&1)"
expect "sites: one node per inlined level, each at its call" ".root: bal=2
  main ($DI_SRC/app.c:9): bal=1
  main ($DI_SRC/app.c:10): bal=1
    mid_keep ($DI_SRC/mid.c:19): bal=1
      keep_static ($DI_SRC/mid.c:14): bal=1
        hold_thing ($DI_SRC/mid.c:9): bal=1" \
    "$(di_balance --sites --debug-dir "$DI/tree" "$L" 2>&1 | sed "s|$(pwd)/||g")"
expect "refleaks --history: the AddRef's line is the inlined helper's" \
    "[T] $DI_SRC/mid.c:9 hold_thing: +1 AddRef - [1]" \
    "$(env -u DEBUGINFOD_URLS "$BIN/refleaks" --history --debug-dir "$DI/tree" "$L" | grep AddRef | sed 's/^\[[0-9]*\]/[T]/')"
expect "refleaks --history without it" "[T] libmid.so+$DI_OFF ???: +1 AddRef - [1]" \
    "$(env -u DEBUGINFOD_URLS "$BIN/refleaks" --history "$L" | grep AddRef | sed 's/^\[[0-9]*\]/[T]/')"
expect "--debug-dir without DIR" "refbalance: missing value after --debug-dir" \
    "$(di_balance --debug-dir 2>&1 | head -1)"
finish

start "a log read on another machine: the library is gone, its build-id finds the debug file"
sed "s|$DI/lib/libmid.so|/nonexistent/libmid.so|" "$L" >"$L.moved"
expect "tree" "$DI_NAMED" "$(di_balance --debug-dir "$DI/tree" "$L.moved" 2>&1)"
finish

start "the module file itself, when it is the build the log names; never another build"
sed "s|$DI/lib/libmid.so|$DI/unstripped/libmid.so|" "$L" >"$L.same"
expect "same build-id" "$DI_NAMED" "$(di_balance "$L.same" 2>&1)"
sed "s|	$DI_ID\$|	00${DI_ID:2}|" "$L.same" >"$L.other"
expect "another build-id" "$(di_bare_with_note "$DI/unstripped/libmid.so")" \
    "$(di_balance "$L.other" 2>&1)"
finish

start "a bad build-id in an m record is an error with its line"
printf '# refshim 1\nm\t1\t/lib/x.so\txyz\n' >"$L.bad"
expect "message" "$L.bad:2: bad BUILD-ID 'xyz' in 'm' record" "$(di_balance "$L.bad" 2>&1)"
finish

# A port nobody listens on: bound, then let go.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start "debuginfod: a server on 127.0.0.1 serving the tree names the same frames"
if ! command -v debuginfod >/dev/null; then
    fail "debuginfod is not installed (make deps)"
else
    PORT=$(free_port)
    debuginfod -F "$DI/served" -p "$PORT" -d "$DI/debuginfod.sqlite" >"$DI/debuginfod.out" 2>&1 &
    DI_SERVER=$!
    for _ in $(seq 100); do       # its first scan: at most 20 s
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/buildid/$DI_ID/debuginfo" && break
        sleep 0.2
    done
    expect "tree" "$DI_NAMED" "$(DEBUGINFOD_CACHE_PATH=$DI/cache DEBUGINFOD_URLS=http://127.0.0.1:$PORT \
        "$BIN/refbalance" --serial 1 "$L" 2>&1)"
    expect "the debug file is in the cache" "yes" "$([ -f "$DI/cache/$DI_ID/debuginfo" ] && echo yes)"
    expect "--no-debuginfod" "$(di_bare_with_note "$DI/lib/libmid.so")" "$(DEBUGINFOD_CACHE_PATH=$DI/cache2 DEBUGINFOD_URLS=http://127.0.0.1:$PORT \
        "$BIN/refbalance" --no-debuginfod --serial 1 "$L" 2>&1)"
    kill "$DI_SERVER"
    wait "$DI_SERVER" 2>/dev/null
fi
finish

start "debuginfod: a server that does not answer costs one try and a word, never a hang"
PORT=$(free_port)
began=$(date +%s)
out=$(DEBUGINFOD_CACHE_PATH=$DI/cache3 DEBUGINFOD_URLS=http://127.0.0.1:$PORT \
    timeout 60 "$BIN/refbalance" --serial 1 "$L" 2>"$DI/dead.err")
took=$(($(date +%s) - began))
expect "tree" "$DI_BARE" "$out"
expect "stderr" "refbalance: debuginfod (http://127.0.0.1:$PORT): Connection refused; frames it would name are left as they are
$(di_bare_with_note "$DI/lib/libmid.so" | tail -n 1)" "$(cat "$DI/dead.err")"
expect "well under the client's own timeouts" "yes" "$([ "$took" -lt 30 ] && echo yes)"
finish

start "refshim symbolize: a copy of the log that names the frames without the debug files"
scripts/refshim symbolize --debug-dir "$DI/tree" "$L" >"$L.symbolized" 2>"$L.symbolized.err"
expect "status and stderr" "0 " "$? $(cat "$L.symbolized.err")"
expect "the frames of libmid" "mid_keep	$DI_SRC/mid.c:19
hold_thing	$DI_SRC/mid.c:9
keep_static	$DI_SRC/mid.c:14" "$(awk -F'\t' -v OFS='\t' '$1 == "m" && $3 ~ /libmid.so$/ { m = $2 }
    $1 == "f" && $3 == m { print $5, $6 }' "$L.symbolized" | sed "s|$(pwd)/||")"
sed "s|$DI/lib/libmid.so|/nonexistent/libmid.so|" "$L.symbolized" >"$L.symbolized.moved"
expect "tree, read with no debug file anywhere" "$DI_NAMED" "$(di_balance "$L.symbolized.moved" 2>&1)"
expect "the events are the same" "$(grep -E '^[NARD]	' "$L")" "$(grep -E '^[NARD]	' "$L.symbolized")"
expect "not a refshim log" "x.log:1: not a refshim log; only refshim's own logs have frames to look up" \
    "$(cd "$WORK" && printf 'nsFoo 0x1 1 AddRef 1\n' >x.log && "$BIN/refleaks" --symbolize x.log 2>&1)"
expect "a malformed log is not copied" "" "$(printf '# refshim 1\nq\n' | "$BIN/refleaks" --symbolize - 2>/dev/null)"
finish
