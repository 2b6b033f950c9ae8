"""Relay throughput after login: M MiB from the client to the fake backend, through the proxy and direct.

The fake's default IMAP script skips the bytes of a literal and answers the command once it ends, so the
bulk is one `b1 APPEND INBOX {L+}` with a non-synchronising literal: the clock runs from the command's first
byte to `b1 OK APPEND completed`, i.e. until the backend has read every byte. The backend sends back only
that one line, so this measures the client -> backend direction. The literal is 16 KiB lines and does not
end in LF, so the fake reads the CRLF after it as the end of the APPEND command.
"""

import statistics
import time

from . import procstat
from .imap_client import logged_in

MIB = 1024 * 1024
LINE = b"x" * 16383 + b"\n"
CHUNK = LINE * 64  # 1 MiB


def literal_bytes(total):
    """`total` bytes of 16 KiB lines whose last byte is not LF."""
    whole, rest = divmod(total, len(CHUNK))
    data = CHUNK * whole + CHUNK[:rest]
    return data[:-1] + b"x"


def upload_once(port, data, pid_of_interest):
    """(seconds, CPU seconds of `pid_of_interest`) for one APPEND of `data` on a fresh logged-in session."""
    sock, reader = logged_in(port, timeout_s=120.0)
    try:
        cpu_before = procstat.cpu_seconds(pid_of_interest)
        started = time.perf_counter()
        sock.sendall(b"b1 APPEND INBOX {%d+}\r\n" % len(data))
        view = memoryview(data)
        for offset in range(0, len(view), MIB):
            sock.sendall(view[offset:offset + MIB])
        sock.sendall(b"\r\n")
        reader.tagged(b"b1")
        elapsed = time.perf_counter() - started
        cpu = procstat.cpu_seconds(pid_of_interest) - cpu_before
        sock.sendall(b"a2 LOGOUT\r\n")
        reader.tagged(b"a2")
    finally:
        sock.close()
    return elapsed, cpu


def measure_relay(port, pid, mib, runs):
    """Median MiB/s over `runs` uploads of `mib` MiB to `port`, plus the CPU `pid` spent per MiB."""
    data = literal_bytes(int(mib * MIB))
    rates, cpus = [], []
    for _ in range(runs):
        elapsed, cpu = upload_once(port, data, pid)
        rates.append(len(data) / MIB / elapsed)
        cpus.append(cpu / (len(data) / MIB))
    return {"mib": len(data) / MIB, "runs": runs, "mib_per_s": statistics.median(rates),
            "mib_per_s_all": rates, "cpu_ms_per_mib": statistics.median(cpus) * 1000.0}
