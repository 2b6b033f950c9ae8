"""Every error-log line of a soak run, sorted into known kinds by a regex table; the rest is unclassified.

A kind names a message nginx writes (docs: /work/shared/nginx-mail-behavior.md §12) and that the soak's faults
provoke. An unclassified line fails the run: it is either a new kind to add here, or a proxy problem.
"""

import re

LINE_RE = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?P<level>\w+)\] \d+#\d+: (?:\*\d+ )?(?P<message>.*)$")

# (kind, level, message regex). The message is matched from its start, the context suffix left free.
KINDS = (
    ("connected", "info", r"client [\d.:]+ connected to "),
    ("logged in", "info", r"client logged in"),
    ("session done", "info", r"proxied session done"),
    ("login failed", "info", r'client login failed: "Invalid login or password"'),
    ("client timed out", "info", r"client timed out \(110: Connection timed out\)"),
    ("upstream timed out", "info", r"upstream timed out \(110: Connection timed out\)"),
    ("client reset", "info", r"\w+\(\) failed \(104: Connection reset by peer\) while (?!.*upstream)"),
    ("client closed", "info", r"client (?:closed|prematurely closed) connection"),
    ("client write failed", "info", r"\w+\(\) failed \((?:32: Broken pipe|104: Connection reset by peer)\)"),
    ("upstream reset", "error", r"\w+\(\) failed \(104: Connection reset by peer\) while .*upstream"),
    ("upstream refused", "error", r"(?:connect|recv)\(\) failed \(111: Connection refused\) while "
                                    r"(?:connecting to|reading response from) upstream"),
    ("upstream invalid response", "error", r"upstream sent invalid response: "),
    ("upstream closed", "error", r"upstream (?:closed|prematurely closed) connection"),
    ("auth timed out", "error", r"auth http server [\d.:]+ timed out"),
    ("auth invalid header", "error", r"auth http server [\d.:]+ sent invalid header in response"),
    ("auth closed", "error", r"auth http server [\d.:]+ (?:closed|prematurely closed) connection"),
    ("auth reset", "error", r"\w+\(\) failed \(104: Connection reset by peer\) while in http auth state"),
    ("interrupted by a signal", "info", r"epoll_wait\(\) failed \(4: Interrupted system call\)"),
    ("process notice", "notice", r"(?:using the \"epoll\" event method|nginx/|OS: |getrlimit|start worker|"
                                 r"signal \d+|exiting|exit|worker process|mailwire)"),
)
_COMPILED = [(kind, level, re.compile(pattern)) for kind, level, pattern in KINDS]


def classify_line(line):
    """The kind of one log line, or None."""
    match = LINE_RE.match(line)
    if not match:
        return None
    for kind, level, pattern in _COMPILED:
        if match.group("level") == level and pattern.match(match.group("message")):
            return kind
    return None


def classify(path):
    """({kind: count}, [unclassified lines])."""
    counts, unclassified = {}, []
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return counts, unclassified
    for line in lines:
        kind = classify_line(line)
        if kind is None:
            unclassified.append(line)
        else:
            counts[kind] = counts.get(kind, 0) + 1
    return counts, unclassified
