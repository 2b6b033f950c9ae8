"""Comparison of legs and their side-by-side rendering."""

import json

from harness.legs import Leg, compare_auth, compare_backend, read_transcript, visible
from harness.report import render_conformance, render_leg
from harness.scenario import AuthExchange, Backend, HeaderMatch, Step


def transcript(tmp_path, events):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(event) + "\n" for event in events) + '{"conn": 1, "ev')  # half-written tail
    return read_transcript(path)


def backend(*connections):
    return Backend("main", "imap", False, [[Step(kind, value, 1) for kind, value in steps] for steps in connections], 1)


LOGIN = [("send", "* OK ready"), ("expect", "a1 LOGIN {5}"), ("wait_ms", 5), ("send", "+ go")]


def test_visible_shows_line_ends_and_control_bytes():
    assert visible(b"a b\r\n") == "a b\\r\\n"
    assert visible(b"\x00\t\\\xff") == "\\x00\\t\\\\\\xFF"


def test_matching_backend_connection_ignores_trailing_eof_and_close(tmp_path):
    events = transcript(tmp_path, [
        {"conn": 1, "event": "accept", "peer": "127.0.0.1:1"},
        {"conn": 1, "event": "send", "data": "* OK ready\r\n"},
        {"conn": 1, "event": "recv", "data": "a1 LOGIN {5}\r\n"},
        {"conn": 1, "event": "send", "data": "+ go\r\n"},
        {"conn": 1, "event": "eof"},
        {"conn": 1, "event": "close"},
    ])
    [leg] = compare_backend(backend(LOGIN), events)
    assert leg.ok
    assert [(row.expected, row.actual) for row in leg.rows] == [
        ("S: * OK ready\\r\\n", "S: * OK ready\\r\\n"),
        ("C: a1 LOGIN {5}\\r\\n", "C: a1 LOGIN {5}\\r\\n"),
        ("S: + go\\r\\n", "S: + go\\r\\n")]


def test_extra_lines_and_line_ends_are_mismatches(tmp_path):
    events = transcript(tmp_path, [
        {"conn": 1, "event": "send", "data": "* OK ready\r\n"},
        {"conn": 1, "event": "recv", "data": "a1 LOGIN {5}\n"},
        {"conn": 1, "event": "send", "data": "+ go\r\n"},
        {"conn": 1, "event": "recv", "data": "extra\r\n"},
        {"conn": 1, "event": "eof"},
    ])
    [leg] = compare_backend(backend(LOGIN), events)
    assert [row.ok for row in leg.rows] == [True, False, True, False]
    assert leg.rows[3].expected is None and leg.rows[3].actual == "C: extra\\r\\n"


def test_expect_eof_must_see_the_eof(tmp_path):
    events = transcript(tmp_path, [{"conn": 1, "event": "send", "data": "* OK ready\r\n"}])
    [leg] = compare_backend(backend([("send", "* OK ready"), ("expect_eof", True)]), events)
    assert not leg.ok
    assert leg.rows[-1].expected == "C: <eof>"


def test_connection_counts_must_match(tmp_path):
    none_made = compare_backend(backend(LOGIN), {})
    assert len(none_made) == 1 and not none_made[0].ok
    events = transcript(tmp_path, [{"conn": 1, "event": "accept"}, {"conn": 1, "event": "eof"}])
    unexpected = compare_backend(backend(), events)
    assert len(unexpected) == 1 and not unexpected[0].ok


def test_auth_heads_are_compared_line_by_line_and_counted(tmp_path):
    head = "GET /auth HTTP/1.0\r\nAuth-Salt: <123.456@x>\r\nAuth-User: bob\r\n\r\n"
    events = transcript(tmp_path, [
        {"conn": 1, "event": "recv", "data": head},
        {"conn": 2, "event": "recv", "data": head},
    ])
    expected = [AuthExchange(1, [HeaderMatch("GET /auth HTTP/1.0", False, 1),
                                 HeaderMatch(r"Auth-Salt: <\d+\.\d+@.*>", True, 2),
                                 HeaderMatch("Auth-User: alice", False, 3)])]
    leg = compare_auth(expected, events)
    assert [row.ok for row in leg.rows[:4]] == [True, True, True, False]
    assert leg.rows[4].expected == "-- (no request expected) --"
    assert not leg.ok


def test_side_by_side_marks_the_first_difference():
    leg = Leg("backend main, connection 1")
    leg.add("S: * OK\\r\\n", "S: * OK\\r\\n", True)
    leg.add("C: a1 LOGIN {6}\\r\\n", "C: a1 LOGIN {5}\\r\\n", False)
    leg.add("C: x", None, False)
    leg.add("S: later", "(not run)", None)
    leg.notes.append("fake: script expected a line, got EOF")
    assert render_leg(leg).split("\n") == [
        "--- backend main, connection 1 ---",
        "   expected            | actual",
        "   S: * OK\\r\\n         | S: * OK\\r\\n",
        ">> C: a1 LOGIN {6}\\r\\n | C: a1 LOGIN {5}\\r\\n",
        " ! C: x                |",
        "   S: later            | (not run)",
        "   note: fake: script expected a line, got EOF",
    ]


def test_long_cells_wrap_instead_of_hiding_the_difference():
    leg = Leg("client")
    leg.add("S: " + "a" * 100, "S: " + "a" * 99 + "b", False)
    lines = render_leg(leg, width=40).split("\n")
    assert lines[2].startswith(">> S: aaa")
    assert lines[-1].rstrip().endswith("ab")


def test_conformance_table_has_totals():
    text = render_conformance(["imap/a.yaml", "imap/b.yaml"], ["reference", "nginx"], {
        ("imap/a.yaml", "reference"): ("pass", ""), ("imap/a.yaml", "nginx"): ("pass", ""),
        ("imap/b.yaml", "reference"): ("FAIL", ""),
        ("imap/b.yaml", "nginx"): ("skip", "needs nginx >= 1.27.3 (have 1.22.1)")})
    lines = text.split("\n")
    assert lines[0] == "scenario    | reference      | nginx"
    assert lines[3] == "imap/b.yaml | FAIL           | skip (needs nginx >= 1.27.3 (have 1.22.1))"
    assert lines[-1] == "totals      | 1 pass, 1 FAIL | 1 pass, 1 skip"
