"""TLS, STARTTLS, PROXY headers and reconnect against real nginx 1.22: each step can fail, readably; the
${certs} folder is made once per invocation and removed afterwards. (The passing fixtures run in
test_end_to_end.py with the others.)"""

import subprocess
import sys

import pytest

from harness import processes
from harness.report import render_failure
from harness.runner import RUNS_ROOT, run_scenario
from harness.scenario import load_scenario

from selftest_paths import FIXTURES, REPO_ROOT


def first_difference(leg):
    row = next(row for row in leg.rows if row.ok is False)
    return row.expected, row.actual


@pytest.mark.parametrize("name, leg_name, expected, actual", [
    ("tls-wrong-alpn.yaml", "client", "TLS ALPN pop3 (client: ALPN imap)",
     "TLS TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, ALPN imap, new session"),
    ("tls-failure-expected.yaml", "client", "TLS handshake fails",
     "TLS TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, no ALPN, new session"),
    ("tls-not-resumed.yaml", "client", "TLS resumed session (client: TLSv1.2, the earlier session)",
     "TLS TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, no ALPN, new session"),
    ("tls-wrong-protocol.yaml", "client", "TLS TLSv1.3",
     "TLS TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, no ALPN, new session"),
    ("starttls-wrong-reply.yaml", "client", "S: s1 OK Begin TLS negotiation now\\r\\n", "S: s1 OK completed\\r\\n"),
    ("proxy-header-untrusted.yaml", "auth_http", "C: Client-IP: 192.0.2.7", "C: Client-IP: 127.0.0.1"),
    ("proxy-header-broken.yaml", "client", "S: * OK IMAP4 ready\\r\\n", "S: <reset>"),
    ("reconnect-unread.yaml", "client", None, "S: c1 OK completed\\r\\n"),
])
def test_wrong_fixtures_fail_at_the_step(name, leg_name, expected, actual, fake_binary, nginx_proxy, tmp_path,
                                         test_certs):
    result = run_scenario(load_scenario(FIXTURES / "wrong" / name), nginx_proxy, fake_binary, runs_root=tmp_path,
                          certs=test_certs)
    assert not result.ok and result.setup_error is None, render_failure(result)
    assert [leg.name for leg in result.legs if not leg.ok] == [leg_name], render_failure(result)
    leg = next(leg for leg in result.legs if leg.name == leg_name)
    assert first_difference(leg) == (expected, actual), render_failure(result)
    assert not processes._live


def test_handshake_rows_after_a_failed_starttls_reply_are_listed_as_not_run(fake_binary, nginx_proxy, tmp_path,
                                                                           test_certs):
    result = run_scenario(load_scenario(FIXTURES / "wrong" / "starttls-wrong-reply.yaml"), nginx_proxy,
                          fake_binary, runs_root=tmp_path, certs=test_certs)
    rows = [(row.expected, row.actual) for row in result.legs[0].rows]
    assert rows[2:4] == [("S: s1 OK Begin TLS negotiation now\\r\\n", "S: s1 OK completed\\r\\n"),
                         ("TLS handshake", "(not run)")]


def test_without_a_certificate_folder_a_run_makes_its_own_and_removes_it(fake_binary, nginx_proxy, tmp_path):
    result = run_scenario(load_scenario(FIXTURES / "pass" / "tls-implicit.yaml"), nginx_proxy, fake_binary,
                          runs_root=tmp_path)
    assert result.ok, render_failure(result)
    assert not list(tmp_path.glob("*/*")), "the run folder (with its certs) was not removed"


def test_pytest_makes_one_certificate_folder_and_removes_it(fake_binary, nginx_proxy):
    scenarios = [str(FIXTURES / "pass" / name) for name in ("tls-implicit.yaml", "starttls-imap.yaml")]
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider", *scenarios,
         "--proxy", "nginx", "--fake-binary", str(fake_binary)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, out
    assert "2 passed" in out
    assert not (RUNS_ROOT / f"certs-{process.pid}").exists()


def test_pytest_keeps_a_given_certificate_folder(fake_binary, nginx_proxy, tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider",
         str(FIXTURES / "pass" / "tls-implicit.yaml"), "--proxy", "nginx", "--fake-binary", str(fake_binary),
         "--certs-dir", str(tmp_path / "mine")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "mine" / "server-ecdsa.pem").is_file()


def test_cli_shares_one_certificate_folder_between_proxies_and_removes_it(fake_binary, nginx_proxy):
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "run", "--proxy", "nginx,nginx", "--fake-binary", str(fake_binary),
         str(FIXTURES / "pass" / "tls-client-cert-rejected.yaml")],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, out
    assert out.rstrip().endswith("totals                                                    | 1 pass | 1 pass"), out
    assert not (RUNS_ROOT / f"certs-{process.pid}").exists()
