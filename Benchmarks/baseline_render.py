#!/usr/bin/env python3
"""Python baseline for Gazette's per-message work: render a digest with Jinja2 and compose the MIME.

    python3 Benchmarks/baseline_render.py [N] [--email-package] [--write FILE]

For N subscribers (default 5000) of a roster with varied preferences (the same generator as
Benchmarks/send-throughput.sh), on ONE core (one process, one thread), this does per subscriber what
`gazette send` does before the transport: filter and rank the edition's new openings by the
subscriber's languages, levels and remote-only (ten at most, then "and N more"), sign the unsubscribe
and preferences links (HMAC-SHA256), render subject, text and HTML with the Jinja2 ports of
Templates/ in Benchmarks/jinja2/ (autoescape on for HTML), wrap the text at 72 columns, and compose
a multipart/alternative message by hand: text + HTML, both quoted-printable UTF-8 (binascii.b2a_qp,
the C encoder the stdlib's quopri uses), CRLF line ends, and the headers From, To, Subject, Date,
Message-ID, MIME-Version, List-Id, List-Unsubscribe and List-Unsubscribe-Post.

Edition-wide content (the W48 edition of Samples/: new openings, salary changes, market line,
featured certifications, each opening's display fields) is computed once before timing, as Gazette
does. Gazette also renders each distinct digest once and fills in the personal values; this baseline
renders every message in full, the straightforward way to do it with Jinja2.

Prints the render-only rate (context + links + three templates + wrapping, no MIME) and the
render + compose rate, both measured with time.perf_counter over all N subscribers.
--email-package also times composing with the stdlib `email` package (EmailMessage, policy SMTP)
instead of by hand. --write FILE writes the hand-composed message of the second subscriber.
"""
import argparse
import base64
import binascii
import csv
import hashlib
import hmac
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # Postfix, python3-jinja2 and GNU time on Debian 12; only what is missing
    subprocess.run([str(ROOT / "scripts" / "install-deps"), "--bench"], check=True)

import jinja2  # noqa: E402

SAMPLES = ROOT / "Samples"
TEMPLATES = Path(__file__).resolve().parent / "jinja2"

UTC = timezone.utc
EDITION = "2026-W48"
EDITION_START = datetime(2026, 11, 23, tzinfo=UTC)      # Monday 00:00Z of 2026-W48
PREVIOUS = (EDITION_START - timedelta(days=7), EDITION_START)
WEEK_BEFORE = (EDITION_START - timedelta(days=14), EDITION_START - timedelta(days=7))
LEVELS = ["junior", "mid", "senior", "lead", "principal"]
CAP, MIN_OBSERVATIONS, ROTATION, TOP_COMPANIES = 10, 5, 2, 3

LIST_NAME = "Backend Jobs Weekly"
FROM_ADDRESS = "digest@example.com"
FROM = f"{LIST_NAME} <{FROM_ADDRESS}>"
LIST_ID = f"{LIST_NAME} <digest.example.com>"
BASE_URL = "https://news.example.com"
POSTAL = "Gazette · 1 Example Street · Springfield"
SECRET = b"bench"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


# ---------------------------------------------------------------- formatting (as Gazette's Formatting)

def grouped(n):
    return f"{n:,}"


def money(amount, currency):
    r = round(amount)
    sign = "-" if r < 0 else ""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency)
    return f"{sign}{symbol}{abs(r):,}" if symbol else f"{sign}{currency} {abs(r):,}"


def signed_money(amount, currency):
    r = round(amount)
    if r == 0:
        return "±" + money(0, currency)
    return ("+" if r > 0 else "") + money(r, currency)


def percent(value):
    tenths = round(value * 10) / 10
    if tenths == 0:
        return "±0.0%"
    return ("+" if tenths > 0 else "") + f"{tenths:.1f}%"


def short_day(ts):
    return f"{DAYS[ts.weekday()]} {ts.day} {MONTHS[ts.month - 1]}"


def isolated(text):
    """Formatting.isolatedIfBidirectional: U+2068 … U+2069 around text with right-to-left letters or bidi controls."""
    ranges = ((0x202A, 0x202E), (0x2066, 0x2069), (0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF),
              (0x10800, 0x10FFF), (0x1E800, 0x1EFFF))
    needs = any(ord(ch) in (0x200E, 0x200F, 0x061C) or any(lo <= ord(ch) <= hi for lo, hi in ranges) for ch in text)
    return "\u2068" + text + "\u2069" if needs else text


def join_list(items):
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def quantile(p, values):
    h = (len(values) - 1) * p
    lo = int(h)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (h - lo) * (values[hi] - values[lo])


def parse_ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


# ---------------------------------------------------------------- the edition's shared content

def edition_content():
    with open(SAMPLES / "openings.csv", encoding="utf-8", newline="") as f:
        openings = list(csv.DictReader(f))
    for o in openings:
        o["posted"] = parse_ts(o["posted_at"])
        o["closed"] = parse_ts(o["closed_at"])
        o["stack_list"] = [s for s in o["stack"].split(";") if s]
        o["stack_lower"] = {s.lower() for s in o["stack_list"]}
        o["is_remote"] = o["remote"] == "true"
        o["pay"] = int(o["salary_max"]) if o["salary_max"] else -1
    open_now = [o for o in openings
                if o["posted"] < EDITION_START and (o["closed"] is None or o["closed"] > EDITION_START)]
    fresh = [o for o in open_now if PREVIOUS[0] <= o["posted"] < PREVIOUS[1]]
    fresh.sort(key=lambda o: (o["source"], o["id"]))
    fresh.sort(key=lambda o: o["posted"], reverse=True)
    per_company = {}
    for o in fresh:
        per_company[o["company"]] = per_company.get(o["company"], 0) + 1
    top = sorted(per_company.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_COMPANIES]

    for o in fresh:  # display fields, formatted once per opening
        smin = int(o["salary_min"]) if o["salary_min"] else None
        smax = int(o["salary_max"]) if o["salary_max"] else None
        cur = o["currency"] or "USD"
        if smin is not None and smax is not None and smin != smax:
            salary = f"{money(smin, cur)}–{money(smax, cur)}"
        elif smax is not None:
            salary = f"up to {money(smax, cur)}"
        elif smin is not None:
            salary = f"from {money(smin, cur)}"
        else:
            salary = ""
        o["view"] = {
            "title": o["title"], "company": o["company"], "level": o["level"].capitalize(),
            "stack": ", ".join(o["stack_list"]), "location": o["location"],
            "isRemote": o["is_remote"] and "remote" not in o["location"].lower(),
            "salary": salary, "hasSalary": bool(salary), "url": o["url"], "posted": short_day(o["posted"]),
        }

    with open(SAMPLES / "salaries.csv", encoding="utf-8", newline="") as f:
        salaries = list(csv.DictReader(f))
    last, before = {}, {}
    market_amounts = []
    for s in salaries:
        day = datetime.fromisoformat(s["observed_on"]).replace(tzinfo=UTC)
        key = (LEVELS.index(s["level"]), s["stack"].lower(), s["currency"])
        if PREVIOUS[0] <= day < PREVIOUS[1]:
            last.setdefault(key, []).append(int(s["amount"]))
            market_amounts.append(int(s["amount"]))
        elif WEEK_BEFORE[0] <= day < WEEK_BEFORE[1]:
            before.setdefault(key, []).append(int(s["amount"]))
    spelling = {s["stack"].lower(): s["stack"] for s in salaries}
    changes = []
    for key in sorted(last):
        a, b = sorted(before.get(key, [])), sorted(last[key])
        if len(a) < MIN_OBSERVATIONS or len(b) < MIN_OBSERVATIONS:
            continue
        prev, cur = quantile(0.5, a), quantile(0.5, b)
        change = cur - prev
        trend = "up" if round(change) > 0 else ("down" if round(change) < 0 else "flat")
        level, stack, currency = LEVELS[key[0]], spelling[key[1]], key[2]
        changes.append({
            "level": level, "stack_lower": key[1],
            "group": f"{level.capitalize()} {stack}",
            "previous": money(prev, currency), "current": money(cur, currency),
            "change": signed_money(change, currency), "percent": percent(change / prev * 100 if prev else 0),
            "trend": trend, "trendColor": {"up": "#047857", "down": "#b91c1c"}.get(trend, "#374151"),
            "arrow": {"up": "▲", "down": "▼"}.get(trend, "="),
        })
    market = None
    if len(market_amounts) >= MIN_OBSERVATIONS:
        m = sorted(market_amounts)
        market = {"entry": money(quantile(0.1, m), "USD"), "median": money(quantile(0.5, m), "USD"),
                  "top": money(quantile(0.9, m), "USD"), "observations": grouped(len(m))}

    with open(SAMPLES / "certifications.csv", encoding="utf-8", newline="") as f:
        catalogue = sorted(csv.DictReader(f), key=lambda c: c["id"])
    first, last_day = EDITION_START.date(), EDITION_START.date() + timedelta(days=6)
    featured = [c for c in catalogue if (c["featured_from"] or c["featured_until"])
                and (not c["featured_from"] or date.fromisoformat(c["featured_from"]) <= last_day)
                and (not c["featured_until"] or date.fromisoformat(c["featured_until"]) >= first)]
    if not featured and catalogue:
        week = (EDITION_START.date() - date(1970, 1, 5)).days // 7
        featured = [catalogue[(week * ROTATION + i) % len(catalogue)] for i in range(ROTATION)]
    certifications = [{"name": c["name"], "issuer": c["issuer"], "summary": c["summary"], "url": c["url"],
                       "hasURL": bool(c["url"])} for c in featured]

    shared = {
        "listName": LIST_NAME, "edition": EDITION, "weekRange": "23–29 Nov 2026",
        "openTotal": grouped(len(open_now)), "newThisWeek": grouped(len(fresh)),
        "topCompanies": join_list([isolated(c) for c, _ in top]), "hasTopCompanies": bool(top),
        "topCompanyList": [{"name": c, "separator": "" if i == 0 else (" and " if i == len(top) - 1 else ", ")}
                           for i, (c, _) in enumerate(top)],
        "market": market, "certifications": certifications, "hasCertifications": bool(certifications),
        "postalAddress": POSTAL,
    }
    return fresh, changes, shared


# ---------------------------------------------------------------- subscribers

def roster(n):
    """The roster of Benchmarks/send-throughput.sh, as parsed preferences (ids as the import assigns them)."""
    langs = ["", "Go", "Python", "Java;Spring Boot", "Node.js", "Python;Django", "Go;Python"]
    levels = ["", "senior", "mid;senior", "lead;principal", "junior"]
    for i in range(n):
        yield {
            "id": i + 1, "email": f"reader{i}@example.com", "name": f"Reader {i}",
            "languages": [x.lower() for x in langs[i % 7].split(";") if x],
            "levels": [x for x in levels[i % 5].split(";") if x],
            "remote_only": i % 3 == 0,
        }


def token(subscriber_id, email, purpose):
    message = f"gazette/v1/{purpose}/{subscriber_id}/{email.lower()}".encode()
    mac = hmac.new(SECRET, message, hashlib.sha256).digest()[:16]
    return f"{subscriber_id}.{purpose}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def digest_context(sub, fresh, changes, shared):
    langs, levels, remote_only = sub["languages"], sub["levels"], sub["remote_only"]
    matching = []
    for offset, o in enumerate(fresh):
        if remote_only and not o["is_remote"]:
            continue
        if levels and o["level"] not in levels:
            continue
        overlap = sum(1 for lang in langs if lang in o["stack_lower"]) if langs else 0
        if langs and overlap == 0:
            continue
        matching.append((-overlap, -o["pay"], offset, o))
    matching.sort(key=lambda t: t[:3])
    shown = [t[3]["view"] for t in matching[:CAP]]
    follows = [c for c in changes
               if (not levels or c["level"] in levels) and (not langs or c["stack_lower"] in langs)]
    count = len(matching)
    headline = ("No new openings matched your preferences" if count == 0 else
                f"{grouped(count)} new opening{'' if count == 1 else 's'} for you")
    teaser = [headline]
    if shared["market"]:
        teaser.append(f"median salary {shared['market']['median']}")
    if shared["certifications"]:
        teaser.append(f"featured: {shared['certifications'][0]['name']}")
    email = sub["email"]
    first = sub["name"].split(" ")[0] if sub["name"] else ""
    unsubscribe = token(sub["id"], email, "u")
    context = dict(shared)
    context.update({
        "headline": headline, "preheader": " · ".join(teaser),
        "openings": shown, "hasOpenings": bool(shown), "hasMore": count > len(shown),
        "moreOpenings": grouped(count - len(shown)),
        "moreOpeningsNoun": "matching opening" if count - len(shown) == 1 else "matching openings",
        "salaryChanges": follows, "hasSalaryChanges": bool(follows),
        "greetingName": first or "there", "email": email,
        "unsubscribeURL": f"{BASE_URL}/unsubscribe/{unsubscribe}",
        "preferencesURL": f"{BASE_URL}/preferences/{token(sub['id'], email, 'p')}",
        "unsubscribeToken": unsubscribe,
    })
    return context


def wrap(text, width=72):
    """Gazette's TextWrapper: long lines broken at spaces, list items with a hanging indent."""
    out = []
    for line in text.split("\n"):
        line = line.rstrip(" \r")
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = line[:len(line) - len(body)]
        hanging = indent + ("  " if body.startswith(("- ", "* ", "• ")) else "")
        current, has_word = indent, False
        for word in body.split(" "):
            if not word:
                continue
            if has_word and len(current) + 1 + len(word) > width:
                out.append(current)
                current, has_word = hanging, False
            current += (" " if has_word else "") + word
            has_word = True
        out.append(current)
    return "\n".join(out).rstrip("\n") + "\n"


class Renderer:
    def __init__(self):
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False,
                                                default=False),
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined)
        self.subject = env.get_template("subject.txt.j2")
        self.text = env.get_template("digest.txt.j2")
        self.html = env.get_template("digest.html.j2")

    def render(self, context):
        subject = " ".join(self.subject.render(context).split("\n")).strip()
        return subject, wrap(self.text.render(context)), self.html.render(context)


# ---------------------------------------------------------------- MIME

def header_text(value):
    """Printable ASCII as is, anything else as one RFC 2047 encoded-word per 36 bytes."""
    if value.isascii():
        return value
    raw = value.encode()
    words, start = [], 0
    while start < len(raw):  # split between UTF-8 sequences
        end = min(start + 36, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:
            end -= 1
        words.append(f"=?UTF-8?B?{base64.b64encode(raw[start:end]).decode()}?=")
        start = end
    return "\r\n ".join(words)


def qp(text):
    return binascii.b2a_qp(text.replace("\n", "\r\n").encode(), quotetabs=False, istext=True, header=False)


def message_id(email):
    mac = hmac.new(SECRET, f"{EDITION}/{email.lower()}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"gazette.{EDITION}.{mac}@example.com"


def compose(context, sub, subject, text, html, now):
    mid = message_id(sub["email"])
    boundary = "=_bench_" + mid[16:32]
    unsubscribe = (f"<{context['unsubscribeURL']}>,\r\n"
                   f" <mailto:{FROM_ADDRESS}?subject=unsubscribe%20{context['unsubscribeToken']}>")
    head = (
        f"Date: {format_datetime(now)}\r\n"
        f"From: {FROM}\r\n"
        f"To: {header_text(sub['name'])} <{sub['email']}>\r\n"
        f"Subject: {header_text(subject)}\r\n"
        f"Message-ID: <{mid}>\r\n"
        "MIME-Version: 1.0\r\n"
        f"List-Id: {LIST_ID}\r\n"
        f"List-Unsubscribe: {unsubscribe}\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        f"Content-Type: multipart/alternative;\r\n boundary=\"{boundary}\"\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode()
    middle = (f"\r\n--{boundary}\r\n"
              "Content-Type: text/html; charset=utf-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return b"".join((head, qp(text), middle, qp(html), tail))


def compose_email_package(context, sub, subject, text, html, now):
    from email.message import EmailMessage
    from email.policy import SMTP
    m = EmailMessage(policy=SMTP)
    m["From"] = FROM
    m["To"] = f"{sub['name']} <{sub['email']}>"
    m["Subject"] = subject
    m["Date"] = format_datetime(now)
    m["Message-ID"] = f"<{message_id(sub['email'])}>"
    m["List-Id"] = LIST_ID
    m["List-Unsubscribe"] = (f"<{context['unsubscribeURL']}>, "
                             f"<mailto:{FROM_ADDRESS}?subject=unsubscribe%20{context['unsubscribeToken']}>")
    m["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    m.set_content(text, cte="quoted-printable")
    m.add_alternative(html, subtype="html", cte="quoted-printable")
    return m.as_bytes()


# ---------------------------------------------------------------- measurement

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("subscribers", nargs="?", type=int, default=5000)
    parser.add_argument("--email-package", action="store_true",
                        help="also time composition with the stdlib email package")
    parser.add_argument("--write", metavar="FILE", help="write the hand-composed message of reader1")
    args = parser.parse_args()
    n = args.subscribers

    fresh, changes, shared = edition_content()
    renderer = Renderer()
    subscribers = list(roster(n))
    now = datetime.now(UTC)

    # Warm-up (templates compiled, caches filled), and the sample message.
    for sub in subscribers[:50]:
        c = digest_context(sub, fresh, changes, shared)
        sample = compose(c, sub, *renderer.render(c), now)
        if sub["id"] == 2 and args.write:
            Path(args.write).write_bytes(sample)

    t0 = time.perf_counter()
    for sub in subscribers:
        c = digest_context(sub, fresh, changes, shared)
        renderer.render(c)
    render_seconds = time.perf_counter() - t0

    total_bytes = 0
    t0 = time.perf_counter()
    for sub in subscribers:
        c = digest_context(sub, fresh, changes, shared)
        total_bytes += len(compose(c, sub, *renderer.render(c), now))
    full_seconds = time.perf_counter() - t0
    size = total_bytes // n

    print(f"subscribers: {n}, one process, one thread (python {sys.version.split()[0]}, jinja2 {jinja2.__version__})")
    print(f"python jinja2 render only: {n / render_seconds:.0f} digests/s ({render_seconds:.2f} s)")
    print(f"python jinja2 + hand-written MIME: {n / full_seconds:.0f} digests/s (size ~{size} bytes, "
          f"{full_seconds:.2f} s)")
    if args.email_package:
        total_bytes = 0
        t0 = time.perf_counter()
        for sub in subscribers:
            c = digest_context(sub, fresh, changes, shared)
            total_bytes += len(compose_email_package(c, sub, *renderer.render(c), now))
        seconds = time.perf_counter() - t0
        print(f"python jinja2 + stdlib email package: {n / seconds:.0f} digests/s (size ~{total_bytes // n} bytes, "
              f"{seconds:.2f} s)")


if __name__ == "__main__":
    main()
