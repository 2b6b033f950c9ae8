"""The recorder: every wire line of one run on every leg, with a time and a direction, merged into one trace.

Sources: the client leg tells the recorder of each read, write and close as it happens (harness/client.py's
`tap`); the fakes write their transcripts (docs/fake-protocol.md), whose times `t` count from each fake's own
start. A polling thread reads the transcripts while the run goes on and notes when each line first appeared:
that time is never earlier than the event itself, so `seen - t` is an upper bound of the fake's start on the
harness clock, and the smallest over all its lines is a close one (the fake started after the harness spawned
it: a lower bound). Bytes relayed unchanged (a backend's line that the client then reads, a client's line the
backend then reads) tighten it further: the relayed copy cannot come before the original.

The trace is the list of arrows, sender -> receiver, each with its exact bytes (or a note such as `connect`),
in time order; it serialises to JSON so that a pytest session can hand it to the HTML report.
"""

import bisect
import dataclasses
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

from .legs import visible
from .runner import display_path, run_scenario

POLL_S = 0.0003  # how often the transcripts are read while the run goes on
# While recording, Python switches threads this often (default 5 ms): the polling thread and the client leg
# then wait at most this long for each other, instead of seeing events milliseconds late.
SWITCH_INTERVAL_S = 0.0001
RELAY_WINDOW_S = 0.02  # how far a relayed copy may appear out of order and still be put back after its original
RELAY_MIN_BYTES = 8  # shorter lines ("+OK\r\n") are too common to pair a fake's write with the client's read
SENT_MIN_BYTES = 3  # a client's write and the fake's read of it pair from this length ("QUIT\r\n")
EPSILON_S = 0.00001
# A fake's line shown at most this long after the client read something, with no client write in between, is
# taken to have come before that read: the client is waiting on the proxy there, and the proxy answers only once
# its auth server or backend is done (a polling delay makes the fake's lines look late, never early).
SNAP_S = 0.015

CLIENT, PROXY, AUTH, DNS = "client", "proxy", "auth", "dns"


def backend_lane(name):
    return f"backend {name}"


@dataclasses.dataclass
class Arrow:
    """One line on one leg: `data` the exact bytes, or None for an event without bytes (then `note` says what:
    connect, close, reset, a TLS handshake, a DNS question...)."""

    at: float  # seconds since the trace's first arrow
    sender: str
    receiver: str
    data: Optional[bytes] = None
    note: str = ""
    conn: int = 1  # which connection of that leg (a backend may be connected to several times)

    def to_json(self):
        record = {"at": round(self.at, 6), "from": self.sender, "to": self.receiver, "conn": self.conn}
        if self.data is not None:
            record["data"] = self.data.decode("latin-1")
        if self.note:
            record["note"] = self.note
        return record

    @staticmethod
    def from_json(record):
        data = record.get("data")
        return Arrow(record["at"], record["from"], record["to"], None if data is None else data.encode("latin-1"),
                     record.get("note", ""), record.get("conn", 1))


@dataclasses.dataclass
class Trace:
    scenario_path: str
    title: str
    about: str
    proxy_label: str
    lanes: List[str]
    arrows: List[Arrow]
    ports: Dict[str, int]  # placeholder name -> port number, to mask them (docs/flows/ must not change per run)
    # How far off a fake's clock may be from the harness's (the widest start bounds of any fake): lines of
    # different legs less than this apart may show in the wrong order.
    uncertainty_ms: float = 0.0

    def to_json(self):
        return {"scenario": self.scenario_path, "title": self.title, "about": self.about,
                "proxy": self.proxy_label, "lanes": self.lanes, "ports": self.ports,
                "uncertainty_ms": round(self.uncertainty_ms, 3), "arrows": [arrow.to_json() for arrow in self.arrows]}

    @staticmethod
    def from_json(record):
        return Trace(record["scenario"], record["title"], record["about"], record["proxy"], record["lanes"],
                     [Arrow.from_json(item) for item in record["arrows"]], record["ports"],
                     record.get("uncertainty_ms", 0.0))

    def mask_ports(self, text):
        """`text` with this run's port numbers as their placeholders (${proxy_port}, ${backend_port:main}...)."""
        for name, port in sorted(self.ports.items(), key=lambda item: -len(str(item[1]))):
            text = _replace_number(text, str(port), "${" + name + "}")
        return text


def _replace_number(text, number, replacement):
    """Replaces `number` where it stands alone (not part of a longer run of digits)."""
    out, start = [], 0
    while True:
        index = text.find(number, start)
        if index < 0:
            out.append(text[start:])
            return "".join(out)
        end = index + len(number)
        alone = (index == 0 or not text[index - 1].isdigit()) and (end == len(text) or not text[end].isdigit())
        out.append(text[start:index])
        out.append(replacement if alone else number)
        start = end


def split_lines(data):
    """Bytes as lines, each with its LF; a last piece without LF stays as it is."""
    lines, start = [], 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        lines.append(data[start:end])
        start = end
    return lines


class _FakeLog:
    """One fake's transcript as the polling thread reads it: records, when each was first seen, and when the
    file was last written as each batch was read."""

    def __init__(self, name, path, spawned_at):
        self.name = name
        self.path = Path(path)
        self.spawned_at = spawned_at
        self.handle = None
        self.offset = 0  # bytes of the file consumed
        self.partial = b""
        self.records = []  # (seen_at, record)
        self.written = []  # (the file's mtime on the harness clock, `t` of the last record it covers)

    def poll(self):
        if self.handle is None:
            try:
                self.handle = open(self.path, "rb")
            except OSError:
                return  # not created yet
        status = os.fstat(self.handle.fileno())
        if status.st_size <= self.offset:
            return
        seen_at = time.monotonic()
        written_at = status.st_mtime_ns / 1e9 - (time.time() - seen_at)  # the realtime mtime on the monotonic clock
        self.handle.seek(self.offset)
        chunk = self.handle.read(status.st_size - self.offset)  # only what that mtime covers
        self.offset += len(chunk)
        lines = (self.partial + chunk).split(b"\n")
        self.partial = lines.pop()
        last_t = None
        for line in lines:
            try:
                record = json.loads(line)
                last_t = float(record["t"])
                int(record["conn"]), str(record["event"])
            except (ValueError, KeyError, TypeError):
                continue
            self.records.append((seen_at, record))
        if last_t is not None and not self.partial:
            self.written.append((written_at, last_t))

    def close(self):
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def start_bounds(self):
        """(lower, upper) bounds of the fake's start on the harness clock.

        Exact when the fake stamps its events with CLOCK_MONOTONIC (an optional `mono` field, the clock of
        Python's time.monotonic()). Otherwise: the time a record was first seen is never early, so `seen - t`
        bounds the start from above; the file's mtime as a batch was read is never later than the batch's last
        write (a coarse timestamp lags, a fine-grained one, as Linux 6.13+ gives once a poll has looked at the
        file, is exact), so `mtime - t` of the batch's last record bounds it from below."""
        exact = [float(record["mono"]) - float(record["t"]) for _, record in self.records if "mono" in record]
        if exact:
            return exact[0], exact[0]
        upper = min((seen - float(record["t"]) for seen, record in self.records), default=self.spawned_at)
        upper = max(self.spawned_at, upper)
        lower = max([self.spawned_at] + [written - t for written, t in self.written])
        return min(lower, upper), upper


class Recorder:
    """Records one run: give `client_tap` to the client leg, call `fake_started` as each fake is spawned,
    `stop` once the run is over (more than once is fine), then `trace`."""

    def __init__(self):
        self.client_events = []  # (time, kind, data)
        self.fakes = {}  # name -> _FakeLog
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = None
        self.saved_switch_interval = None

    def client_tap(self, kind, data, at=None):
        """`at`: when it happened, if earlier than now (a write: when it started)."""
        self.client_events.append((time.monotonic() if at is None else at, kind, data))

    def fake_started(self, name, transcript_path, spawned_at):
        with self.lock:
            self.fakes[name] = _FakeLog(name, transcript_path, spawned_at)
        if self.thread is None:
            self.saved_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            self.thread = threading.Thread(target=self._poll_until_stopped, name="trace-poll", daemon=True)
            self.thread.start()

    def _poll_until_stopped(self):
        while not self.stopping.is_set():
            with self.lock:
                for log in self.fakes.values():
                    log.poll()
            time.sleep(POLL_S)

    def stop(self):
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None
            sys.setswitchinterval(self.saved_switch_interval)
        with self.lock:
            for log in self.fakes.values():
                log.poll()
                log.close()

    def trace(self, scenario, proxy_label, placeholders):
        """The merged Trace of the run (`placeholders`: the run's, for the ports to mask; None if it never
        got that far)."""
        client_arrows = self._client_arrows()
        lanes = [CLIENT, PROXY]
        fake_arrows = {}
        for name, log in self.fakes.items():
            lane = _lane_of(name)
            fake_arrows[name] = (_fake_arrows(lane, log.records), log.start_bounds())
        order = {AUTH: 0, DNS: 2}
        for lane in sorted({_lane_of(name) for name in self.fakes}, key=lambda lane: (order.get(lane, 1), lane)):
            lanes.append(lane)
        starts = aligned_starts(fake_arrows, client_arrows)
        arrows = list(client_arrows)
        for name, (relative, _) in fake_arrows.items():
            arrows += [dataclasses.replace(arrow, at=arrow.at + starts[name]) for arrow in relative]
        arrows.sort(key=lambda arrow: arrow.at)  # stable: each source keeps its own order
        zero = arrows[0].at if arrows else 0.0
        arrows = [dataclasses.replace(arrow, at=max(0.0, arrow.at - zero)) for arrow in arrows]
        uncertainty = max([(upper - lower) * 1000 for _, (lower, upper) in fake_arrows.values()] + [0.0])
        return Trace(display_path(scenario.path), scenario.title, scenario.about or "", proxy_label, lanes, arrows,
                     self._ports(placeholders), uncertainty)

    def _client_arrows(self):
        arrows, conn = [], 0
        for at, kind, data in self.client_events:
            if kind == "connect":
                conn += 1
                arrows.append(Arrow(at, CLIENT, PROXY, None, "connect", conn))
            elif kind == "send":
                arrows += [Arrow(at, CLIENT, PROXY, line, "", conn) for line in split_lines(data)]
            elif kind == "recv":
                arrows += [Arrow(at, PROXY, CLIENT, line, "", conn) for line in split_lines(data)]
            elif kind == "closed":
                arrows.append(Arrow(at, PROXY, CLIENT, None, data.decode(), conn))
            elif kind == "tls":
                arrows.append(Arrow(at, CLIENT, PROXY, None, "TLS handshake: " + data.decode(), conn))
            else:  # close, reset, half_close
                arrows.append(Arrow(at, CLIENT, PROXY, None, kind.replace("_", "-"), conn))
        return arrows

    def _ports(self, placeholders):
        ports = {}
        if placeholders is not None:
            ports["proxy_port"] = placeholders.proxy_port
            if placeholders.auth_port:
                ports["auth_port"] = placeholders.auth_port
            if placeholders.dns_port:
                ports["dns_port"] = placeholders.dns_port
            for name, port in placeholders.backend_ports.items():
                ports[f"backend_port:{name}"] = port
        clients = [data.decode() for _, kind, data in self.client_events if kind == "connect"]
        for index, address in enumerate(clients):
            port = address.rstrip(")").split(",")[1].strip() if "," in address else ""
            if port.isdigit():
                ports[f"client_port{index + 1 if len(clients) > 1 else ''}"] = int(port)
        return ports


def _lane_of(fake_name):
    if fake_name.startswith("backend-"):
        return backend_lane(fake_name[len("backend-"):])
    return fake_name  # auth, dns


def _fake_arrows(lane, records):
    """A fake's transcript as arrows, `at` in seconds since the fake started."""
    arrows = []
    for _, record in records:
        at, conn, kind = float(record["t"]), int(record["conn"]), record["event"]
        data = str(record.get("data", "")).encode("latin-1", "replace")
        if lane == DNS:
            if kind == "recv":
                arrows.append(Arrow(at, PROXY, DNS, None, "query " + data.decode("latin-1"), conn))
            elif kind == "send":
                arrows.append(Arrow(at, DNS, PROXY, None, "answer " + data.decode("latin-1"), conn))
            elif kind == "error":
                arrows.append(Arrow(at, DNS, DNS, None, "error: " + data.decode("latin-1"), conn))
            continue
        if kind == "accept":
            arrows.append(Arrow(at, PROXY, lane, None, "connect", conn))
        elif kind == "recv":
            arrows += [Arrow(at, PROXY, lane, line, "", conn) for line in split_lines(data)]
        elif kind == "send":
            note = "piece" if record.get("piece") else ""
            arrows += [Arrow(at, lane, PROXY, line, note, conn) for line in split_lines(data)]
        elif kind == "eof":
            arrows.append(Arrow(at, PROXY, lane, None, "reset" if record.get("reset") else "close", conn))
        elif kind == "error":
            arrows.append(Arrow(at, lane, lane, None, "error: " + data.decode("latin-1"), conn))
        else:  # close, reset, half_close, stall: the fake's own doing
            arrows.append(Arrow(at, lane, PROXY, None, kind.replace("_", "-"), conn))
    return arrows


def aligned_starts(fake_arrows, client_arrows):
    """{fake name: its start on the harness clock}. fake_arrows: {name: (arrows timed from the fake's start,
    (lower, upper) bounds of that start)}.

    Each start begins at its upper bound (lines shown late rather than early), then causality pulls it back,
    never below the lower bound: a line relayed unchanged to the client cannot come after the client read it;
    the proxy connects to a backend only after the auth server answered, and passes a refusal's text on after
    it; a fake's line shown just after a client read, with no client write in between, came before that read
    (SNAP_S). Then it is pushed forward again where it came out too early: not before the client's write that
    began the fake's part, nor before the client wrote a line the fake then read.
    """
    bounds = {name: limits for name, (_, limits) in fake_arrows.items()}
    starts = {name: upper for name, (_, upper) in bounds.items()}

    def pull_back(name, bound):
        lower = bounds[name][0]
        if lower < starts[name]:
            starts[name] = max(lower, min(starts[name], bound))

    def push_forward(name, bound):
        lower, upper = bounds[name]
        if lower < upper:
            starts[name] = max(starts[name], min(upper, bound))

    client_reads = sorted(arrow.at for arrow in client_arrows if arrow.receiver == CLIENT)
    client_writes = sorted(arrow.at for arrow in client_arrows if arrow.sender == CLIENT)
    for _ in range(4):  # each pull may bring other lines into a rule's reach: repeat a few times
        _pull_to_relayed_copies(fake_arrows, client_arrows, starts, pull_back)
        if "auth" in fake_arrows:
            _pull_auth_before_its_effects(fake_arrows, client_arrows, starts, pull_back)
        for name, (arrows, _) in fake_arrows.items():
            for arrow in reversed(arrows):
                if arrow.data is None and arrow.note.split(" ")[0] not in ("connect", "query", "answer"):
                    continue  # a connection closing may well come after the client's read
                at = starts[name] + arrow.at
                read = _last_before(client_reads, at)
                if read is not None and at - read <= SNAP_S and not _any_between(client_writes, read, at):
                    pull_back(name, read - arrow.at - EPSILON_S)
    sent = _by_bytes(client_arrows, CLIENT, SENT_MIN_BYTES)
    for name, (arrows, (_, upper)) in fake_arrows.items():
        if not arrows:
            continue
        write = _last_before(client_writes, upper + arrows[0].at)  # the client's write that began the fake's part
        if write is not None and starts[name] + arrows[0].at < write:
            push_forward(name, write - arrows[0].at + EPSILON_S)
        for arrow in arrows:  # read by the fake after the client sent it
            if arrow.data is None or arrow.sender != PROXY or len(arrow.data) < SENT_MIN_BYTES:
                continue
            at = starts[name] + arrow.at
            copy_at = next((copy for copy in sent.get(arrow.data, ()) if at <= copy < at + RELAY_WINDOW_S), None)
            if copy_at is not None:
                push_forward(name, copy_at - arrow.at + EPSILON_S)
    answered = next((arrow.at for arrow in fake_arrows.get("auth", ([], None))[0] if arrow.sender == AUTH), None)
    for name, (arrows, _) in fake_arrows.items():  # still: no backend connection before the auth server answered
        accepted = next((arrow.at for arrow in arrows if arrow.note == "connect"), None)
        if name.startswith("backend-") and accepted is not None and answered is not None:
            push_forward(name, starts["auth"] + answered - accepted + EPSILON_S)
    return starts


def _pull_to_relayed_copies(fake_arrows, client_arrows, starts, pull_back):
    """A fake's line the client read unchanged a little "before" the fake wrote it: the start is earlier."""
    received = _by_bytes(client_arrows, PROXY, RELAY_MIN_BYTES)
    for name, (arrows, _) in fake_arrows.items():
        for arrow in arrows:
            if arrow.data is None or arrow.receiver != PROXY or len(arrow.data) < RELAY_MIN_BYTES:
                continue
            at = starts[name] + arrow.at
            copy_at = next((copy for copy in received.get(arrow.data, ()) if at - RELAY_WINDOW_S < copy <= at), None)
            if copy_at is not None:
                pull_back(name, copy_at - arrow.at - EPSILON_S)


def _pull_auth_before_its_effects(fake_arrows, client_arrows, starts, pull_back):
    """The auth server answered before the proxy connected to any backend, and before the client read the text
    of a refusal (Auth-Status: <text>)."""
    auth_arrows = fake_arrows["auth"][0]
    first_answer = next((arrow.at for arrow in auth_arrows if arrow.sender == AUTH and arrow.data), None)
    if first_answer is None:
        return
    for name, (arrows, _) in fake_arrows.items():
        accepted = next((arrow.at for arrow in arrows if arrow.note == "connect"), None)
        if name.startswith("backend-") and accepted is not None:
            pull_back("auth", starts[name] + accepted - first_answer - EPSILON_S)
    for arrow in auth_arrows:
        text = arrow.data.decode("latin-1").strip() if arrow.data else ""
        if not text.lower().startswith("auth-status:") or text[12:].strip() in ("OK", "WAIT", ""):
            continue
        reason = text[12:].strip().encode("latin-1")
        at = starts["auth"] + arrow.at
        copy = next((copy for copy in client_arrows if copy.sender == PROXY and copy.data and reason in copy.data
                     and at - RELAY_WINDOW_S < copy.at <= at), None)
        if copy is not None:
            pull_back("auth", copy.at - arrow.at - EPSILON_S)


def _last_before(times, at):
    """The last of the sorted `times` at or before `at`, or None."""
    index = bisect.bisect_right(times, at)
    return times[index - 1] if index else None


def _any_between(times, start, end):
    """Whether any of the sorted `times` lies in (start, end]."""
    index = bisect.bisect_right(times, start)
    return index < len(times) and times[index] <= end


def _by_bytes(arrows, sender, shortest):
    """{line: [times]} of the arrows from `sender` that carry at least `shortest` bytes."""
    found = {}
    for arrow in arrows:
        if arrow.sender == sender and arrow.data is not None and len(arrow.data) >= shortest:
            found.setdefault(arrow.data, []).append(arrow.at)
    return found


def record_run(scenario, proxy, fake_binary, **options):
    """Runs one scenario with a recorder; the RunResult's `trace` holds its Trace."""
    return run_scenario(scenario, proxy, fake_binary, recorder=Recorder(), **options)


def shown(arrow):
    """An arrow's label: its bytes with CR, LF and other control bytes visible, or its note in <...>."""
    if arrow.data is None:
        return f"<{arrow.note}>"
    return visible(arrow.data) + (f" ({arrow.note})" if arrow.note else "")


# ---------------------------------------------------------------- a run on disk (pytest session -> report)

@dataclasses.dataclass
class RecordedRun:
    """What the HTML report needs of one run: the outcome, each leg's expected | actual rows, the trace."""

    scenario_path: str
    proxy_label: str
    ok: bool
    setup_error: Optional[str]
    legs: List[dict]  # {"name", "ok", "rows": [[expected, actual, ok], ...], "notes": [...]}
    trace: Optional[Trace]


def save_run(result, folder):
    """Writes one RunResult as JSON into `folder` (one file per scenario and proxy)."""
    record = {"scenario": result.scenario_path, "proxy": result.proxy_label, "ok": result.ok,
              "setup_error": result.setup_error,
              "legs": [{"name": leg.name, "ok": leg.ok, "notes": list(leg.notes),
                        "rows": [[row.expected, row.actual, row.ok] for row in leg.rows]} for leg in result.legs],
              "trace": result.trace.to_json() if result.trace is not None else None}
    name = f"{result.proxy_label}--{result.scenario_path}".replace("/", "__").replace(" ", "_") + ".json"
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / name).write_text(json.dumps(record), encoding="utf-8")


def load_runs(folder):
    """{(scenario path, proxy label): RecordedRun} of every run saved in `folder`."""
    runs = {}
    for path in sorted(Path(folder).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        trace = Trace.from_json(record["trace"]) if record.get("trace") else None
        runs[(record["scenario"], record["proxy"])] = RecordedRun(record["scenario"], record["proxy"], record["ok"],
                                                                  record["setup_error"], record["legs"], trace)
    return runs
