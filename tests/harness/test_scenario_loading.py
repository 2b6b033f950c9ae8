"""Scenario loading and validation: every error names the file and the line."""

import subprocess
import sys
import textwrap

import pytest

from harness.scenario import DEFAULT_TIMEOUT_MS, ScenarioError, load_scenario

from selftest_paths import FIXTURES, REPO_ROOT

VALID = """\
title: t
config: |
  mail { auth_http 127.0.0.1:${auth_port}/auth; }
auth:
  - request:
      - GET /auth HTTP/1.0
      - {re: "Auth-Salt: <\\\\d+>"}
    response: |
      Auth-Status: OK
      Auth-Port: ${backend_port}
backends:
  main:
    protocol: imap
    script:
      - send: "* OK"
      - expect_eof: true
client:
  - expect: "* OK IMAP4 ready"
  - close: true
"""


def write(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def load_error(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return path, caught.value


def test_valid_scenario_loads_with_defaults(tmp_path):
    scenario = load_scenario(write(tmp_path, VALID))
    assert scenario.title == "t"
    assert scenario.timeout_ms == DEFAULT_TIMEOUT_MS
    assert scenario.needs == []
    assert [m.is_regex for m in scenario.auth[0].request] == [False, True]
    assert scenario.auth[0].request[1].text == "Auth-Salt: <\\d+>"
    assert [s.kind for s in scenario.backends["main"].connections[0]] == ["send", "expect_eof"]
    assert [(s.kind, s.line) for s in scenario.client] == [("expect", 18), ("close", 19)]


def test_self_test_fixtures_load():
    for path in sorted(FIXTURES.glob("*/*.yaml")):
        if path.parent.name != "invalid":
            load_scenario(path)


def test_needs_is_parsed_and_explains_a_skip(tmp_path):
    scenario = load_scenario(write(tmp_path, "needs: nginx >= 1.27.3\n" + VALID))
    assert scenario.unmet_need("nginx", (1, 22, 1)) == "needs nginx >= 1.27.3 (have 1.22.1)"
    assert scenario.unmet_need("nginx", (1, 27, 3)) is None
    assert scenario.unmet_need("reference", None) is None


def test_needs_takes_an_upper_bound_alone_or_with_a_lower_one(tmp_path):
    scenario = load_scenario(write(tmp_path, "needs: nginx < 1.25.1\n" + VALID))
    assert [(need.operator, need.version, need.text) for need in scenario.needs] == [("<", (1, 25, 1), "nginx < 1.25.1")]
    assert scenario.unmet_need("nginx", (1, 22, 1)) is None
    assert scenario.unmet_need("nginx", (1, 25, 0)) is None
    assert scenario.unmet_need("nginx", (1, 25, 1)) == "needs nginx < 1.25.1 (have 1.25.1)"
    assert scenario.unmet_need("nginx", (1, 27, 3)) == "needs nginx < 1.25.1 (have 1.27.3)"
    # the reference (and a user's command) is never skipped: the reference accepts what nginx 1.22 accepts
    assert scenario.unmet_need("reference", None) is None
    assert scenario.unmet_need("command", None) is None

    both = load_scenario(write(tmp_path, "needs:\n  - nginx >= 1.21\n  - nginx<1.25\n" + VALID))
    assert [need.text for need in both.needs] == ["nginx >= 1.21", "nginx < 1.25"]
    assert both.unmet_need("nginx", (1, 20, 2)) == "needs nginx >= 1.21 (have 1.20.2)"
    assert both.unmet_need("nginx", (1, 21, 0)) is None
    assert both.unmet_need("nginx", (1, 24, 0)) is None
    assert both.unmet_need("nginx", (1, 25, 0)) == "needs nginx < 1.25 (have 1.25.0)"
    assert both.unmet_need("reference", None) is None


def test_pem_placeholders_are_checked_at_load_and_mark_the_certificates_as_used(tmp_path):
    text = VALID.replace("mail { auth_http", 'mail { ssl_certificate "data:${pem:server-ecdsa.pem}"; auth_http')
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.uses_certs and "${pem:server-ecdsa.pem}" in scenario.config
    assert not load_scenario(write(tmp_path, VALID)).uses_certs


@pytest.mark.parametrize("text, line, words", [
    ("title: t\nconfig: x\nclient: [{close: true}]\nextra: 1\n", 4, "unknown key 'extra'"),
    ("config: x\nclient: [{close: true}]\n", 1, "missing required key 'title'"),
    ("title: t\nconfig: x\nclient:\n  - expect: ok\n  - frobnicate: 1\n", 5, "unknown client step 'frobnicate'"),
    ("title: t\nconfig: x\nclient:\n  - expect: 42\n", 4, "expect must be a string"),
    ("title: t\nconfig: x\nclient:\n  - expect: yes\n", 4, "got boolean"),
    ("title: t\nconfig: x\nclient:\n  - {expect: a, send: b}\n", 4, "exactly one key"),
    ("title: t\nconfig: x\nclient:\n  - expect_re: '(unclosed'\n", 4, "not a valid regular expression"),
    ("title: t\nconfig: x\nclient:\n  - wait_ms: -5\n", 4, "milliseconds"),
    ("title: t\nconfig: x\nclient:\n  - close: false\n", 4, "takes the value true"),
    ("title: t\nconfig: x\nclient:\n  - close: true\n  - wait_ms: 5\n  - send: x\n", 6, "after 'close' (line 4)"),
    ("title: t\nconfig: x\nclient:\n  - expect: a\n  - send: b\n  - wait_ms: 5\n", 5, "ends with 'send'"),
    ("title: t\nconfig: x\nclient:\n  - send_raw: \"\\u20ac\"\n", 4, "U+0000..U+00FF"),
    ("title: t\nneeds: nginx 1.2\nconfig: x\nclient: [{close: true}]\n", 2, "needs must read like"),
    ("title: t\nconfig: |\n  listen ${proxy_prot};\nclient: [{close: true}]\n", 2, "unknown placeholder ${proxy_prot}"),
    ("title: t\nneeds: nginx <= 1.25\nconfig: x\nclient: [{close: true}]\n", 2, "or 'nginx < 1.25.1'"),
    ("title: t\nneeds: [nginx >= 1.2, nginx < one]\nconfig: x\nclient: [{close: true}]\n", 2,
     "got 'nginx < one'"),
    ("title: t\nconfig: |\n  ssl_certificate \"data:${pem:server.pem}\";\nclient: [{close: true}]\n", 2,
     "${pem:server.pem} names no text file in ${certs}"),
    ("title: t\nconfig: x\nclient:\n  - send: \"${pem:ticket.key}\"\n  - close: true\n", 4,
     "${pem:ticket.key} names no text file"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nlog:\n  - 'x ${pem:../etc/passwd}'\n", 5,
     "${pem:../etc/passwd} names no text file"),
    ("title: t\nconfig: x\nclient:\n  - send: ${backend_port}\n", 4, "needs a backend named 'main'"),
    ("title: t\nconfig: x\nclient:\n  - send: ${backend_port:b2}\n", 4, "names no backend"),
    ("title: t\ntitle: u\nconfig: x\nclient: [{close: true}]\n", 2, "duplicate key 'title'"),
    ("title: t\nconfig: x\nclient:\n  - expect: \"unterminated\n", 5, "invalid YAML"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nbackends:\n  main:\n    protocol: imap\n    down: true\n"
     "    script: []\n", 8, "is down"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nbackends:\n  main:\n    protocol: ftp\n    script: []\n",
     6, "protocol must be one of"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nbackends:\n  main:\n    protocol: imap\n", 6, "needs a script"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nbackends:\n  main:\n    protocol: imap\n    script:\n"
     "      - expect_close: true\n", 8, "unknown backend step 'expect_close'"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nauth:\n  - request: [GET /auth HTTP/1.0]\n"
     "    response: x\n    no_response: true\n", 5, "exactly one of"),
    ("title: t\nconfig: x\nclient: [{close: true}]\nauth:\n  - request:\n      - {regex: x}\n", 6,
     "{re: REGEX}"),
])
def test_errors_name_file_and_line(tmp_path, text, line, words):
    path, error = load_error(tmp_path, text)
    assert str(error).startswith(f"{path}:{line}: "), str(error)
    assert words in str(error)


def test_invalid_fixture_reports_its_line():
    path = FIXTURES / "invalid" / "bad-step.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == (f"{path}:13: unknown client step 'expect_lines' (allowed: send, send_raw, "
                                 "send_random, send_line_of, expect, expect_re, expect_any_order, expect_close, "
                                 "expect_silence_ms, wait_ms, stall_ms, close, reset, half_close, tls, starttls, "
                                 "send_proxy, reconnect, hold_connections)")


def test_pytest_shows_an_invalid_scenario_as_a_failure_naming_file_and_line():
    path = FIXTURES / "invalid" / "bad-step.yaml"
    completed = subprocess.run([sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider",
                                str(path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1
    assert f"{path}:13: unknown client step 'expect_lines'" in completed.stdout
