#!/usr/bin/python3
"""Independent DKIM verification of Gazette's messages with dkimpy (Debian python3-dkim, python3-nacl).

Usage: verify_dkim.py RECORD FILE.eml...   (`-` reads one message from standard input)

RECORD is the TXT value Gazette printed (`v=DKIM1; k=…; p=…`); dkimpy's DNS lookup is replaced by a
function that returns it for the signature's own `s=`/`d=` name and nothing for any other name.
Prints one JSON object per message:
  {"file", "verified", "tampered_header", "tampered_body", "signature", "longest_signature_line"}
where the tampered_* fields say whether a copy with one header byte (Subject) or one body byte changed
still verifies: both must be false.
"""
import json
import re
import sys

import dkim


def dns_for(record: bytes, message: bytes):
    tags = dict(re.findall(rb"([a-z]+)=([^;]*)", re.sub(rb"\s+", b"", signature_field(message) or b"")))
    expected = tags.get(b"s", b"") + b"._domainkey." + tags.get(b"d", b"") + b"."

    def lookup(name, timeout=5):
        return record if name == expected else None
    return lookup


def signature_field(message: bytes):
    head = message.split(b"\r\n\r\n", 1)[0]
    match = re.search(rb"(?im)^DKIM-Signature:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head)
    return match.group(1) if match else None


def verifies(message: bytes, record: bytes) -> bool:
    try:
        return bool(dkim.verify(message, dnsfunc=dns_for(record, message)))
    except Exception:
        return False


def tamper_header(message: bytes) -> bytes:
    return message.replace(b"\r\nSubject: ", b"\r\nSubject: X", 1)


def tamper_body(message: bytes) -> bytes:
    head, body = message.split(b"\r\n\r\n", 1)
    # One letter in the middle of the body, where the HTML or text is (not whitespace, which relaxed
    # canonicalization would forgive).
    index = len(body) // 2
    while not chr(body[index]).isalpha():
        index += 1
    flipped = bytes([body[index] ^ 0x20])
    return head + b"\r\n\r\n" + body[:index] + flipped + body[index + 1:]


def main() -> int:
    record = sys.argv[1].encode()
    results = []
    for path in sys.argv[2:]:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
        field = signature_field(raw)
        lines = (b"DKIM-Signature:" + field).split(b"\r\n") if field else []
        results.append({
            "file": path,
            "verified": verifies(raw, record),
            "tampered_header": verifies(tamper_header(raw), record),
            "tampered_body": verifies(tamper_body(raw), record),
            "signature": field.decode() if field else None,
            "longest_signature_line": max((len(line) for line in lines), default=0),
        })
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
