# The REFLOG_* variables are described once, in shim/config/variables.inc, the table the
# shim's parser is built from: README's table, refshim(7) and the launcher's --help must
# name exactly those variables, no fewer and no others. Sourced by run.sh.

variable_names() { grep -o 'REFLOG_[A-Z_]*[A-Z]' | sort -u; }
table=$(sed -n 's/^REFLOG_VARIABLE(\(REFLOG_[A-Z_]*\),.*/\1/p' shim/config/variables.inc | sort -u)

start "every REFLOG_* variable of variables.inc is in README, refshim(7) and refshim --help"
expect "the table has the variables" 12 "$(printf '%s\n' "$table" | wc -l)"
expect "README's table of variables" "$table" "$(grep '^| `REFLOG_' README.md | variable_names)"
expect "refshim(7)" "$table" "$(variable_names <man/refshim.7)"
expect "refshim --help" "$table" "$(scripts/refshim --help | variable_names)"
finish

start "refshim --format xpcom writes Mozilla's format"
scripts/refshim --shim "$SHIM" --format xpcom -c nsFoo -o "$WORK/format.log" -- \
    "$PROGS/seed_leak" >/dev/null 2>&1
expect "first record" "<nsFoo> 0x" "$(grep -m1 -o '^<nsFoo> 0x' "$WORK/format.log")"
finish
