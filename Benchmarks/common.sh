# Shared by the benchmark scripts (sourced, from the repository root).

# Installs what the benchmarks need and sets $gazette: GAZETTE_BIN if given, else a fresh release build.
prepare_gazette() {
    scripts/install-deps --bench
    if [[ -n "${GAZETTE_BIN:-}" ]]; then
        gazette=$GAZETTE_BIN
    else
        swift build -c release --product gazette >/dev/null
        gazette="$PWD/.build/release/gazette"
    fi
}

# Imports the sample feeds into $GAZETTE_DATABASE.
import_sample_feeds() {
    "$gazette" import openings Samples/openings.csv >/dev/null
    "$gazette" import salaries Samples/salaries.csv >/dev/null
    "$gazette" import certifications Samples/certifications.csv >/dev/null
}

# Prints a roster of $1 subscribers with varied preferences (105 distinct sets), all due Monday 09:00 UTC.
write_roster() {
    python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
langs = ["", "Go", "Python", "Java;Spring Boot", "Node.js", "Python;Django", "Go;Python"]
levels = ["", "senior", "mid;senior", "lead;principal", "junior"]
print("email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status")
for i in range(n):
    print(f"reader{i}@example.com,Reader {i},Etc/UTC,mon,9,{langs[i % 7]},{levels[i % 5]},{'true' if i % 3 == 0 else ''},,,")
PY
}

# A scratch folder $work for one benchmark run, removed on exit together with every process whose pid
# the script adds to $children (sinks, proxies).
start_scratch() {
    work=$(mktemp -d)
    children=()
    trap 'for pid in "${children[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT
}

# The environment every send benchmark runs gazette with; $1 is the database file.
export_benchmark_environment() {
    export GAZETTE_DATABASE="$1" GAZETTE_TEMPLATES="$PWD/Templates" GAZETTE_SECRET=benchmark-secret-0123456789abcdefghij \
           GAZETTE_BASE_URL=https://news.example.com GAZETTE_LOG_LEVEL=error
}

# The sample feeds and a roster of $1 subscribers with varied preferences, into $GAZETTE_DATABASE.
import_feeds_and_roster() {
    import_sample_feeds
    write_roster "$1" > "$work/roster.csv"
    "$gazette" subscribers import "$work/roster.csv" >/dev/null
}
