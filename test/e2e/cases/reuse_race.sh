# A reference change recorded after its call must go to the object it was made on, even
# when another thread destroys that object meanwhile and malloc hands its address to a
# new one (recorder.c, "pins"). Threads drop the two references of each object at once,
# in a pool that reuses addresses at once (test/e2e/programs/reuse_race.h), for C++
# AddRef()/Release(), for the built-in ao2 hooks, and for GObject (malloc's per-thread
# cache reuses addresses as quickly). Before pins, most runs below gave dozens of objects
# a foreign event, or one after their D. Sourced by run.sh.

race_src=test/e2e/programs
g++ -O0 -g -fno-inline -Wall -Werror -pthread -o "$PROGS/reuse_race" "$race_src/reuse_race.cc"
cc -O0 -g -fno-inline -Wall -Werror -pthread -o "$PROGS/reuse_race_ao2" "$race_src/reuse_race_ao2.c"
if pkg-config --exists gobject-2.0; then
    cc -O0 -g -fno-inline -Wall -Werror -pthread -o "$PROGS/reuse_race_gobject" \
        "$race_src/reuse_race_gobject.c" $(pkg-config --cflags --libs gobject-2.0)
fi

# Per object of LOG: one N at count 1 first, one D last, as many +1 as -1. Prints
# "OBJECTS objects, BAD inconsistent"; robust to events of one object out of order.
race_check() {
    awk -F'\t' '
        $1 ~ /^[NARD]$/ {
            s = $2; seen[s] = 1
            if (dead[s]) after[s] = 1
            n[s, $1]++
            if ($1 == "D") dead[s] = 1
            if ($1 == "N" && (n[s, "A"] + n[s, "R"] > 0 || $3 != 1)) bad_start[s] = 1
        }
        END {
            for (s in seen) {
                total++
                if (n[s, "N"] != 1 || n[s, "D"] != 1 || n[s, "A"] != n[s, "R"] || after[s] ||
                    bad_start[s])
                    bad++
            }
            printf "%d objects, %d inconsistent\n", total, bad
        }' "$1"
}

# race_runs NAME PROGRAM: three runs of 16 threads making 25,000 objects each (about a
# second each). The old recorder failed most runs of each program.
race_runs() {
    local log=$WORK/race_$1.log
    for run in 1 2 3; do
        traced "$log" "$PROGS/$2" 25000 16
        expect "the program ran ($run)" "made 400000 objects" "$(cat "$log.out")"
        expect "every object complete, nothing foreign ($run)" "400000 objects, 0 inconsistent" \
            "$(race_check "$log")"
        expect "no leak ($run)" "" "$(refleaks "$log" 2>/dev/null)"
    done
    rm -f "$log"
}

start "C++ Release racing with the address's reuse: each change on its own object"
race_runs cxx reuse_race
finish

start "ao2 -1 (and -2) racing with the address's reuse: each change on its own object"
race_runs ao2 reuse_race_ao2
finish

start "g_object_unref racing with the address's reuse: each change on its own object"
if [ -x "$PROGS/reuse_race_gobject" ]; then
    race_runs gobject reuse_race_gobject
    finish
else
    echo "skip $current: no GObject development files"
    current=""
fi
