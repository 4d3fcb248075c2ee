#!/usr/bin/env python3
"""Independent check of Gazette's messages with Python's `email` package.

Usage: check_messages.py FILE.eml...   (or `-` to read one message from standard input)

Prints one JSON object per message: {"file", "errors": [...], "headers": {...}, "text", "html"}.
Every rule of the delivery contract (docs/contract.md) that can be checked on the bytes is checked here;
the Swift tests assert that `errors` is empty and look at the decoded content.
"""
import email
import email.policy
import json
import re
import sys

REQUIRED_ONCE = ["Date", "Message-ID", "From", "To", "Subject", "MIME-Version",
                 "List-Unsubscribe", "List-Unsubscribe-Post"]


def check(raw: bytes) -> dict:
    errors = []
    # Line ends: CRLF only, and no line over 998 octets (RFC 5322 §2.1.1).
    if re.search(rb"(?<!\r)\n", raw):
        errors.append("bare LF line end")
    if re.search(rb"\r(?!\n)", raw):
        errors.append("bare CR")
    for number, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 998:
            errors.append(f"line {number} is {len(line)} octets long")
    head = raw.split(b"\r\n\r\n", 1)[0]
    for byte in head:
        if byte > 127:
            errors.append("raw 8-bit byte in the header block")
            break
    # Header block structure: every line is a field or a folded continuation.
    for line in head.split(b"\r\n"):
        if not (line[:1] in (b" ", b"\t") or re.match(rb"^[!-9;-~]+:", line)):
            errors.append(f"header line is neither a field nor a continuation: {line[:60]!r}")

    message = email.message_from_bytes(raw, policy=email.policy.default)
    for name in REQUIRED_ONCE:
        count = len(message.get_all(name) or [])
        if count != 1:
            errors.append(f"{name} appears {count} times")
    if message.get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click":
        errors.append("List-Unsubscribe-Post is not exactly List-Unsubscribe=One-Click")
    unsubscribe = str(message.get("List-Unsubscribe", ""))
    uris = re.findall(r"<([^>]*)>", unsubscribe)
    if not any(u.startswith("https://") or u.startswith("http://") for u in uris):
        errors.append("List-Unsubscribe has no http(s) URI")
    if not any(u.startswith("mailto:") for u in uris):
        errors.append("List-Unsubscribe has no mailto URI")
    if message.get("MIME-Version") != "1.0":
        errors.append("MIME-Version is not 1.0")
    if message.defects:
        errors.append(f"defects: {[type(d).__name__ for d in message.defects]}")

    text = html = None
    if message.get_content_type() != "multipart/alternative":
        errors.append(f"top-level type is {message.get_content_type()}")
    else:
        parts = list(message.iter_parts())
        types = [p.get_content_type() for p in parts]
        if types != ["text/plain", "text/html"]:
            errors.append(f"parts are {types}, expected text/plain then text/html")
        for part in parts:
            if part.defects:
                errors.append(f"part defects: {[type(d).__name__ for d in part.defects]}")
            if part.get("Content-Transfer-Encoding") != "quoted-printable":
                errors.append(f"{part.get_content_type()} is not quoted-printable")
            if part.get_content_charset() != "utf-8":
                errors.append(f"{part.get_content_type()} charset is {part.get_content_charset()}")
        if len(parts) == 2:
            # Decoded bodies keep the wire's CRLF; report them with plain newlines.
            text = parts[0].get_content().replace("\r\n", "\n")
            html = parts[1].get_content().replace("\r\n", "\n")

    headers = {}
    for name in ["Date", "Message-ID", "From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"]:
        value = message.get(name)
        if value is not None:
            headers[name] = str(value)
            if "\n" in str(value) or "\r" in str(value):
                errors.append(f"decoded {name} contains a line break")
    return {"errors": errors, "headers": headers, "text": text, "html": html}


def main() -> int:
    results = []
    for path in sys.argv[1:]:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
        result = check(raw)
        result["file"] = path
        results.append(result)
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
