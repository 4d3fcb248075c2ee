#!/usr/bin/env bash
# Whole send path (select, build, render, compose, SMTP, record) into Postfix's smtp-sink, measured
# side by side with Postfix's own load generator smtp-source sending a message of the same size at the
# same concurrency, and with a bare libcurl loop (Benchmarks/libcurl_loop.c: the same message over
# reused connections, nothing built or recorded), the ceiling of any libcurl-based sender.
# Prints messages per second for all three and the ratios, and the CPU time (user + system, GNU time)
# each sender spent per message: on a machine with few cores, where the sink competes for the same CPUs,
# that is the figure the rate follows.
#
#   Benchmarks/send-throughput.sh [SUBSCRIBERS] [CONCURRENCY]      (defaults: 5000 4)
#
# GAZETTE_BIN=path/to/gazette uses that binary instead of building .build/release/gazette.
# Needs: scripts/install-deps --bench (called below: postfix for smtp-sink/smtp-source). Runs as root or a normal user.
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-5000}
concurrency=${2:-4}

source Benchmarks/common.sh
prepare_gazette
start_scratch
export_benchmark_environment "$work/gazette.sqlite"
import_feeds_and_roster "$subscribers"

start_sink() {  # $1 = port
    if (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null; then echo "port $1 is already in use" >&2; exit 1; fi
    mkdir -p "$work/sink-$1"
    smtp-sink -u nobody -c 127.0.0.1:"$1" 512 > "$work/sink-$1/log" 2>&1 &
    children+=($!)
    disown
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.05; done
    echo "smtp-sink did not start" >&2; exit 1
}
now() { date +%s.%N; }

# Gazette: one full send run of the edition the samples were written for.
start_sink 12525
t0=$(now)
GAZETTE_SMTP_URL=smtp://127.0.0.1:12525 GAZETTE_SMTP_TLS=none /usr/bin/time -f "%U %S" -o "$work/cpu-gazette" \
    "$gazette" send --week 2026-W48 --at 2026-11-23T09:30:00Z --now --concurrency "$concurrency" > "$work/summary"
t1=$(now)
sent=$(sed -n 's/.*: sent \([0-9]*\),.*/\1/p' "$work/summary" | tail -1)

# Baseline: smtp-source with one of those messages (LF line ends: it adds CR itself), same count and concurrency.
"$gazette" preview --subscriber reader1@example.com --week 2026-W48 --format eml | tr -d '\r' > "$work/message.eml"
size=$(wc -c < "$work/message.eml")
start_sink 12526
t2=$(now)
smtp-source -s "$concurrency" -m "$sent" -d -F "$work/message.eml" -f digest@example.com -t reader@example.com 127.0.0.1:12526
t3=$(now)

# Second baseline: libcurl alone, the same message (CRLF, as Gazette sends it) into a fresh sink.
cc -O2 Benchmarks/libcurl_loop.c -o "$work/libcurl_loop" -lcurl -lpthread
"$gazette" preview --subscriber reader1@example.com --week 2026-W48 --format eml > "$work/message-crlf.eml"
start_sink 12528
t4=$(now)
/usr/bin/time -f "%U %S" -o "$work/cpu-loop" "$work/libcurl_loop" smtp://127.0.0.1:12528 "$sent" "$concurrency" "$work/message-crlf.eml" > "$work/loop"
t5=$(now)
looped=$(cut -d' ' -f1 "$work/loop")

python3 - "$sent" "$t0" "$t1" "$t2" "$t3" "$size" "$concurrency" "$t4" "$t5" "$looped" "$work/cpu-gazette" "$work/cpu-loop" <<'PY'
import sys
n, t0, t1, t2, t3, size, c, t4, t5, looped = (
    int(sys.argv[1]), *map(float, sys.argv[2:6]), int(sys.argv[6]), int(sys.argv[7]), *map(float, sys.argv[8:10]), int(sys.argv[10]))
def cpu(path):
    return sum(map(float, open(path).read().split()[-2:]))
g, s, l = n / (t1 - t0), n / (t3 - t2), looped / (t5 - t4)
print(f"messages: {n} of ~{size} bytes, concurrency {c}")
print(f"gazette send (whole path): {g:8.0f} msg/s  ({t1 - t0:.2f} s)")
print(f"smtp-source (baseline):    {s:8.0f} msg/s  ({t3 - t2:.2f} s)")
print(f"bare libcurl loop:         {l:8.0f} msg/s  ({t5 - t4:.2f} s, {looped} messages)")
print(f"ratio gazette/smtp-source: {g / s:.2f}")
print(f"ratio libcurl loop/smtp-source: {l / s:.2f}")
print(f"ratio gazette/libcurl loop: {g / l:.2f}")
cg, cl = cpu(sys.argv[11]), cpu(sys.argv[12])
print(f"CPU per message: gazette send {cg / n * 1e6:.0f} µs (whole run: start-up, enqueue, send), libcurl loop {cl / looped * 1e6:.0f} µs")
PY
