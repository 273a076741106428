#!/usr/bin/env bash
# Instruction counts (valgrind's callgrind) of `check`, a fresh `render`,
# a `render` with nothing changed and `render --check`, for each binary
# given, on one synthetic repository of N compact records:
#
#   bench/icount.sh N BINARY...
#
# Instructions, unlike seconds, hardly change with what else the machine is
# doing, so two builds (say, before and after a refactoring) can be
# compared on a busy two-core machine. Each binary works on its own copy of
# the repository. Needs valgrind; builds the synth example in release.
set -u
n=${1:?usage: bench/icount.sh N BINARY...}
shift
[ $# -gt 0 ] || { echo "bench/icount.sh: name at least one binary" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench/icount.sh: valgrind is needed" >&2; exit 2; }
project=$(cd "$(dirname "$0")/.." && pwd)
(cd "$project" && cargo build --release --quiet --example synth) || exit 2
synth=${CARGO_TARGET_DIR:-$project/target}/release/examples/synth
dir=$(mktemp -d /tmp/rolecall-icount.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$synth" "$dir/repo" "$n" --compact >/dev/null || exit 2

count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-24s %14s %14s %14s %14s\n' binary check render-fresh render-same render-check
i=0
for bin in "$@"; do
    i=$((i + 1))
    copy=$dir/copy-$i
    cp -a "$dir/repo" "$copy"
    (
        cd "$copy" || exit 2
        printf '%-24s %14s %14s %14s %14s\n' "$(basename "$bin")" \
            "$(count "$bin" check)" "$(count "$bin" render)" \
            "$(count "$bin" render)" "$(count "$bin" render --check)"
    )
done
