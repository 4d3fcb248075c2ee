#!/usr/bin/env bash
# Several `gazette send` processes on one PostgreSQL database (issue 15), against one sender on a SQLite
# file as the baseline. Four configurations, each on a fresh database with the same import (the sample
# feeds and a roster of SUBSCRIBERS, all due) and into a fresh Postfix smtp-sink on loopback:
#   SQLite, 1 sender | PostgreSQL, 1 sender | PostgreSQL, 2 senders | PostgreSQL, 4 senders
# The senders of one configuration are started together; each gets --concurrency CONCURRENCY.
# Prints, per configuration: wall time (start of the first sender to the end of the last), messages the
# sink received, the ledger's sent count, lost (due minus distinct recipients the sink saw), duplicates
# (sink messages minus ledger sent), each sender's exit status, messages/s and the ratio to SQLite;
# then one markdown table.
#
#   Benchmarks/pg-senders.sh [SUBSCRIBERS] [CONCURRENCY]      (defaults: 100000 4)
#
# GAZETTE_BIN=path/to/gazette uses that binary instead of building .build/release/gazette.
# The PostgreSQL server is a throwaway one on loopback started through scripts/with-postgres with
# GAZETTE_POSTGRES_DURABLE=1: the server's durable defaults (fsync, synchronous_commit on), not the tests'
# fsync=off. Needs: scripts/install-deps --bench (called below: Postfix, PostgreSQL). Run it as root
# (smtp-sink -u nobody, PostgreSQL as the postgres user), like the other benchmarks.
# Everything it starts (server, sinks, senders) is stopped on success, failure and Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-100000}
concurrency=${2:-4}
week=2026-W48
first_port=12545  # one sink port per configuration: 12545..12548

if ! [[ "$subscribers" =~ ^[1-9][0-9]*$ ]]; then
    echo "pg-senders: SUBSCRIBERS must be a whole number above 0, not '$subscribers'" >&2; exit 64
fi
if ! [[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || (( concurrency > 64 )); then
    echo "pg-senders: CONCURRENCY must be a whole number from 1 to 64, not '$concurrency'" >&2; exit 64
fi
if [[ -n "${GAZETTE_BIN:-}" && ! -x "$GAZETTE_BIN" ]]; then
    echo "pg-senders: GAZETTE_BIN=$GAZETTE_BIN is not an executable file" >&2; exit 64
fi

source Benchmarks/common.sh
prepare_gazette

# The first pass starts the server and runs this script again under it; with-postgres stops the server
# however the script ends (its EXIT trap), after this script's own trap has stopped sinks and senders.
if [[ "${PG_SENDERS_UNDER_SERVER:-}" != 1 ]]; then
    export GAZETTE_BIN="$gazette" GAZETTE_POSTGRES_DURABLE=1 PG_SENDERS_UNDER_SERVER=1
    exec scripts/with-postgres "$PWD/Benchmarks/pg-senders.sh" "$subscribers" "$concurrency"
fi
server_url=${GAZETTE_TEST_POSTGRES_URL:?scripts/with-postgres did not export GAZETTE_TEST_POSTGRES_URL}

start_scratch
# Ctrl-C or a TERM ends the run at once (the senders may catch SIGINT and finish gracefully, and bash
# would then carry on): exit, so that the EXIT trap of start_scratch kills the sinks and senders.
trap 'exit 130' INT TERM
chmod 755 "$work"  # smtp-sink writes its dump as `nobody`
psql_admin() { psql "$server_url" -v ON_ERROR_STOP=1 -qAtX -c "$1"; }

# Refuse to measure a server that does not make commits durable (a with-postgres without the opt-out).
fsync=$(psql_admin "SHOW fsync")
synchronous_commit=$(psql_admin "SHOW synchronous_commit")
if [[ "$fsync" != on || "$synchronous_commit" != on ]]; then
    echo "pg-senders: the PostgreSQL server has fsync=$fsync, synchronous_commit=$synchronous_commit; a store benchmark needs both on" >&2
    exit 1
fi
server_version=$(psql_admin "SHOW server_version")

now() { date +%s.%N; }

# $1 = database name; prints the server URL with that database instead of `postgres`.
database_url() {
    local base=${server_url%%\?*} query=${server_url#*\?}
    printf '%s/%s?%s\n' "${base%/*}" "$1" "$query"
}

# A fresh smtp-sink on port $1 counting messages (-c) and appending every transaction to $2/dump (-D),
# from which the distinct recipients are read. Sets $sink_pid.
start_sink() {
    if (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null; then echo "port $1 is already in use" >&2; exit 1; fi
    mkdir -p "$2"
    chmod 777 "$2"
    smtp-sink -u nobody -c -D "$2/dump" 127.0.0.1:"$1" 1024 > "$2/log" 2>&1 &
    sink_pid=$!
    children+=("$sink_pid")
    disown  # stopped below or by the EXIT trap; no "Terminated" notice from the shell
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.05; done
    echo "smtp-sink did not start on port $1" >&2; exit 1
}

# Stops the sink $1 and waits until it is gone, so that its count and dump are complete.
stop_sink() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
    kill -9 "$1" 2>/dev/null || true
}

# One configuration: $1 label, $2 database (a SQLite path or a postgres:// URL), $3 senders, $4 sink port.
# Appends a tab-separated result line to $work/results.
run_configuration() {
    local label=$1 database=$2 senders=$3 port=$4
    local dir="$work/run-$port" i rc pid
    mkdir -p "$dir"
    echo "== $label: importing $subscribers subscribers" >&2
    export_benchmark_environment "$database"
    "$gazette" migrate >/dev/null
    import_feeds_and_roster "$subscribers"
    local due
    due=$("$gazette" status --week "$week" | sed -n 's/^active subscribers: \([0-9]*\).*/\1/p')

    local children_before=("${children[@]}")
    start_sink "$port" "$dir/sink"
    local pids=() statuses=()
    local t0 t1
    t0=$(now)
    for i in $(seq "$senders"); do
        GAZETTE_SMTP_URL=smtp://127.0.0.1:"$port" GAZETTE_SMTP_TLS=none \
            "$gazette" send --week "$week" --at 2026-11-23T09:30:00Z --now --concurrency "$concurrency" \
            > "$dir/sender-$i.out" 2> "$dir/sender-$i.err" &
        pids+=("$!")
        children+=("$!")
    done
    for pid in "${pids[@]}"; do
        if wait "$pid"; then rc=0; else rc=$?; fi
        statuses+=("$rc")
    done
    t1=$(now)
    stop_sink "$sink_pid"

    # What each sender says: its summary line (how many it sent) or, if it printed none, its last error line.
    local shares=() summary
    for i in $(seq "$senders"); do
        summary=$(tail -n 1 "$dir/sender-$i.out")
        echo "   sender $i: exit ${statuses[i - 1]}: ${summary:-$(tail -n 1 "$dir/sender-$i.err")}" >&2
        shares+=("$(sed -n 's/.*: sent \([0-9]*\),.*/\1/p' "$dir/sender-$i.out" | tail -n 1)")
        shares[i - 1]=${shares[i - 1]:-0}
    done
    local received distinct sent
    received=$(tr '\r' '\n' < "$dir/sink/log" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -n 1)
    received=${received:-0}
    distinct=0
    if [[ -f "$dir/sink/dump" ]]; then
        distinct=$(grep -a '^X-Rcpt-Args: ' "$dir/sink/dump" | sort -u | wc -l)
    fi
    sent=$("$gazette" status --week "$week" | sed -n 's/.*, sent \([0-9]*\),.*/\1/p')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$senders" "$t0" "$t1" "$due" "$received" "$distinct" \
        "$sent" "${statuses[*]}" "${shares[*]}" >> "$work/results"
    rm -rf "$dir/sink/dump"  # 20 KB a message: 2 GB for 100,000
    children=("${children_before[@]}")  # the sink and the senders are gone: the EXIT trap must not kill reused pids
}

: > "$work/results"
mkdir -p "$work/sqlite"
run_configuration "SQLite, 1 sender" "$work/sqlite/gazette.sqlite" 1 "$first_port"
port=$first_port
for senders in 1 2 4; do
    port=$((port + 1))
    name="bench_senders_$senders"
    psql_admin "CREATE DATABASE $name"
    label="PostgreSQL, $senders sender"
    if [[ $senders -gt 1 ]]; then label+="s"; fi
    run_configuration "$label" "$(database_url "$name")" "$senders" "$port"
done

echo >&2
echo "Benchmarks/pg-senders.sh $subscribers $concurrency — $(date -u +%Y-%m-%dT%H:%MZ), $gazette"
echo "PostgreSQL $server_version on loopback (fsync=$fsync, synchronous_commit=$synchronous_commit);" \
     "each sender: --concurrency $concurrency SMTP connections, a pool of at most 8 PostgreSQL connections"
echo
python3 - "$work/results" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("| configuration | senders' exit status | sent by each | wall s | sink messages | ledger sent | lost | duplicates | msg/s | × SQLite |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
baseline = None
for label, senders, t0, t1, due, received, distinct, sent, statuses, shares in rows:
    wall = float(t1) - float(t0)
    received, distinct, sent, due = int(received), int(distinct), int(sent or 0), int(due or 0)
    rate = received / wall if wall > 0 else 0.0
    if baseline is None:
        baseline = rate
    ratio = f"{rate / baseline:.2f}" if baseline else "—"
    print(f"| {label} | {statuses} | {' + '.join(shares.split())} | {wall:.2f} | {received:,} | {sent:,} | {due - distinct:,} | {received - sent:,} | {rate:,.0f} | {ratio} |")
PY
