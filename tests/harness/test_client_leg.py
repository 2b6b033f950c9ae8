"""The client leg against a real loopback peer: closes, resets, silence and unexpected data."""

import socket
import struct
import threading

import pytest

from harness.client import ClientScript
from harness.scenario import Step


class Peer:
    """A one-connection TCP server on 127.0.0.1 that runs `behaviour(conn)` in a thread."""

    def __init__(self, behaviour):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, args=(behaviour,), daemon=True)
        self.thread.start()

    def _serve(self, behaviour):
        conn, _ = self.listener.accept()
        try:
            behaviour(conn)
        finally:
            conn.close()
            self.listener.close()

    def join(self):
        self.thread.join(timeout=10)


def run(behaviour, steps, timeout_ms=2000):
    peer = Peer(behaviour)
    leg = ClientScript(peer.port, [Step(kind, value, 1) for kind, value in steps], timeout_ms).run()
    peer.join()
    return leg


def greet_then_close(conn):
    conn.sendall(b"* OK hi\r\n")


def greet_then_reset(conn):
    conn.sendall(b"* OK hi\r\n")
    conn.recv(100)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_lines_and_close_match():
    leg = run(greet_then_close, [("expect", "* OK hi"), ("expect_close", True)])
    assert leg.ok
    assert [(r.expected, r.actual) for r in leg.rows] == [("S: * OK hi\\r\\n", "S: * OK hi\\r\\n"),
                                                          ("S: <close>", "S: <close>")]


def test_a_reset_counts_as_closed():
    leg = run(greet_then_reset, [("expect", "* OK hi"), ("send", "x"), ("expect_close", True)])
    assert leg.ok, leg.rows


def test_data_before_the_close_is_a_failure():
    leg = run(lambda conn: conn.sendall(b"* OK hi\r\n* BYE\r\n"), [("expect", "* OK hi"), ("expect_close", True)])
    assert not leg.ok
    assert leg.rows[1].actual == "S: * BYE\\r\\n"


def test_a_missing_line_ending_is_shown():
    leg = run(lambda conn: conn.sendall(b"* OK hi\n"), [("expect", "* OK hi")])
    assert not leg.ok
    assert leg.rows[0].actual == "S: * OK hi\\n"


def test_silence_is_broken_by_data_and_unread_data_is_a_failure():
    leg = run(lambda conn: conn.sendall(b"* OK hi\r\n"), [("expect_silence_ms", 2000)])
    assert not leg.ok and leg.rows[0].actual == "S: * OK hi\\r\\n"

    def greet_and_wait(conn):
        conn.sendall(b"* OK hi\r\n+ more\r\n")
        conn.recv(100)

    leg = run(greet_and_wait, [("expect", "* OK hi"), ("wait_ms", 100), ("close", True)])
    assert not leg.ok
    assert (leg.rows[-1].expected, leg.rows[-1].actual) == (None, "S: + more\\r\\n")


def test_any_order_and_steps_not_run_after_a_failure():
    leg = run(lambda conn: conn.sendall(b"b\r\na\r\nc\r\n"),
              [("expect_any_order", ["a", "b"]), ("expect", "z"), ("send", "after")])
    assert [r.ok for r in leg.rows] == [True, True, False, None]
    assert leg.rows[2].actual == "S: c\\r\\n"
    assert leg.rows[3].actual == "(not run)"


@pytest.mark.parametrize("data, shown", [(b"", "S: <close>"), (b"part", "S: part <close>")])
def test_a_close_instead_of_a_line(data, shown):
    leg = run(lambda conn: conn.sendall(data), [("expect", "* OK hi")])
    assert not leg.ok and leg.rows[0].actual == shown
