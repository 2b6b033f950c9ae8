"""Legs of a run and their comparison: expected steps against what the fakes' transcripts recorded.

A leg is a list of rows (expected | actual). `C:` marks what the proxy's peer on the client side of that
connection sent (the mail client, the proxy towards a backend or the auth server), `S:` what the server side
sent (the proxy towards the client, a backend, the auth server).
"""

import json
import re
from dataclasses import dataclass, field
from typing import List, Optional

from .faults import SEND_KINDS, describe_generated, describe_split, in_pieces, send_bytes

CRLF = b"\r\n"
LONG_DATA = 1024  # data longer than this is abbreviated in reports
# Events after which a fake does nothing more on a connection (a stalled fake no longer reads).
FINAL_EVENTS = ("eof", "close", "stall")


def visible(data):
    """Bytes as one readable line: printable ASCII kept, \\r \\n \\t \\\\ and \\xNN for the rest."""
    out = []
    for byte in data:
        if byte == 0x0D:
            out.append("\\r")
        elif byte == 0x0A:
            out.append("\\n")
        elif byte == 0x09:
            out.append("\\t")
        elif byte == 0x5C:
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02X}")
    return "".join(out)


def abbreviated(data):
    """visible(), except that data longer than LONG_DATA shows as its head, its length and its tail (a report
    cell holding megabytes helps nobody)."""
    if len(data) <= LONG_DATA:
        return visible(data)
    return f"{visible(data[:96])}...({len(data)} bytes)...{visible(data[-32:])}"


def line_bytes(text):
    """A script line as sent on the wire: UTF-8 plus CRLF."""
    return text.encode("utf-8") + CRLF


def raw_bytes(text):
    """A send_raw value: code points U+0000..U+00FF are the bytes."""
    return text.encode("latin-1")


def regex_matches_line(pattern, data):
    """A regex step matches a whole CRLF-terminated line whose text (without CRLF) fully matches."""
    if not data.endswith(CRLF):
        return False
    return re.fullmatch(pattern, data[:-2].decode("utf-8", "surrogateescape")) is not None


@dataclass
class Row:
    expected: Optional[str]
    actual: Optional[str]
    ok: Optional[bool]  # None: shown for context, not compared (e.g. steps not run after a failure)


@dataclass
class Leg:
    name: str
    rows: List[Row] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    failed: bool = False  # set when a mismatch is not visible as a row (e.g. a client-side error)

    @property
    def ok(self):
        return not self.failed and all(row.ok is not False for row in self.rows)

    def add(self, expected, actual, ok):
        self.rows.append(Row(expected, actual, ok))


# ---------------------------------------------------------------- transcripts

@dataclass
class Event:
    kind: str  # accept, send, recv, eof, close, error, reset, half_close, stall
    data: bytes = b""
    text: str = ""  # for error events
    piece: bool = False  # a send that is one piece of a split write
    reset: bool = False  # an eof that was a reset by the peer


def read_transcript(path):
    """{conn: [Event, ...]} in accept order; a half-written last line (the fake is still running) is skipped."""
    connections = {}
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except OSError:
        return connections
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            conn = int(record["conn"])
            kind = str(record["event"])
        except (ValueError, KeyError, TypeError):
            continue
        raw = record.get("data", "")
        if kind == "error":
            event = Event(kind, text=str(raw))
        else:
            event = Event(kind, data=str(raw).encode("latin-1", "replace"), piece=record.get("piece") is True,
                          reset=record.get("reset") is True)
        connections.setdefault(conn, []).append(event)
    return dict(sorted(connections.items()))


def all_closed(connections):
    """True when every recorded connection has seen eof or close (or stalled: nothing more is recorded)."""
    return all(any(event.kind in FINAL_EVENTS for event in events) for events in connections.values())


def render_event(event):
    if event.kind == "send":
        return "S: " + abbreviated(event.data)
    if event.kind == "recv":
        return "C: " + abbreviated(event.data)
    if event.kind == "eof":
        return "C: <reset>" if event.reset else "C: <eof>"
    if event.kind == "close":
        return "S: <close>"
    if event.kind in ("reset", "half_close", "stall"):
        return f"S: <{event.kind.replace('_', '-')}>"
    return f"   <{event.kind}>"


def take_send(events, position, length):
    """The write at `position`: one `send` event, or consecutive split pieces joined (up to `length` bytes, the
    size of the write expected there). Returns (data, number of pieces or 0 when not split, next position)."""
    event = events[position]
    if not event.piece:
        return event.data, 0, position + 1
    data, count = b"", 0
    while position < len(events) and events[position].kind == "send" and events[position].piece:
        data += events[position].data
        count += 1
        position += 1
        if len(data) >= length:
            break
    return data, count, position


def render_send(kind, value, options, data=None, pieces=0):
    """A written step as a row shows it: expected (data None) or what was written (split into `pieces`)."""
    generated = kind in ("send_random", "send_line_of")
    if data is None:
        text = "S: " + (describe_generated(kind, value) if generated else abbreviated(send_bytes(kind, value)))
        split = describe_split(options)
        return text + (f" ({split})" if split else "")
    if generated and data == send_bytes(kind, value):
        text = "S: " + describe_generated(kind, value)
    else:
        text = "S: " + abbreviated(data)
    return text + (in_pieces(pieces) if pieces else "")


# ---------------------------------------------------------------- backend legs

def _backend_step_expectation(step):
    """(rendered expected row, predicate over an Event) for one backend step."""
    if step.kind in SEND_KINDS:
        data = send_bytes(step.kind, step.value)
        return render_send(step.kind, step.value, step.options), lambda e: e.kind == "send" and e.data == data
    if step.kind == "expect":
        data = line_bytes(step.value)
        return "C: " + visible(data), lambda e: e.kind == "recv" and e.data == data
    if step.kind == "expect_re":
        return "C: re:" + step.value, lambda e: e.kind == "recv" and regex_matches_line(step.value, e.data)
    if step.kind == "close":
        return "S: <close>", lambda e: e.kind == "close"
    if step.kind in ("reset", "half_close", "stall"):
        return f"S: <{step.kind.replace('_', '-')}>", lambda e: e.kind == step.kind
    if step.kind == "expect_eof":
        return "C: <eof>", lambda e: e.kind == "eof"
    if step.kind == "expect_reset":
        return "C: <reset>", lambda e: e.kind == "eof" and e.reset
    raise ValueError(step.kind)


def compare_backend_connection(leg, steps, events):
    """Fills `leg` with rows comparing one connection's script with its transcript events."""
    events = [event for event in events if event.kind not in ("accept", "error")]
    position = 0
    for step in steps:
        if step.kind == "wait_ms":
            continue
        if step.kind in ("expect_eof", "expect_reset"):
            expected, matches = _backend_step_expectation(step)
            while position < len(events) and events[position].kind == "recv":
                leg.add(None, render_event(events[position]), False)  # lines the script did not expect
                position += 1
            if position < len(events):
                event = events[position]
                leg.add(expected, render_event(event), matches(event))
                position += 1
            elif any(event.kind in ("eof", "close", "reset") for event in events):
                leg.add(expected, "(nothing more: the connection had ended)", False)
            else:
                leg.add(expected, "(nothing: the proxy kept the connection open)", False)
            continue
        expected, matches = _backend_step_expectation(step)
        if position < len(events) and step.kind in SEND_KINDS and events[position].kind == "send":
            data = send_bytes(step.kind, step.value)
            written, pieces, position = take_send(events, position, len(data))
            leg.add(expected, render_send(step.kind, step.value, step.options, written, pieces), written == data)
        elif position < len(events):
            event = events[position]
            leg.add(expected, render_event(event), matches(event))
            position += 1
        else:
            leg.add(expected, "(nothing)", False)
    # After the script: extra lines are a mismatch; the trailing eof/close is not compared.
    for event in events[position:]:
        if event.kind not in ("eof", "close"):
            leg.add(None, render_event(event), False)


def compare_backend(backend, transcript):
    """One leg per connection, expected or made: the number of connections must match too."""
    legs = []
    made = list(transcript.items())
    for index in range(max(len(backend.connections), len(made))):
        leg = Leg(f"backend {backend.name}, connection {index + 1}")
        if index < len(made):
            leg.notes += [f"fake: {event.text}" for event in made[index][1] if event.kind == "error"]
        if index >= len(made):
            leg.add("(a connection)", "(the proxy made no connection)", False)
            for step in backend.connections[index]:
                if step.kind != "wait_ms":
                    leg.add(_backend_step_expectation(step)[0], None, False)
        elif index >= len(backend.connections):
            leg.add("(no connection)", "(the proxy connected)", False)
            for event in made[index][1]:
                if event.kind != "accept":
                    leg.add(None, render_event(event), False)
        else:
            compare_backend_connection(leg, backend.connections[index], made[index][1])
        legs.append(leg)
    return legs


# ---------------------------------------------------------------- auth leg

def request_head_lines(events):
    """The header lines of one auth request (CRLF removed, the blank line ending the head dropped)."""
    head = b"".join(event.data for event in events if event.kind == "recv")
    if head.endswith(b"\r\n\r\n"):
        head = head[:-4]
    elif head.endswith(CRLF):
        head = head[:-2]
    return head.split(CRLF) if head else []


def _header_matches(matcher, actual):
    if matcher.is_regex:
        return re.fullmatch(matcher.text, actual.decode("utf-8", "surrogateescape")) is not None
    return matcher.text.encode("utf-8") == actual


def _render_matcher(matcher):
    return "C: re:" + matcher.text if matcher.is_regex else "C: " + visible(matcher.text.encode("utf-8"))


def _auth_fault_rows(leg, exchange, response, events):
    """Rows for an entry that stages a fault: the response's pieces, the reset instead of an answer, what followed
    the response (then: reset or stall, half_close). A plain answer has no rows: the proxy's reaction shows on
    the client leg."""
    answers = [event for event in events if event.kind not in ("accept", "error", "recv")]
    if exchange.reset:
        event = next((e for e in answers if e.kind == "reset"), None) or next(iter(answers), None)
        leg.add("S: <reset>", render_event(event) if event else "(nothing)",
                event is not None and event.kind == "reset")
        return
    if exchange.split:
        sent = [event for event in answers if event.kind == "send"]
        data = b"".join(event.data for event in sent)
        expected = response.encode("latin-1") if response is not None else b""
        shown = f"S: (the response, {len(data)} bytes, {in_pieces(len(sent))[2:]}" if sent else "S: (no response)"
        if sent and data != expected:
            shown = f"S: {abbreviated(data)}{in_pieces(len(sent))}"
        split = describe_split({"split": exchange.split, "gap_ms": exchange.gap_ms})
        leg.add(f"S: (the response, {len(expected)} bytes, {split})", shown, data == expected and len(sent) > 0)
    after = "half_close" if exchange.half_close else exchange.then if exchange.then != "close" else None
    if after:
        event = next((e for e in answers if e.kind == after), None)
        leg.add(f"S: <{after.replace('_', '-')}> (after the response)",
                render_event(event) if event else f"(no {after.replace('_', '-')})", event is not None)


def compare_auth(expected_requests, transcript, responses=None):
    """One leg for all auth_http requests: each head line by line, and their number; `responses` (the response
    each entry sent, latin-1 code points, None for none) lets entries with faults show rows of their own."""
    leg = Leg("auth_http")
    made = [events for events in transcript.values()]
    leg.notes += [f"fake: {event.text}" for events in made for event in events if event.kind == "error"]
    for index in range(max(len(expected_requests), len(made))):
        label = f"-- request {index + 1} --"
        if index >= len(made):
            leg.add(label, "-- (no request) --", False)
            for matcher in expected_requests[index].request:
                leg.add(_render_matcher(matcher), None, False)
            continue
        actual_lines = request_head_lines(made[index])
        if index >= len(expected_requests):
            leg.add("-- (no request expected) --", label, False)
            for line in actual_lines:
                leg.add(None, "C: " + visible(line), False)
            continue
        leg.add(label, label, True)
        matchers = expected_requests[index].request
        for row in range(max(len(matchers), len(actual_lines))):
            matcher = matchers[row] if row < len(matchers) else None
            actual = actual_lines[row] if row < len(actual_lines) else None
            leg.add(_render_matcher(matcher) if matcher else None,
                    "C: " + visible(actual) if actual is not None else None,
                    matcher is not None and actual is not None and _header_matches(matcher, actual))
        if expected_requests[index].faults:
            response = responses[index] if responses and index < len(responses) else None
            _auth_fault_rows(leg, expected_requests[index], response, made[index])
    return leg


# ---------------------------------------------------------------- dns leg

def compare_dns(expected_queries, transcript):
    """One leg for the fake DNS server: the distinct questions in the order first asked (each query is one
    transcript `conn`), with the answer shown beside each; their number must match too. Repeats are not
    compared: nginx caches answers and shares in-flight queries (also with the harness's connection probe),
    a proxy without a cache asks again per connection."""
    leg = Leg("dns")
    received, seen = [], set()
    for events in transcript.values():
        leg.notes += [f"fake: {event.text}" for event in events if event.kind == "error"]
        query = next((event.data.decode("latin-1") for event in events if event.kind == "recv"), None)
        answer = next((event.data.decode("latin-1") for event in events if event.kind == "send"), None)
        if query is not None and query.lower() not in seen:
            seen.add(query.lower())
            received.append((query, answer))
    for index in range(max(len(expected_queries), len(received))):
        expected = expected_queries[index] if index < len(expected_queries) else None
        query, answer = received[index] if index < len(received) else (None, None)
        leg.add("Q: " + expected if expected is not None else None,
                "Q: " + query + ("  -> " + answer if answer else "  -> (no answer)") if query is not None else None,
                expected is not None and expected == query)
    return leg


# ---------------------------------------------------------------- log leg

# `2026/11/22 04:57:55 [info] 123#123: *4 message`: the timestamp and pid#tid change every run.
LOG_PREFIX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (\[[a-z]+\]) \d+#\d+: ")


def log_line_text(line):
    """An error.log line as patterns see it and reports show it: `[level] *N message` (no timestamp, no pid)."""
    return LOG_PREFIX.sub(r"\1 ", line)


def compare_log(patterns, log_text):
    """One leg for the proxy's error.log: each pattern (already substituted) must re.search a line after the line
    the previous pattern matched. Rows: the log's lines in order, each matched one beside its pattern; after the
    first pattern that matches no later line, the rest of the log and the remaining patterns for context."""
    leg = Leg("error.log")
    lines = [log_line_text(line) for line in (log_text or "").split("\n") if line.strip()]
    position = 0
    for index, pattern in enumerate(patterns):
        found = next((n for n in range(position, len(lines)) if re.search(pattern, lines[n])), None)
        if found is None:
            leg.add("re:" + pattern, "(no matching line" + (" after the previous match)" if index else ")"), False)
            for line in lines[position:]:
                leg.add(None, line, None)
            for rest in patterns[index + 1:]:
                leg.add("re:" + rest, None, None)
            return leg
        for line in lines[position:found]:
            leg.add(None, line, None)
        leg.add("re:" + pattern, lines[found], True)
        position = found + 1
    for line in lines[position:]:
        leg.add(None, line, None)
    return leg
