# End-to-end cases for the stack cache (shim/record/stack_cache.c): a hooked call from a
# place met before takes its stack from the thread's remembered stacks after checking the
# stack words the walk read. same_caller.cc reaches one AddRef call with the same stack
# pointer and return address from two callers; only ViaSecond's references stay, so a
# stack taken from the wrong caller would move the balance to ViaFirst. Built at -O2 (the
# frame pointer a general register, changing from call to call) and with frame pointers
# (frames found through saved frame pointers). Sourced by run.sh.

SAME=$PROGS/same_caller
mkdir -p "$SAME"
SAME_FLAGS="-O2 -g -Wall -Werror -I test/e2e/programs -L$PROGS -lnsfoo -Wl,-rpath,$PROGS"
g++ -o "$SAME/plain" test/e2e/programs/same_caller.cc $SAME_FLAGS
g++ -fno-omit-frame-pointer -o "$SAME/frame_pointers" test/e2e/programs/same_caller.cc $SAME_FLAGS

# 300 rounds: the stack of the first caller is learned (after 8 misses), the second's
# calls then miss it until it is learned in turn, and so on until the key is left alone.
SAME_TREE=".root: bal=101
  main: bal=101
    NS_NewFoo: bal=1
    ViaFirst: bal=0
      Touch: bal=0
    ViaSecond: bal=100
      Touch: bal=100"

for variant in plain frame_pointers; do
    start "stack cache: the same caller reached two ways keeps both stacks apart ($variant)"
    L=$WORK/same_caller_$variant.log
    traced "$L" "$SAME/$variant" 300
    expect "tree" "$SAME_TREE" "$(refbalance --serial 1 "$L")"
    expect "leaks" "0x1 (1) @ nsFoo" "$(refleaks "$L" | sed 's/^0x[0-9a-f]*/0x1/')"
    finish
done

# A stack cut at REFLOG_DEPTH is learned with the words of its kept frames only.
start "stack cache: stacks cut at REFLOG_DEPTH=3"
L=$WORK/same_caller_depth3.log
REFLOG_DEPTH=3 traced "$L" "$SAME/plain" 300
expect "tree" "$SAME_TREE" "$(refbalance --serial 1 "$L")"
finish
