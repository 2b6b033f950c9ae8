"""Session rate: C concurrent clients, each running whole sessions back to back for D seconds.

A session is connect, greeting, `a1 LOGIN good secret` and its tagged OK (relayed from the backend after
auth_http), `a2 LOGOUT` and its tagged OK, then the proxy's close. One thread drives every client with
non-blocking sockets and a selector; its own CPU use is measured so a saturated client is visible.
"""

import errno
import selectors
import socket
import time

from . import procstat

LOGIN = b"a1 LOGIN good secret\r\n"
LOGOUT = b"a2 LOGOUT\r\n"
CLIENT_SATURATED = 0.9  # fraction of one core above which the client, not the proxy, may be the limit


class SessionError(Exception):
    pass


class Session:
    """One session's state machine; `feed` returns True once the proxy has closed after the LOGOUT reply."""

    def __init__(self, port):
        self.started = time.perf_counter()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        status = self.sock.connect_ex(("127.0.0.1", port))
        if status not in (0, errno.EINPROGRESS):
            self.sock.close()
            raise SessionError(f"connect: {errno.errorcode.get(status, status)}")
        self.state = "greeting"
        self.buffer = b""

    def readable(self):
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return False
        except OSError as error:
            raise SessionError(f"{self.state}: {error}") from None
        if not chunk:
            if self.state != "closing":
                raise SessionError(f"closed by the proxy while waiting for {self.state}: {self.buffer[:200]!r}")
            return True
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, _, self.buffer = self.buffer.partition(b"\n")
            self._line(line)
        return False

    def _line(self, line):
        if self.state == "greeting":
            self._expect(line, b"* OK")
            self.sock.send(LOGIN)  # a few bytes into an empty socket buffer: never partial
            self.state = "login"
        elif self.state == "login" and line.startswith(b"a1 "):
            self._expect(line, b"a1 OK")
            self.sock.send(LOGOUT)
            self.state = "logout"
        elif self.state == "logout" and line.startswith(b"a2 "):
            self._expect(line, b"a2 OK")
            self.state = "closing"

    def _expect(self, line, prefix):
        if not line.startswith(prefix):
            raise SessionError(f"{self.state}: expected {prefix!r}, got {line[:200]!r}")


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def measure_sessions(port, pids, concurrency, duration_s):
    """Sessions/s, latency percentiles (ms), errors, and the CPU each process used per session."""
    selector = selectors.DefaultSelector()
    latencies = []
    errors = {}
    in_flight = 0
    cpu_before = {name: procstat.cpu_seconds(pid) for name, pid in pids.items()}
    client_cpu_before = time.process_time()
    started = time.perf_counter()
    deadline = started + duration_s

    def start_one():
        nonlocal in_flight
        try:
            session = Session(port)
        except SessionError as error:
            errors[str(error)] = errors.get(str(error), 0) + 1
            return
        selector.register(session.sock, selectors.EVENT_READ, session)
        in_flight += 1

    def finish(session, error=None):
        nonlocal in_flight
        selector.unregister(session.sock)
        session.sock.close()
        in_flight -= 1
        if error is None:
            latencies.append(time.perf_counter() - session.started)
        else:
            errors[error] = errors.get(error, 0) + 1
        if time.perf_counter() < deadline:
            start_one()

    for _ in range(concurrency):
        start_one()
    while in_flight:
        for key, _events in selector.select(timeout=1.0):
            session = key.data
            try:
                if session.readable():
                    finish(session)
            except SessionError as error:
                finish(session, str(error))
        if time.perf_counter() > deadline + 30:  # a stuck proxy: give up on what is left
            for key in list(selector.get_map().values()):
                finish(key.data, "no answer within 30 s after the end of the run")
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu_before
    cpu = {name: procstat.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    selector.close()
    completed = len(latencies)
    latencies.sort()
    per_session = (lambda seconds: seconds / completed * 1e6 if completed else None)
    return {
        "concurrency": concurrency,
        "duration_s": elapsed,
        "sessions": completed,
        "errors": errors,
        "sessions_per_s": completed / elapsed if elapsed > 0 else 0.0,
        "latency_ms": {"p50": _ms(percentile(latencies, 0.50)), "p99": _ms(percentile(latencies, 0.99)),
                       "max": _ms(latencies[-1] if latencies else None)},
        "cpu_us_per_session": {"client": per_session(client_cpu),
                               **{name: per_session(seconds) for name, seconds in cpu.items()}},
        "client_cpu_fraction": client_cpu / elapsed if elapsed > 0 else 0.0,
        "client_saturated": client_cpu / elapsed >= CLIENT_SATURATED if elapsed > 0 else False,
    }


def _ms(seconds):
    return None if seconds is None else seconds * 1000.0
