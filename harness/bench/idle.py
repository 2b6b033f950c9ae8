"""Memory per idle session: N clients read the greeting and stay silent; the proxy's RSS/PSS before and after."""

import time

from . import procstat
from .imap_client import greeted

SETTLE_S = 0.5  # lets the proxy finish accepting before memory is read


def measure_idle(port, pid, sessions):
    """{"sessions", "before_kib", "after_kib", "rss_kib_per_session", "pss_kib_per_session",
    "private_kib_per_session"} (the last two when smaps_rollup is readable)."""
    time.sleep(SETTLE_S)
    before = procstat.memory_kib(pid)
    sockets = []
    try:
        for _ in range(sessions):
            sock, _reader = greeted(port)
            sockets.append(sock)
        time.sleep(SETTLE_S)
        after = procstat.memory_kib(pid)
    finally:
        for sock in sockets:
            sock.close()
    result = {"sessions": sessions, "before_kib": before, "after_kib": after,
              "rss_kib_per_session": (after["rss"] - before["rss"]) / sessions}
    for kind in ("pss", "private"):
        if before[kind] is not None and after[kind] is not None:
            result[f"{kind}_kib_per_session"] = (after[kind] - before[kind]) / sessions
    return result
