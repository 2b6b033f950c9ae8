"""`harness run --junit FILE`: one testcase per scenario and proxy, the diff as failure text, skips with reasons;
and the markers (`-m`) that select scenarios by protocol and feature."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.junit import JunitCollector, junit_tree
from harness.scenario import MARKERS, load_scenario, markers_of

from selftest_paths import FIXTURES, REPO_ROOT


def harness_run(*args):
    return subprocess.run([sys.executable, "-m", "harness", "run", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_junit_has_a_testcase_per_scenario_with_diff_and_skip_reason(tmp_path, fake_binary, nginx_proxy):
    newer = tmp_path / "scenarios" / "newer.yaml"
    newer.parent.mkdir()
    newer.write_text((FIXTURES / "pass" / "capability-logout.yaml").read_text()
                     .replace("title:", "needs: nginx >= 99.0.0\ntitle:", 1))
    junit = tmp_path / "out.xml"
    completed = harness_run("--proxy", "nginx", "--fake-binary", fake_binary, "--junit", junit,
                            FIXTURES / "pass" / "capability-logout.yaml", FIXTURES / "wrong" / "login-wrong.yaml",
                            newer)
    assert completed.returncode == 1, completed.stdout + completed.stderr

    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == ("3", "1", "1", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "nginx" and float(suite.get("time")) > 0
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert sorted(cases) == sorted([
        "tests/harness/fixtures/pass/capability-logout.yaml", "tests/harness/fixtures/wrong/login-wrong.yaml",
        str(newer.resolve())])
    assert all(case.get("classname") == "nginx.imap" for case in cases.values()), "the protocol from the config"
    passed = cases["tests/harness/fixtures/pass/capability-logout.yaml"]
    assert list(passed) == [] and float(passed.get("time")) > 0
    (failure,) = cases["tests/harness/fixtures/wrong/login-wrong.yaml"]
    assert failure.tag == "failure" and failure.get("message")
    assert ">> C: Auth-Login-Attempt: 2 | C: Auth-Login-Attempt: 1" in failure.text, "the side-by-side diff"
    (skipped,) = cases[str(newer.resolve())]
    assert skipped.tag == "skipped" and skipped.get("message") == "needs nginx >= 99.0.0 (have 1.22.1)"


class _Report:
    """What JunitCollector reads of a pytest report."""

    def __init__(self, nodeid, when, outcome, text="", duration=0.5):
        self.nodeid, self.when, self.duration, self.longreprtext = nodeid, when, duration, text
        self.skipped, self.failed = outcome == "skipped", outcome == "failed"
        self.longrepr = ("file", 1, f"Skipped: {text}")


def test_report_text_with_control_bytes_stays_well_formed_xml():
    collector = JunitCollector("reference")
    collector.pytest_runtest_logreport(_Report("scenarios/smtp/a.yaml", "call", "failed", "S: \x00\x1b[31m\n"))
    collector.pytest_runtest_logreport(_Report("scenarios/pop3/b.yaml", "setup", "failed", "proxy did not start"))
    root = ET.fromstring(ET.tostring(junit_tree([collector])))
    cases = root.find("testsuite").findall("testcase")
    assert [case.get("classname") for case in cases] == ["reference.smtp", "reference.pop3"]
    assert cases[0].find("failure").text == "S: \\x00\\x1b[31m\n"
    assert cases[1].find("error").get("message") == "proxy did not start"
    assert root.get("errors") == "1" and root.get("failures") == "1"


def collected(*args):
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider", "--collect-only", "-q",
         *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode in (0, 5), completed.stdout + completed.stderr
    return {line for line in completed.stdout.splitlines() if line.endswith(".yaml")}


def test_markers_select_by_protocol_and_feature():
    smtp = collected("scenarios", "-m", "smtp")
    assert smtp and all(path.startswith("scenarios/smtp/") for path in smtp)
    assert smtp == {f"scenarios/smtp/{p.name}" for p in (REPO_ROOT / "scenarios" / "smtp").glob("*.yaml")}
    chosen = collected("scenarios", "-m", "starttls and not fault")
    assert "scenarios/smtp/starttls-ehlo-shows-auth.yaml" in chosen
    assert "scenarios/imap/starttls-only-logindisabled.yaml" in chosen
    assert not any(Path(path).name.startswith("fault-") for path in chosen)
    assert all("starttls" in markers_of(load_scenario(REPO_ROOT / path)) for path in chosen)


def test_markers_are_registered_and_run_takes_m(fake_binary, nginx_proxy):
    listed = subprocess.run([sys.executable, "-m", "pytest", "-p", "harness.plugin", "--markers"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=60).stdout
    for name in MARKERS:
        assert f"@pytest.mark.{name}:" in listed
    completed = harness_run("--proxy", "nginx", "--fake-binary", fake_binary, "-m", "tls and not client_cert",
                            FIXTURES / "pass" / "tls-implicit.yaml", FIXTURES / "pass" / "login-relay.yaml",
                            FIXTURES / "pass" / "tls-client-cert-rejected.yaml")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = [line.split("|")[0].strip() for line in completed.stdout.splitlines() if "|" in line]
    assert rows == ["scenario", "tests/harness/fixtures/pass/tls-implicit.yaml", "totals"]


@pytest.mark.parametrize("name, expected", [
    ("tls-implicit.yaml", {"imap", "tls"}),
    ("starttls-imap.yaml", {"imap", "starttls"}),
    ("proxy-then-tls.yaml", {"proxy_protocol", "tls"}),
    ("fault-client-garbage.yaml", {"fault", "hostile"}),
    ("unix-client.yaml", {"unix"}),
    ("ipv6-client.yaml", {"ipv6"}),
    ("login-failed-log.yaml", {"log"}),
])
def test_markers_of_fixtures(name, expected):
    assert expected <= set(markers_of(load_scenario(FIXTURES / "pass" / name)))
