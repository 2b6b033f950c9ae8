"""The client leg: plays a scenario's client steps against the proxy over TCP (or a unix-domain socket) and records
rows live.

The first step that does not match ends the script; what the proxy sent right after is still recorded
(briefly) so the report shows it, and the steps that were not run are listed. A connection may turn to TLS
(`tls`, `starttls`) and be replaced by a new one (`reconnect`), which can resume the TLS session of the last.

Faults: a send may go out in pieces (`split`, `gap_ms`), the client may reset (`reset`), shut its write side
(`half_close`) or stall (`stall_ms`, with a small receive buffer so that the proxy's writes back up). Expect steps
may bound when their data arrives (`expect_within_ms`, `expect_not_before_ms`), measured from the end of the
previous step (docs/scenarios.md, "Faults").
"""

import collections
import fcntl
import select
import socket
import ssl
import struct
import termios
import time

from . import held_connections
from .client_tls import TlsSetupError, build_context, context_key, describe_expectation, error_text, handshake
from .faults import SEND_KINDS, describe_generated, describe_split, in_pieces, pieces, send_bytes, split_error
from .legs import Leg, abbreviated, line_bytes, regex_matches_line, visible
from .processes import connect_unix
from .scenario import Step

AFTER_FAILURE_S = 0.3  # how long to keep listening after a mismatch, for the report only
UNREAD_READS = 64  # reads without waiting when looking for unread data (bounds a peer that never stops)
# SO_RCVBUF asked for when a script stalls: Linux doubles it and keeps at least 2304 bytes, and it must be set
# before connecting, since the window scale is agreed in the handshake.
STALL_RECEIVE_BUFFER = 1024
# SO_RCVBUF asked for after a stall, so that reading what backed up does not take a wakeup per kilobyte.
READ_RECEIVE_BUFFER = 1024 * 1024


def _connect_tcp(target, receive_buffer):
    host = target[0]
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(10)
        sock.connect(target)
    except OSError:
        sock.close()
        raise
    return sock


class _Connection:
    """A client socket with a line buffer; EOF and RST are both `closed`. After a TLS handshake `sock` is the
    ssl.SSLSocket: reads then also handle records that carry no data (session tickets) and data OpenSSL holds."""

    def __init__(self, target, receive_buffer=None, tap=None):
        """`target`: (host, port) for TCP, or the path (str) of a unix-domain socket; `receive_buffer`: an
        SO_RCVBUF to ask for before connecting; `tap(kind, data, at=None)`: told of each read, write and close,
        for harness/trace.py."""
        self.tap = tap or _no_tap
        if isinstance(target, str):
            self.sock = connect_unix(target, timeout=10)
            if receive_buffer:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        else:
            self.sock = _connect_tcp(target, receive_buffer)
        self.sock.setblocking(False)
        self.buffer = b""
        self.arrivals = collections.deque()  # [bytes still in the buffer, time read] per read, oldest first
        self.taken_at = None  # when the last byte that read_line or take_all returned was read
        self.closed_how = None  # None, "close", "reset", "TLS handshake failed" or "TLS error: ..."
        self.closed_at = None  # when the close was seen
        self.tls_context = None  # set by a successful handshake; with tls_session, what `reuse_session` offers
        self.tls_session = None
        self.tap("connect", str(self.sock.getsockname()).encode())

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
            self._closed("reset")
            return False
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return True  # no data yet: a partial record, or a record without data
        except ssl.SSLError as error:  # an alert from the peer, a broken record
            self._closed("TLS error: " + error_text(error))
            return False
        if not data:
            self._closed("close")
            return False
        self.buffer += data
        self.tap("recv", data)
        self.arrivals.append([len(data), time.monotonic()])
        return True

    def _closed(self, how):
        self.closed_how, self.closed_at = how, time.monotonic()
        self.tap("closed", how.encode())

    def _take(self, count):
        """The first `count` bytes of the buffer; `taken_at` becomes the time the last of them was read."""
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        left = len(data)
        while left and self.arrivals:
            first = self.arrivals[0]
            self.taken_at = first[1]
            if first[0] > left:
                first[0] -= left
                break
            left -= first[0]
            self.arrivals.popleft()
        return data

    def take_all(self):
        return self._take(len(self.buffer))

    def read_line(self, deadline):
        """(line including LF, None) or (None, partial bytes) when closed or out of time."""
        while b"\n" not in self.buffer:
            if not self.fill(deadline) and (self.closed_how or time.monotonic() >= deadline):
                return None, self.take_all()
        return self._take(self.buffer.index(b"\n") + 1), None

    def unread(self):
        """Whatever arrived and was not consumed, without waiting."""
        for _ in range(UNREAD_READS):
            if not self.fill(time.monotonic()):
                break
        return self.take_all()

    def send(self, data):
        self.sock.setblocking(True)
        started = time.monotonic()  # the bytes cannot arrive before this, whatever delays the return
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)
        self.tap("send", data, started)

    def send_pieces(self, parts, gap_ms):
        """Each piece its own write (TCP_NODELAY, so that none waits to be merged with the next)."""
        if self.sock.family != socket.AF_UNIX:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for index, part in enumerate(parts):
            if index and gap_ms:
                time.sleep(gap_ms / 1000.0)
            self.send(part)

    def set_receive_buffer(self, size):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)

    def waiting_bytes(self):
        """Bytes the kernel holds for this socket that no read has taken yet (SIOCINQ)."""
        try:
            count = fcntl.ioctl(self.sock.fileno(), termios.FIONREAD, struct.pack("i", 0))
            return struct.unpack("i", count)[0]
        except OSError:
            return None

    def half_close(self):
        """A FIN, reading goes on. Inside TLS too, without a close_notify alert: SSLSocket.shutdown() would drop
        the TLS state that later reads need, so the plain socket's shutdown is called."""
        socket.socket.shutdown(self.sock, socket.SHUT_WR)
        self.tap("half_close", b"")

    def reset(self):
        """An RST instead of a FIN (SO_LINGER with a zero timeout), without a close_notify alert."""
        self.session()
        self.tap("reset", b"")
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            self.sock.close()

    def start_tls(self, context, options, session, timeout_s):
        """The handshake on this connection; the outcome says how it went. A failed handshake closes it."""
        tls_socket, outcome = handshake(self.sock, context, options, session, timeout_s)
        self.tap("tls", outcome.describe().encode())
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
        if not self.closed_how:
            self.tap("close", b"")
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


def _no_tap(kind, data, at=None):
    pass


def _shown(line, partial, closed_how, waited_ms):
    """How a read attempt appears in the actual column."""
    if line is not None:
        return "S: " + abbreviated(line)
    text = "S: " + abbreviated(partial) + " " if partial else "S: "
    if closed_how:
        return text + f"<{closed_how}>"
    return text + f"(nothing more within {waited_ms} ms)"


def _timing(step):
    """` (not before 900 ms, within 3000 ms)` for an expect step with bounds, else ""."""
    bounds = []
    if "expect_not_before_ms" in step.options:
        bounds.append(f"not before {step.options['expect_not_before_ms']} ms")
    if "expect_within_ms" in step.options:
        bounds.append(f"within {step.options['expect_within_ms']} ms")
    return f" ({', '.join(bounds)})" if bounds else ""


def _render_sent(step):
    if step.kind in ("send_random", "send_line_of"):
        return "C: " + describe_generated(step.kind, step.value)
    return "C: " + abbreviated(send_bytes(step.kind, step.value)) + _repeated(step, " in one write")


def _repeated(step, how=""):
    """` (x2000 in one write)` for a step with `repeat`, else ""."""
    repeat = step.options.get("repeat", 1)
    return f" (x{repeat}{how})" if repeat > 1 else ""


def _render_step(step):
    return _render_base(step) + _timing(step)


def _render_base(step):
    if step.kind in SEND_KINDS:
        split = describe_split(step.options)
        return _render_sent(step) + (f" ({split})" if split else "")
    if step.kind == "expect":
        return "S: " + visible(line_bytes(step.value)) + _repeated(step)
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
    if step.kind == "stall_ms":
        return f"   (stall {step.value} ms)"
    if step.kind == "close":
        return "C: <close>"
    if step.kind == "reset":
        return "C: <reset>"
    if step.kind == "half_close":
        return "C: <half-close>"
    if step.kind == "tls":
        return describe_expectation(step.value)
    if step.kind == "starttls":
        return (f"C: {visible(line_bytes(step.value.send))} S: {visible(line_bytes(step.value.expect))} "
                + describe_expectation(step.value.tls))
    if step.kind == "send_proxy":
        return "C: " + step.value.describe()
    if step.kind == "reconnect":
        return "C: <close>, then a new connection"
    if step.kind == "hold_connections":
        return held_connections.describe(step.value)
    raise ValueError(step.kind)


class ClientScript:
    """Runs resolved client steps (placeholders already substituted) and fills a Leg.

    `host` is the loopback address the client connects from and to: 127.0.0.1, or ::1 for an IPv6 client;
    `unix_path`, when given, is a unix-domain socket to connect to instead (host and port are then unused).
    `certs_dir` is the ${certs} folder (harness/certs.py), for `cert:` and `verify:`."""

    def __init__(self, port, steps, timeout_ms, host="127.0.0.1", certs_dir=None, unix_path=None, tap=None):
        self.host = host
        self.port = port
        self.target = unix_path if unix_path is not None else (host, port)
        self.steps = steps
        self.timeout_ms = timeout_ms
        self.certs_dir = certs_dir
        self.leg = Leg("client")
        self.tap = tap  # harness/trace.py's recorder, told of every read, write and close
        self.conn = None
        self.contexts = {}  # context_key -> SSLContext: a session resumes only through the context that made it
        self.unfinished = []  # the rest of a step that failed half-way (starttls's handshake), shown as not run
        self.last_tls = None  # (context, session) of the last TLS connection, for reuse_session
        # A script that stalls reads through a small receive buffer on every connection, so that a stall
        # backs up the proxy's writes instead of letting the kernel take them.
        self.receive_buffer = STALL_RECEIVE_BUFFER if any(step.kind == "stall_ms" for step in steps) else None
        self.step_start = None  # when the previous step ended: the zero of expect_within_ms / expect_not_before_ms
        self.held = []  # the connections of `hold_connections` steps, closed when the script ends

    def run(self):
        try:
            self.conn = _Connection(self.target, self.receive_buffer, self.tap)
        except OSError as error:
            self.leg.add("(connect to the proxy)", f"(connect failed: {error})", False)
            return self.leg
        self.step_start = time.monotonic()
        try:
            for index, step in enumerate(self.steps):
                ok = getattr(self, "_" + step.kind)(step)
                self.step_start = time.monotonic()
                if not ok:
                    self._after_failure(self.steps[index + 1:])
                    return self.leg
            if self.conn is not None:
                self._no_unread_data()
            return self.leg
        finally:
            if self.conn is not None:
                self._drop_connection()
            for conn in self.held:
                conn.close()
            self.held = []

    def _drop_connection(self):
        """Closes the connection, keeping its TLS session for a later `reuse_session`."""
        self.conn.close()
        if self.conn.tls_context is not None:
            self.last_tls = (self.conn.tls_context, self.conn.tls_session)
        self.conn = None

    # Each step handler adds its rows and returns False on a mismatch.

    def _deadline(self, ms=None):
        return time.monotonic() + (self.timeout_ms if ms is None else ms) / 1000.0

    def _send_bytes(self, step, data, shown=None, split=None, gap_ms=0):
        """Writes `data` (in the pieces `split` gives); the actual column shows `shown` or the bytes."""
        parts = pieces(data, split)
        try:
            if split:
                self.conn.send_pieces(parts, gap_ms)
            else:
                self.conn.send(data)
        except OSError as error:
            self.leg.add(_render_step(step), f"C: (send failed: {error_text(error)})", False)
            return False
        actual = shown or "C: " + abbreviated(data)
        self.leg.add(_render_step(step), actual + (in_pieces(len(parts)) if split else ""), True)
        return True

    def _send_proxy(self, step):
        return self._send_bytes(step, step.value.encode())

    def _send_step(self, step):
        """send, send_raw, send_random, send_line_of, with split and gap_ms."""
        data = send_bytes(step.kind, step.value) * step.options.get("repeat", 1)
        split = step.options.get("split")
        problem = split_error(split, len(data)) if split else None
        if problem:  # known only now that the placeholders are substituted
            self.leg.add(_render_step(step), f"({problem})", False)
            return False
        generated = step.kind in ("send_random", "send_line_of") or step.options.get("repeat", 1) > 1
        shown = _render_sent(step) if generated else None
        return self._send_bytes(step, data, shown, split, step.options.get("gap_ms", 0))

    _send = _send_raw = _send_random = _send_line_of = _send_step

    def _timed(self, step, arrived_at, shown, ok, expected=None):
        """Adds the row of an expect step; with a bound, the time from the end of the previous step until
        `arrived_at` shows, and a time outside the bounds is a mismatch."""
        bounds = {key: step.options[key] for key in ("expect_not_before_ms", "expect_within_ms")
                  if key in step.options}
        if bounds and arrived_at is not None:
            elapsed = max(0, round((arrived_at - self.step_start) * 1000))
            verdict = ""
            if elapsed < bounds.get("expect_not_before_ms", 0):
                verdict = ": too early"
            elif elapsed > bounds.get("expect_within_ms", elapsed):
                verdict = ": too late"
            shown += f" (after {elapsed} ms{verdict})"
            ok = ok and not verdict
        self.leg.add(expected or _render_step(step), shown, ok)
        return ok

    def _expect(self, step):
        """One line, or with `repeat: N` the same line N times (one row; a mismatch names the repetition)."""
        repeat = step.options.get("repeat", 1)
        deadline = self._deadline()
        for number in range(1, repeat + 1):
            line, partial = self.conn.read_line(deadline)
            ok = line == line_bytes(step.value)
            shown = _shown(line, partial, self.conn.closed_how, self.timeout_ms)
            if not ok and repeat > 1:
                shown += f" (repetition {number} of {repeat})"
            if not ok or number == repeat:
                return self._timed(step, self.conn.taken_at if line is not None else None,
                                   shown + (_repeated(step) if ok else ""), ok)
        return False

    def _hold_connections(self, step):
        connections, problem = held_connections.hold(
            lambda: _Connection(self.target, self.receive_buffer), step.value, self.timeout_ms)
        self.held.extend(connections)
        self.leg.add(_render_step(step), f"({problem})" if problem else _render_step(step), problem is None)
        return problem is None

    def _expect_re(self, step):
        line, partial = self.conn.read_line(self._deadline())
        ok = line is not None and regex_matches_line(step.value, line)
        shown = _shown(line, partial, self.conn.closed_how, self.timeout_ms)
        return self._timed(step, self.conn.taken_at if line is not None else None, shown, ok)

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
        ok = not missing and not unmatched
        if _timing(step) and ok:  # a row of its own: when the last of the lines arrived
            ok = self._timed(step, self.conn.taken_at, "   (the lines above)", ok,
                             expected="   (the lines above)" + _timing(step))
        return ok

    def _expect_close(self, step):
        deadline = self._deadline()
        while not self.conn.closed_how and not self.conn.buffer:
            if not self.conn.fill(deadline) and time.monotonic() >= deadline:
                break
        if self.conn.buffer:
            data = self.conn.take_all()
            return self._timed(step, self.conn.taken_at, "S: " + visible(data), False)
        if self.conn.closed_how:
            return self._timed(step, self.conn.closed_at, f"S: <{self.conn.closed_how}>", True)
        self.leg.add(_render_step(step), f"S: (still open after {self.timeout_ms} ms)", False)
        return False

    def _expect_silence_ms(self, step):
        deadline = self._deadline(step.value)
        while not self.conn.buffer and not self.conn.closed_how and time.monotonic() < deadline:
            self.conn.fill(deadline)
        if self.conn.buffer:
            data = self.conn.take_all()
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

    def _stall_ms(self, step):
        """Neither reads nor writes, with the small receive buffer; what the kernel holds for the client by the end
        is shown, not compared. Afterwards the buffer grows again, so that reading what backed up is quick."""
        alive = self.conn is not None and not self.conn.closed_how
        if alive:
            self.conn.set_receive_buffer(STALL_RECEIVE_BUFFER)  # a stall after a stall: small again
        time.sleep(step.value / 1000.0)
        waiting = self.conn.waiting_bytes() if alive else None
        if alive:
            self.conn.set_receive_buffer(READ_RECEIVE_BUFFER)
        shown = f"   (stalled {step.value} ms" + (f"; {waiting} bytes waiting)" if waiting is not None else ")")
        self.leg.add(_render_step(step), shown, True)
        return True

    def _close(self, step):
        if not self._no_unread_data():
            return False
        self._drop_connection()
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _reset(self, step):
        """An RST at once: what the proxy sent and no step read is dropped with the connection (shown, not a
        mismatch: a reset throws away what the client has not read)."""
        dropped = len(self.conn.buffer) + (self.conn.waiting_bytes() or 0) if not self.conn.closed_how else 0
        try:
            self.conn.reset()
        except OSError as error:
            self.leg.add(_render_step(step), f"C: (reset failed: {error_text(error)})", False)
            return False
        if self.conn.tls_context is not None:
            self.last_tls = (self.conn.tls_context, self.conn.tls_session)
        self.conn = None
        self.leg.add(_render_step(step), "C: <reset>" + (f" ({dropped} unread bytes dropped)" if dropped else ""),
                     True)
        return True

    def _half_close(self, step):
        try:
            self.conn.half_close()
        except OSError as error:
            self.leg.add(_render_step(step), f"C: (shutdown failed: {error_text(error)})", False)
            return False
        self.leg.add(_render_step(step), _render_step(step), True)
        return True

    def _reconnect(self, step):
        if self.conn is not None:
            if not self._no_unread_data():
                return False
            self._drop_connection()
        try:
            self.conn = _Connection(self.target, self.receive_buffer, self.tap)
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
        data = self.conn.unread() if not self.conn.closed_how else self.conn.take_all()
        if data:
            self.leg.add(None, "S: " + visible(data), False)
            return False
        return True

    def _after_failure(self, remaining_steps):
        if self.conn is not None:
            deadline = time.monotonic() + AFTER_FAILURE_S
            while not self.conn.closed_how and time.monotonic() < deadline:
                self.conn.fill(deadline)
            data = self.conn.take_all()
            for piece in data.splitlines(keepends=True):
                self.leg.add(None, "S: " + abbreviated(piece), False)
            if self.conn.closed_how and data:
                self.leg.add(None, f"S: <{self.conn.closed_how}>", False)
        for step in self.unfinished + list(remaining_steps):
            self.leg.add(_render_step(step), "(not run)", None)
