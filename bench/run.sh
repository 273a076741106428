#!/usr/bin/env bash
# Benchmarks rolecall's whole commands on synthetic repositories, beside
# the floors they are measured against and a Python peer.
#
#   bench/run.sh [N...]          (default: 1000 10000)
#   bench/run.sh 1000 10000 30000    issue 19's sizes (30,000 adds about an
#                                hour on two cores; see BENCHMARKS.md)
#
# For each N: builds the `profiling` profile (release settings with symbols
# and line tables, so a profiler can attach), writes N records with
# `examples/synth.rs` into a temporary folder, and times with hyperfine (mean
# wall time, and the CPU time user+system, which a busy machine inflates
# less):
#   floor-value   read every record and parse it with serde-saphyr into a
#                 serde_json::Value (examples/parse_floor.rs), nothing else
#   floor-events  the same with serde-saphyr's parser alone: every event
#                 pulled and dropped, the least the library can do
#   floor-tree    the same into rolecall's spanned tree (rolecall::yaml::parse,
#                 the line reader for block-style records)
#   check         `rolecall check` on the records-only repository
#   stats         `rolecall stats --format json` on the same repository
#                 (SPEC §10.2; the budget is 1.2× check)
#   render-fresh  `rolecall render` from the records-only commit: every
#                 document written and committed (each run starts from a
#                 copy of the generated repository, object store included)
#   render-retemplate  `rolecall render` after a line was added to every
#                 built-in Markdown template (exported into templates/):
#                 every document but the postmortems rewritten and committed
#   floor-reset   `git reset --hard` in a `git clone --no-checkout` of the
#                 rendered repository: git writing the rendered commit (the
#                 records and every document) and its index into an empty
#                 work tree, the floor of a fresh render and commit
#   floor-write   `git checkout -- incidents` after deleting every rendered
#                 document: git itself writing the same files
#   render-same   `rolecall render` with nothing changed, the cache warm
#   render-check  `rolecall render --check` with nothing changed
#   check-docs    `rolecall check` once the documents are rendered and
#                 committed (the `check` of the no-change targets)
#   floor-stat    `find incidents -name '*.md' -printf '%s %T@'`: one lstat
#                 of every document (the %s makes find stat each file; with
#                 -type f alone it reads the type from the directory and
#                 stats nothing), on one core: what "nothing changed" costs
#                 at least beyond reading the records
#   render-one-change  `rolecall render` after one record's title was
#                 edited, in a copy of the rendered repository whose git
#                 index and render cache were made current first (a copy
#                 changes every inode and change time, which both compare;
#                 the script checks once that `rolecall -v render` then
#                 finds all but one incident current)
#   peer-render   bench/peer/peer.py (PyYAML with libyaml's loader, Jinja2,
#                 git add and commit: the script a team would write instead,
#                 one process) rendering the same documents from the
#                 records-only copy and committing them
#   peer-same     the peer again with nothing changed (nothing written, no
#                 git call)
#   peer-check    the peer with --check (compare only)
# and the peak memory (maximum resident set, /usr/bin/time) of check,
# render-fresh and render-same at N and at N/4 (a repository of N/4
# records is generated for it). Prints a table with the time per record,
# per-record(largest N)/per-record(smallest N), the floors' ratios, and
# then every target of issues 6 and 19 with its measured ratio and PASS or
# MISS (wall times; the CPU ratio is printed beside for information):
#   render-same, render-check  ≥ 10× faster than peer-same
#   render-same, render-check  ≤ 1.5× (check-docs + floor-stat)
#   render-same per record     at the largest N ≤ 1.2× at the smallest
#   render-one-change          ≤ 1.5× check-docs
#   render-fresh               ≥ 0.8× the speed of floor-reset
#   peak RSS at N              ≤ 1.33× at N/4 (render-fresh; check and
#                              render-same printed with the same bound)
#   render-fresh peak          under 300 MB (printed when N ≥ 100,000)
#   stats                      ≤ 1.2× check
#
# Environment: RUNS (default 3), WARMUP (1), FRESH_RUNS (default 2; the
# cases that write every document, and the peer's render, run without
# warm-up; so do render-one-change and the peer's other cases, whose
# preparation reads every file), SETTLE (seconds to wait after deleting documents before a
# writing case, default 35: ext4 skips inodes freed in the last ~30 s when
# it allocates new ones, which makes creating files right after deleting
# many of them several times slower), SYNTH_ARGS (e.g. `--compact` for
# records of about 2.3 KB), PEER (default 1; 0 skips the peer cases),
# BENCH_DIR (default a new folder under /tmp, removed at the end unless
# KEEP=1), CARGO_TARGET_DIR as cargo reads it.
# Needs git, hyperfine, GNU time and find (Debian: `apt-get install
# hyperfine time`), and for the peer python3 with venv: the first run makes
# bench/.venv (gitignored) and installs PyYAML and Jinja2 into it from PyPI.
set -euo pipefail

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-3}
warmup=${WARMUP:-1}
fresh_runs=${FRESH_RUNS:-2}
settle=${SETTLE:-35}
synth_args=${SYNTH_ARGS:-}
peer=${PEER:-1}
project=$(cd "$(dirname "$0")/.." && pwd)

for tool in git hyperfine /usr/bin/time find; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done

echo "building binaries (profile profiling)..." >&2
(cd "$project" && cargo build --profile profiling --quiet --bin rolecall --example synth --example parse_floor)
target=${CARGO_TARGET_DIR:-$project/target}
bin=$target/profiling/rolecall
synth=$target/profiling/examples/synth
floor=$target/profiling/examples/parse_floor

# The peer's Python: a venv of its own, made once, so the versions of PyYAML
# and Jinja2 are the ones PyPI has, not whatever the system carries.
if [ "$peer" = 1 ]; then
    venv=$project/bench/.venv
    if ! "$venv/bin/python" -c 'import yaml, jinja2' 2>/dev/null; then
        echo "making $venv with PyYAML and Jinja2..." >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet PyYAML Jinja2
    fi
    peer_cmd="$venv/bin/python $project/bench/peer/peer.py"
    "$venv/bin/python" -c 'import yaml, sys; sys.exit(0 if hasattr(yaml, "CSafeLoader") else 1)' ||
        echo "bench: PyYAML in $venv has no libyaml; the peer uses the pure-Python loader" >&2
fi

work=${BENCH_DIR:-$(mktemp -d /tmp/rolecall-bench.XXXXXX)}
mkdir -p "$work"
if [ "${KEEP:-0}" != 1 ] && [ -z "${BENCH_DIR:-}" ]; then
    trap 'rm -rf "$work"' EXIT
fi
results=$work/results.tsv
: >"$results"

# time_case NAME N HYPERFINE-ARGS... : runs hyperfine, appends
# "N name mean_s stddev_s cpu_s" to the results.
time_case() {
    local name=$1 n=$2
    shift 2
    local csv=$work/$n-$name.csv
    hyperfine --style basic --export-csv "$csv" "$@" >&2
    # CSV: command,mean,stddev,median,user,system,min,max
    awk -F, -v n="$n" -v name="$name" 'NR == 2 { printf "%s\t%s\t%.4f\t%.4f\t%.4f\n", n, name, $2, $3, $5 + $6 }' \
        "$csv" >>"$results"
}

# peak_kb COMMAND... : maximum resident set of one run, in KB.
peak_kb() {
    /usr/bin/time -f %M -o "$work/peak" "$@" >/dev/null 2>&1 || true
    cat "$work/peak"
}

# generate N : the records-only snapshot of N records, made once.
generate() {
    local records=$work/records-$1
    if [ ! -d "$records/.git" ]; then
        echo "generating $1 records in $records..." >&2
        # shellcheck disable=SC2086 # SYNTH_ARGS is a list of words
        "$synth" "$records" "$1" $synth_args >&2
    fi
}

# peaks N : appends "N peak check_kb fresh_kb same_kb" for a copy of the
# records-only snapshot of N records: check, then a fresh render (after the
# settle), then a render with nothing changed once a first one warmed the
# render cache.
peaks() {
    local n=$1 repo=$work/mem-$1
    generate "$n"
    rm -rf "$repo" && cp -a "$work/records-$n" "$repo"
    local check_kb fresh_kb same_kb
    check_kb=$(peak_kb "$bin" -C "$repo" check)
    sleep "$settle"
    fresh_kb=$(peak_kb "$bin" -C "$repo" render)
    "$bin" -C "$repo" render >/dev/null
    same_kb=$(peak_kb "$bin" -C "$repo" render)
    printf '%s\tpeak\t%s\t%s\t%s\n' "$n" "$check_kb" "$fresh_kb" "$same_kb" >>"$results"
    rm -rf "$repo"
}

for n in "${sizes[@]}"; do
    # Every writing case starts from a copy of a snapshot, object store
    # included: a reset would keep the objects an earlier run wrote, and the
    # next run would find its blobs already stored.
    records=$work/records-$n
    rendered=$work/rendered-$n
    repo=$work/repo-$n
    clone=$work/clone-$n
    generate "$n"
    from_records="rm -rf $repo && cp -a $records $repo"
    from_rendered="rm -rf $repo && cp -a $rendered $repo"
    eval "$from_records"

    time_case floor-value "$n" --warmup "$warmup" --runs "$runs" "$floor $repo value"
    time_case floor-events "$n" --warmup "$warmup" --runs "$runs" "$floor $repo events"
    time_case floor-tree "$n" --warmup "$warmup" --runs "$runs" "$floor $repo tree"
    time_case check "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo check"
    time_case stats "$n" --warmup "$warmup" --runs "$runs" \
        "$bin -C $repo stats --now 2026-12-01T00:00:00Z --format json"

    time_case render-fresh "$n" --runs "$fresh_runs" --prepare "$from_records && sleep $settle" \
        "$bin -C $repo render"
    rm -rf "$rendered" && cp -a "$repo" "$rendered"

    retemplate="$from_rendered && $bin -C $repo templates export templates >/dev/null"
    retemplate="$retemplate && for t in $repo/templates/*.md.tera; do printf '\\nTemplate changed.\\n' >>\$t; done"
    time_case render-retemplate "$n" --runs "$fresh_runs" --prepare "$retemplate && sleep $settle" \
        "$bin -C $repo render"

    time_case floor-reset "$n" --runs "$fresh_runs" \
        --prepare "rm -rf $clone && git clone -q --no-checkout $rendered $clone && sleep $settle" \
        "git -C $clone reset -q --hard"
    rm -rf "$clone"

    eval "$from_rendered"
    undocument="find $repo/incidents -name '*.md' -delete && sleep $settle"
    time_case floor-write "$n" --runs "$fresh_runs" --prepare "$undocument" \
        "git -C $repo checkout -- incidents"
    # The cache is warmed by the first run after the documents were written.
    "$bin" -C "$repo" render >/dev/null
    time_case render-same "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo render"
    time_case render-check "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo render --check"
    time_case check-docs "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo check"
    time_case floor-stat "$n" --warmup "$warmup" --runs "$runs" \
        "find $repo/incidents -name '*.md' -printf '%s %T@\\n'"
    if [ -n "$(git -C "$repo" status --porcelain)" ]; then
        echo "bench: render left the work tree changed in $repo" >&2
    fi

    # One change: the first record's title. The copy gets a current git
    # index (stat data) and a warm render cache before the edit, as the
    # repository it stands for would have.
    # (sed reads to the end: `head -n 1` would close the pipe early, and
    # pipefail would stop the script on sort's SIGPIPE.)
    first=$(cd "$rendered" && find incidents -name '*.yaml' | sort | sed -n 1p)
    one_change="$from_rendered && sleep $settle && git -C $repo update-index -q --refresh"
    one_change="$one_change && $bin -C $repo render >/dev/null"
    one_change="$one_change && sed -i 's/^title: /title: Edited /' $repo/$first"
    eval "$one_change"
    current=$("$bin" -C "$repo" -v render 2>&1 | sed -n 's/.*render cache: \([0-9]*\) incidents current.*/\1/p')
    echo "render-one-change: the render cache found ${current:-no} incidents current of $n" >&2
    printf '%s\tcurrent\t%s\n' "$n" "${current:-0}" >>"$results"
    time_case render-one-change "$n" --runs "$runs" --prepare "$one_change" "$bin -C $repo render"

    if [ "$peer" = 1 ]; then
        time_case peer-render "$n" --runs "$fresh_runs" --prepare "$from_records && sleep $settle" \
            "$peer_cmd $repo"
        # No warm-up: the peer's render just read and wrote every file. A
        # document --check finds changed fails the run (exit 1), so
        # peer-check passing shows that peer-same found everything current.
        time_case peer-same "$n" --runs "$runs" "$peer_cmd $repo"
        time_case peer-check "$n" --runs "$runs" "$peer_cmd $repo --check"
        if [ -n "$(git -C "$repo" status --porcelain)" ]; then
            echo "bench: the peer left the work tree changed in $repo" >&2
        fi
    fi
    rm -rf "$repo"

    peaks "$n"
    quarter=$((n / 4))
    peaks "$quarter"
    printf '%s\tquarter\t%s\n' "$n" "$quarter" >>"$results"
done

# The summary: one row per case, one column group per N; the last columns
# compare the time per record at the largest N with the smallest. Then the
# floors' ratios, the memory, and every target with PASS or MISS.
awk -F'\t' -v sizes="${sizes[*]}" '
    BEGIN { count = split(sizes, ns, " ") }
    $2 == "peak" { check_mb[$1] = $3 / 1024; fresh_mb[$1] = $4 / 1024; same_mb[$1] = $5 / 1024; next }
    $2 == "current" { current[$1] = $3; next }
    $2 == "quarter" { quarter[$1] = $3; next }
    { mean[$1, $2] = $3; sd[$1, $2] = $4; cpu[$1, $2] = $5
      if (!seen[$2]++) order[++cases] = $2 }
    function has(n, k) { return (n, k) in mean }
    # target(LABEL, WALL, CPU, LIMIT, SENSE): one line, PASS when WALL is at
    # most LIMIT (SENSE "<=") or at least LIMIT (SENSE ">=").
    function target(label, wall, cpu_ratio, limit, sense,    ok) {
        ok = sense == "<=" ? wall <= limit : wall >= limit
        printf "target %-58s %7.2f× wall (%.2f× CPU), want %s %.2f×  %s\n", label, wall, cpu_ratio, sense, limit, ok ? "PASS" : "MISS"
    }
    END {
        small = ns[1]; large = ns[count]
        printf "| case |"
        for (i = 1; i <= count; i++) printf " N=%s wall s | CPU s | wall ms/rec | CPU ms/rec |", ns[i]
        if (count > 1) printf " per-rec %s/%s wall | CPU |", large, small
        printf "\n|---|"
        for (i = 1; i <= count; i++) printf "---:|---:|---:|---:|"
        if (count > 1) printf "---:|---:|"
        printf "\n"
        for (c = 1; c <= cases; c++) {
            k = order[c]; printf "| %s |", k
            for (i = 1; i <= count; i++) {
                n = ns[i]
                printf " %.3f ± %.3f | %.3f | %.3f | %.3f |", mean[n, k], sd[n, k], cpu[n, k], \
                    1000 * mean[n, k] / n, 1000 * cpu[n, k] / n
            }
            if (count > 1)
                printf " %.2f× | %.2f× |", (mean[large, k] / large) / (mean[small, k] / small), \
                    (cpu[large, k] / large) / (cpu[small, k] / small)
            printf "\n"
        }
        print ""
        for (i = 1; i <= count; i++) {
            n = ns[i]; q = quarter[n]
            printf "N=%s: check/floor-value %.2f× wall, %.2f× CPU; check/floor-events %.2f× wall, %.2f× CPU; check/floor-tree %.2f× wall, %.2f× CPU\n", \
                n, mean[n, "check"] / mean[n, "floor-value"], cpu[n, "check"] / cpu[n, "floor-value"], \
                mean[n, "check"] / mean[n, "floor-events"], cpu[n, "check"] / cpu[n, "floor-events"], \
                mean[n, "check"] / mean[n, "floor-tree"], cpu[n, "check"] / cpu[n, "floor-tree"]
            printf "N=%s: peak memory: check %.0f MB, render-fresh %.0f MB, render-same %.0f MB; at N/4 = %s: %.0f, %.0f, %.0f MB\n", \
                n, check_mb[n], fresh_mb[n], same_mb[n], q, check_mb[q], fresh_mb[q], same_mb[q]
            printf "N=%s: render-one-change found %s of %s incidents current in the render cache\n", n, current[n], n
        }
        print ""
        for (i = 1; i <= count; i++) {
            n = ns[i]; q = quarter[n]
            if (has(n, "peer-same")) {
                target("N=" n ": peer-same / render-same", mean[n, "peer-same"] / mean[n, "render-same"], \
                    cpu[n, "peer-same"] / cpu[n, "render-same"], 10, ">=")
                target("N=" n ": peer-same / render-check", mean[n, "peer-same"] / mean[n, "render-check"], \
                    cpu[n, "peer-same"] / cpu[n, "render-check"], 10, ">=")
            }
            floor_wall = mean[n, "check-docs"] + mean[n, "floor-stat"]
            floor_cpu = cpu[n, "check-docs"] + cpu[n, "floor-stat"]
            target("N=" n ": render-same / (check-docs + floor-stat)", mean[n, "render-same"] / floor_wall, \
                cpu[n, "render-same"] / floor_cpu, 1.5, "<=")
            target("N=" n ": render-check / (check-docs + floor-stat)", mean[n, "render-check"] / floor_wall, \
                cpu[n, "render-check"] / floor_cpu, 1.5, "<=")
            target("N=" n ": render-one-change / check-docs", mean[n, "render-one-change"] / mean[n, "check-docs"], \
                cpu[n, "render-one-change"] / cpu[n, "check-docs"], 1.5, "<=")
            target("N=" n ": speed of render-fresh / speed of floor-reset", mean[n, "floor-reset"] / mean[n, "render-fresh"], \
                cpu[n, "floor-reset"] / cpu[n, "render-fresh"], 0.8, ">=")
            target("N=" n ": stats / check", mean[n, "stats"] / mean[n, "check"], cpu[n, "stats"] / cpu[n, "check"], 1.2, "<=")
            printf "target %-58s %7.2f× (check %.2f×, render-same %.2f×), want <= 1.33×  %s\n", \
                "N=" n ": peak RSS render-fresh N / N/4 (" q ")", fresh_mb[n] / fresh_mb[q], \
                check_mb[n] / check_mb[q], same_mb[n] / same_mb[q], fresh_mb[n] <= 1.33 * fresh_mb[q] ? "PASS" : "MISS"
            if (n >= 100000)
                printf "target %-58s %7.0f MB, want < 300 MB  %s\n", "N=" n ": peak RSS render-fresh", \
                    fresh_mb[n], fresh_mb[n] < 300 ? "PASS" : "MISS"
        }
        if (count > 1)
            target("render-same per record, N=" large " / N=" small, \
                (mean[large, "render-same"] / large) / (mean[small, "render-same"] / small), \
                (cpu[large, "render-same"] / large) / (cpu[small, "render-same"] / small), 1.2, "<=")
    }' "$results"
if [ -n "${BENCH_DIR:-}" ] || [ "${KEEP:-0}" = 1 ]; then
    echo "raw results: $results (hyperfine CSVs and the repositories beside it)" >&2
fi
