#!/usr/bin/env python3
"""Writes the bad-input corpus: one file per case, plus expectations.json.

Usage: python3 Tests/Fixtures/BadInput/generate.py     (rewrites every file in this directory)

Each case is (file name, bytes, expectation). Files are committed as written here, byte for byte
(some are deliberately not UTF-8, some use CR or CRLF line ends), so a tool that "fixes" encodings or
line ends must leave this directory alone (see .gitattributes).

Expectations say what a careful operator would expect, not what the binary happens to do:
- "outcome": "imported" (exit 0) or "refused" (exit 65, stderr lists every problem, nothing written);
- "errors": substrings of stderr; one starting with ":" is prefixed with the file's path by the test,
  so ":3: email:" means `PATH:3: email:`;
- "text" / "html": for imported files, substrings the text / HTML part of at least one message of
  `gazette send` must contain (whitespace runs are compared as single spaces, since the text part is
  wrapped at 72 columns).
"""
import csv
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

OPENINGS = "source,id,company,title,level,stack,location,remote,salary_min,salary_max,currency,url,posted_at,closed_at"
SALARIES = "observed_on,level,stack,region,amount,currency,source"
CERTIFICATIONS = "id,name,issuer,summary,url,featured_from,featured_until"
SUBSCRIBERS = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status"

COMMANDS = {
    "openings": ["import", "openings"],
    "salaries": ["import", "salaries"],
    "certifications": ["import", "certifications"],
    "subscribers": ["subscribers", "import"],
}

KB100 = 100 * 1024
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
# One user-perceived character made of a base letter and 50,000 combining marks (about 100 KB of UTF-8).
ZALGO = "Z" + "\u0301\u0316\u0353\u0325\u035c" * 10_000


def rows(header, records, line_end="\n"):
    """A well-formed CSV file (RFC 4180 quoting where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(header.split(","))
    for record in records:
        writer.writerow(record)
    return out.getvalue()


def opening(id, title="Backend Engineer", company="Acme", level="senior", stack="Go", location="Berlin, Germany",
            remote="false", salary_min="150000", salary_max="250000", currency="USD", url=None,
            posted="2026-11-18T10:00:00Z", closed="", source="corpus"):
    url = url if url is not None else f"https://jobs.example.com/{id}"
    return [source, id, company, title, level, stack, location, remote, salary_min, salary_max, currency, url,
            posted, closed]


def salary(day="2026-11-17", level="senior", stack="Go", region="EU", amount="150000", currency="USD",
           source="survey"):
    return [day, level, stack, region, amount, currency, source]


def certification(id, name="Certified Thing", issuer="Issuer", summary="A summary.", url=None,
                  featured_from="2026-11-23", featured_until="2026-11-29"):
    url = url if url is not None else f"https://certs.example.com/{id}"
    return [id, name, issuer, summary, url, featured_from, featured_until]


def subscriber(email, name="Reader", timezone="Etc/UTC", send_day="mon", send_hour="9", languages="", levels="",
               remote_only="", locations="", min_salary="", status=""):
    return [email, name, timezone, send_day, send_hour, languages, levels, remote_only, locations, min_salary, status]


CASES = []


def case(name, content, outcome, errors=(), text=(), html=()):
    data = content.encode("utf-8") if isinstance(content, str) else content
    entry = {"file": name, "command": COMMANDS[name.split("-", 1)[0]], "outcome": outcome, "errors": list(errors)}
    if text:
        entry["text"] = list(text)
    if html:
        entry["html"] = list(html)
    CASES.append((name, data, entry))


# ---------------------------------------------------------------------------------------------------------------
# CSV structure: quoting, column counts, headers, empty files

case("openings-unclosed-quote.csv",
     OPENINGS + "\n"
     + ",".join(opening("ok-1", location="Berlin")) + "\n"
     + 'corpus,unclosed,Acme,Backend Engineer,senior,Go,"Berlin, Germany,false,150000,250000,USD,'
       'https://jobs.example.com/unclosed,2026-11-18T10:00:00Z,\n'
     + ",".join(opening("ok-2", location="Berlin")) + "\n",
     "refused", [":3:"])

# RFC 4180 wants such fields quoted; like Python's csv module and spreadsheets, Gazette keeps the quotes as text.
case("openings-quote-inside-unquoted-field.csv",
     OPENINGS + "\n"
     + 'corpus,q-1,Acme,Senior "Go" Engineer,senior,Go,Berlin,false,150000,250000,USD,'
       'https://jobs.example.com/q-1,2026-11-18T10:00:00Z,\n',
     "imported", text=['Senior "Go" Engineer at Acme'], html=["Senior &quot;Go&quot; Engineer"])

case("openings-text-after-closing-quote.csv",
     OPENINGS + "\n"
     + 'corpus,q-2,Acme,"Backend Engineer" (Go),senior,Go,Berlin,false,150000,250000,USD,'
       'https://jobs.example.com/q-2,2026-11-18T10:00:00Z,\n'
     + ",".join(opening("q-3", location="Berlin")) + "\n",
     "refused", [":2:"])

case("openings-too-few-columns.csv",
     OPENINGS + "\n"
     + ",".join(opening("ok-1", location="Berlin")) + "\n"
     + ",".join(opening("short", location="Berlin")[:-1]) + "\n",
     "refused", [":3: expected 14 fields, found 13"])

case("openings-too-many-columns.csv",
     OPENINGS + "\n"
     + ",".join(opening("ok-1", location="Berlin")) + "\n"
     + ",".join(opening("long", location="Berlin, Germany")) + "\n"
     + ",".join(opening("ok-2", location="Berlin")) + ",extra\n",
     "refused", [":3: expected 14 fields, found 15", ":4: expected 14 fields, found 15"])

case("openings-missing-column.csv",
     rows(OPENINGS.replace(",closed_at", ""), [opening("m-1")[:-1]]),
     "refused", [":1: header: missing column closed_at"])

case("openings-unknown-column.csv",
     rows(OPENINGS + ",bonus", [opening("u-1") + ["lots"]]),
     "refused", [":1: header: unknown column bonus"])

case("openings-duplicate-column.csv",
     rows(OPENINGS + ",title", [opening("d-1") + ["Second Title"]]),
     "refused", [":1: header:", "title"])

case("openings-empty.csv", b"", "refused", [":1:"])

case("openings-header-only.csv", OPENINGS + "\n", "imported")

case("openings-blank-lines-only.csv", "\n\n\n", "refused", [":1:"])

case("openings-bom.csv",
     "\ufeff" + rows(OPENINGS, [opening("bom-1", title="BOM Opening Engineer")]),
     "imported", text=["BOM Opening Engineer at Acme"])

case("openings-bom.jsonl",
     "\ufeff" + json.dumps({"source": "corpus", "id": "bom-json", "company": "Acme", "title": "JSON BOM Engineer",
                            "level": "senior", "stack": ["Go", "gRPC"], "location": "Berlin", "remote": False,
                            "salary_min": 150000, "salary_max": 250000, "currency": "USD",
                            "url": "https://jobs.example.com/bom-json", "posted_at": "2026-11-18T10:00:00Z",
                            "closed_at": None}) + "\n",
     "imported", text=["JSON BOM Engineer at Acme"])

case("openings-mixed-line-ends.csv",
     OPENINGS + "\r\n"
     + ",".join(opening("mixed-1", title="Mixed CRLF Engineer", location="Berlin")) + "\n"
     + ",".join(opening("mixed-2", title="Mixed LF Engineer", location="Berlin")) + "\r\n"
     + ",".join(opening("mixed-3", title="Mixed Last Engineer", location="Berlin")) + "\n",
     "imported", text=["Mixed CRLF Engineer", "Mixed LF Engineer", "Mixed Last Engineer"])

case("openings-cr-line-ends.csv",
     rows(OPENINGS, [opening("cr-1", title="Classic Mac Engineer"), opening("cr-2", title="Carriage Return Engineer")],
          line_end="\r"),
     "imported", text=["Classic Mac Engineer", "Carriage Return Engineer"])

case("openings-quoted-newlines.csv",
     rows(OPENINGS, [opening("nl-1", title="Senior\nMultiline\nEngineer", company="Line\r\nBreak Corp",
                             location="Berlin,\nGermany")]),
     "imported", text=["Senior Multiline Engineer at Line Break Corp"])

# A cell spanning lines moves the following rows down: errors must name the physical line.
case("openings-error-after-multiline-cell.csv",
     OPENINGS + "\n"
     + 'corpus,ml-1,Acme,"Senior\nMultiline\nEngineer",senior,Go,Berlin,false,150000,250000,USD,'
       'https://jobs.example.com/ml-1,2026-11-18T10:00:00Z,\n'
     + ",".join(opening("ml-2", level="expert", location="Berlin")) + "\n",
     "refused", [':5: level: unknown level "expert"'])

case("openings-error-after-crlf-multiline-cell.csv",
     OPENINGS + "\r\n"
     + 'corpus,ml-1,Acme,"Senior\r\nMultiline\r\nEngineer",senior,Go,Berlin,false,150000,250000,USD,'
       'https://jobs.example.com/ml-1,2026-11-18T10:00:00Z,\r\n'
     + ",".join(opening("ml-2", level="expert", location="Berlin")) + "\r\n",
     "refused", [':5: level: unknown level "expert"'])

# ---------------------------------------------------------------------------------------------------------------
# Encodings and control characters

case("openings-non-utf8.csv",
     (OPENINGS + "\n" + ",".join(opening("ok-1", location="Berlin")) + "\n").encode()
     + ",".join(opening("latin1", company="Caf\xe9 Corp", location="Berlin")).encode("latin-1") + b"\n",
     "refused", [":3: not valid UTF-8"])

case("openings-utf16.csv",
     rows(OPENINGS, [opening("utf16")]).encode("utf-16"),
     "refused", [":1: not valid UTF-8"])

case("openings-control-characters.csv",
     rows(OPENINGS, [opening("ctl-1", title="Null\x00Engineer"), opening("ctl-2", company="Bell\x07Corp"),
                     opening("ctl-3", title="\x1b[31mRed\x1b[0m Engineer"),
                     opening("ctl-4", location="Next\x85Line")]),
     "refused", [":2: title: contains a control character", ":3: company: contains a control character",
                 ":4: title: contains a control character", ":5: location: contains a control character"])

case("openings-unicode-line-separators.csv",
     rows(OPENINGS, [opening("ls-1", title="Line\u2028Separator Engineer", company="Para\u2029Graph Corp")]),
     "imported", text=["Separator Engineer"])

# ---------------------------------------------------------------------------------------------------------------
# Huge fields

case("openings-huge-title.csv",
     rows(OPENINGS, [opening("huge-1", title="A" * KB100)]),
     "refused", [":2: title: is longer than 300 characters"])

case("openings-huge-fields.csv",
     rows(OPENINGS, [opening("huge-2", company="C" * KB100, location="L" * KB100, stack=";".join(["Go"] * 40_000),
                             url="https://jobs.example.com/" + "u" * KB100)]),
     "refused", [":2: company: is longer than 200 characters", ":2: location: is longer than 200 characters",
                 ":2: stack:", ":2: url:"])

case("openings-huge-combining-title.csv",
     rows(OPENINGS, [opening("zalgo-1", title=ZALGO)]),
     "refused", [":2: title:"])

# ---------------------------------------------------------------------------------------------------------------
# Markup and template syntax in data: imported as plain text, escaped in HTML, never interpreted

case("openings-html-everywhere.csv",
     rows(OPENINGS, [opening("<b>id</b>", source="<i>src</i>", company="<img src=x onerror=alert(1)> Corp",
                             title=SCRIPT + " Platform Engineer", stack="<svg onload=alert(2)>;Go",
                             location="<iframe src=https://evil.example></iframe> Berlin",
                             url="https://jobs.example.com/html?q='onmouseover='alert(3)&x=y",
                             salary_max="300000"),
                     opening("html-2", title="</a></td></tr></table><h1>Injected</h1>", company="A & B <Corp>",
                             salary_max="290000")]),
     "imported",
     text=[SCRIPT + " Platform Engineer at <img src=x onerror=alert(1)> Corp", "<h1>Injected</h1>"],
     html=[ESCAPED_SCRIPT + " Platform Engineer", "&lt;img src=x onerror=alert(1)&gt; Corp",
           "&lt;iframe src=https://evil.example&gt;&lt;/iframe&gt; Berlin", "&lt;svg onload=alert(2)&gt;",
           "href=\"https://jobs.example.com/html?q=&#39;onmouseover=&#39;alert(3)&amp;x=y\"",
           "&lt;/a&gt;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;Injected&lt;/h1&gt;", "A &amp; B &lt;Corp&gt;"])

case("openings-mustache.csv",
     rows(OPENINGS, [opening("mu-1", title="{{#openings}}Loop{{/openings}} Engineer", company="{{> partials/footer.html}}",
                             salary_max="300000"),
                     opening("mu-2", title="{{{raw}}} and {{&amp}} Engineer", company="{{=<% %>=}} Corp",
                             location="{{! comment }} Berlin", stack="{{title}};Go", salary_max="299000"),
                     opening("mu-3", title="{{^hasOpenings}}Inverted{{/hasOpenings}} Lead", company="{{unsubscribeURL}}",
                             salary_max="298000")]),
     "imported",
     text=["{{#openings}}Loop{{/openings}} Engineer at {{> partials/footer.html}}",
           "{{{raw}}} and {{&amp}} Engineer at {{=<% %>=}} Corp", "{{! comment }} Berlin", "{{title}}",
           "{{^hasOpenings}}Inverted{{/hasOpenings}} Lead at {{unsubscribeURL}}"],
     html=["{{#openings}}Loop{{/openings}} Engineer", "{{{raw}}} and {{&amp;amp}} Engineer",
           "{{=&lt;% %&gt;=}} Corp", "{{unsubscribeURL}}"])

case("openings-mustache.jsonl",
     json.dumps({"source": "corpus", "id": "mu-json", "company": "{{#each}}Json{{/each}}",
                 "title": "{{> partial}} JSON Engineer", "level": "senior", "stack": ["{{{raw}}}", "Go"],
                 "location": "Berlin", "remote": True, "salary_min": 150000, "salary_max": 300000,
                 "currency": "USD", "url": "https://jobs.example.com/mu-json",
                 "posted_at": "2026-11-18T10:00:00Z", "closed_at": ""}) + "\n"
     + json.dumps({"source": "corpus", "id": "html-json", "company": "JSON Corp", "title": SCRIPT + " JSON",
                   "level": "mid", "stack": "Go", "location": "<b>Remote</b>", "remote": "true",
                   "salary_min": 100000, "salary_max": 299000, "currency": "usd",
                   "url": "https://jobs.example.com/html-json", "posted_at": "2026-11-19", "closed_at": None}) + "\n",
     "imported",
     text=["{{> partial}} JSON Engineer at {{#each}}Json{{/each}}", "{{{raw}}}", SCRIPT + " JSON at JSON Corp"],
     html=[ESCAPED_SCRIPT + " JSON", "&lt;b&gt;Remote&lt;/b&gt;"])

case("openings-rtl-and-emoji.csv",
     rows(OPENINGS, [opening("rtl-1", title="مهندس خلفية", company="شركة القاهرة", location="القاهرة، مصر",
                             salary_max="300000"),
                     opening("rtl-2", title="מהנדס תוכנה", company="חברה בע״מ", location="תל אביב", salary_max="299000"),
                     opening("rtl-3", title="\u202eenignE reinoS", company="\u202dOverride\u202c Corp",
                             location="Berlin \u2067isolate\u2069", salary_max="298000"),
                     opening("emoji-1", title="🚀 Rocket Engineer 👩‍💻", company="🦀 Crab Co 🏳️‍🌈",
                             stack="🐹;Go", salary_max="297000")]),
     "imported",
     text=["مهندس خلفية at شركة القاهرة", "מהנדס תוכנה at חברה בע״מ", "\u202eenignE reinoS",
           "🚀 Rocket Engineer 👩‍💻 at 🦀 Crab Co 🏳️‍🌈"],
     html=["مهندس خلفية", "\u202eenignE reinoS", "🚀 Rocket Engineer 👩‍💻"])

# ---------------------------------------------------------------------------------------------------------------
# URLs

case("openings-javascript-url.csv",
     rows(OPENINGS, [opening("js-1", url="javascript:alert(document.cookie)")]),
     "refused", [':2: url: not an absolute http(s) URL: "javascript:alert(document.cookie)"'])

case("openings-dangerous-urls.csv",
     rows(OPENINGS, [opening("u-1", url="JaVaScRiPt:alert(1)"),
                     opening("u-2", url=" javascript:alert(1)"),
                     opening("u-3", url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
                     opening("u-4", url="vbscript:msgbox(1)"),
                     opening("u-5", url="//evil.example/path"),
                     opening("u-6", url="https://jobs.example.com/x\"onmouseover=\"alert(1)"),
                     opening("u-7", url="https://jobs.example.com/<script>"),
                     opening("u-8", url="https:///no-host"),
                     opening("u-9", url="ftp://files.example.com/job.txt"),
                     opening("u-10", url="java\nscript:alert(1)")]),
     "refused", [f":{n}: url:" for n in range(2, 12)])

# ---------------------------------------------------------------------------------------------------------------
# Numbers, dates, identity

case("openings-negative-salary.csv",
     rows(OPENINGS, [opening("neg-1", salary_min="-1"), opening("neg-2", salary_max="-150000", salary_min="")]),
     "refused", [":2: salary_min: -1 is out of range", ":3: salary_max: -150000 is out of range"])

case("openings-absurd-salaries.csv",
     rows(OPENINGS, [opening("abs-1", salary_max="10000001"),
                     opening("abs-2", salary_max="99999999999999999999999999"),
                     opening("abs-3", salary_max="1e6"),
                     opening("abs-4", salary_max="150,000"),
                     opening("abs-5", salary_max="150k"),
                     opening("abs-6", salary_max="NaN"),
                     opening("abs-7", salary_min="200000", salary_max="100000")]),
     "refused", [":2: salary_max:", ":3: salary_max:", ":4: salary_max:", ":5: salary_max:", ":6: salary_max:",
                 ":7: salary_max:", ":8: salary_max: 100000 is below salary_min 200000"])

case("openings-invalid-dates.csv",
     rows(OPENINGS, [opening("date-1", posted="2026-02-30"),
                     opening("date-2", posted="10000-01-01"),
                     opening("date-3", posted="1899-12-31"),
                     opening("date-4", posted="2026-13-01T10:00:00Z"),
                     opening("date-5", posted="2026-11-17T24:00:00Z"),
                     opening("date-6", posted="17/11/2026"),
                     opening("date-7", posted=""),
                     opening("date-8", posted="2026-11-18T10:00:00Z", closed="2026-11-10T10:00:00Z"),
                     opening("date-9", posted="2026-11-18T10:00:00Z", closed="9999-12-31T23:59:60Z")]),
     "refused", [':2: posted_at: not an ISO 8601 timestamp: "2026-02-30"', ":3: posted_at:", ":4: posted_at:",
                 ":5: posted_at:", ":6: posted_at:", ":7: posted_at:", ":8: posted_at: is required",
                 ":9: closed_at: is before posted_at", ":10: closed_at:"])

case("openings-duplicate-id.csv",
     rows(OPENINGS, [opening("dup-1"), opening("dup-2"), opening("dup-1", title="Same Id Again")]),
     "refused", [":4: id: duplicate of line 2"])

case("openings-same-id-other-source.csv",
     rows(OPENINGS, [opening("shared-1", source="lever", title="Lever Shared Engineer"),
                     opening("shared-1", source="greenhouse", title="Greenhouse Shared Engineer")]),
     "imported", text=["Lever Shared Engineer", "Greenhouse Shared Engineer"])

case("openings-bad-json.jsonl",
     '{"source": "corpus", "id": "j-1", "company": "Acme", "title": "Broken", "level": "senior"\n'
     + '["corpus", "j-2"]\n'
     + json.dumps({"source": "corpus", "id": "j-3", "company": {"name": "Nested"}, "title": "Nested", "level": "senior",
                   "url": "https://jobs.example.com/j-3", "posted_at": "2026-11-18T10:00:00Z"}) + "\n"
     + json.dumps({"source": "corpus", "id": "j-4", "company": "Acme", "title": "Unknown", "level": "senior",
                   "url": "https://jobs.example.com/j-4", "posted_at": "2026-11-18T10:00:00Z", "bonus": 1}) + "\n"
     + json.dumps({"source": "corpus", "id": "j-5", "company": "Acme", "title": "No URL", "level": "senior",
                   "posted_at": "2026-11-18T10:00:00Z"}) + "\n",
     "refused", [":1: not a JSON object", ":2: not a JSON object", ":3: company:", ":4: bonus: unknown field",
                 ":5: url: is required"])

# ---------------------------------------------------------------------------------------------------------------
# Salaries

def salary_weeks(stack, region="EU", source="survey", level="senior"):
    """Five observations in each of weeks 46 and 47, so the group shows in the W48 digest."""
    return ([salary("2026-11-10", level, stack, region, str(150_000 + 1000 * k), "USD", source) for k in range(5)]
            + [salary("2026-11-17", level, stack, region, str(160_000 + 1000 * k), "USD", source) for k in range(5)])


case("salaries-negative-amount.csv",
     rows(SALARIES, [salary(), salary(amount="-150000")]),
     "refused", [":3: amount: -150000 is out of range"])

case("salaries-zero-and-absurd.csv",
     rows(SALARIES, [salary(amount="0"), salary(amount="10000001"), salary(amount="1e6"), salary(amount="12.5"),
                     salary(amount="99999999999999999999999"), salary(amount="")]),
     "refused", [":2: amount: 0 is out of range", ":3: amount: 10000001 is out of range", ":4: amount:",
                 ":5: amount:", ":6: amount:", ":7: amount: is required"])

case("salaries-invalid-dates.csv",
     rows(SALARIES, [salary(day="2026-02-30"), salary(day="10000-01-01"), salary(day="1899-12-31"),
                     salary(day="2026-11-31"), salary(day="2025-02-29")]),
     "refused", [":2: observed_on:", ":3: observed_on:", ":4: observed_on:", ":5: observed_on:", ":6: observed_on:"])

case("salaries-bad-levels-and-currencies.csv",
     rows(SALARIES, [salary(level="expert"), salary(level=""), salary(currency="US$"), salary(currency="EURO"),
                     salary(currency="€€€")]),
     "refused", [':2: level: unknown level "expert"', ":3: level: is required", ":4: currency:", ":5: currency:",
                 ":6: currency:"])

case("salaries-missing-column.csv",
     rows(SALARIES.replace(",amount", ""), [["2026-11-17", "senior", "Go", "EU", "USD", "survey"]]),
     "refused", [":1: header: missing column amount"])

case("salaries-wrong-column-count.csv",
     SALARIES + "\n2026-11-17,senior,Go,EU,150000,USD,survey\n2026-11-17,senior,Go,EU,150000\n"
     + "2026-11-17,senior,Go,EU,150,000,USD,survey\n",
     "refused", [":3: expected 7 fields, found 5", ":4: expected 7 fields, found 8"])

case("salaries-header-only.csv", SALARIES + "\r\n", "imported")

case("salaries-html-and-mustache.csv",
     rows(SALARIES, salary_weeks(SCRIPT, region="<b>EU</b>", source="{{> partial}}")
          + salary_weeks("{{#x}}Go{{/x}}", region="{{{raw}}}", source="<i>s</i>")),
     "imported",
     text=["Senior " + SCRIPT + ":", "Senior {{#x}}Go{{/x}}:"],
     html=["Senior " + ESCAPED_SCRIPT, "Senior {{#x}}Go{{/x}}"])

case("salaries-mixed-line-ends.csv",
     rows(SALARIES, salary_weeks("MixedLang")[:5], line_end="\r\n")
     + rows(SALARIES, salary_weeks("MixedLang")[5:], line_end="\n").split("\n", 1)[1],
     "imported", text=["Senior MixedLang:"])

# ---------------------------------------------------------------------------------------------------------------
# Certifications

case("certifications-html-everywhere.csv",
     rows(CERTIFICATIONS, [certification("<b>cert</b>", url="https://certs.example.com/html?a=1&b=2",
                                         name=SCRIPT + " Certified", issuer="<img src=x onerror=alert(1)>",
                                         summary="<p style=\"x\">Learn</p> <a href=\"javascript:alert(1)\">here</a> & more")]),
     "imported",
     text=[SCRIPT + " Certified (<img src=x onerror=alert(1)>)"],
     html=[ESCAPED_SCRIPT + " Certified", "&lt;img src=x onerror=alert(1)&gt;",
           "href=\"https://certs.example.com/html?a=1&amp;b=2\"",
           "&lt;p style=&quot;x&quot;&gt;Learn&lt;/p&gt; &lt;a href=&quot;javascript:alert(1)&quot;&gt;here&lt;/a&gt; &amp; more"])

case("certifications-mustache.csv",
     rows(CERTIFICATIONS, [certification("mu-cert", name="{{#certifications}}Again{{/certifications}}",
                                         issuer="{{> partials/footer.html}}",
                                         summary="{{{postalAddress}}} {{=| |=}} {{email}}")]),
     "imported",
     text=["{{#certifications}}Again{{/certifications}} ({{> partials/footer.html}})",
           "{{{postalAddress}}} {{=| |=}} {{email}}"],
     html=["{{#certifications}}Again{{/certifications}}", "{{{postalAddress}}} {{=| |=}} {{email}}"])

case("certifications-rtl-and-emoji.csv",
     rows(CERTIFICATIONS, [certification("rtl-cert", name="شهادة مطور", issuer="מנפיק \u202eREUSSI",
                                         summary="☁️ Cloud 🧪 tests — ✅")]),
     "imported", text=["شهادة مطور (מנפיק \u202eREUSSI)", "☁️ Cloud 🧪 tests — ✅"])

case("certifications-summary-at-limit.csv",
     rows(CERTIFICATIONS, [certification("long-summary", name="Long Summary Cert",
                                         summary=(("Ünïcödé " + "<&> " + "x" * 990 + " ") * 2)[:2000])]),
     "imported", html=["Long Summary Cert"])

case("certifications-huge-summary.csv",
     rows(CERTIFICATIONS, [certification("huge", summary="S" * KB100), certification("huge-2", name="N" * KB100)]),
     "refused", [":2: summary: is longer than 2000 characters", ":3: name: is longer than 200 characters"])

case("certifications-javascript-url.csv",
     rows(CERTIFICATIONS, [certification("js-cert", url="javascript:alert(1)"),
                           certification("js-cert-2", url="  JAVASCRIPT:alert(1)")]),
     "refused", [":2: url: not an absolute http(s) URL", ":3: url: not an absolute http(s) URL"])

case("certifications-duplicate-id.csv",
     rows(CERTIFICATIONS, [certification("cka"), certification("ckad"), certification("cka", name="Again")]),
     "refused", [":4: id: duplicate of line 2"])

case("certifications-invalid-dates.csv",
     rows(CERTIFICATIONS, [certification("d-1", featured_from="2026-02-30"),
                           certification("d-2", featured_until="10000-01-01"),
                           certification("d-3", featured_from="1899-12-31"),
                           certification("d-4", featured_from="2026-11-29", featured_until="2026-11-23")]),
     "refused", [":2: featured_from:", ":3: featured_until:", ":4: featured_from:",
                 ":5: featured_until: is before featured_from"])

case("certifications-empty.csv", b"", "refused", [":1:"])

case("certifications-overlong-utf8.csv",
     (CERTIFICATIONS + "\n").encode()
     + b"ovl,Over\xc0\xafLong,Issuer,Summary,https://certs.example.com/ovl,,\n"
     + b"sur,Surrogate \xed\xa0\x80,Issuer,Summary,https://certs.example.com/sur,,\n",
     "refused", [":2: not valid UTF-8"])

# ---------------------------------------------------------------------------------------------------------------
# Subscribers

case("subscribers-crlf-in-address.csv",
     rows(SUBSCRIBERS, [subscriber("ok@example.com"),
                        subscriber("victim@example.com\r\nBcc: everyone@example.com")]),
     "refused", [":3: email:", "line break"])

case("subscribers-lf-in-address.csv",
     rows(SUBSCRIBERS, [subscriber("one@example.com\nBcc: two@example.com"),
                        subscriber("ok@example.com")]),
     "refused", [":2: email:", "line break"])

case("subscribers-quotes-in-address.csv",
     rows(SUBSCRIBERS, [subscriber('"quoted"@example.com'), subscriber('evil"@example.com'),
                        subscriber("o'brien@example.com", name="Apostrophe OK")]),
     "refused", [":2: email:", ":3: email:"])

case("subscribers-spaces-in-address.csv",
     rows(SUBSCRIBERS, [subscriber("spaced @example.com"), subscriber("a@exa mple.com"),
                        subscriber("tab\there@example.com")]),
     "refused", [":2: email:", ":3: email:", ":4: email:"])

case("subscribers-malformed-addresses.csv",
     rows(SUBSCRIBERS, [subscriber("a@b@example.com"), subscriber("nodomain@localhost"), subscriber("@example.com"),
                        subscriber("dot.@example.com"), subscriber("a@example..com"), subscriber(""),
                        subscriber("zoë@example.com"), subscriber("user@exämple.com"),
                        subscriber("Name <name@example.com>"), subscriber("a@example.com,b@example.com")]),
     "refused", [f":{n}: email:" for n in range(2, 12)])

case("subscribers-unknown-zones.csv",
     rows(SUBSCRIBERS, [subscriber("z1@example.com", timezone="Europe/Atlantis"),
                        subscriber("z2@example.com", timezone="Mars/Olympus_Mons"),
                        subscriber("z3@example.com", timezone="UTC+2"),
                        subscriber("z4@example.com", timezone="europe/berlin"),
                        subscriber("z5@example.com", timezone="Berlin")]),
     "refused", [':2: timezone: unknown IANA time zone "Europe/Atlantis"', ":3: timezone:", ":4: timezone:",
                 ":5: timezone:", ":6: timezone:"])

case("subscribers-zone-paths.csv",
     rows(SUBSCRIBERS, [subscriber("p1@example.com", timezone="../../../../etc/passwd"),
                        subscriber("p2@example.com", timezone="/etc/localtime"),
                        subscriber("p3@example.com", timezone="Europe/../Europe/Berlin"),
                        subscriber("p4@example.com", timezone="zone.tab"),
                        subscriber("p5@example.com", timezone="right/../posix/Europe/Berlin"),
                        subscriber("p6@example.com", timezone="Europe/")]),
     "refused", [":2: timezone:", ":3: timezone:", ":4: timezone:", ":5: timezone:", ":6: timezone:", ":7: timezone:"])

case("subscribers-duplicate-email.csv",
     rows(SUBSCRIBERS, [subscriber("Dup@Example.com", name="First"), subscriber("other@example.com"),
                        subscriber("dup@example.COM", name="Second")]),
     "refused", [":4: email:", "line 2"])

case("subscribers-bad-fields.csv",
     rows(SUBSCRIBERS, [subscriber("f1@example.com", send_day="funday"),
                        subscriber("f2@example.com", send_hour="24"),
                        subscriber("f3@example.com", send_hour="9am"),
                        subscriber("f4@example.com", remote_only="maybe"),
                        subscriber("f5@example.com", status="paused"),
                        subscriber("f6@example.com", levels="senior;expert"),
                        subscriber("f7@example.com", min_salary="-5"),
                        subscriber("f8@example.com", send_hour="-1")]),
     "refused", [':2: send_day: must be mon…sun, not "funday"', ":3: send_hour: 24 is out of range",
                 ":4: send_hour:", ":5: remote_only:", ":6: status:", ':7: levels: unknown level "expert"',
                 ":8: min_salary:", ":9: send_hour:"])

case("subscribers-control-characters.csv",
     rows(SUBSCRIBERS, [subscriber("nul@example.com", name="Nul\x00Name"),
                        subscriber("esc\x1b[2J@example.com"),
                        subscriber("bell@example.com", name="\x07Bell")]),
     "refused", [":2: name: contains a control character", ":3: email:", ":4: name: contains a control character"])

case("subscribers-header-injection-in-name.csv",
     rows(SUBSCRIBERS, [subscriber("inject1@example.com", name="Eve\r\nBcc: victim@example.com"),
                        subscriber("inject2@example.com", name='Mallory" <attacker@evil.example>, "Other'),
                        subscriber("inject3@example.com", name="=?UTF-8?B?QmNjOiB2aWN0aW1AZXhhbXBsZS5jb20=?="),
                        subscriber("inject4@example.com", name="Trudy\nSubject: you won\n\n<html>")]),
     "imported", text=["Hi Eve,", "Hi Trudy,"])

case("subscribers-html-and-mustache-names.csv",
     rows(SUBSCRIBERS, [subscriber("html1@example.com", name=SCRIPT),
                        subscriber("mu1@example.com", name="{{#x}}Eve{{/x}} Smith"),
                        subscriber("mu2@example.com", name="{{>partial}} Jones"),
                        subscriber("mu3@example.com", name="{{{raw}}} Brown"),
                        subscriber("html2@example.com", name="<b>Bold</b> Person")]),
     "imported",
     text=["Hi " + SCRIPT + ",", "Hi {{#x}}Eve{{/x}},", "Hi {{>partial}},", "Hi {{{raw}}},", "Hi <b>Bold</b>,"],
     html=["Hi " + ESCAPED_SCRIPT + ",", "Hi &lt;b&gt;Bold&lt;/b&gt;,", "Hi {{#x}}Eve{{/x}},", "Hi {{{raw}}},"])

case("subscribers-rtl-and-emoji-names.csv",
     rows(SUBSCRIBERS, [subscriber("ar@example.com", name="محمد علي", timezone="Africa/Cairo"),
                        subscriber("he@example.com", name="דוד כהן", timezone="Asia/Jerusalem"),
                        subscriber("rlo@example.com", name="\u202emoc.elpmaxe@nimda"),
                        subscriber("emoji@example.com", name="😀 Smiley 🏳️‍🌈"),
                        subscriber("mixed@example.com", name="Zoë 李 Ωmega")]),
     "imported", text=["Hi محمد,", "Hi דוד,", "Hi \u202emoc.elpmaxe@nimda,", "Hi 😀,", "Hi Zoë,"])

case("subscribers-long-emoji-name.csv",
     rows(SUBSCRIBERS, [subscriber("longname@example.com", name="👩‍👩‍👧‍👦" * 200),
                        subscriber("longascii@example.com", name=("Bartholomew " * 17)[:200].strip())]),
     "imported")

case("subscribers-huge-name.csv",
     rows(SUBSCRIBERS, [subscriber("huge@example.com", name="N" * KB100)]),
     "refused", [":2: name: is longer than 200 characters"])

case("subscribers-huge-combining-name.csv",
     rows(SUBSCRIBERS, [subscriber("zalgo@example.com", name=ZALGO)]),
     "refused", [":2: name:"])

case("subscribers-huge-address-and-zone.csv",
     rows(SUBSCRIBERS, [subscriber("a" * KB100 + "@example.com"),
                        subscriber("zone@example.com", timezone="Europe/" + "B" * KB100)]),
     "refused", [":2: email:", ":3: timezone:"])

case("subscribers-bom.csv",
     "\ufeff" + rows(SUBSCRIBERS, [subscriber("bom@example.com", name="Bom Reader")], line_end="\r\n"),
     "imported", text=["Hi Bom,"])

case("subscribers-mixed-line-ends.csv",
     SUBSCRIBERS + "\r\n" + ",".join(subscriber("crlf@example.com", name="Crlf Reader")) + "\n"
     + ",".join(subscriber("lf@example.com", name="Lf Reader")) + "\r\n"
     + '"quoted@example.com","Multi\r\nLine Reader",Europe/Berlin,monday,10,Go;;Python,,true,,,active\n',
     "imported", text=["Hi Crlf,", "Hi Lf,", "Hi Multi,"])

case("subscribers-empty.csv", b"", "refused", [":1:"])

case("subscribers-header-only.csv", SUBSCRIBERS + "\n", "imported")

case("subscribers-as-json-lines.jsonl",
     json.dumps({"email": "json@example.com", "name": "Json Reader"}) + "\n",
     "refused", [":1:"])

case("subscribers-non-utf8.csv",
     (SUBSCRIBERS + "\n" + ",".join(subscriber("ok@example.com")) + "\n").encode()
     + ",".join(subscriber("zoe@example.com", name="Zo\xeb M\xfcller")).encode("cp1252") + b"\n",
     "refused", [":3: not valid UTF-8"])

case("subscribers-unicode-line-separators.csv",
     rows(SUBSCRIBERS, [subscriber("sep@example.com", name="Line\u2028Sep\u2029Name")]),
     "imported")


def main():
    names = set()
    for name, data, _ in CASES:
        assert name not in names, name
        names.add(name)
    for existing in os.listdir(HERE):
        if (existing.endswith(".csv") or existing.endswith(".jsonl")) and existing not in names:
            os.remove(os.path.join(HERE, existing))
    for name, data, _ in CASES:
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    with open(os.path.join(HERE, "expectations.json"), "w", encoding="utf-8") as f:
        json.dump([entry for _, _, entry in CASES], f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(CASES)} files")


if __name__ == "__main__":
    main()
