"""The client leg: plays a scenario's client steps against the proxy over TCP (or a unix-domain socket) and records
rows live.

The first step that does not match ends the script; what the proxy sent right after is still recorded
(briefly) so the report shows it, and the steps that were not run are listed. A connection may turn to TLS
(`tls`, `starttls`) and be replaced by a new one (`reconnect`), which can resume the TLS session of the last.
"""

import collections
import select
import socket
import ssl
import time

from .client_tls import TlsSetupError, build_context, context_key, describe_expectation, error_text, handshake
from .legs import Leg, line_bytes, raw_bytes, regex_matches_line, visible
from .processes import connect_unix
from .scenario import Step

AFTER_FAILURE_S = 0.3  # how long to keep listening after a mismatch, for the report only
UNREAD_READS = 64  # reads without waiting when looking for unread data (bounds a peer that never stops)


class _Connection:
    """A client socket with a line buffer; EOF and RST are both `closed`. After a TLS handshake `sock` is the
    ssl.SSLSocket: reads then also handle records that carry no data (session tickets) and data OpenSSL holds."""

    def __init__(self, target):
        """`target`: (host, port) for TCP, or the path (str) of a unix-domain socket."""
        if isinstance(target, str):
            self.sock = connect_unix(target, timeout=10)
        else:
            self.sock = socket.create_connection(target, timeout=10)
        self.sock.setblocking(False)
        self.buffer = b""
        self.closed_how = None  # None, "close", "reset", "TLS handshake failed" or "TLS error: ..."
        self.tls_context = None  # set by a successful handshake; with tls_session, what `reuse_session` offers
        self.tls_session = None

    def fill(self, deadline):
        """Reads once when data arrives before `deadline`; False on timeout."""
        if self.closed_how:
            return False
        pending = self.tls_context is not None and self.sock.pending()
        if not pending:
            remaining = max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([self.sock], [], [], remaining)
            if not readable:
                return False
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            self.closed_how = "reset"
            return False
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return True  # no data yet: a partial record, or a record without data
        except ssl.SSLError as error:  # an alert from the peer, a broken record
            self.closed_how = "TLS error: " + error_text(error)
            return False
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
        for _ in range(UNREAD_READS):
            if not self.fill(time.monotonic()):
                break
        data, self.buffer = self.buffer, b""
        return data

    def send(self, data):
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)

    def start_tls(self, context, options, session, timeout_s):
        """The handshake on this connection; the outcome says how it went. A failed handshake closes it."""
        tls_socket, outcome = handshake(self.sock, context, options, session, timeout_s)
        if tls_socket is None:
            self.closed_how = "TLS handshake failed"
        else:
            self.sock, self.tls_context = tls_socket, context
        return outcome

    def session(self):
        """The TLS session to resume later: read now, because TLSv1.3 tickets arrive after the handshake."""
        if self.tls_context is not None:
            try:
                self.tls_session = self.sock.session
            except (ValueError, OSError):
                pass
        return self.tls_session

    def close(self):
        self.session()
        if self.tls_context is not None and not self.closed_how:
            try:  # close_notify, as a TLS client says goodbye; the peer's reply is not awaited
                self.sock.setblocking(False)
                self.sock.unwrap()
            except (ssl.SSLError, OSError, ValueError):
                pass
        try:
            self.sock.close()
        except OSError:
            pass


def _shown(line, partial, closed_how, waited_ms):
    """How a read attempt appears in the actual column."""
    if line is not None:
        return "S: " + visible(line)
    text = "S: " + visible(partial) + " " if partial else "S: "
    if closed_how:
        return text + f"<{closed_how}>"
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
    if step.kind == "tls":
        return describe_expectation(step.value)
    if step.kind == "starttls":
        return (f"C: {visible(line_bytes(step.value.send))} S: {visible(line_bytes(step.value.expect))} "
                + describe_expectation(step.value.tls))
    if step.kind == "send_proxy":
        return "C: " + step.value.describe()
    if step.kind == "reconnect":
        return "C: <close>, then a new connection"
    raise ValueError(step.kind)


class ClientScript:
    """Runs resolved client steps (placeholders already substituted) and fills a Leg.

    `host` is the loopback address the client connects from and to: 127.0.0.1, or ::1 for an IPv6 client;
    `unix_path`, when given, is a unix-domain socket to connect to instead (host and port are then unused).
    `certs_dir` is the ${certs} folder (harness/certs.py), for `cert:` and `verify:`."""

    def __init__(self, port, steps, timeout_ms, host="127.0.0.1", certs_dir=None, unix_path=None):
        self.host = host
        self.port = port
        self.target = unix_path if unix_path is not None else (host, port)
        self.steps = steps
        self.timeout_ms = timeout_ms
        self.certs_dir = certs_dir
        self.leg = Leg("client")
        self.conn = None
        self.contexts = {}  # context_key -> SSLContext: a session resumes only through the context that made it
        self.unfinished = []  # the rest of a step that failed half-way (starttls's handshake), shown as not run
        self.last_tls = None  # (context, session) of the last TLS connection, for reuse_session

    def run(self):
        try:
            self.conn = _Connection(self.target)
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
                self._drop_connection()

    def _drop_connection(self):
        """Closes the connection, keeping its TLS session for a later `reuse_session`."""
        self.conn.close()
        if self.conn.tls_context is not None:
            self.last_tls = (self.conn.tls_context, self.conn.tls_session)
        self.conn = None

    # Each step handler adds its rows and returns False on a mismatch.

    def _deadline(self, ms=None):
        return time.monotonic() + (self.timeout_ms if ms is None else ms) / 1000.0

    def _send_bytes(self, step, data):
        try:
            self.conn.send(data)
        except OSError as error:
            self.leg.add(_render_step(step), f"C: (send failed: {error_text(error)})", False)
            return False
        self.leg.add(_render_step(step), "C: " + visible(data), True)
        return True

    def _send_proxy(self, step):
        return self._send_bytes(step, step.value.encode())

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
        self._drop_connection()
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _reconnect(self, step):
        if self.conn is not None:
            if not self._no_unread_data():
                return False
            self._drop_connection()
        try:
            self.conn = _Connection(self.target)
        except OSError as error:
            self.leg.add(_render_step(step), f"(connect failed: {error_text(error)})", False)
            return False
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _tls(self, step):
        return self._handshake(step, step.value)

    def _starttls(self, step):
        starttls = step.value
        handshake_step = Step("tls", starttls.tls, step.line)
        if not (self._send(Step("send", starttls.send, step.line))
                and self._expect(Step("expect", starttls.expect, step.line))):
            self.unfinished.append(handshake_step)  # listed with the steps not run
            return False
        return self._handshake(handshake_step, starttls.tls)

    def _handshake(self, step, options):
        expected = _render_step(step)
        if self.conn.closed_how:
            self.leg.add(expected, f"S: <{self.conn.closed_how}> (before the TLS handshake)", False)
            return False
        early = self.conn.unread()  # bytes the handshake would take for TLS, or that came in the clear
        if early or self.conn.closed_how:
            shown = "S: " + visible(early) + (f" <{self.conn.closed_how}>" if self.conn.closed_how else "")
            self.leg.add(expected, shown + " (before the TLS handshake)", False)
            return False
        session = None
        try:
            key = context_key(options)
            if key not in self.contexts:
                self.contexts[key] = build_context(options, self.certs_dir)
            context = self.contexts[key]
            if options.reuse_session:
                if self.last_tls is None or self.last_tls[1] is None:
                    raise TlsSetupError("reuse_session: no session from an earlier TLS connection to offer")
                if self.last_tls[0] is not context:
                    raise TlsSetupError("reuse_session: the earlier TLS connection offered other options (cert, "
                                        "verify, alpn, protocols, ciphers): its session cannot be offered")
                session = self.last_tls[1]
        except TlsSetupError as error:
            self.leg.add(expected, f"({error})", False)
            return False
        outcome = self.conn.start_tls(context, options, session, self.timeout_ms / 1000.0)
        ok = outcome.matches(options)
        self.leg.add(expected, outcome.describe(), ok)
        return ok

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
        for step in self.unfinished + list(remaining_steps):
            self.leg.add(_render_step(step), "(not run)", None)
