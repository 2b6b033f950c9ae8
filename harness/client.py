"""The client leg: plays a scenario's client steps against the proxy over TCP and records rows live.

The first step that does not match ends the script; what the proxy sent right after is still recorded
(briefly) so the report shows it, and the steps that were not run are listed.
"""

import collections
import select
import socket
import time

from .legs import Leg, line_bytes, raw_bytes, regex_matches_line, visible

AFTER_FAILURE_S = 0.3  # how long to keep listening after a mismatch, for the report only


class _Connection:
    """A client socket with a line buffer; EOF and RST are both `closed`."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setblocking(False)
        self.buffer = b""
        self.closed_how = None  # None, "close" or "reset"

    def fill(self, deadline):
        """Reads once when data arrives before `deadline`; False on timeout."""
        if self.closed_how:
            return False
        remaining = max(0.0, deadline - time.monotonic())
        readable, _, _ = select.select([self.sock], [], [], remaining)
        if not readable:
            return False
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            self.closed_how = "reset"
            return False
        except BlockingIOError:
            return True
        if not data:
            self.closed_how = "close"
            return False
        self.buffer += data
        return True

    def read_line(self, deadline):
        """(line including LF, None) or (None, partial bytes) when closed or out of time."""
        while b"\n" not in self.buffer:
            if not self.fill(deadline) and (self.closed_how or time.monotonic() >= deadline):
                partial, self.buffer = self.buffer, b""
                return None, partial
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line + b"\n", None

    def unread(self):
        """Whatever arrived and was not consumed, without waiting."""
        self.fill(time.monotonic())
        data, self.buffer = self.buffer, b""
        return data

    def send(self, data):
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def _shown(line, partial, closed_how, waited_ms):
    """How a read attempt appears in the actual column."""
    if line is not None:
        return "S: " + visible(line)
    text = "S: " + visible(partial) + " " if partial else "S: "
    if closed_how == "reset":
        return text + "<reset>"
    if closed_how == "close":
        return text + "<close>"
    return text + f"(nothing more within {waited_ms} ms)"


def _render_step(step):
    if step.kind == "send":
        return "C: " + visible(line_bytes(step.value))
    if step.kind == "send_raw":
        return "C: " + visible(raw_bytes(step.value))
    if step.kind == "expect":
        return "S: " + visible(line_bytes(step.value))
    if step.kind == "expect_re":
        return "S: re:" + step.value
    if step.kind == "expect_any_order":
        return "S: (any order) " + " / ".join(visible(line_bytes(line)) for line in step.value)
    if step.kind == "expect_close":
        return "S: <close>"
    if step.kind == "expect_silence_ms":
        return f"   (silence {step.value} ms)"
    if step.kind == "wait_ms":
        return f"   (wait {step.value} ms)"
    if step.kind == "close":
        return "C: <close>"
    raise ValueError(step.kind)


class ClientScript:
    """Runs resolved client steps (placeholders already substituted) and fills a Leg.

    `host` is the loopback address the client connects from and to: 127.0.0.1, or ::1 for an IPv6 client."""

    def __init__(self, port, steps, timeout_ms, host="127.0.0.1"):
        self.host = host
        self.port = port
        self.steps = steps
        self.timeout_ms = timeout_ms
        self.leg = Leg("client")
        self.conn = None

    def run(self):
        try:
            self.conn = _Connection(self.host, self.port)
        except OSError as error:
            self.leg.add("(connect to the proxy)", f"(connect failed: {error})", False)
            return self.leg
        try:
            for index, step in enumerate(self.steps):
                if not getattr(self, "_" + step.kind)(step):
                    self._after_failure(self.steps[index + 1:])
                    return self.leg
            if self.conn is not None:
                self._no_unread_data()
            return self.leg
        finally:
            if self.conn is not None:
                self.conn.close()

    # Each step handler adds its rows and returns False on a mismatch.

    def _deadline(self, ms=None):
        return time.monotonic() + (self.timeout_ms if ms is None else ms) / 1000.0

    def _send_bytes(self, step, data):
        try:
            self.conn.send(data)
        except OSError as error:
            self.leg.add(_render_step(step), f"C: (send failed: {error})", False)
            return False
        self.leg.add(_render_step(step), "C: " + visible(data), True)
        return True

    def _send(self, step):
        return self._send_bytes(step, line_bytes(step.value))

    def _send_raw(self, step):
        return self._send_bytes(step, raw_bytes(step.value))

    def _expect(self, step):
        line, partial = self.conn.read_line(self._deadline())
        ok = line == line_bytes(step.value)
        self.leg.add(_render_step(step), _shown(line, partial, self.conn.closed_how, self.timeout_ms), ok)
        return ok

    def _expect_re(self, step):
        line, partial = self.conn.read_line(self._deadline())
        ok = line is not None and regex_matches_line(step.value, line)
        self.leg.add(_render_step(step), _shown(line, partial, self.conn.closed_how, self.timeout_ms), ok)
        return ok

    def _expect_any_order(self, step):
        wanted = collections.Counter(line_bytes(text) for text in step.value)
        deadline = self._deadline()
        received, failed_read = [], None
        for _ in step.value:
            line, partial = self.conn.read_line(deadline)
            if line is None:
                failed_read = _shown(None, partial, self.conn.closed_how, self.timeout_ms)
                break
            received.append(line)
        unmatched = []
        for line in received:
            if wanted[line] > 0:
                wanted[line] -= 1
                self.leg.add("S: (any order) " + visible(line), "S: " + visible(line), True)
            else:
                unmatched.append(line)
        missing = list(wanted.elements())
        actual_rows = ["S: " + visible(line) for line in unmatched] + ([failed_read] if failed_read else [])
        for index in range(max(len(missing), len(actual_rows))):
            self.leg.add("S: (any order) " + visible(missing[index]) if index < len(missing) else None,
                         actual_rows[index] if index < len(actual_rows) else None, False)
        return not missing and not unmatched

    def _expect_close(self, step):
        deadline = self._deadline()
        while not self.conn.closed_how and not self.conn.buffer:
            if not self.conn.fill(deadline) and time.monotonic() >= deadline:
                break
        if self.conn.buffer:
            data, self.conn.buffer = self.conn.buffer, b""
            self.leg.add(_render_step(step), "S: " + visible(data), False)
            return False
        if self.conn.closed_how:
            self.leg.add(_render_step(step), f"S: <{self.conn.closed_how}>", True)
            return True
        self.leg.add(_render_step(step), f"S: (still open after {self.timeout_ms} ms)", False)
        return False

    def _expect_silence_ms(self, step):
        deadline = self._deadline(step.value)
        while not self.conn.buffer and not self.conn.closed_how and time.monotonic() < deadline:
            self.conn.fill(deadline)
        if self.conn.buffer:
            data, self.conn.buffer = self.conn.buffer, b""
            self.leg.add(_render_step(step), "S: " + visible(data), False)
            return False
        if self.conn.closed_how:
            self.leg.add(_render_step(step), f"S: <{self.conn.closed_how}>", False)
            return False
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _wait_ms(self, step):
        time.sleep(step.value / 1000.0)
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _close(self, step):
        if not self._no_unread_data():
            return False
        self.conn.close()
        self.conn = None
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _no_unread_data(self):
        """Data the proxy sent that no step consumed is a mismatch."""
        data = self.conn.unread() if not self.conn.closed_how else self.conn.buffer
        if data:
            self.leg.add(None, "S: " + visible(data), False)
            return False
        return True

    def _after_failure(self, remaining_steps):
        if self.conn is not None:
            deadline = time.monotonic() + AFTER_FAILURE_S
            while not self.conn.closed_how and time.monotonic() < deadline:
                self.conn.fill(deadline)
            data = self.conn.buffer
            self.conn.buffer = b""
            for piece in data.splitlines(keepends=True):
                self.leg.add(None, "S: " + visible(piece), False)
            if self.conn.closed_how and data:
                self.leg.add(None, f"S: <{self.conn.closed_how}>", False)
        for step in remaining_steps:
            self.leg.add(_render_step(step), "(not run)", None)
