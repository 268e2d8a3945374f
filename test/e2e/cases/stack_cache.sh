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

SAME_TREE_30=".root: bal=11
  main: bal=11
    NS_NewFoo: bal=1
    ViaFirst: bal=0
      Touch: bal=0
    ViaSecond: bal=10
      Touch: bal=10"

for variant in plain frame_pointers; do
    start "stack cache: the same caller reached two ways keeps both stacks apart ($variant)"
    L=$WORK/same_caller_$variant.log
    traced "$L" "$SAME/$variant" 30
    expect "tree" "$SAME_TREE_30" "$(refbalance --serial 1 "$L")"
    expect "leaks" "0x1 (1) @ nsFoo" "$(refleaks "$L" | sed 's/^0x[0-9a-f]*/0x1/')"
    finish
done
