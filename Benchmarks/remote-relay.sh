#!/usr/bin/env bash
# A relay that is not on this machine: the whole `gazette send` path and the bare libcurl loop
# (Benchmarks/libcurl_loop.c, the same message over as many reused connections) each send through
# Benchmarks/delay_proxy.py, which holds every reply of Postfix's smtp-sink back DELAY_MS milliseconds,
# as a network round trip does. Both in the same run, through the same kind of proxy, into fresh sinks.
# Prints messages per second for both and the ratio.
#
#   Benchmarks/remote-relay.sh [SUBSCRIBERS] [CONCURRENCY] [DELAY_MS]     (defaults: 5000 64 20)
#
# GAZETTE_BIN=path/to/gazette uses that binary instead of building .build/release/gazette.
# Needs: scripts/install-deps --bench (called below: postfix for smtp-sink) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-5000}
concurrency=${2:-64}
delay=${3:-20}

source Benchmarks/common.sh
prepare_gazette
start_scratch
export_benchmark_environment "$work/gazette.sqlite"
import_feeds_and_roster "$subscribers"

free_port() { ! (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null || { echo "port $1 is already in use" >&2; exit 1; }; }
wait_port() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.05; done; echo "nothing listens on $1" >&2; exit 1; }
# A fresh smtp-sink on $1 behind a fresh delaying proxy on $2.
start_remote_relay() {
    free_port "$1"; free_port "$2"
    smtp-sink -u nobody -c 127.0.0.1:"$1" 1024 > "$work/sink-$1.log" 2>&1 &
    children+=($!)
    disown  # killed by the EXIT trap; no "Killed" notice from the shell
    python3 Benchmarks/delay_proxy.py "$2" "$1" "$delay" > "$work/proxy-$2.log" 2>&1 &
    children+=($!)
    disown
    wait_port "$1"; wait_port "$2"
}
now() { date +%s.%N; }

start_remote_relay 12535 12536
t0=$(now)
GAZETTE_SMTP_URL=smtp://127.0.0.1:12536 GAZETTE_SMTP_TLS=none \
    "$gazette" send --week 2026-W48 --at 2026-11-23T09:30:00Z --now --concurrency "$concurrency" > "$work/summary"
t1=$(now)
sent=$(sed -n 's/.*: sent \([0-9]*\),.*/\1/p' "$work/summary" | tail -1)

cc -O2 Benchmarks/libcurl_loop.c -o "$work/libcurl_loop" -lcurl -lpthread
"$gazette" preview --subscriber reader1@example.com --week 2026-W48 --format eml > "$work/message.eml"
size=$(wc -c < "$work/message.eml")
start_remote_relay 12537 12538
t2=$(now)
"$work/libcurl_loop" smtp://127.0.0.1:12538 "$sent" "$concurrency" "$work/message.eml" > "$work/loop"
t3=$(now)
looped=$(cut -d' ' -f1 "$work/loop")

python3 - "$sent" "$t0" "$t1" "$looped" "$t2" "$t3" "$size" "$concurrency" "$delay" <<'PY'
import sys
n, t0, t1, looped, t2, t3, size, c, delay = (
    int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]),
    int(sys.argv[7]), int(sys.argv[8]), sys.argv[9])
g, l = n / (t1 - t0), looped / (t3 - t2)
print(f"messages: {n} of ~{size} bytes, concurrency {c}, every reply {delay} ms late")
print(f"gazette send (whole path): {g:8.0f} msg/s  ({t1 - t0:.2f} s)")
print(f"bare libcurl loop:         {l:8.0f} msg/s  ({t3 - t2:.2f} s, {looped} messages)")
print(f"ratio gazette/libcurl loop: {g / l:.2f}")
PY
