# End-to-end cases for issue 8: a hooked call must give the caller back the registers
# GCC's -fipa-ra lets it rely on (dispatch_x86_64.S, REGISTERS_NOTE). registers.cc is built
# here at -O2 -fipa-ra (and with -mavx, -mavx512f where the CPU has them); each case first
# checks in the disassembly that the caller really keeps values in call-clobbered registers
# across the hooked calls, so that a new compiler cannot quietly stop testing anything.
# Sourced by run.sh.

REGS=$PROGS/registers
mkdir -p "$REGS"
REGS_FLAGS="-O2 -fipa-ra -g -Wall -Werror"
g++ $REGS_FLAGS -o "$REGS/plain" test/e2e/programs/registers.cc
cpu_has() { grep -qw "$1" /proc/cpuinfo; }
cpu_has avx && g++ $REGS_FLAGS -mavx -o "$REGS/avx" test/e2e/programs/registers.cc
cpu_has avx512f && cpu_has avx512vl &&
    g++ $REGS_FLAGS -mavx512f -mavx512vl -o "$REGS/avx512" test/e2e/programs/registers.cc
cpu_has avx512bw && pkg-config --exists gobject-2.0 &&
    g++ $REGS_FLAGS -mavx512f -mavx512vl -mavx512bw -DREGISTERS_GOBJECT -o "$REGS/gobject" \
        test/e2e/programs/registers.cc $(pkg-config --cflags --libs gobject-2.0)

# kept_across_calls BINARY FUNCTION CALLEES: the registers FUNCTION (its symbol) reads after
# a call to a function whose symbol matches the regex CALLEES, before writing them and
# before the next branch: values it kept there across the call. One a line.
kept_across_calls() {
    objdump -d --no-show-raw-insn "$1" | awk -v fn="<$2>:" -v callees="<($3)>" '
        BEGIN {
            n = split("rax eax ax al ah|rbx ebx bx bl bh|rcx ecx cx cl ch|rdx edx dx dl dh|" \
                      "rsi esi si sil|rdi edi di dil|rbp ebp bp bpl|rsp esp sp spl", g, "|")
            for (i = 1; i <= n; i++) {
                m = split(g[i], names, " ")
                for (j = 1; j <= m; j++) fam[names[j]] = names[1]
            }
        }
        function family(r) {
            sub(/^%/, "", r)
            if (r in fam) return fam[r]
            if (r ~ /^r([89]|1[0-5])[dwb]?$/) { sub(/[dwb]$/, "", r); return r }
            if (r ~ /^[xyz]mm[0-9]+$/) return "v" substr(r, 4)
            return ""
        }
        function read(r,   f) {
            f = family(r)
            if (f != "" && !(f in written)) { sub(/^%/, "", r); kept[f ~ /^v/ ? r : f] = 1 }
        }
        $2 == fn { inside = 1; next }
        inside && NF == 0 { inside = 0 }
        !inside { next }
        {
            line = $0
            sub(/^[^\t]*\t/, "", line)          # the address
            sub(/[ \t]*#.*/, "", line)
            sub(/[ \t]*<[^>]*>/, "", line)
            mnemonic = line; sub(/[ \t].*/, "", mnemonic)
            operands = line; sub(/^[^ \t]+[ \t]*/, "", operands)
        }
        $0 ~ callees && mnemonic ~ /^call/ { following = 1; delete written; next }
        !following { next }
        mnemonic ~ /^(j|call|ret|notrack|bnd|rep)/ { following = 0; next }
        {
            count = 0; depth = 0; op = ""
            for (i = 1; i <= length(operands); i++) {
                ch = substr(operands, i, 1)
                if (ch == "(") depth++
                if (ch == ")") depth--
                if (ch == "," && depth == 0) { ops[++count] = op; op = "" } else op = op ch
            }
            if (op != "") ops[++count] = op
            same = count >= 2
            for (i = 2; i <= count; i++) if (ops[i] != ops[1]) same = 0
            write_only = mnemonic ~ /^(mov|lea|cvt|set|pop|vmov|vbroadcast|vpbroadcast|vcvt)/ ||
                         (mnemonic ~ /^v/ && mnemonic !~ /^v(fn?m|pternlog)/ && count >= 3) ||
                         (same && mnemonic ~ /^v?(p?xor|sub)/)
            for (i = 1; i <= count; i++) {
                o = ops[i]; gsub(/\{[^}]*\}/, "", o)
                if (o ~ /\(/) {
                    while (match(o, /%[a-z0-9]+/)) { read(substr(o, RSTART, RLENGTH)); o = substr(o, RSTART + RLENGTH) }
                } else if (o ~ /^%/) {
                    if (i < count || !write_only) read(o)
                    if (i == count && family(o) != "") written[family(o)] = 1
                }
            }
        }
        END { for (r in kept) print r }' | sort
}

# keeps KIND REGEX BINARY FUNCTION CALLEES: "KIND kept" when one of the registers
# kept_across_calls finds matches REGEX (whole names).
keeps() {
    if kept_across_calls "$3" "$4" "$5" | grep -Eqx "$2"; then echo "$1 kept"; else echo "$1 not kept"; fi
}

OBJ_CALLS='_ZN3Obj6AddRefEv|_ZN3Obj7ReleaseEv'
CALL_CLOBBERED_GPR='rcx|rdx|rsi|rdi|r8|r9|r10|r11'
events_by_kind() { awk -F'\t' '$1 ~ /^[NARD]$/ { n[$1]++ } END { for (k in n) print k, n[k] }' "$1" | sort; }

start "integers kept in call-clobbered registers across AddRef and Release defined in the same file (-O2 -fipa-ra)"
expect "the caller keeps them" "integers kept" \
    "$(keeps integers "$CALL_CLOBBERED_GPR" "$REGS/plain" _Z8integersP3Objm "$OBJ_CALLS")"
L=$WORK/registers_integers.log
traced "$L" timeout 60 "$REGS/plain" integers
expect "program" "15378540323297209875
count 0" "$(cat "$L.out")"
expect "events" "D 1000
N 1000" "$(events_by_kind "$L")"
expect "refleaks" "" "$(refleaks "$L")"
finish

start "doubles kept in xmm registers across AddRef and Release"
expect "the caller keeps them" "doubles kept" \
    "$(keeps doubles 'xmm[0-9]+' "$REGS/plain" _Z7doublesP3Obji "$OBJ_CALLS")"
L=$WORK/registers_doubles.log
traced "$L" timeout 60 "$REGS/plain" doubles
expect "program" "-874049.937572
count 0" "$(cat "$L.out")"
expect "events" "D 1000
N 1000" "$(events_by_kind "$L")"
finish

start "the full path: functions named with REFLOG_ADDREF/RELEASE return in rax:rdx and xmm0, the caller keeps the rest"
expect "the caller keeps them" "integers kept" \
    "$(keeps integers 'rcx|rsi|rdi|r8|r9|r10|r11' "$REGS/plain" _Z5namedP7Countedm 'counted_ref|counted_unref')"
L=$WORK/registers_named.log
REFLOG_ADDREF=counted_ref REFLOG_RELEASE=counted_unref traced "$L" timeout 60 "$REGS/plain" named
expect "program" "17922324597426036964 1
count 0" "$(cat "$L.out")"
expect "events" "A 1000
R 1000" "$(events_by_kind "$L")"
expect "refleaks" "$(serial_address "$L" 1) (1) @ counted" "$(refleaks "$L")"
finish

if [ -x "$REGS/avx" ]; then
    start "256-bit values kept whole in ymm registers across AddRef and Release (-mavx)"
    expect "the caller keeps them" "vectors kept" \
        "$(keeps vectors 'ymm[0-9]+' "$REGS/avx" _Z7vectorsP3Obji "$OBJ_CALLS")"
    L=$WORK/registers_avx.log
    traced "$L" timeout 60 "$REGS/avx" vectors
    expect "program" "$("$REGS/avx" vectors)" "$(cat "$L.out")"
    expect "events" "D 1000
N 1000" "$(events_by_kind "$L")"
    finish
fi

if [ -x "$REGS/avx512" ]; then
    start "values kept in ymm16-31, which only AVX-512 code touches, across AddRef and Release"
    expect "the caller keeps them" "vectors kept" \
        "$(keeps vectors '[yz]mm(1[6-9]|2[0-9]|3[01])' "$REGS/avx512" _Z12many_vectorsP3Obji "$OBJ_CALLS")"
    L=$WORK/registers_avx512.log
    traced "$L" timeout 60 "$REGS/avx512" many_vectors
    expect "program" "$("$REGS/avx512" many_vectors)" "$(cat "$L.out")"
    expect "events" "D 1000
N 1000" "$(events_by_kind "$L")"
    finish
fi

# The filter path (FILTER_NOTE in dispatch_x86_64.S) saves no vector register: the filters
# must not touch one, nor call or jump to code that might (jumps inside a filter are fine).
start "hook filters use no vector register and leave only by ret"
filter_code=$(objdump -d --no-show-raw-insn "$SHIM" | awk '/^[0-9a-f]+ <filter_[a-z_]*(\.[a-z_0-9.]*)?>:$/ { on = 1; print; next } on && NF == 0 { on = 0 } on')
expect "a filter is there" "filter_reference" \
    "$(printf '%s\n' "$filter_code" | sed -n 's/^[0-9a-f]* <\(filter_[a-z_]*\).*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
expect "no vector register, no call" "" \
    "$(printf '%s\n' "$filter_code" | grep -E '%([xyz]mm[0-9]|k[0-7]\b|st)|\<call|\<jmp' |
       grep -Ev '\<jmp +[0-9a-f]+ <filter_[a-z_.0-9]*\+0x[0-9a-f]+>$')"
finish

if [ -x "$REGS/gobject" ]; then
    start "zmm0-31 and k0-7 kept across hooked g_object_ref/unref, filtered out by class or logged"
    L=$WORK/registers_gobject.log
    REFLOG_CLASSES=RegsLogged traced "$L" timeout 60 "$REGS/gobject" gobject
    expect "program" "filtered out: registers lost 0
logged: registers lost 0
count 0" "$(cat "$L.out")"
    expect "events: the RegsLogged only" "A 1000
D 1
N 1
R 1000" "$(events_by_kind "$L")"
    finish
fi
