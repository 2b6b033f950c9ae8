"""The runner: one scenario against one proxy, in a fresh scratch folder, with every process stopped after.

Order: reserve the proxy's port on the scenario's client address (and one on 127.0.0.1 per `down` backend; a
unix-domain client gets `${proxy_socket}` in the run's folder, and the port on 127.0.0.1), open a blackhole per
`blackhole` backend (and for `auth_blackhole`), start the backend
fakes, then the auth fake (its responses may name backend ports), write the config, start the proxy, play the
client, wait briefly for the backend connections to finish, snapshot the transcripts,
stop everything, compare. The error.log (`log:`) is compared last, after the proxy has exited: only then is
it complete.
"""

import dataclasses
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from .blackhole import Blackhole
from .certs import CertificateError, CertificateFolder
from .client import ClientScript
from .faults import SEND_KINDS, send_length, split_error
from .legs import Leg, all_closed, compare_auth, compare_backend, compare_dns, compare_log, read_transcript
from .processes import (ManagedProcess, ProcessError, reserve_port, stop_all, unix_socket_path, wait_for_listening,
                        wait_for_port_file, wait_for_unix_listening)
from .scenario import (UNIX_CLIENT, HoldConnections, PlaceholderError, Placeholders, StartTls,
                       auth_response_text)

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNS_ROOT = REPO_ROOT / ".mailwire-runs"
SETTLE_S = 1.0  # how long to wait for backend connections to close after the client is done
# What AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer print: a proxy built with
# -fsanitize=... fails the scenario on any report, even when the wire bytes were right.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


@dataclasses.dataclass
class RunResult:
    scenario_path: str
    proxy_label: str
    legs: List[Leg]
    setup_error: Optional[str]
    error_log: Optional[str]
    run_dir: str
    run_dir_kept: bool
    trace: Optional[object] = None  # a harness.trace.Trace when the run was recorded

    @property
    def ok(self):
        return self.setup_error is None and all(leg.ok for leg in self.legs)


def sanitizer_report(stderr_text):
    """The proxy's stderr from the first sanitizer marker on (at most 60 lines), or None."""
    starts = [stderr_text.find(marker) for marker in SANITIZER_MARKERS if marker in stderr_text]
    if not starts:
        return None
    return "\n".join(stderr_text[min(starts):].splitlines()[:60])


def display_path(path):
    """A scenario's path from the repository root when it lies inside it."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(resolved)


def fake_binary_for(build_dir):
    return Path(build_dir) / "fakes" / "mailwire-fake"


def _latin1(text):
    """A text line as the fakes' JSON strings carry bytes: UTF-8 bytes as code points U+0000..U+00FF."""
    return text.encode("utf-8").decode("latin-1")


def _split_json(options, length, where):
    """A step's split and gap_ms as the fakes take them; a split longer than the write (known only now that the
    placeholders are substituted) is a setup error."""
    if not options.get("split"):
        return {}
    problem = split_error(options["split"], length)
    if problem:
        raise PlaceholderError(f"{where}: {problem} (with the placeholders substituted)")
    json_options = {"split": options["split"]}
    if options.get("gap_ms"):
        json_options["gap_ms"] = options["gap_ms"]
    return json_options


def backend_script_json(backend, placeholders):
    """The fake's script: {"connections": [[step, ...], ...]} (plus "accept_then_silent": true)."""
    connections = []
    for steps in backend.connections:
        fake_steps = []
        for step in steps:
            if step.kind in ("send", "expect", "expect_re"):
                key = "expect" if step.kind == "expect_re" else step.kind
                fake_step = {key: _latin1(placeholders.substitute(step.value))}
            elif step.kind == "send_raw":
                fake_step = {"send_raw": placeholders.substitute(step.value)}
            elif step.kind == "expect_reset":  # the fake reads to the end; the comparison checks it was a reset
                fake_step = {"expect_eof": True}
            else:
                fake_step = {step.kind: step.value}
            if step.kind in SEND_KINDS:
                value = placeholders.substitute(step.value) if isinstance(step.value, str) else step.value
                fake_step.update(_split_json(step.options, send_length(step.kind, value),
                                             f"backend '{backend.name}', line {step.line}"))
            fake_steps.append(fake_step)
        connections.append(fake_steps)
    if backend.accept_then_silent:  # the fake ignores the scripts: they only say what the proxy sends it
        return {"accept_then_silent": True, "connections": connections}
    if not connections:  # the proxy must not connect; if it does, close at once (the comparison flags it)
        connections = [[{"close": True}]]
    return {"connections": connections}


def auth_script_json(exchanges, placeholders):
    """The auth fake's script: {"requests": [...]}; lines of `response` are joined with CRLF plus a blank line."""
    requests = []
    for exchange in exchanges:
        entry = {}
        response = auth_response_text(exchange, placeholders.substitute)
        if response is not None:
            entry["response"] = response
            entry.update(_split_json({"split": exchange.split, "gap_ms": exchange.gap_ms}, len(response),
                                     f"auth entry at line {exchange.line}"))
            if exchange.then:
                entry["then"] = exchange.then
            if exchange.half_close:
                entry["half_close"] = True
        elif exchange.close_without_response:
            entry["close_without_response"] = True
        elif exchange.reset:
            entry["reset"] = True
        else:
            entry["no_response"] = True
        if exchange.delay_ms:
            entry["delay_ms"] = exchange.delay_ms
        requests.append(entry)
    if not requests:  # no request expected; an unexpected one is closed and shows in the comparison
        requests = [{"close_without_response": True}]
    return {"requests": requests}


def _substituted(value, placeholders):
    """A step's value with placeholders replaced in its text: a string, a list of them, starttls's lines."""
    if isinstance(value, str):
        return placeholders.substitute(value)
    if isinstance(value, list):
        return [_substituted(item, placeholders) for item in value]
    if isinstance(value, StartTls):
        return dataclasses.replace(value, send=placeholders.substitute(value.send),
                                   expect=placeholders.substitute(value.expect))
    if isinstance(value, HoldConnections):
        return dataclasses.replace(value, **{key: placeholders.substitute(getattr(value, key))
                                             for key in ("send", "expect") if getattr(value, key) is not None})
    return value


def resolved_steps(steps, placeholders):
    return [dataclasses.replace(step, value=_substituted(step.value, placeholders)) for step in steps]


class ScenarioRun:
    """Holds the processes and reserved sockets of one run so that cleanup always finds them.

    `certs` is the invocation's CertificateFolder (${certs}); without one, a scenario that uses certificates gets a
    set of its own inside the run's folder."""

    def __init__(self, scenario, proxy, fake_binary, runs_root=RUNS_ROOT, keep_runs=False, certs=None,
                 recorder=None):
        self.scenario = scenario
        self.proxy = proxy
        self.fake_binary = Path(fake_binary)
        self.keep_runs = keep_runs
        base = Path(runs_root) / proxy.label.replace("/", "_")
        base.mkdir(parents=True, exist_ok=True)
        self.run_dir = tempfile.mkdtemp(prefix=Path(scenario.path).stem + "-", dir=base)
        self.certs = certs if certs is not None else CertificateFolder(Path(self.run_dir) / "certs", keep=True)
        self.fakes = []
        self.proxy_process = None
        self.reserved = []
        self.blackholes = []
        self.auth_responses = []  # each auth entry's response as sent (latin-1 code points), for the auth leg
        self.transcripts = {}
        self.placeholders = None
        self.socket_folder = None  # a short folder for ${proxy_socket} when the run's folder is too deep for one
        self.recorder = recorder  # a harness.trace.Recorder, or None: the run is not recorded
        # A proxy already running (harness/external.py): not started here; fakes on the ports its config names.
        self.already_running = getattr(proxy, "already_running", False)
        self.log_tail = None  # what an already running proxy appends to its error log during the run

    def path(self, name):
        return str(Path(self.run_dir) / name)

    def start_fake(self, name, protocol, script):
        script_path = self.path(f"{name}.json")
        with open(script_path, "w", encoding="utf-8") as handle:
            json.dump(script, handle, indent=1)
        port_file, transcript = self.path(f"{name}.port"), self.path(f"{name}.jsonl")
        self.transcripts[name] = transcript
        spawned_at = time.monotonic()
        port = self.proxy.fake_port(name) if self.already_running else 0  # an external proxy's fixed ports
        process = ManagedProcess(name, [str(self.fake_binary), protocol, "--listen", f"127.0.0.1:{port}",
                                        "--port-file", port_file, "--script", script_path,
                                        "--transcript", transcript], self.run_dir)
        self.fakes.append(process)
        if self.recorder is not None:
            self.recorder.fake_started(name, transcript, spawned_at)
        return wait_for_port_file(process, port_file)

    def start_proxy(self, proxy_socket, placeholders):
        conf_path, errlog_path = self.path("proxy.conf"), self.path("error.log")
        with open(conf_path, "w", encoding="utf-8") as handle:
            handle.write(self.proxy.config_text(self.run_dir, placeholders.substitute(self.scenario.config),
                                                self.scenario.worker_connections))
        port = placeholders.proxy_port
        # The reserved socket stays bound (SO_REUSEADDR) until the proxy listens: closed earlier, a concurrent
        # run could take the port, and the client would talk to someone else's proxy.
        self.proxy_process = ManagedProcess("proxy", self.proxy.argv(self.run_dir, conf_path, errlog_path),
                                            self.run_dir)
        try:
            if placeholders.proxy_socket is not None:
                wait_for_unix_listening(self.proxy_process, placeholders.proxy_socket)
            else:
                wait_for_listening(self.proxy_process, port, host=self.scenario.client_address)
        except ProcessError as error:
            raise ProcessError(f"{error}\n  command: {' '.join(self.proxy_process.argv)}\n"
                               f"{self.proxy_process.output()}") from None
        finally:
            proxy_socket.close()

    def wait_for_backends_to_finish(self):
        """Until each fake has had the connections the scenario expects and all of them ended (bounded)."""
        expected = {"auth": len(self.scenario.auth), "dns": 0}
        expected.update({f"backend-{name}": len(backend.connections)
                         for name, backend in self.scenario.backends.items()})
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            transcripts = {name: read_transcript(path) for name, path in self.transcripts.items()
                           if name != "dns"}  # UDP: queries have no end to wait for
            if all(len(conns) >= expected[name] and all_closed(conns) for name, conns in transcripts.items()):
                return
            time.sleep(0.02)

    def play(self):
        scenario = self.scenario
        unix_client = scenario.client_address == UNIX_CLIENT
        # The fakes stay on 127.0.0.1 either way; a unix-domain client still has ${proxy_port} reserved (unused).
        if self.already_running:  # listening already, on the port its deployed copy of this config names
            proxy_socket, proxy_port = None, self.proxy.proxy_port(scenario)
        else:
            proxy_socket = reserve_port("127.0.0.1" if unix_client else scenario.client_address)
            self.reserved.append(proxy_socket)
            proxy_port = proxy_socket.getsockname()[1]
        placeholders = Placeholders(proxy_port, None, {}, self.run_dir)
        self.placeholders = placeholders
        if unix_client:
            placeholders.proxy_socket, self.socket_folder = unix_socket_path(self.run_dir)
        if scenario.uses_certs:
            placeholders.certs = str(self.certs.path())
        if scenario.dns is not None:
            placeholders.dns_port = self.start_fake("dns", "dns", {"answers": scenario.dns.answers})
        for name, backend in scenario.backends.items():
            if backend.down and self.already_running and self.proxy.fake_port(f"backend-{name}"):
                placeholders.backend_ports[name] = self.proxy.fake_port(f"backend-{name}")  # nothing listens
            elif backend.down:  # bound, not listening: connections are refused while the run lasts
                down_socket = reserve_port()
                self.reserved.append(down_socket)
                placeholders.backend_ports[name] = down_socket.getsockname()[1]
            elif backend.blackhole:
                placeholders.backend_ports[name] = self.open_blackhole()
        for name, backend in scenario.backends.items():
            if not backend.down and not backend.blackhole:
                placeholders.backend_ports[name] = self.start_fake(
                    f"backend-{name}", backend.protocol, backend_script_json(backend, placeholders))
        if scenario.auth_blackhole:
            placeholders.auth_port = self.open_blackhole()
        else:
            auth_script = auth_script_json(scenario.auth, placeholders)
            self.auth_responses = [entry.get("response") for entry in auth_script["requests"]]
            placeholders.auth_port = self.start_fake("auth", "auth", auth_script)
        if self.already_running:
            self.log_tail = self.proxy.error_log_tail()
        else:
            self.start_proxy(proxy_socket, placeholders)

        client_leg = ClientScript(placeholders.proxy_port, resolved_steps(scenario.client, placeholders),
                                  scenario.timeout_ms, scenario.client_address, placeholders.certs,
                                  unix_path=placeholders.proxy_socket,
                                  tap=self.recorder.client_tap if self.recorder else None).run()
        self.wait_for_backends_to_finish()
        if self.recorder is not None:
            self.recorder.stop()
        # Snapshot before stopping anything: events caused by the shutdown itself are not compared.
        snapshot = {name: read_transcript(path) for name, path in self.transcripts.items()}
        auth_leg = compare_auth(scenario.auth, snapshot.get("auth", {}), self.auth_responses)
        if scenario.auth_blackhole:
            auth_leg.notes.append(f"auth_blackhole: connects to ${{auth_port}} ({placeholders.auth_port}) hang; "
                                  "no auth server ran")
        legs = [client_leg, auth_leg]
        if scenario.dns is not None and scenario.dns.expect is not None:
            legs.append(compare_dns(scenario.dns.expect, snapshot["dns"]))
        for name, backend in scenario.backends.items():
            if not backend.down and not backend.blackhole:  # compared as the fake ran it: placeholders substituted
                resolved = dataclasses.replace(backend, connections=[resolved_steps(steps, placeholders)
                                                                     for steps in backend.connections])
                legs += compare_backend(resolved, snapshot[f"backend-{name}"])
        return legs

    def open_blackhole(self):
        """A port on 127.0.0.1 where connects hang for the rest of the run (harness/blackhole.py)."""
        blackhole = Blackhole()
        self.blackholes.append(blackhole)
        return blackhole.port

    def sanitizer_report(self):
        if self.proxy_process is None:
            return None
        try:
            return sanitizer_report(Path(self.proxy_process.stderr_path).read_text(encoding="utf-8",
                                                                                  errors="replace"))
        except OSError:
            return None

    def cleanup(self):
        errors = stop_all(([self.proxy_process] if self.proxy_process else []) + self.fakes)
        for sock in self.reserved:
            sock.close()
        for blackhole in self.blackholes:
            blackhole.close()
        if self.socket_folder is not None:
            shutil.rmtree(self.socket_folder, ignore_errors=True)
        return errors

    def run(self):
        legs, setup_error = [], None
        try:
            problem = self.proxy.problem()
            if problem:
                raise ProcessError(problem)
            if not self.fake_binary.is_file():
                raise ProcessError(f"mailwire-fake not found at {self.fake_binary}: build it (cmake --build "
                                   "<build-dir> --target mailwire-fake) or pass --build-dir / --fake-binary")
            legs = self.play()
        except (ProcessError, PlaceholderError, CertificateError, OSError) as error:
            setup_error = str(error)
        finally:
            cleanup_errors = self.cleanup()
        if cleanup_errors and setup_error is None:
            setup_error = "cleanup: " + "; ".join(cleanup_errors)
        sanitizer_report = self.sanitizer_report()
        if sanitizer_report and setup_error is None:
            setup_error = "the proxy reported a sanitizer error:\n" + sanitizer_report
        error_log = None  # the proxy never started: no log to show
        if self.proxy_process is not None:
            try:
                error_log = Path(self.path("error.log")).read_text(encoding="utf-8", errors="replace")
            except OSError:
                error_log = ""
            if legs and self.scenario.log is not None:
                patterns = [self.placeholders.substitute(item.text, escape=True) for item in self.scenario.log]
                legs.append(compare_log(patterns, error_log))
        elif self.log_tail is not None:  # an external proxy's log, from this run's start; written a little late
            patterns = [self.placeholders.substitute(item.text, escape=True) for item in self.scenario.log or []]
            error_log = self.log_tail.settled_text(lambda text: not patterns or compare_log(patterns, text).ok)
            if legs and self.scenario.log is not None:
                legs.append(compare_log(patterns, error_log))
        result = RunResult(display_path(self.scenario.path), self.proxy.label, legs, setup_error, error_log,
                           self.run_dir, self.keep_runs)
        if self.recorder is not None:
            self.recorder.stop()
            result.trace = self.recorder.trace(self.scenario, self.proxy.label, self.placeholders)
        if not self.keep_runs:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return result


def run_scenario(scenario, proxy, fake_binary, runs_root=RUNS_ROOT, keep_runs=False, certs=None, recorder=None):
    """Runs one scenario on one proxy; never leaves a process running. `certs`: a CertificateFolder for ${certs};
    `recorder`: a harness.trace.Recorder to record the wire (the result's `trace`)."""
    return ScenarioRun(scenario, proxy, fake_binary, runs_root, keep_runs, certs, recorder).run()
