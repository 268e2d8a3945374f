# End-to-end cases for the launcher's own checks (scripts/refshim): an option that would
# leave the program untraced stops the launcher with a status and one line, instead of
# running the program and exiting 0 with no log. Sourced by run.sh.

start "refshim --depth 999: exit 64, one line, the program does not run"
out=$(scripts/refshim --depth 999 -o "$WORK/launch-depth.log" -- echo ran 2>&1); rc=$?
expect "exit status" 64 "$rc"
expect "output" "refshim: --depth wants a number from 1 to 256, not 999" "$out"
out=$(scripts/refshim --depth 0x10 -- echo ran 2>&1); rc=$?
expect "exit status for 0x10" 64 "$rc"
out=$(scripts/refshim --shim "$SHIM" --depth 256 -o "$WORK/launch-depth.log" -- echo ran 2>&1); rc=$?
expect "256 is accepted" "0 ran" "$rc $out"
finish

start "refshim -o into a directory that is not there, or onto a directory: exit 73"
out=$(scripts/refshim -o "$WORK/no/such/dir/x.log" -- echo ran 2>&1); rc=$?
expect "exit status" 73 "$rc"
expect "output" "refshim: cannot write the log $WORK/no/such/dir/x.log (is its directory there and writable?)" "$out"
out=$(scripts/refshim -o /proc/refshim-test.log -- echo ran 2>&1); rc=$?
expect "exit status for /proc" 73 "$rc"
out=$(scripts/refshim -o "$WORK" -- echo ran 2>&1); rc=$?
expect "exit status for a directory" 73 "$rc"
expect "no probe file left behind" "" "$(ls -A "$WORK" | grep '^\.refshim\.')"
finish
