#!/usr/bin/env python3
"""Compares Asterisk's own refs log with refshim's log of the same Asterisk process.

Usage: asterisk_compare.py REFS SHIM_LOG

An object is an address from its creation to its destruction, in each log. Objects
Asterisk allocated with AO2_ALLOC_OPT_NO_REF_DEBUG are not in its refs log; refshim notes
those alive at exit (`x SERIAL no-ref-debug`), and objects of their classes are left out.
Prints one line per difference, then a summary line; the exit status is 1 when any of
Asterisk's leaks is not leaked in refshim's log, any object Asterisk freed is leaked in
it, or an object's number of +1/-1 changes differs.
"""
import sys
from collections import defaultdict


def read_refs(path):
    """address -> list of [changes, freed, count], in the order the objects were created
    (a destroyed object's count ends at 0 unless Asterisk lost some of its lines).

    Asterisk writes a line after the change, so an object's lines can come out of order:
    a destructor line after the next object's constructor at the same address, a weak
    proxy's nested destructor line before the outer call's line. A count line belongs to
    the object there whose count is its state (the newest of several: the older one
    was freed, and only its late lines can still come), a destructor line to the oldest
    object not destroyed (or the last one, destroyed already by a nested call)."""
    lives = defaultdict(list)
    with open(path, errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split(",", 7)
            if len(fields) < 7:
                continue
            address, delta, state = fields[0], int(fields[1]), fields[6]
            if state.startswith("**invalid**"):
                continue
            here = lives[address]
            if state.startswith("**constructor**"):
                here.append([1, False, 1])
                continue
            alive = [life for life in here if not life[1]]
            if state.startswith("**destructor**"):
                life = alive[0] if alive else None
            else:
                fitting = [life for life in alive if life[2] == int(state)]
                life = fitting[-1] if fitting else (alive[-1] if alive else None)
                if life is None and here:
                    life = here[-1]     # the weak proxy's outer line, after the destructor
            if life is None:
                life = [0, False, 0]
                here.append(life)
            life[0] += abs(delta)
            life[2] += delta
            if state.startswith("**destructor**"):
                life[1] = True
    return lives


def read_shim(path):
    """address -> list of [changes, freed, class], and the no-ref-debug classes."""
    objects, classes, quiet_classes, order = {}, {}, set(), []
    with open(path, errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            kind = fields[0]
            if kind == "c":
                classes[fields[1]] = fields[2]
            elif kind == "o" or (kind in ("N", "A", "R", "D") and len(fields) >= 7):
                # (format 1: the e2e case gives this script the log through format1)
                # the object's address and class: an older log's o line, or its first event
                at = 2 if kind == "o" else 5
                objects[fields[1]] = [fields[at], 0, False, classes.get(fields[at + 1], "?")]
                order.append(fields[1])
            if kind in ("N", "A", "R", "D") and fields[1] in objects:
                objects[fields[1]][1] += 1
                if kind == "D":
                    objects[fields[1]][2] = True
            elif kind == "x" and len(fields) > 2 and fields[2] == "no-ref-debug":
                quiet_classes.add(objects[fields[1]][3])
    lives = defaultdict(list)
    # Serials count in creation order; o records of objects made by different threads may
    # come in another order (each thread writes into blocks of the file of its own).
    for serial in sorted(order, key=int):
        address, changes, freed, class_name = objects[serial]
        if class_name not in quiet_classes:
            lives[address].append([changes, freed, class_name])
    quiet = sum(1 for o in objects.values() if o[3] in quiet_classes and not o[2])
    return lives, quiet


def main():
    refs, (shim, quiet) = read_refs(sys.argv[1]), read_shim(sys.argv[2])
    problems = 0
    leaked_refs = leaked_shim = 0
    for address in sorted(set(refs) | set(shim)):
        a, b = refs.get(address, []), shim.get(address, [])
        leaked_refs += sum(1 for life in a if not life[1])
        leaked_shim += sum(1 for life in b if not life[1])
        if len(a) != len(b):
            print(f"{address}: {len(a)} objects in Asterisk's log, {len(b)} in refshim's")
            problems += 1
            continue
        moved = set()
        for i, (x, y) in enumerate(zip(a, b)):
            if i in moved:
                continue
            if (x[0] != y[0] and abs(x[0] - y[0]) == 1 and i + 1 < len(a) and
                    x[1] == y[1] and a[i + 1][1] == b[i + 1][1] and
                    x[0] + a[i + 1][0] == y[0] + b[i + 1][0]):
                # One change on the wrong side of two objects at one address, in Asterisk's
                # log alone: its lines come after the changes, a -1 of the older object can
                # follow the newer one's constructor line, and its state fits both. The
                # two objects' changes together are the same in both logs.
                print(f"{address} #{i + 1}-#{i + 2} ({y[2]}): one change placed on the other "
                      f"object in Asterisk's log ({x[0]}+{a[i + 1][0]}, refshim's "
                      f"{y[0]}+{b[i + 1][0]})")
                moved.add(i + 1)
                continue
            if not x[1] and y[1]:
                print(f"{address} #{i + 1}: leaked in Asterisk's log, freed in refshim's")
                problems += 1
            elif x[1] and not y[1]:
                print(f"{address} #{i + 1} ({y[2]}): freed in Asterisk's log, leaked in refshim's")
                problems += 1
            elif x[1] and x[2] > 0 and y[0] - x[0] == x[2]:
                # Asterisk's own counts say it lost lines: a destroyed object's count must
                # end at 0. Asterisk writes a weak proxy's outer -1 after the nested
                # destructor line, and at shutdown that line can come after its refs log
                # was closed (astobj2_cleanup); refshim's log has the change.
                print(f"{address} #{i + 1} ({y[2]}): Asterisk's log misses {x[2]} change(s) "
                      f"(its counts end at {x[2]}, not 0); refshim's has them")
            elif x[0] != y[0]:
                print(f"{address} #{i + 1} ({y[2]}): {x[0]} changes in Asterisk's log, {y[0]} in refshim's")
                problems += 1
    print(f"leaked: {leaked_refs} in Asterisk's log, {leaked_shim} in refshim's "
          f"(+{quiet} no-ref-debug); differences: {problems}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
