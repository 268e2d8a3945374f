# End-to-end cases about the modules the shim reads: libraries loaded by a relative path,
# and libraries without symbols. Sourced by run.sh.

start "dlopen of a relative path (./libplugin.so) is hooked like any other"
L=$WORK/dlrelative.log
(cd "$PROGS" && traced "$L" ./dlopener ./libplugin.so)
expect "program" "done" "$(cat "$L.out")"
expect "refleaks" "$(serial_address "$L" 1) (1) @ nsPlugin" "$(refleaks "$L")"
expect "tree" ".root: bal=1
  main: bal=1
    plugin_run: bal=1
      PluginKeepsOne: bal=1" "$(refbalance --serial 1 "$L")"
expect "the module is named by its absolute path" "1" \
    "$(awk -F'\t' -v p="$PROGS/libplugin.so" '$1 == "m" && $3 == p' "$L" | wc -l | tr -d ' ')"
finish
