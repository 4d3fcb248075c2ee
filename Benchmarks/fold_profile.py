"""Folds `perf script -F ip,sym,dso | swift demangle --simplified` of a `gazette send` into the parts of
the send path, as µs of CPU per message. A sample counts for the first part (in the order below) whose
marker appears anywhere on its stack; libsqlite3 and libcurl have no frame pointers, so some of their
samples lose the Swift frames above them and count for the library's row.

    python3 Benchmarks/fold_profile.py STACKS MESSAGES
"""
import collections
import sys

HZ = 999
PARTS = [
    ("building the message (`MessageFactory.message`)", ["MessageFactory.message("]),
    ("ledger: claims (`Store.claim`)", ["SQLiteStore.claim(", "TicketSource."]),
    ("ledger: sent marks (`SentMarks`, `Store.recordBlocking`)", ["SentMarks.", "recordBlocking"]),
    ("ledger: enqueue, reads and SQLite samples without a caller", ["SQLiteStore.", "AppDatabase", "GRDB", "libsqlite3"]),
    ("sending: libcurl and the kernel's TCP under it", ["SmtpSession.", "libcurl.so", "curl_"]),
    ("thread hand-offs (futex, semaphores, dispatch, scheduling)",
     ["futex", "sem_post", "sem_wait", "_dispatch", "swift_task", "swift_job", "schedule", "BlockingLane"]),
]
OTHER = "the rest (start-up, retain/release, malloc outside the above, logging)"


def samples(path):
    current = []
    for line in open(path, errors="replace"):
        if line.strip():
            current.append(line.strip())
        elif current:
            yield "\n".join(current)
            current = []
    if current:
        yield "\n".join(current)


def main():
    path, messages = sys.argv[1], int(sys.argv[2])
    counts = collections.Counter()
    total = 0
    for stack in samples(path):
        total += 1
        part = next((name for name, markers in PARTS if any(m in stack for m in markers)), OTHER)
        counts[part] += 1
    print("| part | share | µs CPU per message |")
    print("|---|---:|---:|")
    for name in [name for name, _ in PARTS] + [OTHER]:
        print(f"| {name} | {counts[name] / total * 100:.1f}% | {counts[name] / HZ / messages * 1e6:.0f} |")
    print(f"| whole process | 100% | {total / HZ / messages * 1e6:.0f} |")


if __name__ == "__main__":
    main()
