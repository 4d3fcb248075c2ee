#!/usr/bin/env bash
# The cost of DKIM signing on the whole send path: the same roster sent three times into Postfix's
# smtp-sink, unsigned (the baseline), signed with RSA-2048 and signed with Ed25519, each run on a fresh
# copy of the same database. Prints messages per second, CPU seconds of `gazette send` (user + system)
# and the extra CPU per message that signing costs against the unsigned run of the same invocation.
#
#   Benchmarks/dkim.sh [SUBSCRIBERS] [CONCURRENCY]      (defaults: 5000 4)
#
# GAZETTE_BIN=path/to/gazette uses that binary instead of building .build/release/gazette.
# Needs: scripts/install-deps --bench (called below: postfix for smtp-sink, GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-5000}
concurrency=${2:-4}

source Benchmarks/common.sh
prepare_gazette
start_scratch
export_benchmark_environment "$work/seed.sqlite"
export GAZETTE_FROM="Backend Jobs Weekly <digest@example.com>"
import_feeds_and_roster "$subscribers"
"$gazette" dkim keygen --domain example.com --selector rsa --type rsa --out "$work/rsa.pem" >/dev/null
"$gazette" dkim keygen --domain example.com --selector ed --type ed25519 --out "$work/ed25519.pem" >/dev/null

port=12540
run() {  # $1 = label; DKIM variables come from the environment of the call
    port=$((port + 1))
    if (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "port $port is already in use" >&2; exit 1; fi
    smtp-sink -u nobody -c 127.0.0.1:"$port" 512 > /dev/null 2>&1 &
    children+=($!)
    disown
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
    cp "$work/seed.sqlite" "$work/$1.sqlite"
    local t0 t1
    t0=$(date +%s.%N)
    GAZETTE_DATABASE="$work/$1.sqlite" GAZETTE_SMTP_URL=smtp://127.0.0.1:"$port" GAZETTE_SMTP_TLS=none \
        /usr/bin/time -f "%U %S %M" -o "$work/$1.time" \
        "$gazette" send --week 2026-W48 --at 2026-11-23T09:30:00Z --now --concurrency "$concurrency" > "$work/$1.summary"
    t1=$(date +%s.%N)
    local sent
    sent=$(sed -n 's/.*: sent \([0-9]*\),.*/\1/p' "$work/$1.summary" | tail -1)
    echo "$1 $sent $t0 $t1 $(cat "$work/$1.time")" >> "$work/results"
}

run unsigned
GAZETTE_DKIM_DOMAIN=example.com GAZETTE_DKIM_SELECTOR=rsa GAZETTE_DKIM_KEY_FILE="$work/rsa.pem" run rsa
GAZETTE_DKIM_DOMAIN=example.com GAZETTE_DKIM_SELECTOR=ed GAZETTE_DKIM_KEY_FILE="$work/ed25519.pem" run ed25519

python3 - "$work/results" "$concurrency" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
base = None
print(f"concurrency {sys.argv[2]}")
for label, sent, t0, t1, user, system, rss in rows:
    n, wall, cpu = int(sent), float(t1) - float(t0), float(user) + float(system)
    per = cpu / n * 1e6
    if base is None:
        base = per
    extra = "" if label == "unsigned" else f", signing +{per - base:.0f} µs CPU/message"
    print(f"{label:9} {n} messages: {n / wall:7.0f} msg/s, {cpu:.2f} s CPU ({per:.0f} µs/message), "
          f"peak RSS {int(rss) // 1024} MB{extra}")
PY
