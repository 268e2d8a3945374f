# End-to-end cases for the machine- and browser-readable outputs: refleaks --json,
# refbalance --json and refbalance --html on refshim, Mozilla and Asterisk logs. JSON is
# checked with python3's parser and, for the seed example, exactly; the HTML page is
# loaded in headless Chromium, and the DOM its script built is checked.
# Sourced by run.sh, which provides the helpers.

LOGS=test/e2e/logs
PY=/usr/bin/python3
[ -e "$WORK/out_seed_leak.log" ] || traced "$WORK/out_seed_leak.log" "$PROGS/seed_leak"
SEED=$WORK/out_seed_leak.log
SEED_ADDR=$(serial_address "$SEED" 1)

# Offsets and thread ids change with the compiler and the run: they are replaced by
# N so that the rest can be compared exactly. So does the holder scan's reason for the
# seed's object (`lost`, or `stack` when a stale copy of its pointer is left on the
# stack at exit): R.
normalized() { sed -E 's/"offset":[0-9]+/"offset":N/g; s/"tid":[0-9]+/"tid":N/g; s/"reason":"[^"]*"/"reason":R/g'; }
valid_json() { $PY -m json.tool >/dev/null 2>&1 && echo valid || echo invalid; }

start "refleaks --json on the seed example: exact document, valid JSON, exit 1"
out=$(refleaks --json "$SEED"); rc=$?
expect "json" "{\"logs\":[{\"log\":\"$SEED\",\"leaked\":[{\"address\":\"$SEED_ADDR\",\"serial\":1,\"class\":\"nsFoo\",\"count\":1,\"stack\":[\
{\"function\":\"NS_NewFoo(nsFoo**)\",\"source\":\"test/e2e/programs/nsfoo.cc:49\",\"module\":\"$PROGS/libnsfoo.so\",\"offset\":N},\
{\"function\":\"DoSomethingWithFooAndReturnItToo()\",\"source\":\"test/e2e/programs/seed.cc:11\",\"module\":\"$PROGS/seed_leak\",\"offset\":N},\
{\"function\":\"main\",\"source\":\"test/e2e/programs/seed.cc:20\",\"module\":\"$PROGS/seed_leak\",\"offset\":N}],\"reason\":R}]}]}" \
    "$(printf '%s' "$out" | normalized)"
expect "exit code" 1 "$rc"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
finish

start "refbalance --json on the seed example: object, tree and events, exactly"
out=$(refbalance --serial 1 --json "$SEED"); rc=$?
expect "json" "{\"object\":{\"address\":\"$SEED_ADDR\",\"serial\":1,\"class\":\"nsFoo\"},\
\"tree\":{\"name\":\".root\",\"bal\":1,\"children\":[{\"name\":\"main\",\"bal\":1,\"children\":[\
{\"name\":\"DoSomethingWithFooAndReturnItToo\",\"bal\":2,\"children\":[{\"name\":\"NS_NewFoo\",\"bal\":1,\"children\":[]}]}]}]},\
\"events\":[{\"line\":$(grep -n '^N' "$SEED" | cut -d: -f1),\"op\":\"N\",\"delta\":1,\"count\":1,\"tid\":N,\"stack\":[\
{\"function\":\"NS_NewFoo(nsFoo**)\",\"source\":\"test/e2e/programs/nsfoo.cc:49\",\"module\":\"$PROGS/libnsfoo.so\",\"offset\":N},\
{\"function\":\"DoSomethingWithFooAndReturnItToo()\",\"source\":\"test/e2e/programs/seed.cc:11\",\"module\":\"$PROGS/seed_leak\",\"offset\":N},\
{\"function\":\"main\",\"source\":\"test/e2e/programs/seed.cc:20\",\"module\":\"$PROGS/seed_leak\",\"offset\":N}]},\
{\"line\":$(grep -n '^A' "$SEED" | cut -d: -f1),\"op\":\"A\",\"delta\":1,\"count\":2,\"tid\":N,\"stack\":[\
{\"function\":\"DoSomethingWithFooAndReturnItToo()\",\"source\":\"test/e2e/programs/seed.cc:13\",\"module\":\"$PROGS/seed_leak\",\"offset\":N},\
{\"function\":\"main\",\"source\":\"test/e2e/programs/seed.cc:20\",\"module\":\"$PROGS/seed_leak\",\"offset\":N}]},\
{\"line\":$(grep -n '^R' "$SEED" | cut -d: -f1),\"op\":\"R\",\"delta\":-1,\"count\":1,\"tid\":N,\"stack\":[\
{\"function\":\"main\",\"source\":\"test/e2e/programs/seed.cc:22\",\"module\":\"$PROGS/seed_leak\",\"offset\":N}]}]}" \
    "$(printf '%s' "$out" | normalized)"
expect "exit code" 0 "$rc"
expect "valid" valid "$(printf '%s' "$out" | valid_json)"
finish

# The tree of a JSON document as `name (site): bal=N` lines, two spaces per level.
json_tree() {
    $PY -c '
import json, sys
def walk(node, depth):
    site = " (%s)" % node["site"] if "site" in node else ""
    print("%s%s%s: bal=%d" % ("  " * depth, node["name"], site, node["bal"]))
    for child in node["children"]:
        walk(child, depth + 1)
walk(json.load(sys.stdin)["tree"], 0)'
}

start "refbalance --json --sites: each node has its site; the tree is the text tree"
expect "tree" "$(refbalance --serial 1 --sites "$SEED")" \
    "$(refbalance --serial 1 --sites --json "$SEED" | json_tree)"
expect "a site" '"name":"NS_NewFoo","site":"test/e2e/programs/nsfoo.cc:49"' \
    "$(refbalance --serial 1 --sites --json "$SEED" | grep -o '"name":"NS_NewFoo","site":"[^"]*"')"
finish

start "--json on Mozilla and Asterisk logs: valid, the same objects and trees as the text"
for log in mozilla_refcnt mozilla_old mozilla_alloc asterisk_refs asterisk_old; do
    expect "$log refleaks valid" valid "$(refleaks --json "$LOGS/$log.log" 2>/dev/null | valid_json)"
    expect "$log refleaks --bloat valid" valid \
        "$(refleaks --json --bloat "$LOGS/$log.log" 2>/dev/null | valid_json)"
    expect "$log leaked" "$(refleaks "$LOGS/$log.log" 2>/dev/null)" \
        "$(refleaks --json "$LOGS/$log.log" 2>/dev/null | $PY -c '
import json, sys
for log in json.load(sys.stdin)["logs"]:
    for o in log["leaked"]:
        print("%s (%d) @ %s" % (o["address"], o["serial"], o["class"]))')"
    for serial in 1 2 3; do
        expect "$log serial $serial tree" "$(refbalance --serial $serial "$LOGS/$log.log" 2>/dev/null)" \
            "$(refbalance --serial $serial --json "$LOGS/$log.log" 2>/dev/null | json_tree 2>/dev/null)"
    done
done
finish

start "refleaks --json: sizes from the alloc log, classes with --bloat, a log that cannot be read"
out=$(refleaks --json --bloat "$LOGS/mozilla_alloc.log" "$WORK/no-such.log" 2>"$WORK/json.err"); rc=$?
expect "sizes and classes" "nsBar 40 1 0 0 1
nsFoo 24 3 1 0 2
nsStringBuffer - 1 1 0 0
0x7f0a1c02a0e0 24 2
0x7f0a1c02a100 24 2
0x7f0a1c02c000 40 1
$WORK/no-such.log error 66" "$(printf '%s' "$out" | $PY -c '
import json, sys
logs = json.load(sys.stdin)["logs"]
for c in logs[0]["classes"]:
    print(c["class"], c.get("size", "-"), c["created"], c["destroyed"], c["kept"], c["leaked"])
for o in logs[0]["leaked"]:
    print(o["address"], o["size"], len(o["stack"]))
print(logs[1]["log"], "error", logs[1]["error"])')"
expect "exit code" 66 "$rc"
expect "stderr" "refleaks: $WORK/no-such.log: No such file or directory" "$(cat "$WORK/json.err")"
expect "--json with --history: the status of --history" 1 "$(refleaks --json --history "$SEED" >/dev/null 2>&1; echo $?)"
expect "--json with --html" 64 "$(refbalance --serial 1 --json --html "$SEED" 2>/dev/null; echo $?)"
finish

# dom HTML: the page's DOM after its script ran, in headless Chromium with its own
# profile (other test runs may use Chromium at the same time).
dom() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/chromium" \
        --dump-dom "file://$1" 2>/dev/null
}
# What the script built: each tree row as `[open|closed|leaf] pos|neg|zero BAL NAME`,
# then each history row as `LINE OP COUNT WHERE`; with -m, `match` after the nodes that
# the search marked and the count of matches at the end.
page_summary() {
    $PY -c '
import sys
marks = sys.argv[1:] == ["-m"]
from html.parser import HTMLParser
class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.nodes, self.rows, self.cell, self.row, self.field = [], [], None, None, None
        self.matches = ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "li" and "node" in cls:
            state = "leaf" if a.get("data-leaf") == "1" else "open" if "open" in cls else "closed"
            sign = [c for c in cls if c in ("pos", "neg", "zero")][0]
            self.nodes.append([state, sign, "", ""] + (["match"] if "match" in cls and marks else []))
        elif tag == "span" and self.nodes and cls and cls[0] in ("bal", "name"):
            self.field = cls[0]
        elif tag == "span" and a.get("id") == "matches":
            self.field = "matches"
        elif tag == "tr" and "ev" in cls:
            self.row = []
            self.rows.append(self.row)
        elif tag == "td" and self.row is not None and "tid" not in cls:
            self.cell = ""
    def handle_endtag(self, tag):
        if tag == "span":
            self.field = None
        elif tag == "td" and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr":
            self.row = None
    def handle_data(self, data):
        if self.field == "matches":
            self.matches += data
        elif self.field:
            self.nodes[-1][2 if self.field == "bal" else 3] += data
        if self.cell is not None:
            self.cell += data
page = Page()
page.feed(sys.stdin.read())
for n in page.nodes:
    print(" ".join(n))
for r in page.rows:
    print(" ".join(r))
if marks:
    print(page.matches)' "$@"
}

if ! command -v chromium >/dev/null; then
    start "refbalance --html in headless Chromium"
    fail "chromium is not installed (make deps installs it)"
else
start "refbalance --html on the seed example, in headless Chromium: tree, open path, history"
refbalance --serial 1 --html "$SEED" >"$WORK/seed.html"; rc=$?
expect "exit code" 0 "$rc"
expect "no network" "" "$(grep -Eo '(src|href)="[^"]*"|https?://' "$WORK/seed.html")"
expect "dom" "open pos 1 .root
open pos 1 main
open pos 2 DoSomethingWithFooAndReturnItToo
leaf pos 1 NS_NewFoo
$(grep -n '^N' "$SEED" | cut -d: -f1) N 1 NS_NewFoo(nsFoo**) (test/e2e/programs/nsfoo.cc:49)
$(grep -n '^A' "$SEED" | cut -d: -f1) A 2 DoSomethingWithFooAndReturnItToo() (test/e2e/programs/seed.cc:13)
$(grep -n '^R' "$SEED" | cut -d: -f1) R 1 main (test/e2e/programs/seed.cc:22)" "$(dom "$WORK/seed.html" | page_summary)"
expect "title" "<title>refbalance: nsFoo $SEED_ADDR (serial 1)</title>" \
    "$(dom "$WORK/seed.html" | grep -o '<title>.*</title>')"
rm -f "$WORK/seed.png"
timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/chromium" \
    --screenshot="$WORK/seed.png" --window-size=1200,800 "file://$WORK/seed.html" >/dev/null 2>&1
expect "screenshot" "PNG 1200x800, not blank" "$($PY -c '
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
w, h = struct.unpack(">II", data[16:24])
# the page is not one colour: its compressed pixels are far from the size of a blank one
print("PNG %dx%d, %s" % (w, h, "not blank" if len(data) > 8000 else "blank"))' "$WORK/seed.png" 2>&1)"
finish

start "refbalance --html on an Asterisk log (balanced root open, tags in the history) and a Mozilla log"
refbalance --serial 1 --html "$LOGS/asterisk_refs.log" >"$WORK/ast.html" 2>/dev/null
expect "asterisk dom" "open zero 0 .root
leaf pos 2 sip_alloc
leaf pos 1 __sip_reliable_xmit
leaf neg -1 __sip_ack
leaf neg -2 dialog_unlink_all
1 N allocate a dialog(pvt) struct 1 sip_alloc (chan_sip.c:8651)
2 A link pvt into dialogs table 2 sip_alloc (chan_sip.c:8795)
3 A __sip_reliable_xmit: setting pkt->owner 3 __sip_reliable_xmit (chan_sip.c:4186)
4 R unref pkt cur->owner dialog from sip ack, before freeing pkt 2 __sip_ack (chan_sip.c:4430)
5 R unlinking dialog via ao2_unlink 1 dialog_unlink_all (chan_sip.c:3286)
6 D Let's unbump the count in the unlink so the poor pvt can disappear if it is time 0 dialog_unlink_all (chan_sip.c:3352)" \
    "$(dom "$WORK/ast.html" | page_summary)"
refbalance --serial 1 --html "$LOGS/mozilla_refcnt.log" >"$WORK/moz.html" 2>/dev/null
expect "mozilla dom" "$(refbalance --serial 1 "$LOGS/mozilla_refcnt.log" 2>/dev/null |
    sed -E 's/^ *//; s/^(.*): bal=(-?[0-9]+)$/\2 \1/')" \
    "$(dom "$WORK/moz.html" | page_summary | grep -E '^(open|closed|leaf) ' | cut -d' ' -f3-)"
finish

start "refbalance --html: a balanced path starts closed; a search (#search=) marks and opens"
[ -e "$WORK/out_seed_fixed.log" ] || traced "$WORK/out_seed_fixed.log" "$PROGS/seed_fixed"
refbalance --serial 1 --html "$WORK/out_seed_fixed.log" >"$WORK/fixed.html"
expect "closed" "open zero 0 .root
closed zero 0 main
open pos 1 DoSomethingWithFooAndReturnItToo
leaf pos 1 NS_NewFoo" "$(dom "$WORK/fixed.html" | page_summary | grep -E '^(open|closed|leaf) ')"
expect "searched" "open zero 0 .root
open zero 0 main
open pos 1 DoSomethingWithFooAndReturnItToo
leaf pos 1 NS_NewFoo match
1 match" "$(dom "$WORK/fixed.html#search=newfoo" | page_summary -m | grep -E '^(open|closed|leaf) |match')"
finish
fi
