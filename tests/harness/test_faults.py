"""Fault steps on every leg: loading and validation, the fakes' scripts, the comparison, the client's faults against
a loopback peer, the blackhole, the fake's generator, and scenarios on real nginx that must fail."""

import json
import select
import socket
import struct
import subprocess
import threading
import time

import pytest

from harness.blackhole import Blackhole
from harness.client import ClientScript
from harness.faults import line_of_bytes, pieces, splitmix64_bytes
from harness.legs import compare_auth, compare_backend, read_transcript
from harness.report import render_failure
from harness.runner import auth_script_json, backend_script_json, run_scenario
from harness.scenario import (AuthExchange, Backend, HeaderMatch, PlaceholderError, Placeholders, ScenarioError, Step,
                              load_scenario)

from selftest_paths import FIXTURES

HEAD = """\
title: t
config: |
  mail { auth_http 127.0.0.1:${auth_port}/auth; }
"""
AUTH_ENTRY = """\
auth:
  - request: [GET /auth HTTP/1.0]
"""


def load_text(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return load_scenario(path)


# ---------------------------------------------------------------- the generator and the pieces

def test_splitmix64_matches_the_reference_outputs():
    # seed 0's first output is 0xE220A8397B1DCDAF, seed 1234567's 6457827717110365317 (splitmix64's test vector)
    assert splitmix64_bytes(0, 12).hex(" ") == "af cd 1d 7b 39 a8 20 e2 f4 65 b9 a1"  # docs/fake-protocol.md
    assert int.from_bytes(splitmix64_bytes(1234567, 8), "little") == 6457827717110365317
    assert splitmix64_bytes(7, 5) == splitmix64_bytes(7, 16)[:5]
    assert line_of_bytes(3, "\xff") == b"\xff\xff\xff\r\n"


def test_pieces_follow_split():
    assert pieces(b"abcdef", "bytes") == [b"a", b"b", b"c", b"d", b"e", b"f"]
    assert pieces(b"abcdef", [2, 1]) == [b"ab", b"c", b"def"]
    assert pieces(b"abcdef", [2, 4]) == [b"ab", b"cdef"]
    assert pieces(b"abcdef", None) == [b"abcdef"]


def test_the_fake_generates_the_same_bytes(fake_binary, tmp_path):
    """The contract of docs/fake-protocol.md: a seed means the same bytes in the fake and in the harness."""
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"connections": [[{"send_random": {"bytes": 1000, "seed": 42}},
                                                   {"send_line_of": {"length": 70, "char": "\u00e9"}},
                                                   {"send_random": {"bytes": 9, "seed": 2 ** 64 - 1},
                                                    "split": [4]}, {"close": True}]]}))
    transcript, port_file = tmp_path / "t.jsonl", tmp_path / "port"
    fake = subprocess.Popen([str(fake_binary), "imap", "--listen", "127.0.0.1:0", "--script", str(script),
                             "--transcript", str(transcript), "--port-file", str(port_file)])
    try:
        deadline = time.monotonic() + 10
        while not (port_file.exists() and port_file.read_text().endswith("\n")) and time.monotonic() < deadline:
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", int(port_file.read_text())), timeout=5) as sock:
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    expected = splitmix64_bytes(42, 1000) + b"\xe9" * 70 + b"\r\n" + splitmix64_bytes(2 ** 64 - 1, 9)
    assert received == expected
    sends = [event for event in read_transcript(transcript)[1] if event.kind == "send"]
    assert [(len(event.data), event.piece) for event in sends] == [(1000, False), (72, False), (4, True), (5, True)]


# ---------------------------------------------------------------- loading

FAULTY = HEAD + """\
auth:
  - request: [GET /auth HTTP/1.0]
    response: |
      Auth-Status: OK
      Auth-Port: ${backend_port}
    split: [5, 6]
    gap_ms: 20
    then: stall
  - request: [GET /auth HTTP/1.0]
    reset: true
    delay_ms: 100
  - request: [GET /auth HTTP/1.0]
    response_raw: "HTTP/1.0 200 OK\\r\\n\\r\\n"
    split: bytes
    half_close: true
backends:
  main:
    protocol: imap
    script:
      - send: "* OK"
        split: bytes
        gap_ms: 5
      - send_random: {bytes: 64, seed: 7}
        split: [60]
      - send_line_of: {length: 5000}
      - half_close: true
      - expect: "a1 LOGIN"
      - stall: true
  gone:
    protocol: imap
    blackhole: true
  quiet:
    protocol: pop3
    accept_then_silent: true
  quiet2:
    protocol: smtp
    accept_then_silent: true
    script:
      - expect_re: "PROXY .*"
      - expect_reset: true
client:
  - expect: "* OK IMAP4 ready"
    expect_not_before_ms: 0
    expect_within_ms: 500
  - send_raw: "a1 LOGIN al"
    split: [3]
  - send_line_of: {length: 10, char: "\\x00"}
  - half_close: true
  - expect_any_order: [a, b]
    expect_within_ms: 100
  - stall_ms: 200
  - expect_close: true
    expect_not_before_ms: 100
  - reconnect: true
  - send_random: {bytes: 3, seed: 18446744073709551615}
  - reset: true
"""


def test_fault_steps_load_with_their_options(tmp_path):
    scenario = load_text(tmp_path, FAULTY)
    first, reset, raw = scenario.auth
    assert (first.split, first.gap_ms, first.then, first.half_close) == ([5, 6], 20, "stall", False)
    assert (reset.reset, reset.delay_ms, reset.faults) == (True, 100, True)
    assert (raw.split, raw.half_close) == ("bytes", True)
    main = scenario.backends["main"].connections[0]
    assert [(s.kind, s.value, s.options) for s in main] == [
        ("send", "* OK", {"split": "bytes", "gap_ms": 5}), ("send_random", {"bytes": 64, "seed": 7}, {"split": [60]}),
        ("send_line_of", {"length": 5000, "char": "a"}, {}), ("half_close", True, {}), ("expect", "a1 LOGIN", {}),
        ("stall", True, {})]
    assert scenario.backends["gone"].blackhole and not scenario.backends["gone"].connections
    assert scenario.backends["quiet"].accept_then_silent and scenario.backends["quiet"].connections == [[]]
    assert [s.kind for s in scenario.backends["quiet2"].connections[0]] == ["expect_re", "expect_reset"]
    assert [(s.kind, s.options) for s in scenario.client if s.options] == [
        ("expect", {"expect_not_before_ms": 0, "expect_within_ms": 500}), ("send_raw", {"split": [3]}),
        ("expect_any_order", {"expect_within_ms": 100}), ("expect_close", {"expect_not_before_ms": 100})]
    assert scenario.client[2].value == {"length": 10, "char": "\x00"}
    assert scenario.client[-2].value == {"bytes": 3, "seed": 2 ** 64 - 1}
    assert not scenario.auth_blackhole
    assert load_text(tmp_path, HEAD + "auth_blackhole: true\nclient: [{close: true}]\n").auth_blackhole


def client_text(*steps):
    return HEAD + "client:\n" + "".join(f"  {step}\n" for step in steps)


def backend_text(*steps, extra=""):
    return (HEAD + "client: [{close: true}]\nbackends:\n  main:\n    protocol: imap\n" + extra
            + ("    script:\n" + "".join(f"      {step}\n" for step in steps) if steps else ""))


@pytest.mark.parametrize("text, line, words", [
    (client_text("- split: bytes", "- close: true"), 5, "split is an option"),
    (client_text("- expect: a", "  split: bytes"), 6, "split goes only with send, send_raw, send_random"),
    (client_text("- send: abc", "  split: [3, 3]", "- close: true"), 6, "add up to 6 bytes, more than the 5 this step"),
    (client_text("- send: abc", "  gap_ms: 5", "- close: true"), 6, "it needs split"),
    (client_text("- send: abc", "  split: [0]", "- close: true"), 6, "whole numbers >= 1"),
    (client_text("- send: abc", "  split: words", "- close: true"), 6, "split is \"bytes\" or a list"),
    (client_text("- send: abc", "  expect_within_ms: 5", "- close: true"), 6, "goes only with a client's expect"),
    (client_text("- expect: a", "  expect_within_ms: 9000"), 6, "beyond timeout_ms (5000)"),
    (client_text("- expect: a", "  expect_not_before_ms: 500", "  expect_within_ms: 500"), 6, "must be below"),
    (client_text("- expect: a", "  frob: 1"), 6, "unknown option 'frob' of a client 'expect' step"),
    (client_text("- {expect: a, send: b}"), 5, "exactly one key naming the step"),
    (client_text("- send_random: {bytes: 3}", "- close: true"), 5, "send_random needs 'seed'"),
    (client_text("- send_random: {bytes: 3, seed: -1}", "- close: true"), 5, "seed is a whole number 0..2^64-1"),
    (client_text("- send_random: {bytes: 16777217, seed: 1}", "- close: true"), 5, "bytes is a whole number"),
    (client_text("- send_line_of: {length: 3, char: ab}", "- close: true"), 5, "exactly one character"),
    (client_text("- send_line_of: {length: 3, fill: a}", "- close: true"), 5, "unknown key 'fill'"),
    (client_text("- send_line_of: 300", "- close: true"), 5, "must be a mapping"),
    (client_text("- reset: true", "- expect: a"), 6, "'expect' after 'reset' (line 5)"),
    (client_text("- half_close: true", "- send: a", "- close: true"), 6, "write side is shut"),
    (client_text("- half_close: true", "- starttls: {send: a, expect: b}"), 6, "write side is shut"),
    (client_text("- expect: a", "- half_close: true", "- wait_ms: 5"), 6, "ends with 'half_close'"),
    (client_text("- send_random: {bytes: 3, seed: 1}", "- stall_ms: 5"), 5, "ends with 'send_random'"),
    (client_text("- expect_reset: true"), 5, "unknown client step 'expect_reset'"),
    (backend_text("- stall: true", "- send: x"), 10, "'send' after 'stall' (line 9)"),
    (backend_text("- reset: true", "- expect_eof: true"), 10, "'expect_eof' after 'reset'"),
    (backend_text("- close: true", "- wait_ms: 1"), 10, "'wait_ms' after 'close'"),
    (backend_text("- half_close: true", "- send_line_of: {length: 2}"), 10, "write side is shut"),
    (backend_text("- send: x", "  expect_within_ms: 5"), 10, "goes only with a client's expect"),
    (backend_text("- stall_ms: 5"), 9, "unknown backend step 'stall_ms'"),
    (backend_text("- send: x", extra="    blackhole: true\n"), 10, "is a blackhole: no connection is ever accepted"),
    (backend_text(extra="    down: true\n    blackhole: true\n"), 9, "takes one of down, blackhole"),
    (backend_text(extra="    blackhole: 1\n"), 8, "blackhole must be true or false"),
    (backend_text("- send: x", extra="    accept_then_silent: true\n"), 10, "takes only expect, expect_re"),
    (HEAD + AUTH_ENTRY + "    response: x\n    reset: true\nclient: [{close: true}]\n", 5, "exactly one of response"),
    (HEAD + AUTH_ENTRY + "    reset: false\nclient: [{close: true}]\n", 6, "reset takes the value true"),
    (HEAD + AUTH_ENTRY + "    close_without_response: true\n    split: bytes\nclient: [{close: true}]\n", 7,
     "split goes only with response or response_raw"),
    (HEAD + AUTH_ENTRY + "    reset: true\n    then: stall\nclient: [{close: true}]\n", 7, "then goes only with"),
    (HEAD + AUTH_ENTRY + "    response: x\n    then: explode\nclient: [{close: true}]\n", 7, "then is one of close"),
    (HEAD + AUTH_ENTRY + "    response: x\n    then: reset\n    half_close: true\nclient: [{close: true}]\n", 8,
     "give one"),
    (HEAD + AUTH_ENTRY + "    response_raw: abc\n    split: [4]\nclient: [{close: true}]\n", 7,
     "more than the 3 the response has"),
    (HEAD + AUTH_ENTRY + "    response: x\n    gap_ms: 4\nclient: [{close: true}]\n", 7, "it needs split"),
    (HEAD + AUTH_ENTRY + "    no_response: true\n    delay_ms: 4\nclient: [{close: true}]\n", 7, "no meaning"),
    (HEAD + "auth_blackhole: true\n" + AUTH_ENTRY + "    no_response: true\nclient: [{close: true}]\n", 6,
     "auth_blackhole: true: no request"),
])
def test_fault_errors_name_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert words in str(caught.value)


# ---------------------------------------------------------------- the fakes' scripts

def test_fault_steps_reach_the_fakes_json(tmp_path):
    scenario = load_text(tmp_path, FAULTY)
    placeholders = Placeholders(1000, 2000, {"main": 3000, "gone": 3001, "quiet": 3002, "quiet2": 3003}, "/tmp")
    assert backend_script_json(scenario.backends["main"], placeholders) == {"connections": [[
        {"send": "* OK", "split": "bytes", "gap_ms": 5}, {"send_random": {"bytes": 64, "seed": 7}, "split": [60]},
        {"send_line_of": {"length": 5000, "char": "a"}}, {"half_close": True}, {"expect": "a1 LOGIN"},
        {"stall": True}]]}
    assert backend_script_json(scenario.backends["quiet"], placeholders) == {"accept_then_silent": True,
                                                                             "connections": [[]]}
    assert backend_script_json(scenario.backends["quiet2"], placeholders) == {
        "accept_then_silent": True, "connections": [[{"expect": "PROXY .*"}, {"expect_eof": True}]]}
    assert auth_script_json(scenario.auth, placeholders) == {"requests": [
        {"response": "Auth-Status: OK\r\nAuth-Port: 3000\r\n\r\n", "split": [5, 6], "gap_ms": 20, "then": "stall"},
        {"reset": True, "delay_ms": 100},
        {"response": "HTTP/1.0 200 OK\r\n\r\n", "split": "bytes", "half_close": True}]}


def test_a_split_too_long_once_placeholders_are_substituted_is_a_setup_error(tmp_path):
    scenario = load_text(tmp_path, backend_text("- send: \"${proxy_port}\"", "  split: [3, 3]"))
    with pytest.raises(PlaceholderError, match=r"backend 'main', line 9: the pieces of split \[3, 3\] add up"):
        backend_script_json(scenario.backends["main"], Placeholders(10, None, {}, "/tmp"))
    assert backend_script_json(scenario.backends["main"], Placeholders(100000, None, {}, "/tmp")) == {
        "connections": [[{"send": "100000", "split": [3, 3]}]]}


# ---------------------------------------------------------------- comparison

def transcript(tmp_path, events):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"conn": 1, **event}) + "\n" for event in events))
    return read_transcript(path)


def backend(*steps, accept_then_silent=False):
    return Backend("main", "imap", False, [[Step(kind, value, 1, options) for kind, value, options in steps]], 1,
                   accept_then_silent=accept_then_silent)


def rows(leg):
    return [(row.expected, row.actual, row.ok) for row in leg.rows]


def test_a_split_send_matches_its_pieces_joined_and_says_so(tmp_path):
    events = transcript(tmp_path, [{"event": "send", "data": "* ", "piece": True},
                                   {"event": "send", "data": "OK\r\n", "piece": True},
                                   {"event": "send", "data": "+ ", "piece": True},
                                   {"event": "send", "data": "go\r\n", "piece": True}])
    steps = [("send", "* OK", {"split": [2]}), ("send", "+ go", {"split": [2], "gap_ms": 5})]
    [leg] = compare_backend(backend(*steps), events)
    assert rows(leg) == [("S: * OK\\r\\n (split: [2])", "S: * OK\\r\\n (in 2 pieces)", True),
                         ("S: + go\\r\\n (split: [2], gap 5 ms)", "S: + go\\r\\n (in 2 pieces)", True)]
    # the fake wrote it whole: same bytes, no failure; other bytes in pieces: a failure that shows the pieces
    [leg] = compare_backend(backend(("send", "* OK", {"split": "bytes"})),
                            transcript(tmp_path, [{"event": "send", "data": "* OK\r\n"}]))
    assert rows(leg) == [("S: * OK\\r\\n (split: bytes)", "S: * OK\\r\\n", True)]
    [leg] = compare_backend(backend(("send", "* OK", {"split": "bytes"})),
                            transcript(tmp_path, [{"event": "send", "data": "* N", "piece": True},
                                                  {"event": "send", "data": "O\r\n", "piece": True}]))
    assert rows(leg) == [("S: * OK\\r\\n (split: bytes)", "S: * NO\\r\\n (in 2 pieces)", False)]


def test_generated_sends_show_their_recipe(tmp_path):
    data = splitmix64_bytes(7, 64).decode("latin-1")
    events = transcript(tmp_path, [{"event": "send", "data": data}, {"event": "send", "data": "aaa\r\n"}])
    [leg] = compare_backend(backend(("send_random", {"bytes": 64, "seed": 7}, {}),
                                    ("send_line_of", {"length": 3, "char": "a"}, {})), events)
    assert rows(leg) == [("S: <64 random bytes, seed 7>", "S: <64 random bytes, seed 7>", True),
                         ("S: <3 x 'a' + CRLF>", "S: <3 x 'a' + CRLF>", True)]
    [leg] = compare_backend(backend(("send_line_of", {"length": 3000, "char": "b"}, {})),
                            transcript(tmp_path, [{"event": "send", "data": "b" * 2000 + "\r\n"}]))
    assert not leg.ok and leg.rows[0].actual.endswith("...(2002 bytes)..." + "b" * 30 + "\\r\\n")


@pytest.mark.parametrize("kind, event", [("reset", "reset"), ("half_close", "half_close"), ("stall", "stall")])
def test_the_fakes_faults_are_rows_that_must_have_happened(tmp_path, kind, event):
    [leg] = compare_backend(backend(("send", "* OK", {}), (kind, True, {})),
                            transcript(tmp_path, [{"event": "send", "data": "* OK\r\n"}, {"event": event},
                                                  {"event": "close"}]))
    shown = f"S: <{event.replace('_', '-')}>"
    assert rows(leg)[1] == (shown, shown, True)
    [leg] = compare_backend(backend(("send", "* OK", {}), (kind, True, {})),
                            transcript(tmp_path, [{"event": "send", "data": "* OK\r\n"}, {"event": "close"}]))
    assert rows(leg)[1] == (shown, "S: <close>", False)


def test_expect_reset_needs_a_reset_where_expect_eof_takes_either(tmp_path):
    reset = transcript(tmp_path, [{"event": "recv", "data": "a1 NOOP\r\n"}, {"event": "eof", "reset": True}])
    plain = transcript(tmp_path, [{"event": "recv", "data": "a1 NOOP\r\n"}, {"event": "eof"}])
    steps = [("expect", "a1 NOOP", {}), ("expect_reset", True, {})]
    assert compare_backend(backend(*steps), reset)[0].ok
    [leg] = compare_backend(backend(*steps), plain)
    assert rows(leg)[1] == ("C: <reset>", "C: <eof>", False)
    [leg] = compare_backend(backend(("expect", "a1 NOOP", {}), ("expect_eof", True, {})), reset)
    assert rows(leg)[1] == ("C: <eof>", "C: <reset>", True)


def test_a_silent_backend_expects_one_connection_that_receives_nothing(tmp_path):
    silent = Backend("main", "imap", False, [[]], 1, accept_then_silent=True)
    assert compare_backend(silent, transcript(tmp_path, [{"event": "accept"}, {"event": "eof"},
                                                         {"event": "close"}]))[0].ok
    [leg] = compare_backend(silent, transcript(tmp_path, [{"event": "recv", "data": "PROXY x\r\n"}]))
    assert rows(leg) == [(None, "C: PROXY x\\r\\n", False)]
    [leg] = compare_backend(silent, {})
    assert rows(leg) == [("(a connection)", "(the proxy made no connection)", False)]


def auth_entry(**faults):
    return AuthExchange(1, [HeaderMatch("GET /auth HTTP/1.0", False, 1)], **faults)


HEAD_EVENT = {"event": "recv", "data": "GET /auth HTTP/1.0\r\n\r\n"}


def test_auth_faults_are_rows_after_the_request(tmp_path):
    response = "HTTP/1.0 200 OK\r\n\r\n"
    split = auth_entry(response_raw=response, split=[9], gap_ms=5, then="stall")
    events = transcript(tmp_path, [HEAD_EVENT, {"event": "send", "data": response[:9], "piece": True},
                                   {"event": "send", "data": response[9:], "piece": True}, {"event": "stall"}])
    leg = compare_auth([split], events, [response])
    assert rows(leg)[2:] == [("S: (the response, 19 bytes, split: [9], gap 5 ms)",
                              "S: (the response, 19 bytes, in 2 pieces)", True),
                             ("S: <stall> (after the response)", "S: <stall>", True)]
    # cut short (the proxy gave up), and no stall
    events = transcript(tmp_path, [HEAD_EVENT, {"event": "send", "data": response[:9], "piece": True},
                                   {"event": "error", "data": "send failed"}, {"event": "close"}])
    leg = compare_auth([split], events, [response])
    assert rows(leg)[2:] == [("S: (the response, 19 bytes, split: [9], gap 5 ms)", "S: HTTP/1.0  (in 1 piece)",
                              False), ("S: <stall> (after the response)", "(no stall)", False)]


@pytest.mark.parametrize("entry, event, shown", [
    (auth_entry(reset=True), "reset", "S: <reset>"),
    (auth_entry(response="x", half_close=True), "half_close", "S: <half-close> (after the response)"),
    (auth_entry(response="x", then="reset"), "reset", "S: <reset> (after the response)"),
])
def test_auth_resets_and_half_closes_must_have_happened(tmp_path, entry, event, shown):
    sent = [] if entry.reset else [{"event": "send", "data": "x"}]
    done = transcript(tmp_path, [HEAD_EVENT, *sent, {"event": event}, {"event": "close"}])
    assert rows(compare_auth([entry], done, ["x"]))[2][:2] == (shown, f"S: <{event.replace('_', '-')}>")
    assert compare_auth([entry], done, ["x"]).ok
    closed = transcript(tmp_path, [HEAD_EVENT, {"event": "eof"}, {"event": "close"}])
    leg = compare_auth([entry], closed, ["x"])
    assert not leg.ok and leg.rows[2].expected == shown


# ---------------------------------------------------------------- the client's faults

class Peer:
    """A one-connection TCP server on 127.0.0.1 running `behaviour(conn, record)` in a thread."""

    def __init__(self, behaviour, send_buffer=None):
        self.listener = socket.socket()
        if send_buffer:  # inherited by the accepted socket
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.record = {}
        self.thread = threading.Thread(target=self._serve, args=(behaviour,), daemon=True)
        self.thread.start()

    def _serve(self, behaviour):
        conn, _ = self.listener.accept()
        try:
            behaviour(conn, self.record)
        except OSError as error:
            self.record["error"] = error
        finally:
            conn.close()
            self.listener.close()


def play(behaviour, steps, timeout_ms=2000, send_buffer=None):
    peer = Peer(behaviour, send_buffer)
    script = [Step(kind, value, 1, options[0] if options else {}) for kind, value, *options in steps]
    leg = ClientScript(peer.port, script, timeout_ms).run()
    peer.thread.join(timeout=10)
    return leg, peer.record


def receive_all(conn, record):
    """Records each read with its time until EOF."""
    record["reads"] = []
    while data := conn.recv(65536):
        record["reads"].append((time.monotonic(), data))


def test_split_sends_go_out_as_pieces_with_gaps():
    leg, record = play(receive_all, [("send", "a1 LOGIN", {"split": [3], "gap_ms": 80}), ("wait_ms", 80),
                                     ("send_raw", "xy", {"split": "bytes", "gap_ms": 80}), ("close", True)])
    assert leg.ok, leg.rows
    assert rows(leg)[:1] + rows(leg)[2:3] == [
        ("C: a1 LOGIN\\r\\n (split: [3], gap 80 ms)", "C: a1 LOGIN\\r\\n (in 2 pieces)", True),
                             ("C: xy (split: bytes, gap 80 ms)", "C: xy (in 2 pieces)", True)]
    reads = record["reads"]
    assert b"".join(data for _, data in reads) == b"a1 LOGIN\r\nxy"
    assert [data for _, data in reads] == [b"a1 ", b"LOGIN\r\n", b"x", b"y"]
    assert all(later - earlier >= 0.07 for (earlier, _), (later, _) in zip(reads, reads[1:]))


def test_generated_sends_write_the_generators_bytes():
    leg, record = play(receive_all, [("send_random", {"bytes": 3000, "seed": 9}),
                                     ("send_line_of", {"length": 70000, "char": "z"}, {"split": [1]}),
                                     ("close", True)])
    assert leg.ok
    assert b"".join(data for _, data in record["reads"]) == splitmix64_bytes(9, 3000) + b"z" * 70000 + b"\r\n"
    assert [row.actual for row in leg.rows[:2]] == ["C: <3000 random bytes, seed 9>",
                                                    "C: <70000 x 'z' + CRLF> (in 2 pieces)"]


def test_a_client_reset_is_an_rst_and_drops_what_it_had_not_read():
    def greet_then_read(conn, record):
        conn.sendall(b"* OK hi\r\n* unread\r\n")
        try:
            record["read"] = conn.recv(100)
            record["read"] += conn.recv(100)
        except ConnectionResetError:
            record["reset"] = True

    leg, record = play(greet_then_read, [("expect", "* OK hi"), ("send_raw", "a1 LOG"), ("wait_ms", 100),
                                         ("reset", True), ("wait_ms", 10)])
    assert leg.ok, leg.rows
    assert record.get("reset") and record.get("read") == b"a1 LOG"
    assert rows(leg)[3] == ("C: <reset>", "C: <reset> (10 unread bytes dropped)", True)


def test_half_close_sends_eof_and_keeps_reading():
    def answer_after_eof(conn, record):
        record["got"] = conn.recv(100)
        record["eof"] = conn.recv(100) == b""
        conn.sendall(b"a1 OK bye\r\n")

    leg, record = play(answer_after_eof, [("send", "a1 LOGOUT"), ("half_close", True), ("expect", "a1 OK bye"),
                                          ("expect_close", True)])
    assert leg.ok, leg.rows
    assert record == {"got": b"a1 LOGOUT\r\n", "eof": True}
    assert rows(leg)[1] == ("C: <half-close>", "C: <half-close>", True)


def flood(conn, record):
    """Writes as much as the client's buffers take for 0.4 s, then waits for the client to go."""
    conn.setblocking(False)
    total, end = 0, time.monotonic() + 0.4
    while time.monotonic() < end:
        try:
            total += conn.send(b"x" * 65536)
        except BlockingIOError:
            time.sleep(0.01)
    record["written"] = total
    conn.setblocking(True)
    conn.settimeout(5)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def test_a_stall_backs_up_the_peers_writes_where_wait_lets_the_kernel_take_them():
    stalled, record = play(flood, [("stall_ms", 600), ("reset", True)], send_buffer=4096)
    assert stalled.ok and stalled.rows[0].actual.startswith("   (stalled 600 ms; ")
    waited, record_waited = play(flood, [("wait_ms", 600), ("reset", True)], send_buffer=4096)
    assert record["written"] < 32 * 1024 < 64 * 1024 < record_waited["written"], (record, record_waited)


def slow_lines(conn, record):
    conn.sendall(b"first\r\n")
    time.sleep(0.3)
    conn.sendall(b"second\r\nthird\r\n")
    time.sleep(0.3)


def timing_actual(leg, index):
    return leg.rows[index].actual, leg.rows[index].ok


def test_expect_within_and_not_before_measure_from_the_end_of_the_previous_step():
    leg, _ = play(slow_lines, [("expect", "first", {"expect_within_ms": 100}),
                               ("expect", "second", {"expect_not_before_ms": 200, "expect_within_ms": 600}),
                               ("expect", "third", {"expect_within_ms": 50}),  # read with "second": 0 ms
                               ("expect_close", True, {"expect_not_before_ms": 200, "expect_within_ms": 800})])
    assert leg.ok, leg.rows
    assert leg.rows[1].expected == "S: second\\r\\n (not before 200 ms, within 600 ms)"
    assert leg.rows[1].actual.startswith("S: second\\r\\n (after ") and leg.rows[1].actual.endswith(" ms)")
    assert leg.rows[2].actual == "S: third\\r\\n (after 0 ms)"
    assert leg.rows[3].actual.startswith("S: <close> (after ")


@pytest.mark.parametrize("options, verdict", [({"expect_within_ms": 150}, "too late"),
                                               ({"expect_not_before_ms": 500}, "too early")])
def test_a_time_outside_the_bounds_fails(options, verdict):
    leg, _ = play(slow_lines, [("expect", "first"), ("expect", "second", options), ("expect", "third")])
    assert not leg.ok
    actual, ok = timing_actual(leg, 1)
    assert not ok and actual.startswith("S: second\\r\\n (after ") and actual.endswith(f" ms: {verdict})")
    assert leg.rows[-1].actual == "(not run)"


def test_expect_close_and_any_order_bounds_fail_too():
    leg, _ = play(slow_lines, [("expect", "first"), ("expect_any_order", ["third", "second"],
                                                     {"expect_within_ms": 100})])
    assert not leg.ok
    assert (leg.rows[-1].expected, leg.rows[-1].ok) == ("   (the lines above) (within 100 ms)", False)
    assert leg.rows[-1].actual.endswith("ms: too late)")
    leg, _ = play(slow_lines, [("expect", "first"), ("expect", "second"), ("expect", "third"),
                               ("expect_close", True, {"expect_within_ms": 100})])
    assert not leg.ok and leg.rows[-1].actual.startswith("S: <close> (after ")
    assert leg.rows[-1].actual.endswith(" ms: too late)")


# ---------------------------------------------------------------- the blackhole

def test_a_blackhole_port_hangs_connects_until_closed():
    blackhole = Blackhole()
    try:
        probe = socket.socket()
        probe.setblocking(False)
        assert probe.connect_ex(("127.0.0.1", blackhole.port)) in (115, 0)  # EINPROGRESS
        _, writable, _ = select.select([], [probe], [], 1.0)
        assert not writable, "the connect completed or failed instead of hanging"
        probe.close()
    finally:
        blackhole.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", blackhole.port), timeout=1).close()


# ---------------------------------------------------------------- on nginx: scenarios that must fail

@pytest.mark.parametrize("name, failing_legs, shown", [
    ("fault-timing-too-late.yaml", ["client", "auth_http", "backend main, connection 1"],
     "ms: too late)"),
    ("fault-timing-too-early.yaml", ["client"], "ms: too early)"),
    ("fault-client-reset-backend-expects-reset.yaml", ["backend main, connection 1"],
     ">> C: <reset>                   | C: <eof>"),
    ("fault-backend-split-greeting-too-slow.yaml", ["client", "backend main, connection 1"],
     ">> S: * OK backend ready\\r\\n (split: bytes, gap 300 ms)    | S: * OK"),
    ("fault-blackhole-expected-refused.yaml", ["client"], "ms: too late)"),
    ("fault-accept-then-silent-gets-proxy-line.yaml", ["backend main, connection 1"], "| C: PROXY TCP4 127.0.0.1"),
    ("fault-client-half-close-partial.yaml", ["client"], ">> S: a1 OK NOOP completed\\r\\n | S: <close>"),
    ("fault-auth-split-too-slow.yaml", ["client", "auth_http", "backend main, connection 1"],
     ">> S: (the response, 73 bytes, split: bytes, gap 100 ms) | S: HTTP/1.0"),
    ("fault-client-stall-beyond-proxy-timeout.yaml", ["client"], "bytes)...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx <close>"),
    ("fault-generated-wrong-length.yaml", ["client", "backend main, connection 1"], ">> C: re:a{2001}"),
])
def test_fault_scenarios_that_must_fail_on_nginx(name, failing_legs, shown, fake_binary, nginx_proxy, tmp_path):
    result = run_scenario(load_scenario(FIXTURES / "wrong" / name), nginx_proxy, fake_binary, runs_root=tmp_path)
    text = render_failure(result)
    assert result.setup_error is None, text
    assert [leg.name for leg in result.legs if not leg.ok] == failing_legs, text
    assert shown in text, text
