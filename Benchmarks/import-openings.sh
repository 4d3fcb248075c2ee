#!/usr/bin/env bash
# Importing a large openings feed: `gazette import openings` into a fresh database, then the same file
# again (every row an update), side by side with a Python baseline (stdlib csv + sqlite3, light checks,
# one upsert transaction into a table shaped like Gazette's, Benchmarks/baseline_import.py).
# Prints rows per second and seconds for each, and gazette's peak RSS.
#
#   Benchmarks/import-openings.sh [ROWS]          (default 100000)
#
# GAZETTE_BIN=path/to/gazette uses that binary instead of building .build/release/gazette.
# Needs: scripts/install-deps --bench (called below). Runs as root or a normal user.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}

source Benchmarks/common.sh
prepare_gazette
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GAZETTE_TEMPLATES="$PWD/Templates" GAZETTE_SECRET=benchmark-secret-0123456789abcdefghij GAZETTE_LOG_LEVEL=error

# ROWS valid openings in Gazette's CSV format: unique (source, id), varied companies, titles (some
# quoted, some non-ASCII), levels, stacks, locations, salaries and currencies, posted in 2026-W44..W48,
# a fifth of them closed later.
python3 - "$rows" > "$work/openings.csv" <<'PY'
import csv, random, sys
from datetime import datetime, timedelta, timezone
n = int(sys.argv[1])
rng = random.Random(20261123)
sources = [("greenhouse", "gh"), ("lever", "lv"), ("workable", "wk"), ("ashby", "ab")]
companies = ["Hopper", "Grid", "Rhombus Systems", "PlayVS", "Wholesail", "YLD", "neptune.ai", "INFINIT",
             "Workshop", "Swile"] + [f"Company {i:03d}" for i in range(190)] + ["Café Numérique", "Zürich Data"]
locations = ["New York, NY", "Remote (US)", "Toronto, Canada", "Bangalore, India", "London, UK", "Remote (EU)",
             "Lisbon, Portugal", "Warsaw, Poland", "Berlin, Germany", "Paris, France", "São Paulo, Brazil"]
stacks = {"Python": ["Python;Django", "Python;Flask", "Python"], "Java": ["Java;Spring Boot", "Java"],
          "Node.js": ["Node.js;TypeScript", "Node.js"], "Go": ["Go"], "Rust": ["Rust"], "Kotlin": ["Kotlin;Java"]}
titles = {"junior": ["Junior Backend Engineer ({l})", "Software Engineer I, Backend"],
          "mid": ["Backend Engineer ({l})", "Software Engineer II, Platform", "{l} Developer"],
          "senior": ["Senior Backend Engineer ({l})", "Senior Software Engineer, Payments", "Ingénieur Backend Senior ({l})"],
          "lead": ["Lead Backend Engineer ({l})", "Staff Platform Engineer", "Engineering Lead, Core Services"],
          "principal": ["Principal Engineer", "Principal Software Engineer ({l})"]}
bands = {"junior": (50_000, 90_000), "mid": (80_000, 140_000), "senior": (130_000, 200_000),
         "lead": (170_000, 250_000), "principal": (220_000, 320_000)}
levels, weights = list(bands), [2, 4, 5, 2, 1]
start = datetime(2026, 10, 26, tzinfo=timezone.utc)          # Monday of 2026-W44
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["source", "id", "company", "title", "level", "stack", "location", "remote", "salary_min",
            "salary_max", "currency", "url", "posted_at", "closed_at"])
for i in range(n):
    source, prefix = sources[i % len(sources)]
    oid = f"{prefix}-{100000 + i}"
    company = rng.choice(companies)
    level = rng.choices(levels, weights)[0]
    language = rng.choice(list(stacks))
    location = rng.choice(locations)
    remote = location.startswith("Remote") or rng.random() < 0.15
    lo, hi = bands[level]
    spread = rng.choice([20_000, 30_000, 40_000])
    smin = rng.randrange(lo, hi - spread + 1, 5_000)
    salary = ["", ""] if rng.random() < 0.05 else [smin, smin + spread]
    currency = rng.choices(["USD", "EUR", "GBP"], [8, 1, 1])[0]
    posted = start + timedelta(minutes=rng.randrange(0, 5 * 7 * 24 * 60))
    closed = iso(posted + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))) if rng.random() < 0.2 else ""
    slug = company.lower().replace(" ", "-").replace(".", "-")
    w.writerow([source, oid, company, rng.choice(titles[level]).format(l=language), level,
                rng.choice(stacks[language]), location, "true" if remote else "false", *salary, currency,
                f"https://jobs.example.com/{slug}/{oid}", iso(posted), closed])
PY
size=$(wc -c < "$work/openings.csv")

now() { date +%s.%N; }
# gazette: $1 = label; times one import of the file into $work/gazette.sqlite.
run_gazette() {
    local t0 t1
    t0=$(now)
    GAZETTE_DATABASE="$work/gazette.sqlite" /usr/bin/time -f "%M" -o "$work/rss" \
        "$gazette" import openings "$work/openings.csv" > "$work/gazette.out"
    t1=$(now)
    echo "$1 $t0 $t1 $(cat "$work/rss")" >> "$work/results"
}
run_python() {
    local t0 t1
    t0=$(now)
    /usr/bin/time -f "%M" -o "$work/rss" python3 Benchmarks/baseline_import.py "$work/python.sqlite" "$work/openings.csv" > /dev/null
    t1=$(now)
    echo "$1 $t0 $t1 $(cat "$work/rss")" >> "$work/results"
}
: > "$work/results"
run_gazette gazette-fresh
run_gazette gazette-again
run_python python-fresh
run_python python-again
stored=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from opening").fetchone()[0])' "$work/gazette.sqlite")
[[ "$stored" == "$rows" ]] || { echo "gazette stored $stored openings, expected $rows" >&2; exit 1; }

python3 - "$rows" "$size" "$work/results" <<'PY'
import sys
rows, size = int(sys.argv[1]), int(sys.argv[2])
results = {}
for line in open(sys.argv[3]):
    label, t0, t1, rss = line.split()
    results[label] = (float(t1) - float(t0), int(rss) / 1024)
names = {"gazette-fresh": "gazette import openings, fresh database",
         "gazette-again": "gazette import openings, same file again",
         "python-fresh": "python3 csv + sqlite3 upsert, fresh database",
         "python-again": "python3 csv + sqlite3 upsert, same file again"}
print(f"rows: {rows} ({size / 1e6:.1f} MB of CSV), one transaction each")
for label, name in names.items():
    seconds, rss = results[label]
    print(f"{name + ':':48} {rows / seconds:9.0f} rows/s  ({seconds:6.2f} s, peak RSS {rss:.0f} MB)")
g, p = results["gazette-fresh"][0], results["python-fresh"][0]
print(f"ratio gazette/python (fresh): {p / g:.2f}x the rate")
PY
