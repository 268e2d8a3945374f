# End-to-end cases for answers that must stay true on damaged logs and stripped systems:
# two live objects at one address, start-up frames without names, and the modules whose
# printed frames have no names. On the hand-written logs of test/e2e/logs/. Sourced by
# run.sh.

LOGS=test/e2e/logs
SAME=$LOGS/same_address.log
STRIPPED=$LOGS/stripped_libc.log
SAME_WARNINGS="$SAME:12: warning: object 2 starts at this address while object 1 is alive there: the log misses the destruction of 1, taken as ended here (object 1 at 0x5000, Foo)
$SAME:16: warning: object 4 starts at this address while object 3 is alive there: the log misses the destruction of 3, taken as ended here (object 3 at 0x6000, Foo)"

start "an object created at the address of a live one ends it: one leak per address, and a warning"
expect "refleaks" "0x5000 (2) @ Foo
0x6000 (4) @ Foo
0x7000 (6) @ Foo" "$(refleaks "$SAME" 2>"$WORK/same.err")"
expect "warnings" "$SAME_WARNINGS" "$(cat "$WORK/same.err")"
expect "--by-stack" "3 leaked objects allocated at:
    make_foo() (app.cc:20)
  0x5000 (2) @ Foo
  0x6000 (4) @ Foo
  0x7000 (6) @ Foo" "$(refleaks --by-stack "$SAME" 2>/dev/null)"
expect "refbalance of the older object" ".root: bal=2
  make_foo: bal=2" "$(refbalance --serial 1 "$SAME" 2>/dev/null)"
finish

start "nameless C-library start-up frames are dropped from the tree, as frames above main"
expect "tree" ".root: bal=2
  main: bal=0
  Worker: bal=2
    KeepOne: bal=1
    libplug.so+0x2a10: bal=1
      libplug.so+0x2b20: bal=1
        KeepOne: bal=1" "$(refbalance --serial 1 "$STRIPPED" 2>"$WORK/stripped.err")"
expect "the module without names, once" "refbalance: 2 frames in /usr/lib/libplug.so have no function name: its debug symbols are missing (Debian: install the -dbgsym package of the package that owns it; dpkg -S PATH names it)" "$(cat "$WORK/stripped.err")"
finish

start "refleaks says which modules lack names only for frames it printed"
expect "plain list: no frames, no word" "0x5000 (1) @ Foo" "$(refleaks "$STRIPPED" 2>&1)"
expect "--history prints the innermost frame" "refleaks: 1 frame in /usr/lib/libplug.so has no function name: its debug symbols are missing (Debian: install the -dbgsym package of the package that owns it; dpkg -S PATH names it)" "$(refleaks --history "$STRIPPED" 2>&1 >/dev/null)"
expect "--by-stack prints the allocation stack: named" "" "$(refleaks --by-stack "$STRIPPED" 2>&1 >/dev/null)"
finish

start "messages quote option values and file names with their control characters escaped"
expect "bad option" "refleaks: unknown option --x\\nwarning: forged\\x1b[0m" "$(refleaks $'--x\nwarning: forged\e[0m' 2>&1 | head -1)"
expect "bad --serial" "refbalance: --serial wants a number, not 1\\t2" "$(refbalance --serial $'1\t2' 2>&1 | head -1)"
expect "missing file" "refleaks: $WORK/no\\nsuch.log: No such file or directory" "$(refleaks "$WORK/no"$'\n'"such.log" 2>&1)"
cp "$SAME" "$WORK/odd"$'\r'".log"
expect "warning about a log with a CR in its name" "$WORK/odd\\r.log:12: warning: object 2 starts at this address while object 1 is alive there: the log misses the destruction of 1, taken as ended here (object 1 at 0x5000, Foo)" "$(refleaks "$WORK/odd"$'\r'".log" 2>&1 >/dev/null | head -1)"
finish

start "refbalance --sites tells the modules without names too"
expect "tree" ".root: bal=2
  main (app.cc:40): bal=0
  Worker (app.cc:20): bal=2
    KeepOne (app.cc:10): bal=1
    ??? (libplug.so+0x2a10): bal=1
      ??? (libplug.so+0x2b20): bal=1
        KeepOne (app.cc:10): bal=1" "$(refbalance --sites --serial 1 "$STRIPPED" 2>"$WORK/sites.err")"
expect "stderr" "refbalance: 2 frames in /usr/lib/libplug.so have no function name: its debug symbols are missing (Debian: install the -dbgsym package of the package that owns it; dpkg -S PATH names it)" "$(cat "$WORK/sites.err")"
finish
