# End-to-end cases for the output layer: --json of every refleaks report (--by-stack,
# --history, --bloat, --holders, --brief, --at-mark, --between), exact documents on the
# sample logs and on real shim logs, valid JSON (python3's parser), the reason of each
# leaked object in refleaks --json, and the text rebuilt from the JSON is the text report
# (one description, two back-ends). The text reports themselves are checked by the other
# cases. Sourced by run.sh, which provides the helpers.

LOGS=test/e2e/logs
PY=/usr/bin/python3
O2=$WORK/outputs2
mkdir -p "$O2"
[ -e "$WORK/out_seed_leak.log" ] || traced "$WORK/out_seed_leak.log" "$PROGS/seed_leak"
SEED=$WORK/out_seed_leak.log
SEED_ADDR=$(serial_address "$SEED" 1)
normalized() { sed -E 's/"offset":[0-9]+/"offset":N/g; s/"tid":[0-9]+/"tid":N/g'; }
valid_json() { $PY -m json.tool >/dev/null 2>&1 && echo valid || echo invalid; }

start "--json --by-stack on an Asterisk log: exact, valid, exit 1"
out=$(refleaks --json --by-stack $LOGS/asterisk_refs.log 2>/dev/null); rc=$?
expect "json" '{"logs":[{"log":"test/e2e/logs/asterisk_refs.log","groups":[{"count":1,"stack":[{"function":"sip_alloc","source":"chan_sip.c:8651"}],"objects":[{"address":"0x7f9dbc003000","serial":2,"class":"sip_alloc","count":2}]},{"count":1,"stack":[{"function":"__ast_channel_alloc","source":"channel.c:1020"}],"objects":[{"address":"0x7f9dbc004000","serial":3,"class":"__ast_channel_alloc","count":4}]}]}]}' "$out"
expect "exit" 1 "$rc"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
finish

start "--json --history on an Asterisk log: all four sections exactly, exit status bits 7"
out=$(refleaks --json --history $LOGS/asterisk_refs.log 2>/dev/null); rc=$?
expect "json" '{"logs":[{"log":"test/e2e/logs/asterisk_refs.log","sections":[{"section":"Invalid Referenced","objects":[{"address":"0x7f9dbc006000","events":[{"tid":19256,"location":"astobj2.c:500","function":"__ao2_ref","delta":-1,"tag":"bad magic","state":"**invalid**","anomaly":"change to an invalid object (bad magic number or count below zero)"}]},{"address":"0x7f9dbc004000","events":[{"tid":19256,"location":"channel.c:1020","function":"__ast_channel_alloc","delta":1,"tag":"ast_channel_alloc","state":"**constructor**48**2048**"},{"tid":19256,"location":"channel.c:1100","function":"ast_channel_ref","delta":1,"tag":"skipped one","state":"3","anomaly":"the count before this change is 3 in the log but 1 after the events before it: an event is missing"}]}]},{"section":"Leaked","objects":[{"address":"0x7f9dbc003000","events":[{"tid":19256,"location":"chan_sip.c:8651","function":"sip_alloc","delta":1,"tag":"allocate a dialog(pvt) struct","state":"**constructor**48**1184**"},{"tid":19257,"location":"chan_sip.c:9248","function":"find_call","delta":1,"tag":"pedantic ao2_find in dialogs","state":"1"}]},{"address":"0x7f9dbc004000","events":[{"tid":19256,"location":"channel.c:1020","function":"__ast_channel_alloc","delta":1,"tag":"ast_channel_alloc","state":"**constructor**48**2048**"},{"tid":19256,"location":"channel.c:1100","function":"ast_channel_ref","delta":1,"tag":"skipped one","state":"3","anomaly":"the count before this change is 3 in the log but 1 after the events before it: an event is missing"}]}]},{"section":"Skewed","objects":[{"address":"0x7f9dbc005000","events":[{"tid":19258,"location":"pbx.c:77","function":"pbx_thread","delta":-1,"tag":"done with it","state":"2","anomaly":"Release of an object never created"},{"tid":19258,"location":"pbx.c:78","function":"pbx_thread","delta":-1,"tag":"done, really","state":"1"}]}]},{"section":"Finalized","objects":[{"address":"0x7f9dbc002048","events":[{"tid":19256,"location":"chan_sip.c:8651","function":"sip_alloc","delta":1,"tag":"allocate a dialog(pvt) struct","state":"**constructor**48**1184**"},{"tid":19256,"location":"chan_sip.c:8795","function":"sip_alloc","delta":1,"tag":"link pvt into dialogs table","state":"1"},{"tid":19256,"location":"chan_sip.c:4186","function":"__sip_reliable_xmit","delta":1,"tag":"__sip_reliable_xmit: setting pkt->owner","state":"2"},{"tid":19256,"location":"chan_sip.c:4430","function":"__sip_ack","delta":-1,"tag":"unref pkt cur->owner dialog from sip ack, before freeing pkt","state":"3"},{"tid":19256,"location":"chan_sip.c:3286","function":"dialog_unlink_all","delta":-1,"tag":"unlinking dialog via ao2_unlink","state":"2"},{"tid":19256,"location":"chan_sip.c:3352","function":"dialog_unlink_all","delta":-1,"tag":"Let'"'"'s unbump the count in the unlink so the poor pvt can disappear if it is time","state":"**destructor**lock-state:unlocked**"}]},{"address":"0x7f9dbc005000","events":[{"tid":19258,"location":"pbx.c:77","function":"pbx_thread","delta":-1,"tag":"done with it","state":"2","anomaly":"Release of an object never created"},{"tid":19258,"location":"pbx.c:78","function":"pbx_thread","delta":-1,"tag":"done, really","state":"1"}]}]}]}]}' "$out"
expect "exit" 7 "$rc"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
expect "-n -s hide sections" '["Invalid Referenced", "Leaked"]' \
    "$(refleaks --json --history -ns $LOGS/asterisk_refs.log 2>/dev/null | $PY -c '
import json, sys
print(json.dumps([s["section"] for s in json.load(sys.stdin)["logs"][0]["sections"]]))')"
finish

start "--json --bloat on a Mozilla alloc log: classes with sizes, leaked objects, exactly"
out=$(refleaks --json --bloat $LOGS/mozilla_alloc.log 2>/dev/null); rc=$?
expect "json" '{"logs":[{"log":"test/e2e/logs/mozilla_alloc.log","classes":[{"class":"nsBar","size":40,"created":1,"destroyed":0,"kept":0,"leaked":1},{"class":"nsFoo","size":24,"created":3,"destroyed":1,"kept":0,"leaked":2},{"class":"nsStringBuffer","created":1,"destroyed":1,"kept":0,"leaked":0}],"leaked":[{"address":"0x7f0a1c02a0e0","serial":2,"class":"nsFoo","count":1,"size":24,"stack":[{"function":"NS_NewFoo(nsFoo**)","module":"/tmp/demo/libdemo.so","offset":6976},{"function":"main","module":"/tmp/demo/demo","offset":4521}]},{"address":"0x7f0a1c02a100","serial":4,"class":"nsFoo","count":1,"size":24,"stack":[{"function":"NS_NewFoo(nsFoo**)","module":"/tmp/demo/libdemo.so","offset":6976},{"function":"main","module":"/tmp/demo/demo","offset":4521}]},{"address":"0x7f0a1c02c000","serial":5,"class":"nsBar","count":1,"size":40,"stack":[{"function":"main","module":"/tmp/demo/demo","offset":4656}]}]}]}' "$out"
expect "exit" 1 "$rc"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
finish

start "--json --by-stack and --history on a real shim log (the seed example): exact"
out=$(refleaks --json --by-stack "$SEED" | normalized)
expect "by-stack" "{\"logs\":[{\"log\":\"$SEED\",\"groups\":[{\"count\":1,\"stack\":[\
{\"function\":\"NS_NewFoo(nsFoo**)\",\"source\":\"test/e2e/programs/nsfoo.cc:49\",\"module\":\"$PROGS/libnsfoo.so\",\"offset\":N},\
{\"function\":\"DoSomethingWithFooAndReturnItToo()\",\"source\":\"test/e2e/programs/seed.cc:11\",\"module\":\"$PROGS/seed_leak\",\"offset\":N},\
{\"function\":\"main\",\"source\":\"test/e2e/programs/seed.cc:20\",\"module\":\"$PROGS/seed_leak\",\"offset\":N}],\
\"objects\":[{\"address\":\"$SEED_ADDR\",\"serial\":1,\"class\":\"nsFoo\",\"count\":1}]}]}]}" "$out"
out=$(refleaks --json --history "$SEED" | normalized)
expect "history" "{\"logs\":[{\"log\":\"$SEED\",\"sections\":[{\"section\":\"Leaked\",\"objects\":[{\"address\":\"$SEED_ADDR\",\"events\":[\
{\"tid\":N,\"location\":\"test/e2e/programs/nsfoo.cc:49\",\"function\":\"NS_NewFoo(nsFoo**)\",\"delta\":1,\"tag\":\"create\",\"state\":\"**constructor**\"},\
{\"tid\":N,\"location\":\"test/e2e/programs/seed.cc:13\",\"function\":\"DoSomethingWithFooAndReturnItToo()\",\"delta\":1,\"tag\":\"AddRef\",\"state\":\"1\"},\
{\"tid\":N,\"location\":\"test/e2e/programs/seed.cc:22\",\"function\":\"main\",\"delta\":-1,\"tag\":\"Release\",\"state\":\"2\"}]}]}]}]}" "$out"
finish

# The holder scan of a real program: every reason there is.
g++ -O0 -g -fno-inline -o "$O2/holders" test/e2e/programs/holders.cc 2>/dev/null
HL=$O2/cxx.log
traced "$HL" "$O2/holders"
ha() { serial_address "$HL" "$1"; }
site="MakeNode() (test/e2e/programs/holders.cc:$(grep -n 'node->AddRef();' test/e2e/programs/holders.cc | head -n 1 | cut -d: -f1))"
lost() { printf '{"address":"%s","serial":%s,"class":"Node","reason":"lost","sites":[{"balance":1,"frame":"%s"}]}' "$(ha "$1")" "$1" "$site"; }
other() { printf '{"address":"%s","serial":%s,"class":"Node","reason":"%s"}' "$(ha "$1")" "$1" "$2"; }

start "--json --holders on a real shim log: each object with its reason, lost ones with their sites"
out=$(refleaks --json --holders "$HL"); rc=$?
expect "json" "{\"logs\":[{\"log\":\"$HL\",\"objects\":[$(lost 1),$(other 2 'global gCache'),$(other 3 'cycle (4)'),$(other 4 'cycle (3)'),$(lost 5),$(other 6 'held by (5)'),$(lost 7)]}]}" "$out"
expect "exit" 1 "$rc"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
finish

start "--json --holders --brief: the lost objects and cycles, then the counts"
out=$(refleaks --json --holders --brief "$HL")
expect "json" "{\"logs\":[{\"log\":\"$HL\",\"objects\":[$(lost 1),$(lost 5),$(lost 7),$(other 3 'cycle (4)'),$(other 4 'cycle (3)')],\"held_by_leaked\":1,\"globals\":[{\"reason\":\"global gCache\",\"count\":1}]}]}" "$out"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
finish

start "refleaks --json and --json --bloat: each leaked object carries its reason (issue 9)"
reasons='import json, sys
for o in json.load(sys.stdin)["logs"][0]["leaked"]:
    print("%d %s" % (o["serial"], o.get("reason", "-")))'
want="1 lost
2 global gCache
3 cycle (4)
4 cycle (3)
5 lost
6 held by (5)
7 lost"
expect "list" "$want" "$(refleaks --json "$HL" | $PY -c "$reasons")"
expect "bloat" "$want" "$(refleaks --json --bloat "$HL" | $PY -c "$reasons")"
# (The seed's object is `lost` or, with a stale copy of its pointer on the stack at exit,
# `stack`: not asserted.)
expect "no holder records: no reason" "2 -
4 -
5 -" "$(refleaks --json $LOGS/mozilla_alloc.log 2>/dev/null | $PY -c "$reasons")"
finish

start "--json --at-mark and --between on snapshots: exact"
L=$O2/snap.log
printf '# refshim 1\nc\t1\tNode\no\t1\t0x10\t1\nN\t1\t1\t7\t0\no\t2\t0x20\t1\nN\t2\t1\t7\t0\nk\t1\t2\nh\t1\t1\tlost\nh\t1\t2\tglobal gA\no\t3\t0x30\t1\nN\t3\t1\t7\t0\nk\t2\t3\nh\t2\t1\tlost\nh\t2\t2\tglobal gA\nh\t2\t3\theld by (1)\n' >"$L"
expect "at-mark" "{\"logs\":[{\"log\":\"$L\",\"objects\":[{\"address\":\"0x10\",\"serial\":1,\"class\":\"Node\",\"reason\":\"lost\",\"sites\":[]},{\"address\":\"0x20\",\"serial\":2,\"class\":\"Node\",\"reason\":\"global gA\"}]}]}" \
    "$(refleaks --json --at-mark 1 "$L")"
expect "between" "{\"logs\":[{\"log\":\"$L\",\"objects\":[{\"address\":\"0x30\",\"serial\":3,\"class\":\"Node\",\"reason\":\"held by (1)\"}]}]}" \
    "$(refleaks --json --between 1 2 "$L")"
expect "brief at-mark" "{\"logs\":[{\"log\":\"$L\",\"objects\":[{\"address\":\"0x10\",\"serial\":1,\"class\":\"Node\",\"reason\":\"lost\",\"sites\":[]}],\"held_by_leaked\":1,\"globals\":[{\"reason\":\"global gA\",\"count\":1}]}]}" \
    "$(refleaks --json --brief --at-mark 2 "$L")"
out=$(refleaks --json --at-mark 3 "$L" 2>/dev/null); rc=$?
expect "no such snapshot: the log's error" "{\"logs\":[{\"log\":\"$L\",\"error\":65}]}" "$out"
expect "exit" 65 "$rc"
finish

start "--json with several logs, one missing: every log in the document, in order"
out=$(refleaks --json --history $LOGS/asterisk_old.log /nonexistent.log 2>/dev/null); rc=$?
expect "logs" '["test/e2e/logs/asterisk_old.log", 0, "/nonexistent.log", 66]' "$(printf '%s' "$out" | $PY -c '
import json, sys
d = json.load(sys.stdin)["logs"]
print(json.dumps(sum([[l["log"], l.get("error", 0)] for l in d], [])))')"
expect "exit" 66 "$rc"
finish

# The text reports rebuilt from the JSON: the same content, since both come from one
# description.
history_text='import json, sys
for log in json.load(sys.stdin)["logs"]:
    for s in log["sections"]:
        print("======== %s Objects ========\n" % s["section"])
        for o in s["objects"]:
            print("==== %s Object %s history ====" % (s["section"], o["address"]))
            for e in o["events"]:
                tid = "[0x%x]" % e["tid"] if e["tid"] > 0xffffffff else "[%d]" % e["tid"]
                print("%s %s %s: %+d %s - [%s]" % (tid, e["location"], e["function"], e["delta"], e["tag"], e["state"]))
                if "anomaly" in e:
                    print("    !! " + e["anomaly"])
            print()'
holders_text='import json, sys
for log in json.load(sys.stdin)["logs"]:
    for o in log["objects"]:
        print("%s (%d) @ %s: %s" % (o["address"], o["serial"], o["class"], o["reason"]))
        for s in o.get("sites", []):
            print("    +%d at %s" % (s["balance"], s["frame"]))'
start "the text of --history and --holders is what the JSON says"
for log in $LOGS/*.log "$SEED"; do
    expect "$log history" "$(refleaks --history "$log" 2>/dev/null)" \
        "$(refleaks --json --history "$log" 2>/dev/null | $PY -c "$history_text")"
    for flag in --by-stack --bloat; do
        expect "$log $flag valid" valid "$(refleaks --json $flag "$log" 2>/dev/null | valid_json)"
    done
done
expect "holders" "$(refleaks --holders "$HL")" "$(refleaks --json --holders "$HL" | $PY -c "$holders_text")"
finish
