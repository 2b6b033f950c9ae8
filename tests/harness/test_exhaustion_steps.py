"""The harness support for resource-exhaustion and burst scenarios: `worker_connections`, `repeat` and
`hold_connections` (docs/scenarios.md, "Bursts and many connections")."""

import socket
import textwrap
import threading

import pytest

from harness.client import ClientScript
from harness.proxies import NginxProxy, ReferenceProxy
from harness.scenario import DEFAULT_WORKER_CONNECTIONS, HoldConnections, ScenarioError, Step, load_scenario

BASE = """\
title: t
config: |
  mail { auth_http 127.0.0.1:${auth_port}/auth; }
client:
  - expect: "* OK IMAP4 ready"
"""


def load(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text))
    return load_scenario(path)


def load_error(tmp_path, text):
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path, text)
    return str(caught.value)


# ---- worker_connections ----

def test_worker_connections_defaults_and_reaches_the_main_context(tmp_path):
    assert load(tmp_path, BASE + "  - close: true\n").worker_connections == DEFAULT_WORKER_CONNECTIONS
    scenario = load(tmp_path, "worker_connections: 4\n" + BASE + "  - close: true\n")
    assert scenario.worker_connections == 4
    for proxy in (ReferenceProxy("/nowhere"), NginxProxy()):
        text = proxy.config_text("/run", "mail {}", scenario.worker_connections)
        assert "events { worker_connections 4; }\n" in text
    assert "events { worker_connections 1024; }\n" in ReferenceProxy("/nowhere").config_text("/run", "mail {}")


@pytest.mark.parametrize("value", ["0", "70000", "many", "true"])
def test_worker_connections_must_be_a_count(tmp_path, value):
    message = load_error(tmp_path, f"worker_connections: {value}\n" + BASE + "  - close: true\n")
    assert message.endswith(f"s.yaml:1: worker_connections is a whole number 1..65535, got "
                            f"{ {'many': repr('many'), 'true': 'True'}.get(value, value)}")


# ---- repeat ----

def test_repeat_is_an_option_of_send_send_raw_and_expect_only(tmp_path):
    scenario = load(tmp_path, BASE + '  - send: "a NOOP"\n    repeat: 3\n  - expect: "a OK"\n    repeat: 3\n'
                                     '  - close: true\n')
    assert [step.options for step in scenario.client[1:3]] == [{"repeat": 3}, {"repeat": 3}]
    message = load_error(tmp_path, BASE + '  - expect_re: "a.*"\n    repeat: 3\n  - close: true\n')
    assert "s.yaml:7: unknown option 'repeat' of a client 'expect_re' step" in message
    message = load_error(tmp_path, BASE + '  - send: "a NOOP"\n    repeat: 0\n  - close: true\n')
    assert message.endswith("s.yaml:7: repeat is a whole number 1..100000, got 0")


def test_repeat_counts_in_the_split_check(tmp_path):
    # 3 x "ab\r\n" is 12 bytes: pieces of 10 fit, pieces of 13 do not.
    load(tmp_path, BASE + '  - send: "ab"\n    repeat: 3\n    split: [10]\n  - close: true\n')
    message = load_error(tmp_path, BASE + '  - send: "ab"\n    repeat: 3\n    split: [13]\n  - close: true\n')
    assert "s.yaml:8:" in message


class Peer:
    """A TCP server on 127.0.0.1 that runs `behaviour(conn, number)` for each of `connections` connections."""

    def __init__(self, behaviour, connections=1):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, args=(behaviour, connections), daemon=True)
        self.thread.start()

    def _serve(self, behaviour, connections):
        accepted = []
        try:
            for number in range(connections):
                conn, _ = self.listener.accept()
                accepted.append(conn)
                behaviour(self, conn, number)
            for conn in accepted:  # until the client closes them all
                if conn.fileno() >= 0:
                    conn.settimeout(5)
                    while conn.recv(4096):
                        pass
        finally:
            for conn in accepted:
                conn.close()
            self.listener.close()

    def join(self):
        self.thread.join(timeout=10)


def run(peer, steps, timeout_ms=2000):
    leg = ClientScript(peer.port, steps, timeout_ms).run()
    peer.join()
    return leg


def echo_noops(peer, conn, number):
    """Greets, reads exactly 3 `a NOOP` lines sent in one write, answers each."""
    conn.sendall(b"* OK hi\r\n")
    data = b""
    while data.count(b"\n") < 3:
        data += conn.recv(4096)
    peer.received = data
    conn.sendall(b"a OK\r\n" * data.count(b"a NOOP\r\n"))


def test_repeat_sends_one_write_and_expects_the_line_n_times():
    peer = Peer(echo_noops)
    leg = run(peer, [Step("expect", "* OK hi", 1), Step("send", "a NOOP", 2, {"repeat": 3}),
                     Step("expect", "a OK", 3, {"repeat": 3}), Step("close", True, 4)])
    assert leg.ok, leg.rows
    assert peer.received == b"a NOOP\r\n" * 3
    assert [(row.expected, row.actual) for row in leg.rows[1:3]] == [
        ("C: a NOOP\\r\\n (x3 in one write)", "C: a NOOP\\r\\n (x3 in one write)"),
        ("S: a OK\\r\\n (x3)", "S: a OK\\r\\n (x3)")]


def test_a_repeated_expect_names_the_repetition_that_differs():
    peer = Peer(echo_noops)
    leg = run(peer, [Step("expect", "* OK hi", 1), Step("send", "a NOOP", 2, {"repeat": 3}),
                     Step("expect", "a OK", 3, {"repeat": 4}), Step("close", True, 4)], timeout_ms=300)
    assert not leg.ok
    assert leg.rows[2].expected == "S: a OK\\r\\n (x4)"
    assert "(repetition 4 of 4)" in leg.rows[2].actual


# ---- hold_connections ----

def test_hold_connections_validation(tmp_path):
    scenario = load(tmp_path, BASE + '  - hold_connections: {count: 2, expect: "* OK", send: "a1 NOOP"}\n'
                                     '  - close: true\n')
    assert scenario.client[1].value == HoldConnections(2, expect="* OK", send="a1 NOOP")
    for spec, problem in [("{count: 0}", "hold_connections needs count, a whole number 1..1000, got 0"),
                          ("{expect: x}", "hold_connections needs count"),
                          ("{count: 1, expect: x, expect_close: true}", "expect or expect_close, not both"),
                          ("{count: 1, expect_close: true, send: x}", "nothing can be sent"),
                          ("{count: 1, wait: 5}", "unknown key 'wait' in hold_connections")]:
        message = load_error(tmp_path, BASE + f"  - hold_connections: {spec}\n  - close: true\n")
        assert "s.yaml:6:" in message and problem in message, message


def greet_all_but_the_last_of(total):
    def behaviour(peer, conn, number):
        if number < total - 1:
            conn.sendall(b"* OK hi\r\n")
        else:
            conn.close()  # the last one: closed at once, as nginx does with worker_connections used up
    return behaviour


def test_held_connections_are_greeted_then_one_is_closed_and_all_are_held_until_the_end():
    peer = Peer(greet_all_but_the_last_of(4), connections=4)
    leg = run(peer, [Step("expect", "* OK hi", 1), Step("hold_connections", HoldConnections(2, expect="* OK hi"), 2),
                     Step("hold_connections", HoldConnections(1, expect_close=True), 3), Step("close", True, 4)])
    assert leg.ok, leg.rows
    assert leg.rows[1].actual == "C: <2 more connections, each: S: * OK hi\\r\\n>"
    assert leg.rows[2].actual == "C: <1 more connection, each: S: <close>>"


def test_a_held_connection_that_differs_is_named():
    peer = Peer(greet_all_but_the_last_of(3), connections=3)
    leg = run(peer, [Step("expect", "* OK hi", 1), Step("hold_connections", HoldConnections(2, expect="* OK hi"), 2),
                     Step("close", True, 3)])
    assert not leg.ok
    assert leg.rows[1].actual == "(connection 2 of 2: S: <close>)"


def test_held_connections_send_their_line():
    lines = []

    def behaviour(peer, conn, number):
        conn.sendall(b"* OK hi\r\n")
        if number:
            lines.append(conn.recv(100))

    peer = Peer(behaviour, connections=3)
    leg = run(peer, [Step("expect", "* OK hi", 1),
                     Step("hold_connections", HoldConnections(2, expect="* OK hi", send="a1 NOOP"), 2),
                     Step("close", True, 3)])
    assert leg.ok, leg.rows
    assert lines == [b"a1 NOOP\r\n", b"a1 NOOP\r\n"]
