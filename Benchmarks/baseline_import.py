#!/usr/bin/env python3
"""Python baseline for `gazette import openings`: the stdlib csv module and sqlite3.

    python3 Benchmarks/baseline_import.py DATABASE FILE.csv

Reads an openings CSV (Gazette's format), checks each row lightly (required fields, level, whole
numbers, salary_min <= salary_max, ISO 8601 times, an http(s) URL, duplicate (source, id)), then
upserts every row by (source, id) into a table shaped like Gazette's `opening` table (same columns,
primary key and index; stack as a JSON array, times as SQLite DATETIME text) in ONE transaction, with
the same settings as Gazette's database (WAL, synchronous=NORMAL). Prints `ROWS SECONDS` on standard
output, timed with time.perf_counter from opening the file to the commit.
"""
import csv
import json
import sqlite3
import sys
import time
from datetime import datetime, timezone

SCHEMA = """
CREATE TABLE IF NOT EXISTS opening (
    source TEXT NOT NULL, id TEXT NOT NULL, company TEXT NOT NULL, title TEXT NOT NULL,
    level TEXT NOT NULL, stack TEXT NOT NULL, location TEXT NOT NULL, remote BOOLEAN NOT NULL,
    salaryMin INTEGER, salaryMax INTEGER, currency TEXT NOT NULL, url TEXT NOT NULL,
    postedAt DATETIME NOT NULL, closedAt DATETIME,
    PRIMARY KEY (source, id)
);
CREATE INDEX IF NOT EXISTS opening_postedAt ON opening(postedAt);
"""
UPSERT = """
INSERT INTO opening (source, id, company, title, level, stack, location, remote, salaryMin, salaryMax,
                     currency, url, postedAt, closedAt)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, id) DO UPDATE SET
    company = excluded.company, title = excluded.title, level = excluded.level, stack = excluded.stack,
    location = excluded.location, remote = excluded.remote, salaryMin = excluded.salaryMin,
    salaryMax = excluded.salaryMax, currency = excluded.currency, url = excluded.url,
    postedAt = excluded.postedAt, closedAt = excluded.closedAt
"""
LEVELS = {"junior", "mid", "senior", "lead", "principal"}


def timestamp(text):
    """ISO 8601 to UTC DATETIME text as GRDB stores it (`2026-11-17 10:30:00.000`)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000")


def rows(path, problems):
    seen = {}
    with open(path, encoding="utf-8", newline="") as f:
        for line, r in enumerate(csv.DictReader(f), 2):
            try:
                for field in ("source", "id", "company", "title", "url", "posted_at"):
                    if not r[field]:
                        raise ValueError(f"{field}: is required")
                if r["level"] not in LEVELS:
                    raise ValueError(f"level: unknown {r['level']!r}")
                smin = int(r["salary_min"]) if r["salary_min"] else None
                smax = int(r["salary_max"]) if r["salary_max"] else None
                if smin is not None and smax is not None and smin > smax:
                    raise ValueError("salary_max: below salary_min")
                if not r["url"].startswith(("https://", "http://")):
                    raise ValueError("url: not an absolute http(s) URL")
                posted = timestamp(r["posted_at"])
                closed = timestamp(r["closed_at"]) if r["closed_at"] else None
                key = (r["source"], r["id"])
                if key in seen:
                    raise ValueError(f"id: duplicate of line {seen[key]}")
                seen[key] = line
            except ValueError as error:
                problems.append(f"{path}:{line}: {error}")
                continue
            yield (r["source"], r["id"], r["company"], r["title"], r["level"],
                   json.dumps([s for s in r["stack"].split(";") if s]), r["location"],
                   r["remote"] == "true", smin, smax, (r["currency"] or "USD").upper(), r["url"], posted, closed)


def main():
    database, path = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    problems = []
    checked = list(rows(path, problems))  # every row is checked before anything is written, as Gazette does
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        sys.exit(65)
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    db.executemany(UPSERT, checked)
    db.execute("COMMIT")
    db.close()
    print(len(checked), f"{time.perf_counter() - t0:.3f}")


if __name__ == "__main__":
    main()
