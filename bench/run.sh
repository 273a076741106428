#!/usr/bin/env bash
# Benchmarks rolecall's whole commands on synthetic repositories.
#
#   bench/run.sh [N...]          (default: 1000 10000)
#
# For each N: builds the `profiling` profile (release settings with symbols
# and line tables, so a profiler can attach), writes N records with `examples/synth.rs` into
# a temporary folder, and times with hyperfine (mean wall time, and the CPU
# time user+system, which a busy machine inflates less):
#   floor-value   read every record and parse it with serde-saphyr into a
#                 serde_json::Value (examples/parse_floor.rs), nothing else
#   floor-events  the same with serde-saphyr's parser alone: every event
#                 pulled and dropped, the least the library can do
#   floor-tree    the same into rolecall's spanned tree (rolecall::yaml::parse,
#                 the line reader for block-style records)
#   check         `rolecall check` on the records-only repository
#   stats         `rolecall stats --format json` on the same repository
#                 (SPEC §10.2; the budget is 1.2× check)
#   check-docs    `rolecall check` once the documents are rendered and committed
#   render-fresh  `rolecall render` from the records-only commit: every
#                 document written and committed (each run starts from a
#                 copy of the generated repository, object store included)
#   render-retemplate  `rolecall render` after a line was added to every
#                 built-in Markdown template (exported into templates/):
#                 every document but the postmortems rewritten and committed
#   floor-write   `git checkout -- incidents` after deleting every rendered
#                 document: git itself writing the same files, the floor of
#                 a fresh render's writing
#   render-same   `rolecall render` with nothing changed
#   render-check  `rolecall render --check` with nothing changed
# and the peak memory (maximum resident set, /usr/bin/time) of check,
# render-fresh and render-same. Prints a table with the time per record,
# the ratios check/floor and per-record(largest N)/per-record(smallest N).
#
# Environment: RUNS (default 3), WARMUP (1), FRESH_RUNS (default 2; the
# cases that write every document run without warm-up), SETTLE (seconds to
# wait after deleting documents before a writing case, default 35: ext4
# skips inodes freed in the last ~30 s when it allocates new ones, which
# makes creating files right after deleting many of them several times
# slower), SYNTH_ARGS (e.g. `--compact` for records of about 2.3 KB),
# BENCH_DIR (default a new folder under /tmp, removed at the end unless
# KEEP=1), CARGO_TARGET_DIR as cargo reads it.
# Needs git, hyperfine and GNU time (Debian: `apt-get install hyperfine time`).
set -euo pipefail

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-3}
warmup=${WARMUP:-1}
fresh_runs=${FRESH_RUNS:-2}
settle=${SETTLE:-35}
synth_args=${SYNTH_ARGS:-}
project=$(cd "$(dirname "$0")/.." && pwd)

for tool in git hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done

echo "building binaries (profile profiling)..." >&2
(cd "$project" && cargo build --profile profiling --quiet --bin rolecall --example synth --example parse_floor)
target=${CARGO_TARGET_DIR:-$project/target}
bin=$target/profiling/rolecall
synth=$target/profiling/examples/synth
floor=$target/profiling/examples/parse_floor

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

for n in "${sizes[@]}"; do
    # Every writing case starts from a copy of a snapshot, object store
    # included: a reset would keep the objects an earlier run wrote, and the
    # next run would find its blobs already stored.
    records=$work/records-$n
    rendered=$work/rendered-$n
    repo=$work/repo-$n
    if [ ! -d "$records/.git" ]; then
        echo "generating $n records in $records..." >&2
        # shellcheck disable=SC2086 # SYNTH_ARGS is a list of words
        "$synth" "$records" "$n" $synth_args
    fi
    from_records="rm -rf $repo && cp -a $records $repo"
    from_rendered="rm -rf $repo && cp -a $rendered $repo"
    eval "$from_records"

    time_case floor-value "$n" --warmup "$warmup" --runs "$runs" "$floor $repo value"
    time_case floor-events "$n" --warmup "$warmup" --runs "$runs" "$floor $repo events"
    time_case floor-tree "$n" --warmup "$warmup" --runs "$runs" "$floor $repo tree"
    time_case check "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo check"
    check_kb=$(peak_kb "$bin" -C "$repo" check)
    time_case stats "$n" --warmup "$warmup" --runs "$runs" \
        "$bin -C $repo stats --now 2026-12-01T00:00:00Z --format json"

    time_case render-fresh "$n" --runs "$fresh_runs" --prepare "$from_records && sleep $settle" \
        "$bin -C $repo render"
    eval "$from_records" && sleep "$settle"
    fresh_kb=$(peak_kb "$bin" -C "$repo" render)
    rm -rf "$rendered" && cp -a "$repo" "$rendered"

    retemplate="$from_rendered && $bin -C $repo templates export templates >/dev/null"
    retemplate="$retemplate && for t in $repo/templates/*.md.tera; do printf '\\nTemplate changed.\\n' >>\$t; done"
    time_case render-retemplate "$n" --runs "$fresh_runs" --prepare "$retemplate && sleep $settle" \
        "$bin -C $repo render"
    eval "$from_rendered"

    undocument="find $repo/incidents -name '*.md' -delete && sleep $settle"
    time_case floor-write "$n" --runs "$fresh_runs" --prepare "$undocument" \
        "git -C $repo checkout -- incidents"
    # The cache is warmed by the first run after the documents were written.
    "$bin" -C "$repo" render >/dev/null
    time_case render-same "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo render"
    same_kb=$(peak_kb "$bin" -C "$repo" render)
    time_case render-check "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo render --check"
    time_case check-docs "$n" --warmup "$warmup" --runs "$runs" "$bin -C $repo check"
    printf '%s\tpeak\t%s\t%s\t%s\n' "$n" "$check_kb" "$fresh_kb" "$same_kb" >>"$results"
    if [ -n "$(git -C "$repo" status --porcelain)" ]; then
        echo "bench: render left the work tree changed in $repo" >&2
    fi
done

# The summary: one row per case, one column group per N; the last columns
# compare the time per record at the largest N with the smallest.
awk -F'\t' -v sizes="${sizes[*]}" '
    BEGIN { count = split(sizes, ns, " ") }
    $2 == "peak" { check_mb[$1] = $3 / 1024; fresh_mb[$1] = $4 / 1024; same_mb[$1] = $5 / 1024; next }
    { mean[$1, $2] = $3; sd[$1, $2] = $4; cpu[$1, $2] = $5
      if (!seen[$2]++) order[++cases] = $2 }
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
            n = ns[i]
            printf "N=%s: check/floor-value %.2f× wall, %.2f× CPU; check/floor-events %.2f× wall, %.2f× CPU; check/floor-tree %.2f× wall, %.2f× CPU\n", \
                n, mean[n, "check"] / mean[n, "floor-value"], cpu[n, "check"] / cpu[n, "floor-value"], \
                mean[n, "check"] / mean[n, "floor-events"], cpu[n, "check"] / cpu[n, "floor-events"], \
                mean[n, "check"] / mean[n, "floor-tree"], cpu[n, "check"] / cpu[n, "floor-tree"]
            printf "N=%s: stats/check %.2f× wall, %.2f× CPU (budget 1.20×)\n", \
                n, mean[n, "stats"] / mean[n, "check"], cpu[n, "stats"] / cpu[n, "check"]
            printf "N=%s: peak memory: check %.0f MB, render-fresh %.0f MB, render-same %.0f MB\n", \
                n, check_mb[n], fresh_mb[n], same_mb[n]
        }
    }' "$results"
if [ -n "${BENCH_DIR:-}" ] || [ "${KEEP:-0}" = 1 ]; then
    echo "raw results: $results (hyperfine CSVs and the repositories beside it)" >&2
fi
