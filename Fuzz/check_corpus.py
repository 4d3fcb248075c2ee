#!/usr/bin/env python3
"""Replays FuzzComposer corpora and parses every composed message with Python's `email` package.

    Fuzz/check_corpus.py                      # Fuzz/Corpus/FuzzComposer and, if there, Fuzz/out/FuzzComposer/corpus
    Fuzz/check_corpus.py DIR_OR_FILE...       # other inputs (e.g. a crash file)

Needs the harness built (Fuzz/run.sh builds it). The harness writes each message and its inputs when
FUZZ_COMPOSER_DUMP is set; this script then checks, for every message, what the in-process harness
cannot: that an independent parser finds no defects, sees exactly the expected header fields, a
multipart/alternative with a text/plain and a text/html part in UTF-8, decodes both bodies to the
inputs (line breaks as CRLF), and reads back the Subject and the recipient's display name as the
composer's sanitiser leaves them (control characters and runs of spaces become one space, ends trimmed).
Exits 1 if any message fails.
"""

import email
import email.header
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_FIELDS = {
    "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe",
    "List-Unsubscribe-Post", "Content-Type",
}
RECIPIENT = "reader@example.org"


def binary_path():
    out = subprocess.run(
        ["swift", "build", "--package-path", HERE, "-c", "debug", "--show-bin-path"],
        check=True, capture_output=True, text=True).stdout.strip()
    path = os.path.join(out, "FuzzComposer")
    if not os.access(path, os.X_OK):
        sys.exit(f"{path} is not built: run Fuzz/run.sh (or swift build in Fuzz/) first")
    return path


def inputs(arguments):
    if not arguments:
        arguments = [os.path.join(HERE, "Corpus", "FuzzComposer")]
        grown = os.path.join(HERE, "out", "FuzzComposer", "corpus")
        if os.path.isdir(grown):
            arguments.append(grown)
    files = []
    for argument in arguments:
        if os.path.isdir(argument):
            files += sorted(os.path.join(argument, name) for name in os.listdir(argument))
        else:
            files.append(argument)
    return [f for f in files if os.path.isfile(f)]


def is_swift_whitespace(char):
    # Foundation's CharacterSet.whitespaces: Unicode general category Zs, and tab.
    return char == "\t" or unicodedata.category(char) == "Zs"


def sanitize(value):
    """HeaderEncoding.sanitize: controls (CR and LF too) and spaces become one space; ends trimmed."""
    out = []
    last_was_space = False
    for char in value:
        code = ord(char)
        control = code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029"
        if control or char == " ":
            if not last_was_space:
                out.append(" ")
            last_was_space = True
        else:
            out.append(char)
            last_was_space = False
    text = "".join(out)
    start, end = 0, len(text)
    while start < end and is_swift_whitespace(text[start]):
        start += 1
    while end > start and is_swift_whitespace(text[end - 1]):
        end -= 1
    return text[start:end]


def expected_body(text):
    out = bytearray()
    for byte in text.encode("utf-8", "surrogatepass"):
        if byte == 10:
            if not out or out[-1] != 13:
                out.append(13)
        out.append(byte)
    return bytes(out)


def display_name(raw):
    """The To display name, decoded by the RFC 2047 decoder of `email.header`.

    The modern parser (policy.default) keeps the white space between adjacent encoded-words inside a
    phrase, which RFC 2047 §6.2 says to ignore, so it would read `=?..?= =?..?=` names with extra spaces.
    """
    value = email.message_from_bytes(raw, policy=email.policy.compat32)["To"]
    value = re.sub(r"\r?\n([ \t])", r"\1", str(value))
    display = value[:value.rindex("<")].strip() if "<" in value else ""
    if display.startswith('"') and display.endswith('"') and len(display) >= 2:
        return re.sub(r"\\(.)", r"\1", display[1:-1])
    if "=?" in display:
        return "".join(
            chunk.decode(charset or "ascii", "replace") if isinstance(chunk, bytes) else chunk
            for chunk, charset in email.header.decode_header(display))
    return display


def check(eml_path, fields):
    problems = []
    raw = open(eml_path, "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message.defects:
        problems.append(f"message defects: {message.defects}")
    names = [name for name in message.keys()]
    if sorted(names) != sorted(EXPECTED_FIELDS):
        problems.append(f"header fields {names}")
    try:
        subject = str(message["Subject"])
        if subject != sanitize(fields["subject"]):
            problems.append(f"Subject reads back as {subject!r}, expected {sanitize(fields['subject'])!r}")
        to = message["To"]
        addresses = to.addresses
        if len(addresses) != 1 or addresses[0].addr_spec != RECIPIENT:
            problems.append(f"To has addresses {addresses!r}")
        if to.defects:
            problems.append(f"To defects: {to.defects}")
        name = display_name(raw)
        if name != sanitize(fields["name"]):
            problems.append(f"To display name reads back as {name!r}, expected {sanitize(fields['name'])!r}")
    except Exception as error:  # a header the parser cannot take apart at all
        problems.append(f"header parsing raised {error!r}")
    if message.get_content_type() != "multipart/alternative":
        problems.append(f"content type {message.get_content_type()}")
        return problems
    parts = list(message.iter_parts())
    if [p.get_content_type() for p in parts] != ["text/plain", "text/html"]:
        problems.append(f"parts {[p.get_content_type() for p in parts]}")
        return problems
    for part, key in zip(parts, ["text", "html"]):
        if part.defects:
            problems.append(f"{key} part defects: {part.defects}")
        if part.get_content_charset() != "utf-8":
            problems.append(f"{key} part charset {part.get_content_charset()}")
        decoded = part.get_payload(decode=True)
        expected = expected_body(fields[key])
        if decoded != expected:
            at = next((i for i, (a, b) in enumerate(zip(decoded, expected)) if a != b), min(len(decoded), len(expected)))
            problems.append(
                f"{key} part decodes differently at byte {at}: {decoded[at:at + 40]!r} vs {expected[at:at + 40]!r}")
    return problems


def main():
    binary = binary_path()
    files = inputs(sys.argv[1:])
    if not files:
        sys.exit("no inputs")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="gazette-fuzz-composer-") as dump:
        env = dict(os.environ, FUZZ_COMPOSER_DUMP=dump, SWIFT_BACKTRACE="enable=no")
        # One input per run, so that every dump maps back to its input file.
        for index, path in enumerate(files):
            run_dir = os.path.join(dump, str(index))
            os.mkdir(run_dir)
            env["FUZZ_COMPOSER_DUMP"] = run_dir
            result = subprocess.run([binary, path], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                failures += 1
                print(f"{path}: the harness failed (exit {result.returncode}):")
                print("\n".join(line for line in result.stderr.splitlines() if "Fatal error" in line or "ERROR" in line))
                continue
            for name in sorted(os.listdir(run_dir)):
                if not name.endswith(".eml"):
                    continue
                fields = json.load(open(os.path.join(run_dir, name[:-4] + ".json"), encoding="utf-8"))
                problems = check(os.path.join(run_dir, name), fields)
                if problems:
                    failures += 1
                    print(f"{path}:")
                    for problem in problems:
                        print(f"  {problem}")
    print(f"{len(files)} inputs replayed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
