# A reference change recorded after its call must go to the object it was made on, even
# when another thread destroys that object meanwhile and malloc hands its address to a
# new one (recorder.c, "pins"). Threads drop the two references of each object at once,
# in a pool that reuses addresses at once (test/e2e/programs/reuse_race.h), for C++
# AddRef()/Release() and for the built-in ao2 hooks. Before pins, each run below gave
# dozens of objects a foreign event. Sourced by run.sh.

race_src=test/e2e/programs
g++ -O0 -g -fno-inline -Wall -Werror -pthread -o "$PROGS/reuse_race" "$race_src/reuse_race.cc"
cc -O0 -g -fno-inline -Wall -Werror -pthread -o "$PROGS/reuse_race_ao2" "$race_src/reuse_race_ao2.c"

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

# 16 threads, 25,000 objects each: about a second; the old recorder failed every run of
# the C++ program and most runs of the ao2 one, so the ao2 one runs three times.
start "C++ Release racing with the address's reuse: each change on its own object"
traced "$WORK/race_cxx.log" "$PROGS/reuse_race" 25000 16
expect "the program ran" "made 400000 objects" "$(cat "$WORK/race_cxx.log.out")"
expect "every object complete, nothing foreign" "400000 objects, 0 inconsistent" \
    "$(race_check "$WORK/race_cxx.log")"
expect "no leak" "" "$(refleaks "$WORK/race_cxx.log" 2>/dev/null)"
finish
rm -f "$WORK/race_cxx.log"

start "ao2 -1 (and -2) racing with the address's reuse: each change on its own object"
for run in 1 2 3; do
    traced "$WORK/race_ao2.log" "$PROGS/reuse_race_ao2" 25000 16
    expect "the program ran ($run)" "made 400000 objects" "$(cat "$WORK/race_ao2.log.out")"
    expect "every object complete, nothing foreign ($run)" "400000 objects, 0 inconsistent" \
        "$(race_check "$WORK/race_ao2.log")"
    expect "no leak ($run)" "" "$(refleaks "$WORK/race_ao2.log" 2>/dev/null)"
done
finish
rm -f "$WORK/race_ao2.log"
