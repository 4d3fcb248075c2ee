#!/usr/bin/env python3
"""Generate the Gazette sample data files.

    python3 Samples/generate.py           # (re)write the files, then check them
    python3 Samples/generate.py --check   # only check the files already on disk
    (add --verbose to also print the raw W47 quantiles before calibration)

Writes (paths relative to the repository root):

    Samples/openings.csv
    Samples/salaries.csv
    Samples/certifications.csv
    Subscribers/subscribers.csv

The data is authored for the reference edition ISO week 2026-W48
(2026-11-23T00:00:00Z .. 2026-11-30T00:00:00Z). The "fresh" openings of that
edition are those posted during 2026-W47 and still open at the edition start
(closed_at empty or strictly later than 2026-11-23T00:00:00Z).

Stdlib only and deterministic (fixed seed): running it twice gives identical
files. The checks at the end re-read the written CSV files and assert the
properties the sample set is meant to have.
"""

import csv
import io
import random
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261123
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "Samples"
SUBSCRIBERS = ROOT / "Subscribers"

UTC = timezone.utc


def utc(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def week_start(iso_week):
    """Monday 00:00Z of ISO week `iso_week` of 2026."""
    return datetime.fromisocalendar(2026, iso_week, 1).replace(tzinfo=UTC)


EDITION_WEEK = 48
EDITION_START = week_start(48)            # 2026-11-23T00:00:00Z
FRESH_FROM = week_start(47)               # 2026-11-16T00:00:00Z
FRESH_UNTIL = EDITION_START               # exclusive

LEVELS = ["junior", "mid", "senior", "lead", "principal"]
LANGUAGES = ["Python", "Java", "Node.js", "Go"]


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------
# Openings
# --------------------------------------------------------------------------

OPENINGS_HEADER = ["source", "id", "company", "title", "level", "stack", "location",
                   "remote", "salary_min", "salary_max", "currency", "url",
                   "posted_at", "closed_at"]

# company -> (url slug, applicant tracking system, typical locations)
COMPANIES = {
    "Hopper":          ("hopper", "greenhouse", ["Toronto, Canada", "Remote (US)", "New York, NY", "Bangalore, India"]),
    "Grid":            ("grid", "lever", ["New York, NY", "Remote (US)"]),
    "Rhombus Systems": ("rhombus-systems", "greenhouse", ["New York, NY", "Remote (US)", "Bangalore, India"]),
    "PlayVS":          ("playvs", "lever", ["Remote (US)", "New York, NY"]),
    "Wholesail":       ("wholesail", "greenhouse", ["Remote (US)", "New York, NY", "Toronto, Canada"]),
    "YLD":             ("yld", "workable", ["London, UK", "Remote (EU)", "Lisbon, Portugal"]),
    "neptune.ai":      ("neptune-ai", "workable", ["Remote (EU)", "Warsaw, Poland", "Berlin, Germany"]),
    "INFINIT":         ("infinit", "lever", ["Paris, France", "Berlin, Germany", "Remote (EU)"]),
    "Workshop":        ("workshop", "greenhouse", ["Remote (US)", "Toronto, Canada", "London, UK"]),
    "Swile":           ("swile", "workable", ["Paris, France", "Remote (EU)"]),
}

ID_PREFIX = {"greenhouse": "gh", "lever": "lv", "workable": "wk"}

# Salary bands in USD per level: (lowest salary_min, highest salary_max).
SALARY_BANDS = {
    "junior": (50_000, 90_000),
    "mid": (80_000, 140_000),
    "senior": (130_000, 200_000),
    "lead": (170_000, 250_000),
    "principal": (220_000, 320_000),
}

STACKS = {
    "Python": ["Python;Django", "Python;Flask", "Python", "Python;Django"],
    "Java": ["Java;Spring Boot", "Java;Spring Boot", "Java"],
    "Node.js": ["Node.js;TypeScript", "Node.js"],
    "Go": ["Go"],
}

TITLES = {
    "junior": ["Junior Backend Engineer ({lang})", "Software Engineer I, Backend",
               "Graduate Software Engineer ({lang})", "Junior {lang} Developer"],
    "mid": ["Backend Engineer ({lang})", "Software Engineer II, Platform",
            "{lang} Developer", "Software Engineer, Integrations"],
    "senior": ["Senior Backend Engineer ({lang})", "Senior Software Engineer, Payments",
               "Senior Platform Engineer", "Senior {lang} Engineer"],
    "lead": ["Lead Backend Engineer ({lang})", "Staff Platform Engineer",
             "Engineering Lead, Core Services", "Staff Software Engineer ({lang})"],
    "principal": ["Principal Engineer", "Principal Software Engineer ({lang})",
                  "Principal Architect, Platform"],
}

LEVEL_WEIGHTS = [2, 4, 5, 2, 1]  # junior .. principal


class OpeningFactory:
    def __init__(self, rng):
        self.rng = rng
        self.next_id = {"greenhouse": 10234, "lever": 52017, "workable": 70311}
        self.rows = []

    def new_id(self, source):
        n = self.next_id[source]
        self.next_id[source] += self.rng.randint(3, 41)
        return f"{ID_PREFIX[source]}-{n}"

    def salary(self, level):
        lo, hi = SALARY_BANDS[level]
        spread = self.rng.choice([20_000, 25_000, 30_000, 40_000])
        smin = self.rng.randrange(lo, hi - spread + 1, 5_000)
        return smin, smin + spread

    def random_time(self, week):
        start = week_start(week)
        return start + timedelta(days=self.rng.randint(0, 6),
                                 hours=self.rng.randint(7, 19),
                                 minutes=self.rng.choice([0, 15, 30, 45]))

    def add(self, *, company, level, posted, language=None, stack=None, title=None,
            location=None, remote=None, salary=True, closed=None):
        rng = self.rng
        slug, source, locations = COMPANIES[company]
        language = language or rng.choice(LANGUAGES)
        stack = stack or rng.choice(STACKS[language])
        title = title or rng.choice(TITLES[level]).format(lang=language)
        location = location or rng.choice(locations)
        if remote is None:
            # Remote locations are remote; some office jobs are remote-friendly too.
            remote = location.startswith("Remote") or rng.random() < 0.15
        smin, smax = self.salary(level) if salary else (None, None)
        oid = self.new_id(source)
        self.rows.append([source, oid, company, title, level, stack, location,
                          "true" if remote else "false", smin, smax, "USD",
                          f"https://jobs.example.com/{slug}/{oid}",
                          iso(posted), iso(closed) if closed else None])


def build_openings(rng):
    f = OpeningFactory(rng)
    companies = list(COMPANIES)

    def random_level():
        return rng.choices(LEVELS, LEVEL_WEIGHTS)[0]

    # Older openings (W44..W46): some closed in W46/W47, some close later.
    for week, count in [(44, 16), (45, 18), (46, 22)]:
        for _ in range(count):
            posted = f.random_time(week)
            closed = None
            r = rng.random()
            if r < 0.25:   # closed during W46 or W47, i.e. before the edition
                closed = max(posted + timedelta(days=2),
                             week_start(46)) + timedelta(days=rng.randint(0, 8), hours=rng.randint(8, 18))
                closed = min(closed, EDITION_START - timedelta(hours=6))
            elif r < 0.35:  # closes during W48
                closed = EDITION_START + timedelta(days=rng.randint(1, 5), hours=rng.randint(8, 18))
            f.add(company=rng.choice(companies), level=random_level(), posted=posted,
                  salary=rng.random() > 0.05, closed=closed)

    # W47: the fresh openings of the reference edition. Cycle through the
    # languages so that all four are well represented; levels are weighted.
    levels = [lvl for lvl, w in zip(LEVELS, LEVEL_WEIGHTS) for _ in range(w)] * 4
    rng.shuffle(levels)
    for i in range(44):
        f.add(company=companies[i % len(companies)], level=levels[i],
              language=LANGUAGES[i % 4], posted=f.random_time(47),
              salary=(i % 15 != 7))

    # W47 boundary and special cases.
    f.add(company="Grid", level="mid", language="Go",
          title="Backend Engineer (Go)", location="New York, NY", remote=False,
          posted=utc(2026, 11, 16, 0, 0, 0))                       # first instant of W47
    f.add(company="Hopper", level="principal", language="Go",
          title="Principal Engineer, Pricing Platform", location="Remote (US)",
          posted=utc(2026, 11, 22, 23, 59, 59))                    # last second of W47, open
    f.add(company="PlayVS", level="senior", language="Node.js", stack="Node.js;TypeScript",
          title="Senior Backend Engineer (Node.js)", location="Remote (US)",
          posted=utc(2026, 11, 17, 14, 0), closed=EDITION_START)   # closed exactly at edition start
    f.add(company="YLD", level="mid", language="Java", stack="Java;Spring Boot",
          title="Java Developer", location="London, UK",
          posted=utc(2026, 11, 16, 9, 30), closed=utc(2026, 11, 19, 17, 0))   # closed within W47
    f.add(company="INFINIT", level="junior", language="Python", stack="Python;Flask",
          title="Junior Backend Engineer (Python)", location="Paris, France",
          posted=utc(2026, 11, 18, 11, 15), closed=utc(2026, 11, 21, 10, 0))  # closed within W47
    f.add(company="Workshop", level="lead", language="Node.js", stack="Node.js;TypeScript",
          title="Lead Backend Engineer (Node.js)", location="Toronto, Canada", remote=True,
          posted=utc(2026, 11, 19, 15, 45), closed=utc(2026, 11, 26, 12, 0))  # closes in W48: still fresh
    f.add(company="Wholesail", level="mid", language="Go", stack="Go",
          title="Backend Engineer — Payments & Billing <Go>", location="Remote (US)",
          posted=utc(2026, 11, 18, 16, 30))                        # needs HTML escaping
    f.add(company="Swile", level="senior", language="Python", stack="Python;Django",
          title="Ingénieur Backend Senior (Python)", location="Paris, France", remote=False,
          posted=utc(2026, 11, 20, 8, 0))                          # non-ASCII title
    f.add(company="neptune.ai", level="lead", language="Python", stack="Python;Flask;Go",
          title="Staff Platform Engineer", location="Remote (EU)",
          posted=utc(2026, 11, 17, 10, 0))                         # polyglot stack
    f.add(company="Rhombus Systems", level="junior", language="Java", stack="Java;Spring Boot",
          title="Software Engineer I, Backend", location="Bangalore, India", remote=False,
          posted=utc(2026, 11, 20, 5, 30))
    f.add(company="YLD", level="senior", language="Node.js", stack="Node.js;TypeScript",
          title="Senior Software Engineer, Node.js", location="London, UK", remote=False,
          posted=utc(2026, 11, 18, 9, 0))
    f.add(company="INFINIT", level="principal", language="Java", stack="Java;Spring Boot",
          title="Principal Software Engineer (Java)", location="Berlin, Germany", remote=True,
          posted=utc(2026, 11, 21, 9, 0))

    # W48: posted after the edition start (must not appear in the W48 edition).
    f.add(company="Swile", level="mid", language="Node.js", stack="Node.js;TypeScript",
          title="Backend Engineer (Node.js)", location="Paris, France",
          posted=EDITION_START)                                    # first instant of W48
    for _ in range(9):
        posted = EDITION_START + timedelta(days=rng.randint(0, 4), hours=rng.randint(7, 19),
                                           minutes=rng.choice([0, 15, 30, 45]))
        f.add(company=rng.choice(companies), level=random_level(), posted=posted)

    f.rows.sort(key=lambda r: (r[12], r[0], r[1]))
    return f.rows


# --------------------------------------------------------------------------
# Salaries
# --------------------------------------------------------------------------

SALARIES_HEADER = ["observed_on", "level", "stack", "region", "amount", "currency", "source"]

# Target "market line" of week W47 (all observations of that week).
MARKET_P10, MARKET_P50, MARKET_P90 = 52_000, 142_603, 275_000

# Typical US salary per level; other regions and stacks scale it, and each
# observation varies +-8% around that.
SALARY_CENTER = {"junior": 95_000, "mid": 150_000, "senior": 205_000,
                 "lead": 275_000, "principal": 350_000}
REGION_FACTOR = {"US": 1.0, "UK": 0.78, "EU": 0.72, "IN": 0.38}
REGION_WEIGHTS = [6, 2, 3, 2]  # US, UK, EU, IN
STACK_FACTOR = {"Python": 1.0, "Java": 0.98, "Node.js": 0.96, "Go": 1.05}
SALARY_SOURCES = ["levels-survey", "glassdoor-sample", "offers"]

# Observations per (level, stack) group in each week.
# W47 sums to 121, so n-1 = 120 and the 10/50/90% type-7 ranks are exact
# indices 12, 60 and 108. (principal, Node.js) has exactly 4 in W47, so it
# is below the 5-observation threshold; other principal groups are small too.
GROUP_COUNTS = {
    #                     W45 W46 W47
    ("junior", "Python"):   (4, 8, 8),
    ("junior", "Java"):     (3, 6, 6),
    ("junior", "Node.js"):  (3, 7, 7),
    ("junior", "Go"):       (2, 5, 5),
    ("mid", "Python"):      (4, 8, 8),
    ("mid", "Java"):        (4, 8, 8),
    ("mid", "Node.js"):     (3, 8, 8),
    ("mid", "Go"):          (3, 7, 7),
    ("senior", "Python"):   (4, 8, 8),
    ("senior", "Java"):     (4, 8, 8),
    ("senior", "Node.js"):  (3, 7, 7),
    ("senior", "Go"):       (3, 8, 8),
    ("lead", "Python"):     (3, 6, 6),
    ("lead", "Java"):       (2, 5, 5),
    ("lead", "Node.js"):    (2, 4, 5),
    ("lead", "Go"):         (2, 5, 5),
    ("principal", "Python"): (1, 3, 3),
    ("principal", "Java"):   (1, 2, 3),
    ("principal", "Node.js"): (1, 5, 4),
    ("principal", "Go"):     (1, 2, 2),
}
# Week-over-week drift of W47 vs W46 per group (some up, some down).
DRIFT = [+0.06, -0.05, +0.04, -0.07, +0.03, -0.03, +0.08]


def percentile7(values, p):
    """numpy.percentile default ('linear', Hyndman & Fan type 7)."""
    x = sorted(values)
    h = (len(x) - 1) * p
    lo = int(h)
    hi = min(lo + 1, len(x) - 1)
    return x[lo] + (h - lo) * (x[hi] - x[lo])


def round_to(value, step):
    return int(round(value / step)) * step


def calibration(knots):
    """Monotone piecewise-linear map through `knots` [(x, y), ...] (x ascending).

    Outside the knots it continues with slope 1 above and through the origin
    below, so it is increasing everywhere and never changes the order of
    observations.
    """
    def f(v):
        if v <= knots[0][0]:
            return v * knots[0][1] / knots[0][0]
        for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
            if v <= x1:
                return y0 + (v - x0) * (y1 - y0) / (x1 - x0)
        return v + knots[-1][1] - knots[-1][0]
    return f


def build_salaries(rng):
    weeks = {45: [], 46: [], 47: []}
    region_mix = {}
    for gi, ((level, stack), counts) in enumerate(GROUP_COUNTS.items()):
        drift = DRIFT[gi % len(DRIFT)]
        # One region mix per group, reused every week (prefix of the same
        # list), so a group's week-over-week median moves mostly by its drift
        # rather than by which regions happened to be sampled.
        regions = rng.choices(list(REGION_FACTOR), REGION_WEIGHTS, k=max(counts))
        region_mix[(level, stack)] = regions
        for week, n in zip((45, 46, 47), counts):
            factor = 1.0 + (drift if week == 47 else 0.0)
            for region in regions[:n]:
                raw = (SALARY_CENTER[level] * REGION_FACTOR[region] * STACK_FACTOR[stack]
                       * factor * rng.uniform(0.92, 1.08))
                day = datetime.fromisocalendar(2026, week, rng.randint(1, 7)).date()
                weeks[week].append([day.isoformat(), level, stack, region, raw,
                                    "USD", rng.choice(SALARY_SOURCES)])

    # Pin the W47 market line. n = 121, so the type-7 p10/p50/p90 are
    # exactly the sorted values at indices 12, 60 and 108. The raw amounts
    # already land near the targets; one monotone calibration (applied to
    # every week alike, so week-over-week changes stay fair) moves those three
    # ranks onto the exact targets without reordering anything.
    w47 = weeks[47]
    n = len(w47)
    assert n % 2 == 1 and (n - 1) % 10 == 0, n
    ranks = [(n - 1) // 10, (n - 1) // 2, 9 * (n - 1) // 10]
    targets = [MARKET_P10, MARKET_P50, MARKET_P90]
    raw_sorted = sorted(r[4] for r in w47)
    if "--verbose" in sys.argv:
        print("raw W47 p10/p50/p90:", [round(raw_sorted[i]) for i in ranks])
    f = calibration([(raw_sorted[i], t) for i, t in zip(ranks, targets)])
    exact = {raw_sorted[i]: t for i, t in zip(ranks, targets)}
    for week in (45, 46, 47):
        for r in weeks[week]:
            r[4] = exact[r[4]] if week == 47 and r[4] in exact else round_to(f(r[4]), 100)

    rows = weeks[45] + weeks[46] + weeks[47] + salary_history(region_mix, f)
    # Every line must be unique; nudge the (non-anchor) amount if not.
    seen = set()
    for r in rows:
        while tuple(r) in seen:
            assert r[4] not in (MARKET_P10, MARKET_P50, MARKET_P90)
            r[4] += 100
        seen.add(tuple(r))
    rows.sort(key=lambda r: (r[0], LEVELS.index(r[1]), r[2], r[3], r[4], r[6]))
    return rows


# Weeks before W45, for the eight-week trend charts of W48 (W40..W47; W45 is
# thin on purpose, so every chart shows a gap). Drawn from their own random
# stream, so W45..W47 (and the W47 market line) are exactly as before. Each
# group drifts a little every week, with the same region mix and calibration.
HISTORY_WEEKS = (40, 41, 42, 43, 44)
HISTORY_TREND = [+0.012, -0.008, +0.006, +0.015, -0.012, +0.004, -0.005]


def salary_history(region_mix, calibrate):
    rng = random.Random(SEED + 40)
    rows = []
    for gi, ((level, stack), counts) in enumerate(GROUP_COUNTS.items()):
        slope = HISTORY_TREND[gi % len(HISTORY_TREND)]
        regions = region_mix[(level, stack)]
        for week in HISTORY_WEEKS:
            factor = 1.0 + slope * (week - 46)
            for region in regions[:counts[1]]:
                raw = (SALARY_CENTER[level] * REGION_FACTOR[region] * STACK_FACTOR[stack]
                       * factor * rng.uniform(0.94, 1.06))
                day = datetime.fromisocalendar(2026, week, rng.randint(1, 7)).date()
                rows.append([day.isoformat(), level, stack, region, round_to(calibrate(raw), 100),
                             "USD", rng.choice(SALARY_SOURCES)])
    return rows


# --------------------------------------------------------------------------
# Certifications
# --------------------------------------------------------------------------

CERTIFICATIONS_HEADER = ["id", "name", "issuer", "summary", "url", "featured_from", "featured_until"]

CERTIFICATIONS = [
    ["aws-dva", "AWS Certified Developer – Associate", "Amazon Web Services",
     "Validates the ability to develop, test, deploy and debug cloud-based applications on AWS.",
     "https://aws.amazon.com/certification/certified-developer-associate/",
     "2026-11-23", "2026-11-29"],
    ["ocp-java", "Oracle Certified Professional: Java SE Programmer", "Oracle",
     "Validates professional-level Java SE programming skills, from object-oriented design "
     "and the collections and streams APIs to concurrency and modules.",
     "https://education.oracle.com/java-se-17-developer/pexam_1Z0-829",
     None, None],
    ["gcp-pcd", "Google Professional Cloud Developer", "Google Cloud",
     "Validates the ability to build, test and deploy scalable, highly available "
     "applications on Google Cloud using Google-recommended practices and tools.",
     "https://cloud.google.com/learn/certification/cloud-developer",
     "2026-11-09", "2026-11-15"],
    ["docker-dca", "Docker Certified Associate", "Mirantis (Docker)",
     "Validates hands-on Docker skills in orchestration, image creation and management, "
     "installation and configuration, networking, security and storage.",
     "https://training.mirantis.com/certification/dca-certification-exam/",
     None, None],
    ["cka", "Certified Kubernetes Administrator", "The Linux Foundation / CNCF",
     "A performance-based exam showing the skills to install, configure and manage "
     "production-grade Kubernetes clusters.",
     "https://training.linuxfoundation.org/certification/certified-kubernetes-administrator-cka/",
     "2026-11-16", "2026-12-06"],
]


# --------------------------------------------------------------------------
# Subscribers
# --------------------------------------------------------------------------

SUBSCRIBERS_HEADER = ["email", "name", "timezone", "send_day", "send_hour", "languages",
                      "levels", "remote_only", "locations", "min_salary", "status"]

# Hand-written; the checks below assert each active subscriber matches at
# least one fresh (W47, still open) opening.
SUBSCRIBER_ROWS = [
    # email, name, timezone, send_day, send_hour, languages, levels, remote_only, locations, min_salary, status
    ["alice.nguyen@example.com", "Alice Nguyen", "Etc/UTC", "mon", 9, "", "", "", "", "", "active"],
    ["zoe.muller@example.org", "Zoë Müller", "Europe/Berlin", "mon", 8, "Python;Django", "senior;lead", "", "Berlin;Remote", "", "active"],
    ["jose.alvarez@example.com", "José Álvarez", "America/Sao_Paulo", "mon", 7, "Java;Spring Boot", "mid;senior", "", "", "", "active"],
    ["soren.kierkegaard@example.org", "Søren Kierkegaard", "Europe/Copenhagen", "mon", 6, "Go", "", "true", "", "", "active"],
    ["Priya.Raman@Example.com", "Priya Raman", "Asia/Kolkata", "mon", 10, "Java;Python", "junior;mid", "", "Bangalore;Remote", "", "active"],
    ["taro.yamada@example.org", "山田 太郎", "Asia/Tokyo", "mon", 8, "Go;Node.js", "senior;lead;principal", "", "", "", ""],
    ["john.smith@example.com", "Smith, John", "America/New_York", "tuesday", 8, "Node.js", "", "", "", "", "active"],
    ["maria.garcia@example.com", "Maria Garcia", "America/Los_Angeles", "mon", 6, "", "senior;lead;principal", "", "", "150000", "active"],
    ["liam.obrien@example.org", "Liam O'Brien", "Europe/London", "mon", 9, "Node.js;Java", "", "", "London", "", "active"],
    ["chloe.martin@example.com", "Chloé Martin", "Europe/Paris", "mon", 8, "Python;Django;Flask", "", "", "Paris", "", "active"],
    ["ethan.brown@example.com", "Ethan Brown", "America/Toronto", "", "", "", "", "true", "", "", "active"],
    ["olivia.wilson@example.org", "Olivia Wilson", "Australia/Sydney", "mon", 7, "Go", "principal", "true", "", "", "active"],
    ["noah.kim@example.com", "Noah Kim", "America/Los_Angeles", "mon", 5, "Flask", "", "", "", "", "active"],
    ["ananya.iyer@example.org", "Ananya Iyer", "Asia/Kolkata", "mon", "", "Python;Java;Node.js;Go", "junior", "", "", "", "active"],
    ["lukas.schneider@example.com", "Lukas Schneider", "Europe/Berlin", "mon", 7, "Spring Boot", "senior;lead;principal", "false", "", "", "active"],
    ["emma.johansson@example.org", "Emma Johansson", "Europe/Stockholm", "wednesday", 12, "python;go", "mid;senior", "", "", "", "active"],
    ["mia.chen@example.com", "Mia Chen 🐍", "America/New_York", "mon", 9, "Python", "", "", "", "180000", "active"],
    ["jakub.nowak@example.org", "Jakub Nowak", "Europe/Warsaw", "mon", 8, "", "lead;principal", "", "", "230000", "active"],
    ["ines.ferreira@example.com", "Inês Ferreira", "Europe/Lisbon", "", 9, "Node.js;Go", "mid", "true", "", "", "active"],
    ["aroha.ngata@example.org", "Aroha Ngata", "Pacific/Auckland", "mon", 7, "", "", "true", "", "120000", ""],
    ["daniel.cohen@example.com", "Daniel Cohen", "America/New_York", "fri", 16, "Java", "", "", "New York", "", "active"],
    ["sofia.rossi@example.org", "Sofia Rossi", "Europe/Rome", "mon", "", "", "junior;mid", "", "", "", "active"],
    ["kenji.sato@example.com", "Kenji Sato", "Asia/Tokyo", "mon", 23, "Django", "senior", "", "", "", "active"],
    ["hannah.schmidt@example.org", "Hannah Schmidt", "Europe/Berlin", "mon", 8, "Python", "", "", "", "", "unsubscribed"],
    ["pedro.santos@example.com", "Pedro Santos", "America/Sao_Paulo", "mon", 0, "Go", "senior", "", "", "", "unsubscribed"],
]


def split_list(text):
    return [p.strip() for p in text.split(";") if p.strip()]


def matches(sub, opening):
    """The digest filter rules (empty preference = no filter)."""
    langs = {s.lower() for s in split_list(sub["languages"])}
    if langs and not langs & {s.lower() for s in split_list(opening["stack"])}:
        return False
    levels = {s.lower() for s in split_list(sub["levels"])}
    if levels and opening["level"].lower() not in levels:
        return False
    if sub["remote_only"] == "true" and opening["remote"] != "true":
        return False
    if sub["min_salary"]:
        if not opening["salary_max"] or int(opening["salary_max"]) < int(sub["min_salary"]):
            return False
    locs = [s.lower() for s in split_list(sub["locations"])]
    if locs and not any(l in opening["location"].lower() for l in locs):
        return False
    return True


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def is_fresh(o):
    posted = parse_iso(o["posted_at"])
    open_at_start = not o["closed_at"] or parse_iso(o["closed_at"]) > EDITION_START
    return FRESH_FROM <= posted < FRESH_UNTIL and open_at_start


def median(values):
    return percentile7(values, 0.5)


def check():
    openings = read_csv(SAMPLES / "openings.csv")
    salaries = read_csv(SAMPLES / "salaries.csv")
    certs = read_csv(SAMPLES / "certifications.csv")
    subs = read_csv(SUBSCRIBERS / "subscribers.csv")

    # ---- openings
    assert {o["company"] for o in openings} == set(COMPANIES)
    assert {o["level"] for o in openings} == set(LEVELS)
    assert len({(o["source"], o["id"]) for o in openings}) == len(openings)
    for o in openings:
        stack = split_list(o["stack"])
        assert set(stack) & set(LANGUAGES), o
        assert o["currency"] == "USD" and o["remote"] in ("true", "false")
        assert o["url"] == f"https://jobs.example.com/{COMPANIES[o['company']][0]}/{o['id']}"
        if o["salary_max"]:
            lo, hi = SALARY_BANDS[o["level"]]
            assert lo <= int(o["salary_min"]) < int(o["salary_max"]) <= hi, o
        assert week_start(44) <= parse_iso(o["posted_at"]) < week_start(49)
        if o["closed_at"]:
            assert parse_iso(o["closed_at"]) > parse_iso(o["posted_at"])
    fresh = [o for o in openings if is_fresh(o)]
    by_week = {}
    for o in openings:
        w = parse_iso(o["posted_at"]).isocalendar()[1]
        by_week[w] = by_week.get(w, 0) + 1
    print(f"openings.csv: {len(openings)} openings; posted per ISO week: "
          + ", ".join(f"W{w}={c}" for w, c in sorted(by_week.items())))
    print(f"  posted in 2026-W47 and open at 2026-11-23T00:00:00Z: {len(fresh)}")
    print(f"  fresh by level: " + ", ".join(f"{l}={sum(o['level'] == l for o in fresh)}" for l in LEVELS))
    print(f"  fresh by language: " + ", ".join(
        f"{l}={sum(l in split_list(o['stack']) for o in fresh)}" for l in LANGUAGES))
    print(f"  fresh remote: {sum(o['remote'] == 'true' for o in fresh)}, "
          f"fresh without salary: {sum(not o['salary_max'] for o in fresh)}, "
          f"closed before edition: {sum(1 for o in openings if o['closed_at'] and parse_iso(o['closed_at']) <= EDITION_START)}")
    assert len(fresh) >= 45
    assert {o["level"] for o in fresh} == set(LEVELS)
    assert all(any(l in split_list(o["stack"]) for o in fresh) for l in LANGUAGES)
    assert any(o["posted_at"] == "2026-11-22T23:59:59Z" for o in fresh)
    assert any(o["posted_at"] == "2026-11-16T00:00:00Z" for o in fresh)
    assert any(o["closed_at"] == "2026-11-23T00:00:00Z" and not is_fresh(o) for o in openings)
    assert sum(parse_iso(o["posted_at"]) >= EDITION_START for o in openings) >= 5

    # ---- salaries
    assert len({tuple(r.values()) for r in salaries}) == len(salaries), "duplicate salary rows"
    weeks = {}
    groups = {}
    for r in salaries:
        w = date.fromisoformat(r["observed_on"]).isocalendar()[1]
        assert w in HISTORY_WEEKS + (45, 46, 47) and r["level"] in LEVELS and r["stack"] in LANGUAGES
        weeks.setdefault(w, []).append(int(r["amount"]))
        groups.setdefault((r["level"], r["stack"]), {}).setdefault(w, []).append(int(r["amount"]))
    w47 = weeks[47]
    line = [percentile7(w47, p) for p in (0.1, 0.5, 0.9)]
    print(f"salaries.csv: {len(salaries)} observations; per week: "
          + ", ".join(f"W{w}={len(v)}" for w, v in sorted(weeks.items())))
    print(f"  W47 market line (type 7, n={len(w47)}): p10={line[0]:g} median={line[1]:g} p90={line[2]:g}")
    assert line == [MARKET_P10, MARKET_P50, MARKET_P90], line
    print("  (level, stack)        W45 W46 W47   median W46 -> W47  (shown if >= 5 in W46 and W47)")
    ups = downs = 0
    for key in GROUP_COUNTS:
        g = groups[key]
        c = [len(g.get(w, [])) for w in (45, 46, 47)]
        shown = c[1] >= 5 and c[2] >= 5
        change = ""
        if shown:
            m46, m47 = median(g[46]), median(g[47])
            ups += m47 > m46
            downs += m47 < m46
            change = f"{m46:>9g} -> {m47:<9g} {'up' if m47 > m46 else 'down'} {100 * (m47 - m46) / m46:+.1f}%"
        print(f"  {key[0] + ', ' + key[1]:<20} {c[0]:>4}{c[1]:>4}{c[2]:>4}   {change}")
    assert ups >= 3 and downs >= 3, (ups, downs)
    assert any(len(g.get(47, [])) == 4 for g in groups.values())

    # ---- certifications
    assert len(certs) == 5
    ref = ("2026-11-23", "2026-11-29")
    covering = [c["id"] for c in certs if c["featured_from"] and c["featured_from"] <= ref[0] and c["featured_until"] >= ref[1]]
    print(f"certifications.csv: {len(certs)} certifications; featured in W48: {', '.join(covering)}")
    assert len(covering) == 2

    # ---- subscribers
    active = [s for s in subs if s["status"] in ("", "active")]
    print(f"subscribers.csv: {len(subs)} subscribers ({len(active)} active, "
          f"{sum(s['status'] == 'unsubscribed' for s in subs)} unsubscribed)")
    assert sum(s["status"] == "unsubscribed" for s in subs) == 2
    assert len({s["email"].lower() for s in subs}) == len(subs)
    for s in active:
        n = sum(matches(s, o) for o in fresh)
        print(f"  {s['email']:<32} {n:>3} matching fresh openings")
        assert n >= 1, s["email"]
    print("all checks passed")


def generate():
    rng = random.Random(SEED)
    write_csv(SAMPLES / "openings.csv", OPENINGS_HEADER, build_openings(rng))
    write_csv(SAMPLES / "salaries.csv", SALARIES_HEADER, build_salaries(rng))
    write_csv(SAMPLES / "certifications.csv", CERTIFICATIONS_HEADER, CERTIFICATIONS)
    write_csv(SUBSCRIBERS / "subscribers.csv", SUBSCRIBERS_HEADER, SUBSCRIBER_ROWS)


if __name__ == "__main__":
    if "--check" not in sys.argv[1:]:
        generate()
    check()
