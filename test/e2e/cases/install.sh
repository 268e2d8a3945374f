# End-to-end cases for make install and uninstall: the files and where they go, the
# launcher in each layout (PREFIX/lib, a multiarch directory), the pkg-config file, and
# the users' own line, LD_PRELOAD=librefshim.so by bare name, after a real install.
# Sourced by run.sh.

# Under `make -j2 check` the jobserver's descriptors are not handed down to these makes,
# which would then warn about it on stderr, where the cases expect silence: they run as
# a user's own `make install` does, outside any make.
unset MAKEFLAGS MFLAGS MAKELEVEL

installed_files() { (cd "$1" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ' | sed 's/ $//'); }

# make install into a scratch PREFIX. LDCONFIG=true: as root, install would otherwise
# rebuild the machine's loader cache, which other test runs are reading.
start "make install puts tools, shim, header, pkg-config file and manuals under PREFIX"
P=$WORK/prefix
make -s install PREFIX="$P" BUILD="$BUILD" SHIM_LIB="$SHIM" LDCONFIG=true \
    >"$WORK/install.out" 2>"$WORK/install.err"
expect "installed" "bin/refbalance bin/refleaks bin/refshim include/refshim.h lib/librefshim.so lib/pkgconfig/refshim.pc share/man/man1/refbalance.1 share/man/man1/refleaks.1 share/man/man1/refshim.1 share/man/man7/refshim.7" \
    "$(installed_files "$P")"
expect "a PREFIX the loader does not search is named, with the way out" \
    "make install: $P/lib is not in the dynamic loader's cache, so LD_PRELOAD=librefshim.so will not find the shim; run ldconfig as root (after adding $P/lib to /etc/ld.so.conf.d/ if need be), or preload $P/lib/librefshim.so" \
    "$(cat "$WORK/install.err")"
expect "the installed launcher runs the program traced" "value 42" \
    "$(cd "$WORK" && "$P/bin/refshim" -o installed.log -- "$PROGS/seed_leak")"
expect "and its log reads" "$(serial_address "$WORK/installed.log" 1) (1) @ nsFoo" \
    "$("$P/bin/refleaks" "$WORK/installed.log")"
expect "pkg-config: the header's flags and the shim's path" "-I$P/include $P/lib/librefshim.so" \
    "$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags refshim | sed 's/ *$//') $(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --variable=shim refshim)"
make -s uninstall PREFIX="$P" LDCONFIG=true >"$WORK/uninstall.out" 2>&1
expect "make uninstall removes every file" "" "$(installed_files "$P")"
finish

# The Debian package's layout: the shim in lib/x86_64-linux-gnu/, the launcher in bin/.
start "the launcher finds the shim in a multiarch library directory"
P=$WORK/multiarch
make -s install PREFIX="$P" LIBDIR="$P/lib/x86_64-linux-gnu" BUILD="$BUILD" SHIM_LIB="$SHIM" \
    LDCONFIG=true >"$WORK/multiarch.out" 2>&1
expect "run" "value 42" "$(cd "$WORK" && "$P/bin/refshim" -o multiarch.log -- "$PROGS/seed_leak")"
expect "refleaks" "$(serial_address "$WORK/multiarch.log" 1) (1) @ nsFoo" \
    "$("$P/bin/refleaks" "$WORK/multiarch.log")"
finish

# The real install to /usr/local, with ldconfig, in a mount namespace of its own where
# /usr/local is an empty tmpfs and /etc an overlay: the loader's cache that ldconfig writes
# stays private, and neither the machine nor a test run beside this one sees the install.
# ./app is the seed program with its class named nsDocShell, for the line verbatim.
start "after make install, the users' line preloads the shim by its bare name"
R=$WORK/real-install
if [ "$(id -u)" != 0 ] || ! unshare --mount true 2>/dev/null; then
    echo "skip $current: needs root and mount namespaces (unshare --mount)"
    current=""
else
    mkdir -p "$R/app"
    CXX=${CXX:-g++}
    $CXX -O0 -g -fno-inline -DnsFoo=nsDocShell -fPIC -shared -o "$R/app/libnsfoo.so" \
        test/e2e/programs/nsfoo.cc
    $CXX -O0 -g -fno-inline -DnsFoo=nsDocShell -DLEAK -o "$R/app/app" test/e2e/programs/seed.cc \
        -L"$R/app" -lnsfoo -Wl,-rpath,"$R/app"
    unshare --mount sh -c '
        R=$1; BUILD=$2; SHIM=$3
        mount --make-rprivate / && mkdir -p "$R/etc" && mount -t tmpfs tmpfs "$R/etc" &&
        mkdir "$R/etc/upper" "$R/etc/work" &&
        mount -t overlay overlay -o lowerdir=/etc,upperdir="$R/etc/upper",workdir="$R/etc/work" /etc &&
        mount -t tmpfs tmpfs /usr/local || exit 1
        make -s install PREFIX=/usr/local BUILD="$BUILD" SHIM_LIB="$SHIM" >"$R/install.out" 2>&1
        (cd "$R/app" && env REFLOG_CLASSES=nsDocShell REFLOG_FILE=refs.log LD_PRELOAD=librefshim.so ./app \
            >"$R/app.out" 2>"$R/app.err")
        make -s uninstall PREFIX=/usr/local >"$R/uninstall.out" 2>&1
        find /usr/local -type f >"$R/left.txt"
        ldconfig -p | grep -c librefshim >"$R/cache-after.txt"
    ' sh "$R" "$BUILD" "$SHIM"
    expect "make install says nothing" "" "$(cat "$R/install.out")"
    expect "the program runs, the loader finds the shim" "value 42|" \
        "$(cat "$R/app.out")|$(cat "$R/app.err")"
    expect "refleaks" "$(serial_address "$R/app/refs.log" 1) (1) @ nsDocShell" \
        "$(refleaks "$R/app/refs.log")"
    expect "tree" "$SEED_LEAK_TREE" "$(refbalance --serial 1 "$R/app/refs.log")"
    expect "make uninstall leaves nothing, and ldconfig forgets the shim" "|0" \
        "$(cat "$R/left.txt")|$(cat "$R/cache-after.txt")"
    expect "the machine's /usr/local never saw it" "" \
        "$(ls /usr/local/lib/librefshim.so /usr/local/bin/refleaks 2>/dev/null)"
fi
finish
