#!/usr/bin/env bash
# How one send run grows with the list: for each size, a fresh database with the sample feeds and a
# roster of that many subscribers with varied preferences (all Etc/UTC, Monday 09:00, so all are due),
# then ONE full `gazette send` of 2026-W48 (select, build, render, compose, SMTP over libcurl, ledger)
# at concurrency 4 into Postfix's smtp-sink on loopback. Prints a markdown table: time to import the
# roster, wall seconds of the send, messages per second and the send's peak RSS.
#
#   Benchmarks/scale.sh [SIZES...]            (default: 1000 10000 100000)
#
# GAZETTE_BIN=path/to/gazette uses that binary instead of building .build/release/gazette;
# SCALE_PORT (default 12527) is the smtp-sink port. Needs scripts/install-deps --bench (called below).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
port=${SCALE_PORT:-12527}

source Benchmarks/common.sh
prepare_gazette
work=$(mktemp -d)
groups=()   # process groups started here (each via setsid): smtp-sink, and the send while it runs
cleanup() {
    for pgid in "${groups[@]}"; do kill -9 -- "-$pgid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export GAZETTE_TEMPLATES="$PWD/Templates" GAZETTE_SECRET=benchmark-secret-0123456789abcdefghij GAZETTE_BASE_URL=https://news.example.com \
       GAZETTE_LOG_LEVEL=error GAZETTE_OUTBOX="$work/outbox"

# Runs "$@" in a process group of its own (killed on exit) and waits for it.
run_group() {
    setsid "$@" &
    local pid=$!
    groups+=("$pid")
    wait "$pid"
}
start_sink() {
    if (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "port $port is already in use" >&2; exit 1; fi
    setsid smtp-sink -u nobody -c 127.0.0.1:"$port" 512 > "$work/sink.log" 2>&1 &
    sink=$!
    groups+=("$sink")
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null && return; sleep 0.05; done
    echo "smtp-sink did not start" >&2; exit 1
}
stop_sink() {
    kill -9 -- "-$sink" 2>/dev/null || true
    wait "$sink" 2>/dev/null || true
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null || return 0; sleep 0.05; done
}
now() { date +%s.%N; }

: > "$work/results"
for size in "${sizes[@]}"; do
    export GAZETTE_DATABASE="$work/gazette-$size.sqlite"
    import_sample_feeds
    write_roster "$size" > "$work/roster.csv"
    t0=$(now)
    run_group "$gazette" subscribers import "$work/roster.csv" >/dev/null
    t1=$(now)

    start_sink
    status=0
    GAZETTE_SMTP_URL=smtp://127.0.0.1:$port GAZETTE_SMTP_TLS=none \
        run_group /usr/bin/time -f "%e %M" -o "$work/time" \
        "$gazette" send --week 2026-W48 --at 2026-11-23T09:30:00Z --now --concurrency 4 > "$work/summary" || status=$?
    stop_sink
    summary=$(tail -1 "$work/summary")
    echo "$size subscribers: $summary (exit $status)" >&2
    [[ $status -eq 0 ]] || { echo "gazette send failed with status $status" >&2; exit 1; }
    sent=$(sed -n 's/.*: sent \([0-9]*\),.*/\1/p' <<< "$summary")
    echo "$size $t0 $t1 $sent $(cat "$work/time")" >> "$work/results"
    rm -f "$GAZETTE_DATABASE" "$GAZETTE_DATABASE"-wal "$GAZETTE_DATABASE"-shm
done

python3 - "$work/results" <<'PY'
import sys
print("| subscribers | roster import s | send wall s | msg/s | peak RSS MB |")
print("|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    size, t0, t1, sent, wall, rss = line.split()
    size, sent, wall = int(size), int(sent), float(wall)
    if sent != size:
        print(f"warning: {size} subscribers but {sent} sent", file=sys.stderr)
    print(f"| {size:,} | {float(t1) - float(t0):.2f} | {wall:.2f} | {sent / wall:,.0f} | {int(rss) / 1024:.0f} |")
PY
