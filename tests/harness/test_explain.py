"""`./mailwire explain`: the flow of one scenario for a learner, with a gloss per wire line (harness/glosses.py)."""

import subprocess
import sys

import pytest

from harness.explain import explain, explain_lines, protocol_of
from harness.glosses import gloss
from harness.scenario import load_scenario
from harness.trace import AUTH, CLIENT, DNS, PROXY, Arrow, Trace

from selftest_paths import FIXTURES, REPO_ROOT

BACKEND = "backend main"


@pytest.mark.parametrize("arrow, protocol, expected", [
    (Arrow(0, CLIENT, PROXY, b"a1 LOGIN {5}\r\n"), "imap", "LOGIN with a literal {N}"),
    (Arrow(0, CLIENT, PROXY, b"a1 LOGIN {5+}\r\n"), "imap", "non-synchronising literal"),
    (Arrow(0, PROXY, CLIENT, b"+ OK\r\n"), "imap", "continuation request"),
    (Arrow(0, CLIENT, PROXY, b"a0 CAPABILITY\r\n"), "imap", "what can this server do?"),
    (Arrow(0, CLIENT, PROXY, b"s1 STARTTLS\r\n"), "imap", "switch this connection to TLS"),
    (Arrow(0, CLIENT, PROXY, b"USER alice\r\n"), "pop3", "the login name"),
    (Arrow(0, CLIENT, PROXY, b"APOP alice 0123abcd\r\n"), "pop3", "MD5(salt + password)"),
    (Arrow(0, PROXY, CLIENT, b"+OK ready\r\n"), "pop3", "a positive reply"),
    (Arrow(0, PROXY, BACKEND, b"XCLIENT ADDR=127.0.0.1 LOGIN=alice NAME=[UNAVAILABLE]\r\n"), "smtp",
     "before the client's EHLO is replayed"),
    (Arrow(0, CLIENT, PROXY, b"EHLO client.example\r\n"), "smtp", "the client's hello"),
    (Arrow(0, PROXY, BACKEND, b"EHLO mx.example\r\n"), "smtp", "the proxy's hello to the backend"),
    (Arrow(0, CLIENT, PROXY, b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"), "smtp", "base64 of \\0login\\0password"),
    (Arrow(0, PROXY, AUTH, b"Auth-Method: plain\r\n"), "smtp", "password in clear"),
    (Arrow(0, PROXY, AUTH, b"\r\n"), "imap", "the end of the request head"),
    (Arrow(0, AUTH, PROXY, b"Auth-Status: Invalid login or password\r\n"), "imap", "the login is refused"),
    (Arrow(0, AUTH, PROXY, b"Auth-Wait: 1\r\n"), "pop3", "seconds to wait"),
    (Arrow(0, AUTH, PROXY, b"HTTP/1.0 200 OK\r\n"), "pop3", "only the headers count"),
    (Arrow(0, PROXY, DNS, None, "query PTR 1.0.0.127.in-addr.arpa"), "smtp", "reverse lookup"),
    (Arrow(0, PROXY, AUTH, None, "connect"), "imap", "auth_http server"),
])
def test_glosses(arrow, protocol, expected):
    assert expected in gloss(arrow, protocol)


def test_a_line_without_a_gloss_gets_none():
    assert gloss(Arrow(0, PROXY, CLIENT, b"x7 something odd\r\n"), "pop3") == ""


def test_protocol_from_the_folder_or_the_config():
    assert protocol_of(load_scenario(REPO_ROOT / "scenarios" / "smtp" / "ehlo-default.yaml")) == "smtp"
    assert protocol_of(load_scenario(FIXTURES / "pass" / "login-relay.yaml")) == "imap"


def test_the_text_has_who_the_bytes_the_gloss_and_the_pauses():
    arrows = [Arrow(0.0, CLIENT, PROXY, None, "connect"), Arrow(0.0004, PROXY, CLIENT, b"* OK IMAP4 ready\r\n"),
              Arrow(0.0010, CLIENT, PROXY, b"a1 LOGIN {5}\r\n"), Arrow(1.0042, PROXY, CLIENT, b"+ OK\r\n")]
    trace = Trace("scenarios/imap/x.yaml", "t", "", "reference", [CLIENT, PROXY], arrows, {})
    lines = explain_lines(trace, "imap")
    assert lines[0] == "    0.0 ms  client -> proxy  <connect>"
    assert "    1.0 ms  client -> proxy  a1 LOGIN {5}\\r\\n" in lines
    assert any(line.strip().startswith("= LOGIN with a literal {N}") for line in lines)
    assert "            ... 1003 ms pass ..." in lines
    assert " 1004.2 ms  proxy -> client  + OK\\r\\n" in lines


def test_explain_on_nginx_prints_about_and_the_whole_flow(fake_binary, nginx_proxy):
    build_dir = fake_binary.parent.parent
    completed = subprocess.run(
        [sys.executable, "-m", "harness.explain", "--proxy", "nginx", "--build-dir", str(build_dir),
         str(REPO_ROOT / "scenarios" / "imap" / "login-synchronising-literals.yaml")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert out.startswith("scenarios/imap/login-synchronising-literals.yaml: LOGIN with synchronising literals\n")
    assert "(recorded on the nginx proxy)" in out
    assert "A synchronising literal `{N}` tells the server" in out
    order = ["client -> proxy        a1 LOGIN {5}\\r\\n", "proxy -> client        + OK\\r\\n",
             "proxy -> auth          GET /auth HTTP/1.0\\r\\n", "auth -> proxy          Auth-Status: OK\\r\\n",
             "proxy -> backend main  a1 LOGIN {5}\\r\\n", "proxy -> client        a1 OK LOGIN completed\\r\\n"]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions), out
    assert "= LOGIN with a literal {N}: N raw bytes follow on the next line" in out


def test_explain_fails_readably_on_a_scenario_that_does_not_pass(fake_binary, nginx_proxy):
    completed = subprocess.run(
        [sys.executable, "-m", "harness.explain", "--proxy", "nginx", "--build-dir", str(fake_binary.parent.parent),
         str(FIXTURES / "wrong" / "login-wrong.yaml")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1
    assert "proxy -> auth" in completed.stdout
    assert "This run did not go as the scenario expects" in completed.stderr
    assert ">> C: Auth-Login-Attempt: 2" in completed.stderr


def test_explain_text_starts_with_title_and_about():
    scenario = load_scenario(FIXTURES / "pass" / "login-relay.yaml")
    trace = Trace("tests/x.yaml", scenario.title, scenario.about, "nginx", [CLIENT, PROXY], [], {})
    text = explain(scenario, trace)
    assert text.splitlines()[0] == "tests/x.yaml: Login, then relayed traffic (harness self-test)"
    assert "After nginx has logged in to the backend, bytes are copied both ways." in text
