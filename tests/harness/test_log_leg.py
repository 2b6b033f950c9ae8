"""The error.log leg (`log:`): loading and validation, placeholder escaping, ordered matching, the report,
and end to end against real nginx 1.22."""

import textwrap

import pytest

from harness.legs import compare_log, log_line_text
from harness.report import render_failure, render_leg
from harness.runner import run_scenario
from harness.scenario import Placeholders, ScenarioError, load_scenario

from selftest_paths import FIXTURES

BASE = """\
title: t
config: x
client: [{close: true}]
"""

LOG = """\
2026/11/22 04:57:55 [notice] 101#101: using the "epoll" event method
2026/11/22 04:57:55 [info] 101#101: *1 client 127.0.0.1:5000 connected to 127.0.0.1:4000
2026/11/22 04:57:55 [info] 101#101: *2 client 127.0.0.1:5001 connected to 127.0.0.1:4000
2026/11/22 04:57:56 [info] 101#101: *2 client login failed: "nope" while in http auth state, client: 127.0.0.1
2026/11/22 04:57:57 [notice] 101#101: exit
"""


def load(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text))
    return path, load_scenario(path)


def test_log_patterns_load_with_their_lines(tmp_path):
    _, scenario = load(tmp_path, BASE + "log:\n  - 'connected to 127\\.0\\.0\\.1:${proxy_port}$'\n  - 'b'\n")
    assert [(item.text, item.line) for item in scenario.log] == [
        ("connected to 127\\.0\\.0\\.1:${proxy_port}$", 5), ("b", 6)]


def test_without_log_nothing_is_compared(tmp_path):
    _, scenario = load(tmp_path, BASE)
    assert scenario.log is None


@pytest.mark.parametrize("tail, line, words", [
    ("log: x\n", 4, "log must be a list"),
    ("log:\n  - ok\n  - 42\n", 6, "a log pattern must be a string"),
    ("log:\n  - ok\n  - '(unclosed'\n", 6, "a log pattern is not a valid regular expression"),
    ("log:\n  - 'port ${proxy_prot}'\n", 5, "unknown placeholder ${proxy_prot}"),
    ("log:\n  - 'upstream: ${backend_port}'\n", 5, "needs a backend named 'main'"),
])
def test_log_errors_name_file_and_line(tmp_path, tail, line, words):
    path = tmp_path / "s.yaml"
    path.write_text(BASE + tail)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert words in str(caught.value)


def test_placeholders_are_escaped_for_regular_expressions():
    values = Placeholders(proxy_port=1001, auth_port=1002, backend_ports={"main": 1003}, dir="/tmp/run.x+1")
    assert values.substitute("${dir}/a ${proxy_port}", escape=True) == "/tmp/run\\.x\\+1/a 1001"
    assert values.substitute("${dir}", escape=False) == "/tmp/run.x+1"


def test_log_lines_lose_timestamp_and_pid_but_keep_level_and_connection():
    assert log_line_text("2026/11/22 04:57:55 [error] 12#34: *7 upstream timed out") == "[error] *7 upstream timed out"
    assert log_line_text("not a log line") == "not a log line"


def test_patterns_match_in_order_with_the_log_beside_them():
    leg = compare_log([r"\[info\] .*connected to", r"\[info\] .*client login failed: \"nope\""], LOG)
    assert leg.ok
    matched = [(row.expected, row.actual) for row in leg.rows if row.expected]
    assert matched == [
        (r"re:\[info\] .*connected to", "[info] *1 client 127.0.0.1:5000 connected to 127.0.0.1:4000"),
        (r"re:\[info\] .*client login failed: \"nope\"",
         '[info] *2 client login failed: "nope" while in http auth state, client: 127.0.0.1')]
    assert len(leg.rows) == 5  # every log line is shown, matched or not


def test_each_pattern_must_match_a_later_line_than_the_previous_one():
    assert compare_log(["connected to", "connected to"], LOG).ok
    assert not compare_log(["connected to"] * 3, LOG).ok
    leg = compare_log(["login failed", "connected to", "never tried"], LOG)
    assert not leg.ok
    failed = [row for row in leg.rows if row.ok is False]
    assert [(row.expected, row.actual) for row in failed] == [
        ("re:connected to", "(no matching line after the previous match)")]
    assert leg.rows[-1].expected == "re:never tried" and leg.rows[-1].ok is None
    text = render_leg(leg)
    assert ">> re:connected to" in text and "[notice] exit" in text


def test_an_empty_log_fails_the_first_pattern():
    leg = compare_log(["anything"], "")
    assert [(row.expected, row.actual, row.ok) for row in leg.rows] == [
        ("re:anything", "(no matching line)", False)]
    assert compare_log([], "").ok


def test_log_patterns_pass_on_nginx(fake_binary, nginx_proxy, tmp_path):
    result = run_scenario(load_scenario(FIXTURES / "pass" / "login-failed-log.yaml"), nginx_proxy, fake_binary,
                          runs_root=tmp_path)
    assert result.ok, render_failure(result)
    assert result.legs[-1].name == "error.log"


def test_wrong_log_patterns_fail_on_nginx_with_the_log_shown(fake_binary, nginx_proxy, tmp_path):
    result = run_scenario(load_scenario(FIXTURES / "wrong" / "log-wrong.yaml"), nginx_proxy, fake_binary,
                          runs_root=tmp_path)
    assert not result.ok
    assert [leg.name for leg in result.legs if not leg.ok] == ["error.log"]
    text = render_failure(result)
    assert ">> re:client 127\\.0\\.0\\.1:\\d+ connected to" in text
    assert "(no matching line after the previous match)" in text
    assert "[notice] nginx/1.22.1" in text  # the whole log, timestamps and pids stripped
    assert "--- error.log (last 30 lines) ---" not in text  # the leg shows the log already
