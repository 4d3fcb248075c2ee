#!/usr/bin/env bash
# Builds the libFuzzer harnesses and fuzzes each for SECONDS (default 60) on a copy of its corpus.
#
#   Fuzz/run.sh            # the CI smoke run: 60 s per harness
#   Fuzz/run.sh 3600       # an hour per harness
#   Fuzz/run.sh 600 FuzzComposer   # one harness only
#
# Installs nothing. Exits non-zero if a build fails or any harness crashes, times out or runs out of
# memory; the input that did it is left in Fuzz/out/<harness>/ (crash-*, timeout-*, oom-*).
# Environment: FUZZ_OUT, the work directory (default Fuzz/out); FUZZ_SEED, libFuzzer's seed (default 1,
# so a CI smoke run is repeatable; 0 picks a random one).
set -euo pipefail

seconds="${1:-60}"
shift || true
case "$seconds" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 64 ;;
esac
all=(FuzzImporters FuzzComposer FuzzLinkVerifier FuzzBounceParser)
if [ "$#" -gt 0 ]; then harnesses=("$@"); else harnesses=("${all[@]}"); fi
for h in "${harnesses[@]}"; do
    case " ${all[*]} " in *" $h "*) ;; *) echo "unknown harness $h (one of: ${all[*]})" >&2; exit 64 ;; esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${FUZZ_OUT:-$here/out}"

echo "== building the harnesses (Fuzz/.build, debug, -sanitize=fuzzer)"
start=$(date +%s)
swift build --package-path "$here" -c debug
bin="$(swift build --package-path "$here" -c debug --show-bin-path)"
echo "   built in $(( $(date +%s) - start )) s"

# Swift's backtracer would catch the fatal signals before libFuzzer does (libFuzzer then writes no
# crash file); the libFuzzer report has a stack trace of its own.
export SWIFT_BACKTRACE=enable=no

failed=()
summary=()
for h in "${harnesses[@]}"; do
    work="$out/$h"
    rm -rf "$work"
    mkdir -p "$work/corpus"
    # A copy: libFuzzer adds what it finds to its corpus directory, and the committed corpus stays as it is.
    cp -R "$here/Corpus/$h/." "$work/corpus/"
    echo
    echo "== $h: ${seconds} s on $(ls "$work/corpus" | wc -l) seed inputs"
    status=0
    # TMPDIR: the importer harness keeps its scratch file there.
    TMPDIR="$work" "$bin/$h" "$work/corpus" \
        -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=65536 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/" >"$work/log" 2>&1 || status=$?
    # What libFuzzer reports at the end: the last status line (executions, coverage, corpus) and the totals.
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$work/log" | tail -2 | sed 's/^/   /' || true
    grep -E '^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
        "$work/log" | sed 's/^/   /' || true
    runs="$(grep -Eo '^stat::number_of_executed_units: [0-9]+' "$work/log" | grep -Eo '[0-9]+$' || true)"
    cov="$(grep -E '^#[0-9]+' "$work/log" | tail -1 | grep -Eo 'cov: [0-9]+' | grep -Eo '[0-9]+' || true)"
    if [ "$status" -ne 0 ]; then
        failed+=("$h")
        summary+=("$h: FAILED (exit $status) after ${runs:-?} executions")
        echo "   FAILED with exit status $status; the end of the report:"
        grep -E 'Fatal error|ERROR: libFuzzer|SUMMARY|Test unit written|^Base64' "$work/log" | sed 's/^/   | /' || true
        for artifact in "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-*; do
            [ -e "$artifact" ] || continue
            echo "   reproduce: SWIFT_BACKTRACE=enable=no $bin/$h $artifact"
        done
        echo "   full log: $work/log"
    else
        summary+=("$h: ok, ${runs:-?} executions, coverage ${cov:-?}")
    fi
done

echo
echo "== summary (${seconds} s per harness)"
printf '   %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
