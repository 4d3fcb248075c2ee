#!/usr/bin/env python3
"""Checks the deployment recipes in deploy/ against Gazette's contract.

Usage: check_deploy.py REPO_ROOT

Reads every recipe as what it is: the Kubernetes manifests as YAML (every document of every file), the
systemd units as unit files (and, when `systemd-analyze` is installed, through `systemd-analyze verify`),
the crontab by its fields, the Containerfile by its instructions, and the env example against the
configuration table of README.md. Prints one line per problem and exits 1 if there is any, 0 otherwise.
Needs PyYAML (Debian: python3-yaml).
"""

import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # a missing checker dependency is a failure, not a silent pass
    print("check_deploy: PyYAML is missing: install python3-yaml (Debian) or `pip install pyyaml`")
    sys.exit(1)


class Checker:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.deploy = os.path.join(self.root, "deploy")
        self.problems = []
        self.notes = []

    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def note(self, message):
        self.notes.append(message)

    def rel(self, path):
        return os.path.relpath(path, self.root)

    def read(self, relpath):
        path = os.path.join(self.root, relpath)
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except OSError as error:
            self.problem(relpath, f"cannot read: {error.strerror}")
            return None


# ---------------------------------------------------------------------------------------------------------
# README.md: the configuration variables


def configuration_variables(checker):
    """Every GAZETTE_ variable named in the first column of README.md's configuration table."""
    text = checker.read("README.md")
    if text is None:
        return []
    section = re.search(r"^## Configuration\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not section:
        checker.problem("README.md", "no '## Configuration' section")
        return []
    names = []
    for line in section.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else []
        if len(cells) < 2 or set(cells[0]) <= set("-: "):
            continue
        for name in re.findall(r"`(GAZETTE_[A-Z0-9_]+)`", cells[0]):
            if name not in names:
                names.append(name)
    if len(names) < 10:
        checker.problem("README.md", f"the configuration table names only {len(names)} GAZETTE_ variables: {names}")
    return names


def source_variables(checker):
    """Every GAZETTE_ variable the sources mention: a setting may reach the code before README's table."""
    names = set()
    for directory, _, files in os.walk(os.path.join(checker.root, "Sources")):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                    names.update(re.findall(r"\bGAZETTE_[A-Z0-9_]*[A-Z0-9]\b", handle.read()))
    return names


# ---------------------------------------------------------------------------------------------------------
# deploy/gazette.env.example


def check_env_example(checker, variables, known):
    where = "deploy/gazette.env.example"
    text = checker.read(where)
    if text is None:
        return
    assigned = {}
    block_has_comment = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            block_has_comment = False
            continue
        if line.startswith("#"):
            block_has_comment = True
            continue
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", line)
        if not match:
            checker.problem(where, f"line {number}: not a KEY=value line: {raw!r}")
            continue
        key, value = match.groups()
        if key in assigned:
            checker.problem(where, f"line {number}: {key} is set twice")
        assigned[key] = value
        if not block_has_comment:
            checker.problem(where, f"line {number}: {key} has no comment explaining it")
        if key not in known:
            checker.problem(where, f"line {number}: {key} is neither in README.md's configuration table nor read by Sources/")
        if value[:1] in ("'", '"'):
            checker.problem(where, f"line {number}: {key} is quoted; gazette reads env files literally (quotes stay in the value)")
        if " #" in value:
            checker.problem(where, f"line {number}: {key} has a trailing comment, which would become part of the value")
    for name in variables:
        if name not in assigned:
            checker.problem(where, f"{name} (README.md's configuration table) is missing")
    smtp = assigned.get("GAZETTE_SMTP_URL", "")
    if smtp and not re.fullmatch(r"smtp://[^/\s:]+:587/?", smtp):
        checker.problem(where, f"GAZETTE_SMTP_URL should be an example relay on port 587 (smtp://host:587), not {smtp!r}")
    if assigned.get("GAZETTE_SMTP_TLS", "starttls") != "starttls":
        checker.problem(where, "GAZETTE_SMTP_TLS should be starttls for a relay on 587")
    base = assigned.get("GAZETTE_BASE_URL", "")
    if base and not base.startswith("https://"):
        checker.problem(where, f"GAZETTE_BASE_URL should be an https URL, not {base!r}")
    for key in ("GAZETTE_DATABASE", "GAZETTE_OUTBOX"):
        if key in assigned and not assigned[key].startswith("/var/lib/gazette"):
            checker.problem(where, f"{key} should live in /var/lib/gazette like the units and the image, not {assigned[key]!r}")


# ---------------------------------------------------------------------------------------------------------
# deploy/cron/gazette.crontab

CRON_FIELD_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
CRON_NAMES = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
              "sun", "mon", "tue", "wed", "thu", "fri", "sat"}


def cron_values(field, low, high):
    """The set of values a crontab field selects, or None if the field is malformed."""
    values = set()
    for part in field.split(","):
        match = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
        if not match:
            if part.lower() in CRON_NAMES:
                values.add(part.lower())
                continue
            return None
        star, start, end, step = match.groups()
        first, last = (low, high) if star == "*" else (int(start), int(end) if end else int(start))
        if step and not end and star != "*":
            last = high
        if first < low or last > high or first > last or (step and int(step) == 0):
            return None
        values.update(range(first, last + 1, int(step) if step else 1))
    return values


def check_crontab(checker):
    where = "deploy/cron/gazette.crontab"
    text = checker.read(where)
    if text is None:
        return
    jobs = []
    environment = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assignment = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)", line)
        if assignment:
            environment[assignment.group(1)] = assignment.group(2)
            continue
        jobs.append((number, line))
    if not jobs:
        checker.problem(where, "no crontab job line")
    sends = 0
    for number, line in jobs:
        fields = line.split(None, 5)
        if fields[0].startswith("@"):
            checker.problem(where, f"line {number}: use five schedule fields, not {fields[0]}")
            continue
        if len(fields) < 6:
            checker.problem(where, f"line {number}: a job needs five schedule fields and a command")
            continue
        selected = [cron_values(field, low, high) for field, (low, high) in zip(fields[:5], CRON_FIELD_RANGES)]
        for field, values in zip(fields[:5], selected):
            if values is None:
                checker.problem(where, f"line {number}: invalid schedule field {field!r}")
        command = fields[5]
        if re.search(r"(^|[\s/;{(&|])gazette\s+send(\s|;|$)", command):
            sends += 1
            if selected[0] is not None and selected[0] != set(range(0, 60, 10)):
                checker.problem(where, f"line {number}: gazette send should run every ten minutes (*/10), not at minutes {fields[0]}")
            if any(field != "*" for field in fields[1:5]):
                checker.problem(where, f"line {number}: gazette send should run every hour of every day")
            if "GAZETTE_CONFIG" not in environment and "GAZETTE_CONFIG=" not in command:
                checker.problem(where, f"line {number}: set GAZETTE_CONFIG so the run reads the env file")
            if "logger" not in command and ">>" not in command:
                checker.problem(where, f"line {number}: send the output to syslog (logger) or append it to a log file")
    if jobs and sends == 0:
        checker.problem(where, "no job runs `gazette send`")
    comments = " ".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    if not re.search(r"\b75\b", comments):
        checker.problem(where, "no comment explains exit status 75 (work left for the next run)")
    if "lease" not in comments.lower():
        checker.problem(where, "no comment explains that overlapping runs are safe (the lease)")


# ---------------------------------------------------------------------------------------------------------
# deploy/systemd/


def parse_unit(text):
    """Unit file → {section: {key: [values]}}, following systemd's syntax (comments, continuations)."""
    sections = {}
    current = None
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if pending:
            line = pending + " " + line.lstrip()
            pending = ""
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.endswith("\\"):
            pending = stripped[:-1]
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1], {})
            continue
        if current is None or "=" not in stripped:
            sections.setdefault("<errors>", {}).setdefault("lines", []).append(stripped)
            continue
        key, value = stripped.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def last(section, key):
    values = section.get(key)
    return values[-1] if values else None


def boolean(value):
    return value is not None and value.lower() in ("yes", "true", "1", "on")


def seconds(span):
    """A systemd time span ("30s", "5min", "1h 30min", "90") in seconds, or None."""
    if span is None:
        return None
    if span == "infinity":
        return float("inf")
    units = {"us": 1e-6, "ms": 1e-3, "s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60,
             "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "d": 86400,
             "day": 86400, "days": 86400, "w": 604800, "week": 604800, "weeks": 604800}
    total = 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", span.replace(" ", ""))
    if not parts or "".join(number + unit for number, unit in parts) != span.replace(" ", ""):
        return None
    for number, unit in parts:
        if unit and unit not in units:
            return None
        total += float(number) * units.get(unit or "s")
    return total


HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
    "PrivateDevices": "yes", "ProtectKernelTunables": "yes", "ProtectControlGroups": "yes",
    "LockPersonality": "yes",
}


def check_service_common(checker, where, service, subcommand):
    exec_start = service.get("ExecStart", [])
    if len(exec_start) != 1:
        checker.problem(where, f"needs exactly one ExecStart=, has {len(exec_start)}")
    else:
        words = exec_start[0].lstrip("-@:+!").split()
        if not words or words[0] != "/usr/local/bin/gazette":
            checker.problem(where, f"ExecStart= should run /usr/local/bin/gazette, not {exec_start[0]!r}")
        elif words[1:2] != [subcommand]:
            checker.problem(where, f"ExecStart= should run `gazette {subcommand}`, not {exec_start[0]!r}")
    user = last(service, "User")
    if not boolean(last(service, "DynamicUser")) and (user is None or user in ("root", "0")):
        checker.problem(where, "runs as root: set DynamicUser=yes or a dedicated User=")
    if last(service, "StateDirectory") != "gazette":
        checker.problem(where, "StateDirectory=gazette is missing (the database lives in /var/lib/gazette)")
    environment = {}
    for value in service.get("Environment", []):
        for assignment in re.findall(r'"([^"]*)"|(\S+)', value):
            text = assignment[0] or assignment[1]
            if "=" in text:
                key, val = text.split("=", 1)
                environment[key] = val
    for key, expected in (("GAZETTE_DATABASE", "/var/lib/gazette/gazette.sqlite"), ("GAZETTE_OUTBOX", "/var/lib/gazette/outbox")):
        if environment.get(key) != expected:
            checker.problem(where, f"Environment={key}={expected} is missing")
    if environment.get("GAZETTE_TEMPLATES", "").rstrip("/") != "/usr/share/gazette/Templates":
        checker.problem(where, "Environment=GAZETTE_TEMPLATES=/usr/share/gazette/Templates is missing")
    if "-/etc/gazette/gazette.env" not in service.get("EnvironmentFile", []):
        checker.problem(where, "EnvironmentFile=-/etc/gazette/gazette.env is missing")
    for key, expected in HARDENING.items():
        value = last(service, key)
        if value is None:
            checker.problem(where, f"hardening: {key}={expected} is missing")
        elif (boolean(value) if expected == "yes" else value) != (True if expected == "yes" else expected):
            checker.problem(where, f"hardening: {key}={expected} expected, found {value}")
    families = set(" ".join(service.get("RestrictAddressFamilies", [])).split())
    if families != {"AF_INET", "AF_INET6", "AF_UNIX"}:
        checker.problem(where, f"hardening: RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX expected, found {sorted(families)}")
    if last(service, "UMask") not in ("0077", "077"):
        checker.problem(where, "hardening: UMask=0077 is missing")
    if boolean(last(service, "MemoryDenyWriteExecute")):
        checker.problem(where, "MemoryDenyWriteExecute=yes has not been tried with the Swift runtime; leave it out")


def check_systemd(checker):
    directory = os.path.join(checker.deploy, "systemd")
    units = {}
    for name in ("gazette-send.service", "gazette-send.timer", "gazette-schedule.service", "gazette-serve.service",
                 "gazette-bounces.service", "gazette-bounces.timer"):
        text = checker.read(os.path.join("deploy/systemd", name))
        if text is not None:
            units[name] = parse_unit(text)
            for line in units[name].get("<errors>", {}).get("lines", []):
                checker.problem(f"deploy/systemd/{name}", f"not a Key=value line inside a section: {line!r}")

    if "gazette-send.service" in units:
        where = "deploy/systemd/gazette-send.service"
        service = units["gazette-send.service"].get("Service", {})
        check_service_common(checker, where, service, "send")
        if last(service, "Type") != "oneshot":
            checker.problem(where, "Type=oneshot expected (one send run per start)")
        if "75" not in " ".join(service.get("SuccessExitStatus", [])).split():
            checker.problem(where, "SuccessExitStatus=75 is missing: 75 means work left for the next run, not a failure")
        if last(service, "Restart") not in (None, "no"):
            checker.problem(where, "a oneshot send run must not restart itself: the timer starts the next run")

    if "gazette-send.timer" in units:
        where = "deploy/systemd/gazette-send.timer"
        timer = units["gazette-send.timer"].get("Timer", {})
        calendar = timer.get("OnCalendar", [])
        if [value.replace(" ", "") for value in calendar] not in (["*:0/10"], ["*:00/10"], ["*-*-**:00/10:00"], ["*-*-**:0/10:0"]):
            checker.problem(where, f"OnCalendar=*:0/10 expected (every ten minutes), found {calendar}")
        if not boolean(last(timer, "Persistent")):
            checker.problem(where, "Persistent=true is missing (catch up after downtime)")
        delay = seconds(last(timer, "RandomizedDelaySec"))
        if delay is None or delay > 120:
            checker.problem(where, f"RandomizedDelaySec= should be set and small (≤ 2min), found {last(timer, 'RandomizedDelaySec')}")
        if last(timer, "Unit") not in (None, "gazette-send.service"):
            checker.problem(where, f"Unit= should be gazette-send.service, found {last(timer, 'Unit')}")
        if "timers.target" not in " ".join(units["gazette-send.timer"].get("Install", {}).get("WantedBy", [])).split():
            checker.problem(where, "[Install] WantedBy=timers.target is missing")

    if "gazette-schedule.service" in units:
        where = "deploy/systemd/gazette-schedule.service"
        service = units["gazette-schedule.service"].get("Service", {})
        check_service_common(checker, where, service, "schedule")
        if last(service, "Type") not in (None, "simple", "exec"):
            checker.problem(where, f"the daemon does not fork or notify: Type=exec or simple, not {last(service, 'Type')}")
        if last(service, "Restart") != "on-failure":
            checker.problem(where, "Restart=on-failure is missing")
        if last(service, "KillSignal") not in ("SIGTERM", "TERM", "15"):
            checker.problem(where, "KillSignal=SIGTERM is missing (graceful shutdown)")
        stop = seconds(last(service, "TimeoutStopSec"))
        if stop is None or stop < 120:
            checker.problem(where, f"TimeoutStopSec= should leave minutes for in-flight SMTP, found {last(service, 'TimeoutStopSec')}")
        if "multi-user.target" not in " ".join(units["gazette-schedule.service"].get("Install", {}).get("WantedBy", [])).split():
            checker.problem(where, "[Install] WantedBy=multi-user.target is missing")

    if "gazette-serve.service" in units:
        where = "deploy/systemd/gazette-serve.service"
        service = units["gazette-serve.service"].get("Service", {})
        check_service_common(checker, where, service, "serve")
        if last(service, "Restart") not in ("on-failure", "always"):
            checker.problem(where, "Restart=on-failure (or always) is missing")
        if "multi-user.target" not in " ".join(units["gazette-serve.service"].get("Install", {}).get("WantedBy", [])).split():
            checker.problem(where, "[Install] WantedBy=multi-user.target is missing")

    if "gazette-bounces.service" in units:
        where = "deploy/systemd/gazette-bounces.service"
        service = units["gazette-bounces.service"].get("Service", {})
        check_service_common(checker, where, service, "bounces")
        if last(service, "Type") != "oneshot":
            checker.problem(where, "Type=oneshot expected (one pass over the Maildir per start)")
        words = (service.get("ExecStart") or [""])[-1].split()
        if words[1:3] != ["bounces", "process"]:
            checker.problem(where, f"ExecStart= should run `gazette bounces process`, not {' '.join(words)!r}")
        if "--move-to" not in words or words.index("--move-to") + 1 >= len(words):
            checker.problem(where, "ExecStart= needs --move-to DIR: processed reports must leave the Maildir")
        elif not words[-1].rstrip("/").endswith("Maildir") or words[-1] == words[words.index("--move-to") + 1]:
            checker.problem(where, f"the last argument should be the Maildir (and not the --move-to directory), found {words[-1]!r}")
        if "75" not in " ".join(service.get("SuccessExitStatus", [])).split():
            checker.problem(where, "SuccessExitStatus=75 is missing: 75 (database busy) leaves the reports for the next run")

    if "gazette-bounces.timer" in units:
        where = "deploy/systemd/gazette-bounces.timer"
        timer = units["gazette-bounces.timer"].get("Timer", {})
        if not timer.get("OnCalendar") and not timer.get("OnUnitActiveSec"):
            checker.problem(where, "no OnCalendar= (or OnUnitActiveSec=): the Maildir is never polled")
        if last(timer, "Unit") not in (None, "gazette-bounces.service"):
            checker.problem(where, f"Unit= should be gazette-bounces.service, found {last(timer, 'Unit')}")
        if "timers.target" not in " ".join(units["gazette-bounces.timer"].get("Install", {}).get("WantedBy", [])).split():
            checker.problem(where, "[Install] WantedBy=timers.target is missing")

    verify_units(checker, directory, sorted(units))


# ---------------------------------------------------------------------------------------------------------
# deploy/postfix/: the pipe recipe for bounce and complaint reports


def postfix_lines(text):
    """Logical lines of a Postfix file: comments and blank lines dropped, indented lines joined to the last."""
    lines = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[:1].isspace() and lines:
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.strip())
    return lines


def check_postfix(checker):
    master = checker.read("deploy/postfix/master.cf")
    transport = checker.read("deploy/postfix/transport")
    main_cf = checker.read("deploy/postfix/main.cf")
    services = {}
    if master is not None:
        where = "deploy/postfix/master.cf"
        for line in postfix_lines(master):
            fields = line.split()
            if len(fields) < 8:
                checker.problem(where, f"a master.cf service needs 8 fields, found {line!r}")
                continue
            services[fields[0]] = fields
        pipes = {name: fields for name, fields in services.items() if fields[7] == "pipe"}
        if not pipes:
            checker.problem(where, "no pipe service")
        for name, fields in pipes.items():
            if fields[1] != "unix":
                checker.problem(where, f"{name}: a pipe service is of type unix, not {fields[1]}")
            options = {}
            rest = fields[8:]
            for index, word in enumerate(rest):
                if word.startswith("argv="):
                    options["argv"] = [word[len("argv="):]] + rest[index + 1:]
                    break
                if "=" in word:
                    key, value = word.split("=", 1)
                    options[key] = value
            user = options.get("user", "")
            if not user or user.split(":")[0] in ("root", "0"):
                checker.problem(where, f"{name}: user= must name the database owner (gazette), not {user!r}")
            flags = options.get("flags", "")
            if "D" not in flags and "O" not in flags:
                checker.problem(where, f"{name}: flags= needs D (Delivered-To) or O (X-Original-To): the VERP address finds the delivery")
            argv = options.get("argv", [])
            programs = [word for word in argv if not word.startswith("GAZETTE_") and word != "/usr/bin/env"]
            if programs[:3] != ["/usr/local/bin/gazette", "bounces", "process"]:
                checker.problem(where, f"{name}: argv= should run /usr/local/bin/gazette bounces process, not {' '.join(argv)!r}")
            if any(word.startswith("${") for word in argv):
                checker.problem(where, f"{name}: the report comes on standard input; no arguments from Postfix are needed")
            if not any(word.startswith("GAZETTE_CONFIG=") for word in argv):
                checker.problem(where, f"{name}: pipe runs with an empty environment: pass GAZETTE_CONFIG=/etc/gazette/gazette.env through /usr/bin/env")
    if transport is not None:
        where = "deploy/postfix/transport"
        entries = [line.split() for line in postfix_lines(transport)]
        if not entries:
            checker.problem(where, "no entry")
        for entry in entries:
            if len(entry) != 2 or "@" not in entry[0]:
                checker.problem(where, f"expected `ADDRESS SERVICE:`, found {' '.join(entry)!r}")
                continue
            if "+" in entry[0]:
                checker.problem(where, f"{entry[0]}: the base address, without the VERP extension")
            service = entry[1].split(":", 1)[0]
            if service not in services or services[service][7] != "pipe":
                checker.problem(where, f"{entry[0]} goes to {service}, which is not a pipe service of master.cf")
    if main_cf is not None:
        where = "deploy/postfix/main.cf"
        settings = {}
        for line in postfix_lines(main_cf):
            if "=" not in line:
                checker.problem(where, f"not a `name = value` line: {line!r}")
                continue
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
        if "+" not in settings.get("recipient_delimiter", ""):
            checker.problem(where, "recipient_delimiter = + is missing: bounces+TOKEN@… would not match the transport entry")
        if "/etc/postfix/transport" not in settings.get("transport_maps", ""):
            checker.problem(where, "transport_maps does not name /etc/postfix/transport")


def verify_units(checker, directory, names):
    """`systemd-analyze verify` on copies of the units whose missing executables are replaced by /bin/true.

    Only this machine's lack of /usr/local/bin/gazette is forgiven: anything systemd reports about the
    units themselves (unknown keys, unparsable values, which it merely "ignores" with status 0) counts.
    """
    analyze = shutil.which("systemd-analyze")
    if not analyze or not names:
        checker.note("systemd-analyze not found (Debian package: systemd): unit files checked by this script only")
        return
    with tempfile.TemporaryDirectory(prefix="gazette-units-") as scratch:
        for name in names:
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                text = handle.read()

            def substitute(match):
                path = match.group(3)
                return match.group(1) + match.group(2) + (path if os.access(path, os.X_OK) else "/bin/true")

            text = re.sub(r"^(Exec[A-Za-z]*=)([-@:+!]*)(/\S+)", substitute, text, flags=re.M)
            with open(os.path.join(scratch, name), "w", encoding="utf-8") as handle:
                handle.write(text)
        command = [analyze, "verify", "--man=no", "--recursive-errors=no"] + [os.path.join(scratch, name) for name in names]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                    env=dict(os.environ, SYSTEMD_LOG_COLOR="0", SYSTEMD_PAGER="cat"))
        except (OSError, subprocess.TimeoutExpired) as error:
            checker.note(f"systemd-analyze verify could not run: {error}")
            return
        output = (result.stdout + result.stderr).replace(scratch + "/", "deploy/systemd/")
        lines = [line for line in output.splitlines() if line.strip()]
        ours = [line for line in lines if any(name in line for name in names)]
        forgiven = re.compile(r"is not executable|Command .* not found")
        real = [line for line in ours if not forgiven.search(line)]
        for line in real:
            checker.problem("systemd-analyze verify", line)
        if result.returncode != 0 and not real:
            # Nothing about our units: the tool could not work here (no /run, not root, …).
            checker.note("systemd-analyze verify could not check the units here: " + " | ".join(lines[-3:]))
        elif not real:
            checker.note(f"systemd-analyze verify: {len(names)} unit files OK")


# ---------------------------------------------------------------------------------------------------------
# deploy/kubernetes/


def dig(value, *path, default=None):
    for key in path:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        else:
            return default
    return value


def check_pod(checker, where, pod, role, documents, expect_args, data_volume=True):
    """Security, configuration and volume of one pod template; returns its containers.

    data_volume: the SQLite variant mounts its PersistentVolumeClaim at /var/lib/gazette; the PostgreSQL
    variant must not (nothing ties its pods to a node)."""
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    if not containers:
        checker.problem(where, "the pod template has no containers")
        return []
    pod_security = spec.get("securityContext") or {}
    if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
        checker.problem(where, "the pod shares the host's namespaces")
    volumes = {volume.get("name"): volume for volume in spec.get("volumes") or []}
    claims = {dig(doc, "metadata", "name") for doc in documents if doc.get("kind") == "PersistentVolumeClaim"}
    config_maps = {dig(doc, "metadata", "name") for doc in documents if doc.get("kind") == "ConfigMap"}
    secrets = {dig(doc, "metadata", "name") for doc in documents if doc.get("kind") == "Secret"}
    for container in containers:
        name = container.get("name", "?")
        here = f"{where} container {name}"
        security = container.get("securityContext") or {}
        non_root = security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))
        if non_root is not True:
            checker.problem(here, "runAsNonRoot: true is missing (pod or container securityContext)")
        if security.get("runAsUser", pod_security.get("runAsUser")) == 0:
            checker.problem(here, "runAsUser: 0 (root)")
        if security.get("allowPrivilegeEscalation") is not False:
            checker.problem(here, "securityContext.allowPrivilegeEscalation: false is missing")
        if security.get("readOnlyRootFilesystem") is not True:
            checker.problem(here, "securityContext.readOnlyRootFilesystem: true is missing")
        if "ALL" not in (dig(security, "capabilities", "drop") or []):
            checker.problem(here, "securityContext.capabilities.drop: [ALL] is missing")
        if security.get("privileged"):
            checker.problem(here, "privileged container")
        image = container.get("image", "")
        if not re.match(r"^([\w.-]+(:\d+)?/)*gazette(:[\w.-]+|@sha256:[0-9a-f]{64})$", image):
            checker.problem(here, f"image should be the gazette image (placeholder gazette:latest), not {image!r}")
        args = [str(arg) for arg in (container.get("command") or []) + (container.get("args") or [])]
        words = [arg for arg in args if arg not in ("gazette", "/usr/local/bin/gazette")]
        if words[: len(expect_args)] != expect_args:
            checker.problem(here, f"should run `gazette {' '.join(expect_args)}`, runs {args}")
        env_from = container.get("envFrom") or []
        referenced_maps = [dig(item, "configMapRef", "name") for item in env_from if "configMapRef" in item]
        referenced_secrets = [dig(item, "secretRef", "name") for item in env_from if "secretRef" in item]
        if "gazette-config" not in referenced_maps:
            checker.problem(here, "envFrom configMapRef gazette-config is missing")
        if "gazette-smtp" not in referenced_secrets:
            checker.problem(here, "envFrom secretRef gazette-smtp is missing")
        for reference in referenced_maps:
            if reference not in config_maps:
                checker.problem(here, f"envFrom names ConfigMap {reference}, which no manifest defines")
        for reference in referenced_secrets:
            if reference not in secrets:
                checker.problem(here, f"envFrom names Secret {reference}, which no manifest (not even the example) defines")
        data_mounts = [mount for mount in container.get("volumeMounts") or [] if mount.get("mountPath") == "/var/lib/gazette"]
        if not data_volume:
            if data_mounts or any("persistentVolumeClaim" in volume for volume in volumes.values()):
                checker.problem(here, "the PostgreSQL variant keeps no data in the pod: no PersistentVolumeClaim")
            data_mounts = []
        elif not data_mounts:
            checker.problem(here, "no volume mounted at /var/lib/gazette")
        for mount in data_mounts:
            claim = dig(volumes.get(mount.get("name")), "persistentVolumeClaim", "claimName")
            if claim is None:
                checker.problem(here, f"/var/lib/gazette is not a PersistentVolumeClaim volume (volume {mount.get('name')!r})")
            elif claim not in claims:
                checker.problem(here, f"/var/lib/gazette uses claim {claim}, which no manifest defines")
            if mount.get("readOnly"):
                checker.problem(here, "the data volume is mounted read-only")
        for mount in container.get("volumeMounts") or []:
            if mount.get("name") not in volumes:
                checker.problem(here, f"volumeMount {mount.get('name')!r} has no volume")
    return containers


def labels_match(selector, labels):
    return bool(selector) and all((labels or {}).get(key) == value for key, value in selector.items())


def check_kubernetes(checker, variables, known):
    directory = os.path.join(checker.deploy, "kubernetes")
    if not os.path.isdir(directory):
        checker.problem("deploy/kubernetes", "missing")
        return
    documents = []
    origin = {}
    files = sorted(name for name in os.listdir(directory) if name.endswith((".yaml", ".yml")))
    for name in files:
        where = f"deploy/kubernetes/{name}"
        text = checker.read(where)
        if text is None:
            continue
        try:
            loaded = [doc for doc in yaml.safe_load_all(text) if doc is not None]
        except yaml.YAMLError as error:
            checker.problem(where, f"invalid YAML: {error}")
            continue
        if not loaded:
            checker.problem(where, "no YAML document")
        for doc in loaded:
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                checker.problem(where, "a document without apiVersion and kind")
                continue
            if doc["kind"] != "Kustomization" and not dig(doc, "metadata", "name"):
                checker.problem(where, f"{doc['kind']} without metadata.name")
            documents.append(doc)
            origin[id(doc)] = where

    def find(kind, name=None):
        found = [doc for doc in documents if doc.get("kind") == kind and (name is None or dig(doc, "metadata", "name") == name)]
        if not found:
            checker.problem("deploy/kubernetes", f"no {kind}{' ' + name if name else ''}")
        return found

    # The PersistentVolumeClaim.
    for claim in find("PersistentVolumeClaim", "gazette-data"):
        where = origin[id(claim)]
        modes = dig(claim, "spec", "accessModes") or []
        if modes not in (["ReadWriteOnce"], ["ReadWriteOncePod"]):
            checker.problem(where, f"SQLite wants one node: accessModes [ReadWriteOnce], not {modes}")
        if not dig(claim, "spec", "resources", "requests", "storage"):
            checker.problem(where, "spec.resources.requests.storage is missing")
        if "node" not in (checker.read(where) or "").lower():
            checker.problem(where, "no comment explains that the ReadWriteOnce volume ties the pods to one node")

    # The ConfigMap and the Secret: known variables only, string values, placeholders in the example.
    for config in find("ConfigMap", "gazette-config"):
        where = origin[id(config)]
        data = config.get("data") or {}
        for key, value in data.items():
            if key not in known:
                checker.problem(where, f"{key} is neither in README.md's configuration table nor read by Sources/")
            if not isinstance(value, str):
                checker.problem(where, f"{key}: ConfigMap values must be strings (quote {value!r})")
        for key in ("GAZETTE_SMTP_USERNAME", "GAZETTE_SMTP_PASSWORD", "GAZETTE_SECRET"):
            if key in data:
                checker.problem(where, f"{key} is a secret: it belongs in the Secret gazette-smtp")
        if data.get("GAZETTE_DATABASE") != "/var/lib/gazette/gazette.sqlite":
            checker.problem(where, "GAZETTE_DATABASE: /var/lib/gazette/gazette.sqlite is missing")
        if not str(data.get("GAZETTE_BASE_URL", "")).startswith("https://"):
            checker.problem(where, "GAZETTE_BASE_URL: an https URL is missing")
    for secret in find("Secret", "gazette-smtp"):
        where = origin[id(secret)]
        if not os.path.basename(where).startswith("secret.example"):
            checker.problem(where, "the Secret belongs in secret.example.yaml, with placeholders only")
        values = dict(secret.get("stringData") or {})
        values.update({key: "<base64>" for key in secret.get("data") or {}})
        for key in ("GAZETTE_SMTP_USERNAME", "GAZETTE_SMTP_PASSWORD", "GAZETTE_SECRET"):
            if key not in values:
                checker.problem(where, f"{key} is missing")
        for key, value in values.items():
            if key not in known:
                checker.problem(where, f"{key} is neither in README.md's configuration table nor read by Sources/")
            if "CHANGE-ME" not in str(value).upper() and "EXAMPLE" not in str(value).upper():
                checker.problem(where, f"{key}: the example's value should be an obvious placeholder (CHANGE-ME…)")
        if "example" not in (checker.read(where) or "").lower():
            checker.problem(where, "not clearly marked as an example")

    # The send CronJob.
    for cron in find("CronJob", "gazette-send"):
        where = origin[id(cron)]
        spec = cron.get("spec") or {}
        if cron.get("apiVersion") != "batch/v1":
            checker.problem(where, f"apiVersion batch/v1 expected, found {cron.get('apiVersion')}")
        if spec.get("schedule") != "*/10 * * * *":
            checker.problem(where, f"schedule \"*/10 * * * *\" expected, found {spec.get('schedule')!r}")
        if spec.get("concurrencyPolicy") != "Forbid":
            checker.problem(where, f"concurrencyPolicy: Forbid expected, found {spec.get('concurrencyPolicy')!r}")
        if not isinstance(spec.get("successfulJobsHistoryLimit"), int):
            checker.problem(where, "successfulJobsHistoryLimit is missing")
        deadline = spec.get("startingDeadlineSeconds")
        if not isinstance(deadline, int) or not 10 <= deadline <= 600:
            checker.problem(where, f"startingDeadlineSeconds should be between 10 and 600 (the next run is 10 minutes away), found {deadline!r}")
        job = dig(spec, "jobTemplate", "spec") or {}
        if job.get("backoffLimit") != 0:
            checker.problem(where, f"backoffLimit: 0 expected (exit 75 waits for the next schedule), found {job.get('backoffLimit')!r}")
        pod = job.get("template") or {}
        if dig(pod, "spec", "restartPolicy") != "Never":
            checker.problem(where, f"restartPolicy: Never expected, found {dig(pod, 'spec', 'restartPolicy')!r}")
        check_pod(checker, where, pod, "send", documents, ["send"])
        for term in dig(pod, "spec", "affinity", "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution") or []:
            selector = dig(term, "labelSelector", "matchLabels") or {}
            targets = [doc for doc in documents if doc.get("kind") == "Deployment"
                       and labels_match(selector, dig(doc, "spec", "template", "metadata", "labels"))]
            if not targets:
                checker.problem(where, f"podAffinity selects {selector}, which matches no Deployment's pods")
            if term.get("topologyKey") != "kubernetes.io/hostname":
                checker.problem(where, "podAffinity should use topologyKey kubernetes.io/hostname (same node as the volume)")

    # The serve Deployment and its Service.
    deployments = find("Deployment")
    for deployment in deployments:
        where = origin[id(deployment)]
        spec = deployment.get("spec") or {}
        if deployment.get("apiVersion") != "apps/v1":
            checker.problem(where, f"apiVersion apps/v1 expected, found {deployment.get('apiVersion')}")
        if spec.get("replicas") != 1:
            checker.problem(where, f"replicas: 1 expected (one SQLite volume), found {spec.get('replicas')!r}")
        if dig(spec, "strategy", "type") != "Recreate":
            checker.problem(where, f"strategy Recreate expected (ReadWriteOnce volume), found {dig(spec, 'strategy', 'type')!r}")
        pod = spec.get("template") or {}
        if not labels_match(dig(spec, "selector", "matchLabels"), dig(pod, "metadata", "labels")):
            checker.problem(where, "selector.matchLabels does not match the pod template's labels")
        containers = check_pod(checker, where, pod, "serve", documents, ["serve"])
        for container in containers:
            here = f"{where} container {container.get('name', '?')}"
            args = [str(arg) for arg in (container.get("command") or []) + (container.get("args") or [])]
            joined = " ".join(args)
            if not re.search(r"--host[ =]0\.0\.0\.0\b", joined) or not re.search(r"--port[ =]8080\b", joined):
                checker.problem(here, f"should run `gazette serve --host 0.0.0.0 --port 8080`, runs {args}")
            # Bound beyond loopback, serve refuses to start without the operator pages' token.
            if "GAZETTE_OPERATOR_TOKEN" in known:
                provided = {item.get("name") for item in container.get("env") or []}
                for item in container.get("envFrom") or []:
                    for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                        if field in item:
                            for doc in documents:
                                if doc.get("kind") == kind and dig(doc, "metadata", "name") == dig(item, field, "name"):
                                    provided.update((doc.get("data") or {}).keys(), (doc.get("stringData") or {}).keys())
                if "GAZETTE_OPERATOR_TOKEN" not in provided:
                    checker.problem(here, "GAZETTE_OPERATOR_TOKEN is not provided: serve bound to 0.0.0.0 refuses to start without it")
            ports = {port.get("name"): port.get("containerPort") for port in container.get("ports") or []}
            if 8080 not in ports.values():
                checker.problem(here, "containerPort 8080 is missing")
            for probe in ("readinessProbe", "livenessProbe"):
                http = dig(container, probe, "httpGet")
                if not http or http.get("path") != "/healthz":
                    checker.problem(here, f"{probe} should be an httpGet on /healthz")
                elif ports.get(http.get("port"), http.get("port")) != 8080:
                    checker.problem(here, f"{probe} port {http.get('port')!r} is not the container's port 8080")
    for service in find("Service"):
        where = origin[id(service)]
        selector = dig(service, "spec", "selector") or {}
        targets = [doc for doc in deployments if labels_match(selector, dig(doc, "spec", "template", "metadata", "labels"))]
        if not targets:
            checker.problem(where, f"selector {selector} matches no Deployment's pods")
        for port in dig(service, "spec", "ports") or []:
            target = port.get("targetPort", port.get("port"))
            resolved = set()
            for deployment in targets:
                for container in dig(deployment, "spec", "template", "spec", "containers") or []:
                    for container_port in container.get("ports") or []:
                        if target in (container_port.get("name"), container_port.get("containerPort")):
                            resolved.add(container_port.get("containerPort"))
            if targets and 8080 not in resolved:
                checker.problem(where, f"targetPort {target!r} does not reach the serve container's port 8080")

    # The kustomization, if any: every manifest but the Secret example.
    for kustomization in [doc for doc in documents if doc.get("kind") == "Kustomization"]:
        where = origin[id(kustomization)]
        resources = kustomization.get("resources") or []
        for resource in resources:
            if not os.path.exists(os.path.join(directory, resource)):
                checker.problem(where, f"resource {resource} does not exist")
            if os.path.basename(resource).startswith("secret.example"):
                checker.problem(where, "the Secret example (placeholders) must not be applied")
        for name in files:
            if name not in resources and not name.startswith(("secret.example", "kustomization")):
                checker.problem(where, f"{name} is not listed in resources")


def load_manifests(checker, directory, relative):
    """The YAML documents of the manifests directly in `directory`, with the file each came from."""
    documents, origin = [], {}
    files = sorted(name for name in os.listdir(directory) if name.endswith((".yaml", ".yml")))
    for name in files:
        where = f"{relative}/{name}"
        text = checker.read(where)
        if text is None:
            continue
        try:
            loaded = [doc for doc in yaml.safe_load_all(text) if doc is not None]
        except yaml.YAMLError as error:
            checker.problem(where, f"invalid YAML: {error}")
            continue
        for doc in loaded:
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                checker.problem(where, "a document without apiVersion and kind")
                continue
            documents.append(doc)
            origin[id(doc)] = where
    return files, documents, origin


def check_kubernetes_postgres(checker, variables, known):
    """deploy/kubernetes/postgres: one PostgreSQL database shared by every pod (issue 15): a migration Job,
    serve as a Deployment of at least two replicas with a rolling update, senders as a Deployment of
    `gazette schedule` with two replicas, the database URL (it holds a password) from the Secret."""
    relative = "deploy/kubernetes/postgres"
    directory = os.path.join(checker.deploy, "kubernetes", "postgres")
    if not os.path.isdir(directory):
        checker.problem(relative, "missing (the PostgreSQL variant)")
        return
    files, documents, origin = load_manifests(checker, directory, relative)

    def find(kind, name):
        found = [doc for doc in documents if doc.get("kind") == kind and dig(doc, "metadata", "name") == name]
        if not found:
            checker.problem(relative, f"no {kind} {name}")
        return found

    for doc in documents:
        if doc.get("kind") in ("PersistentVolumeClaim", "CronJob"):
            checker.problem(origin[id(doc)], f"no {doc['kind']} in the PostgreSQL variant: senders are a Deployment, data is in PostgreSQL")
    for config in find("ConfigMap", "gazette-config"):
        where = origin[id(config)]
        for key, value in (config.get("data") or {}).items():
            if key not in known:
                checker.problem(where, f"{key} is neither in README.md's configuration table nor read by Sources/")
            if not isinstance(value, str):
                checker.problem(where, f"{key}: ConfigMap values must be strings (quote {value!r})")
        for key in ("GAZETTE_DATABASE", "GAZETTE_SMTP_USERNAME", "GAZETTE_SMTP_PASSWORD", "GAZETTE_SECRET"):
            if key in (config.get("data") or {}):
                checker.problem(where, f"{key} holds a secret (the database URL has a password): it belongs in the Secret gazette-smtp")
    for secret in find("Secret", "gazette-smtp"):
        where = origin[id(secret)]
        if not os.path.basename(where).startswith("secret.example"):
            checker.problem(where, "the Secret belongs in secret.example.yaml, with placeholders only")
        values = dict(secret.get("stringData") or {})
        url = str(values.get("GAZETTE_DATABASE", ""))
        if not re.match(r"^postgres(ql)?://[^:/@]+:[^@]*CHANGE-ME[^@]*@[^/]+/\w+(\?sslmode=(require|verify-full))?$", url):
            checker.problem(where, f"GAZETTE_DATABASE should be a postgres:// URL with a CHANGE-ME password and sslmode require or verify-full, not {url!r}")
        for key, value in values.items():
            if key not in known:
                checker.problem(where, f"{key} is neither in README.md's configuration table nor read by Sources/")
            if "CHANGE-ME" not in str(value).upper():
                checker.problem(where, f"{key}: the example's value should be an obvious placeholder (CHANGE-ME…)")
    for job in find("Job", "gazette-migrate"):
        where = origin[id(job)]
        pod = dig(job, "spec", "template") or {}
        if dig(pod, "spec", "restartPolicy") not in ("Never", "OnFailure"):
            checker.problem(where, "restartPolicy Never or OnFailure expected")
        check_pod(checker, where, pod, "migrate", documents, ["migrate"], data_volume=False)
    for deployment in find("Deployment", "gazette-serve"):
        where = origin[id(deployment)]
        spec = deployment.get("spec") or {}
        if not isinstance(spec.get("replicas"), int) or spec["replicas"] < 2:
            checker.problem(where, f"at least 2 replicas expected (serve keeps no state), found {spec.get('replicas')!r}")
        if dig(spec, "strategy", "type") != "RollingUpdate" or dig(spec, "strategy", "rollingUpdate", "maxUnavailable") != 0:
            checker.problem(where, "a RollingUpdate with maxUnavailable: 0 expected (no moment without a serving pod)")
        pod = spec.get("template") or {}
        if not labels_match(dig(spec, "selector", "matchLabels"), dig(pod, "metadata", "labels")):
            checker.problem(where, "selector.matchLabels does not match the pod template's labels")
        for container in check_pod(checker, where, pod, "serve", documents, ["serve"], data_volume=False):
            for probe in ("readinessProbe", "livenessProbe"):
                if dig(container, probe, "httpGet", "path") != "/healthz":
                    checker.problem(where, f"{probe} should be an httpGet on /healthz")
    for deployment in find("Deployment", "gazette-schedule"):
        where = origin[id(deployment)]
        spec = deployment.get("spec") or {}
        if spec.get("replicas") != 2:
            checker.problem(where, f"2 replicas of `gazette schedule` expected, found {spec.get('replicas')!r}")
        pod = spec.get("template") or {}
        if not labels_match(dig(spec, "selector", "matchLabels"), dig(pod, "metadata", "labels")):
            checker.problem(where, "selector.matchLabels does not match the pod template's labels")
        check_pod(checker, where, pod, "schedule", documents, ["schedule"], data_volume=False)
    services = [doc for doc in documents if doc.get("kind") == "Service"]
    if not services:
        checker.problem(relative, "no Service for serve")
    for service in services:
        selector = dig(service, "spec", "selector") or {}
        if not any(labels_match(selector, dig(doc, "spec", "template", "metadata", "labels"))
                   for doc in documents if doc.get("kind") == "Deployment" and dig(doc, "metadata", "name") == "gazette-serve"):
            checker.problem(origin[id(service)], f"selector {selector} matches no serve pod")
    for kustomization in [doc for doc in documents if doc.get("kind") == "Kustomization"]:
        where = origin[id(kustomization)]
        resources = kustomization.get("resources") or []
        for resource in resources:
            if not os.path.exists(os.path.join(directory, resource)):
                checker.problem(where, f"resource {resource} does not exist")
            if os.path.basename(resource).startswith("secret.example"):
                checker.problem(where, "the Secret example (placeholders) must not be applied")
        for name in files:
            if name not in resources and not name.startswith(("secret.example", "kustomization")):
                checker.problem(where, f"{name} is not listed in resources")


# ---------------------------------------------------------------------------------------------------------
# deploy/container/Containerfile


def dockerfile_instructions(text):
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments and directives dropped."""
    instructions = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        line = pending + " " + stripped if pending else stripped
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        pending = ""
        word, _, rest = line.partition(" ")
        instructions.append((word.upper(), rest.strip()))
    if pending:
        word, _, rest = pending.partition(" ")
        instructions.append((word.upper(), rest.strip()))
    return instructions


def apt_packages(run):
    """Packages named by every `apt-get install` in one RUN's shell text."""
    packages = set()
    for command in re.split(r"&&|;|\|\|", run):
        words = command.split()
        if "install" in words and any(word.endswith("apt-get") or word == "apt" for word in words):
            after = words[words.index("install") + 1:]
            packages.update(word for word in after if not word.startswith("-"))
    return packages


def check_copy_sources(checker, where, rest):
    """Every source of a COPY from the build context (the repository root) must be in a clean checkout."""
    if "--from" in rest:
        return
    tracked = None
    try:
        listing = subprocess.run(["git", "-C", checker.root, "ls-files"], capture_output=True, text=True, timeout=60)
        if listing.returncode == 0 and listing.stdout:
            tracked = listing.stdout.splitlines()
    except (OSError, subprocess.TimeoutExpired):
        pass
    for source in [word for word in rest.split()[:-1] if not word.startswith("--")]:
        if tracked is not None:
            # A file that only this working copy has (ignored, like Package.resolved) breaks a clean build.
            pattern = re.compile(fnmatch.translate(source.rstrip("/")))
            if not any(pattern.match(path) or path.startswith(source.rstrip("/") + "/") for path in tracked):
                checker.problem(where, f"COPY {source}: not in the repository (git ls-files), so not in a clean checkout")
        elif not glob.glob(os.path.join(checker.root, source)):
            checker.problem(where, f"COPY {source}: no such path in the repository (the build context)")


def check_containerfile(checker):
    where = "deploy/container/Containerfile"
    text = checker.read(where)
    if text is None:
        return None
    instructions = dockerfile_instructions(text)
    arguments = {}
    stages = []
    for instruction, rest in instructions:
        if instruction == "ARG" and not stages:
            name, _, default = rest.partition("=")
            arguments[name.strip()] = default.strip().strip('"')
        if instruction == "FROM":
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: arguments.get(m.group(1), m.group(0)), rest.split()[0])
            alias = rest.split()[2] if len(rest.split()) >= 3 and rest.split()[1].upper() == "AS" else None
            stages.append({"image": image, "alias": alias, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((instruction, rest))
    if len(stages) < 2:
        checker.problem(where, f"a multi-stage build is expected (build, runtime), found {len(stages)} stage(s)")
        return None
    build, runtime = stages[0], stages[-1]
    if not re.fullmatch(r"swift:6\.[2-9][\w.-]*-bookworm", build["image"]):
        checker.problem(where, f"the build stage should be FROM swift:6.x-bookworm (the runtime's Debian), not {build['image']}")
    build_runs = " && ".join(rest for instruction, rest in build["instructions"] if instruction == "RUN")
    for package in ("libsqlite3-dev", "libcurl4-openssl-dev"):
        if package not in apt_packages(build_runs):
            checker.problem(where, f"the build stage does not install {package}")
    swift_build = [rest for instruction, rest in build["instructions"] if instruction == "RUN" and "swift build" in rest]
    if not swift_build:
        checker.problem(where, "the build stage has no `swift build`")
    else:
        command = swift_build[0]
        for flag in ("-c release", "--static-swift-stdlib", "--product gazette"):
            if flag not in command:
                checker.problem(where, f"`swift build` lacks {flag}")
    for instruction, rest in build["instructions"]:
        if instruction == "COPY":
            check_copy_sources(checker, where, rest)

    if runtime["image"] != "debian:bookworm-slim":
        checker.problem(where, f"the runtime stage should be FROM debian:bookworm-slim, not {runtime['image']}")
    runtime_runs = " && ".join(rest for instruction, rest in runtime["instructions"] if instruction == "RUN")
    for package in ("libcurl4", "libsqlite3-0", "tzdata", "ca-certificates"):
        if package not in apt_packages(runtime_runs):
            checker.problem(where, f"the runtime stage does not install {package}")
    copies = [rest for instruction, rest in runtime["instructions"] if instruction == "COPY"]
    if not any(f"--from={build['alias']}" in rest and rest.split()[-1] in ("/usr/local/bin/gazette", "/usr/local/bin/")
               for rest in copies if build["alias"]):
        checker.problem(where, "the binary is not copied from the build stage to /usr/local/bin/gazette")
    if not any(rest.split()[-2].rstrip("/").endswith("Templates") and rest.split()[-1].rstrip("/") == "/usr/share/gazette/Templates"
               for rest in copies):
        checker.problem(where, "Templates/ is not copied to /usr/share/gazette/Templates")
    for rest in copies:
        check_copy_sources(checker, where, rest)
    environment = " ".join(rest for instruction, rest in runtime["instructions"] if instruction == "ENV")
    if not re.search(r"GAZETTE_TEMPLATES[= ]/usr/share/gazette/Templates\b", environment):
        checker.problem(where, "ENV GAZETTE_TEMPLATES=/usr/share/gazette/Templates is missing")
    users = [rest for instruction, rest in runtime["instructions"] if instruction == "USER"]
    uid = None
    if not users:
        checker.problem(where, "no USER in the runtime stage: the image would run as root")
    else:
        user = users[-1].split(":")[0]
        if user in ("root", "0"):
            checker.problem(where, "USER is root")
        elif not user.isdigit():
            checker.problem(where, f"USER {user}: use the numeric uid so Kubernetes' runAsNonRoot can verify it")
        else:
            uid = int(user)
    final = {instruction: rest for instruction, rest in runtime["instructions"]}
    if final.get("WORKDIR") != "/var/lib/gazette":
        checker.problem(where, "WORKDIR /var/lib/gazette is missing")
    if "/var/lib/gazette" not in final.get("VOLUME", ""):
        checker.problem(where, "VOLUME /var/lib/gazette is missing")
    if final.get("ENTRYPOINT", "").replace(" ", "") not in ('["gazette"]', '["/usr/local/bin/gazette"]'):
        checker.problem(where, f'ENTRYPOINT ["gazette"] expected, found {final.get("ENTRYPOINT")!r}')
    if final.get("CMD", "").replace(" ", "") != '["schedule"]':
        checker.problem(where, f'CMD ["schedule"] expected, found {final.get("CMD")!r}')
    return uid


def check_image_user_matches_pods(checker, uid):
    """The pods' runAsUser should be the image's uid, so the volume (fsGroup) and the files agree."""
    directory = os.path.join(checker.deploy, "kubernetes")
    if uid is None or not os.path.isdir(directory):
        return
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".yaml", ".yml")):
            continue
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                docs = [doc for doc in yaml.safe_load_all(handle) if isinstance(doc, dict)]
        except (OSError, yaml.YAMLError):
            continue  # reported by check_kubernetes
        for doc in docs:
            pod = dig(doc, "spec", "jobTemplate", "spec", "template") or dig(doc, "spec", "template")
            user = dig(pod, "spec", "securityContext", "runAsUser")
            if user is not None and user != uid:
                checker.problem(f"deploy/kubernetes/{name}", f"runAsUser {user} differs from the image's USER {uid}")


# ---------------------------------------------------------------------------------------------------------
# deploy/README.md


def check_readme(checker):
    where = "deploy/README.md"
    text = checker.read(where)
    if text is None:
        return
    lowered = text.lower()
    for word in ("cron", "systemd", "timer", "gazette schedule", "kubernetes", "lease", "idempotent", "75"):
        if word not in lowered:
            checker.problem(where, f"does not mention {word!r}")
    for path in ("cron/gazette.crontab", "gazette.env.example", "container/Containerfile", "postfix/master.cf",
                 "postfix/transport", "systemd/gazette-bounces.timer"):
        if path not in text:
            checker.problem(where, f"does not say how to install {path}")
    top = checker.read("README.md") or ""
    section = re.search(r"^## Bounces and complaints\s*$(.*?)(?=^## |\Z)", top, re.M | re.S)
    if not section:
        checker.problem("README.md", "no '## Bounces and complaints' section")
    else:
        for word in ("GAZETTE_BOUNCE_ADDRESS", "gazette bounces process", "master.cf", "pipe", "--move-to", "75"):
            if word not in section.group(1):
                checker.problem("README.md", f"the 'Bounces and complaints' section does not mention {word!r}")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 64
    checker = Checker(argv[1])
    if not os.path.isdir(checker.deploy):
        print(f"check_deploy: {checker.deploy} does not exist")
        return 1
    variables = configuration_variables(checker)
    known = set(variables) | source_variables(checker)
    check_env_example(checker, variables, known)
    check_crontab(checker)
    check_systemd(checker)
    check_postfix(checker)
    check_kubernetes(checker, variables, known)
    check_kubernetes_postgres(checker, variables, known)
    uid = check_containerfile(checker)
    check_image_user_matches_pods(checker, uid)
    check_readme(checker)
    for note in checker.notes:
        print(f"note: {note}")
    for problem in checker.problems:
        print(problem)
    if checker.problems:
        print(f"check_deploy: {len(checker.problems)} problem(s)")
        return 1
    print(f"check_deploy: deploy/ OK ({len(variables)} configuration variables)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
