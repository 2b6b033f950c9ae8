"""End to end against real nginx 1.22 and the real mailwire-fake: passing scenarios pass, wrong ones fail readably."""

import subprocess
import sys

import pytest

from harness import processes
from harness.report import render_failure
from harness.runner import run_scenario
from harness.scenario import load_scenario

from selftest_paths import FIXTURES, REPO_ROOT


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "pass").glob("*.yaml")))
def test_passing_fixtures_pass_on_nginx(name, fake_binary, nginx_proxy, tmp_path, test_certs):
    result = run_scenario(load_scenario(FIXTURES / "pass" / name), nginx_proxy, fake_binary, runs_root=tmp_path,
                          certs=test_certs)
    assert result.ok, render_failure(result)
    assert not processes._live, "a process of the run is still registered as running"


def test_wrong_scenario_fails_with_a_side_by_side_diff(fake_binary, nginx_proxy, tmp_path):
    result = run_scenario(load_scenario(FIXTURES / "wrong" / "login-wrong.yaml"), nginx_proxy, fake_binary,
                          runs_root=tmp_path)
    assert not result.ok
    assert [leg.name for leg in result.legs if not leg.ok] == ["auth_http", "backend main, connection 1"]
    text = render_failure(result)
    assert ">> C: Auth-Login-Attempt: 2 | C: Auth-Login-Attempt: 1" in text
    assert ">> C: a1 LOGIN {6}\\r\\n          | C: a1 LOGIN {5}\\r\\n" in text
    assert "--- error.log (last 30 lines) ---" in text and "nginx/1.22.1" in text
    assert not list(tmp_path.glob("*/*")), "the scratch folder was not removed"


def test_pytest_reports_the_diff_and_cleans_up(fake_binary, nginx_proxy, tmp_path):
    wrong = FIXTURES / "wrong" / "client-wrong.yaml"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider", str(wrong),
         "--proxy", "nginx", "--fake-binary", str(fake_binary)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    out = completed.stdout
    assert "FAILED tests/harness/fixtures/wrong/client-wrong.yaml" in out
    assert ">> S: * OK IMAP4rev1 ready\\r\\n | S: * OK IMAP4 ready\\r\\n" in out
    assert "   C: w1 NOOP\\r\\n              | (not run)" in out


def test_needs_skips_on_older_nginx(fake_binary, nginx_proxy, tmp_path):
    scenario = tmp_path / "scenarios" / "newer.yaml"
    scenario.parent.mkdir()
    scenario.write_text((FIXTURES / "pass" / "capability-logout.yaml").read_text()
                        .replace("title:", "needs: nginx >= 99.0.0\ntitle:", 1))
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider", "-rs", str(scenario),
         "--proxy", "nginx", "--fake-binary", str(fake_binary)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "needs nginx >= 99.0.0 (have 1.22.1)" in completed.stdout


def test_needs_with_an_upper_bound_skips_on_newer_nginx_only(fake_binary, nginx_proxy, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    text = (FIXTURES / "pass" / "capability-logout.yaml").read_text()
    (folder / "older.yaml").write_text(text.replace("title:", "needs: [nginx >= 1.0, nginx < 1.22.1]\ntitle:", 1))
    (folder / "current.yaml").write_text(text.replace("title:", "needs: nginx < 1.22.2\ntitle:", 1))
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.plugin", "-p", "no:cacheprovider", "-rs", str(folder),
         "--proxy", "nginx", "--fake-binary", str(fake_binary)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "needs nginx < 1.22.1 (have 1.22.1)" in completed.stdout
    assert "1 passed, 1 skipped" in completed.stdout


def test_cli_prints_the_conformance_table_and_fails(fake_binary, nginx_proxy):
    completed = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--proxy", "nginx", "--fake-binary", str(fake_binary),
         str(FIXTURES / "pass" / "capability-logout.yaml"), str(FIXTURES / "wrong" / "client-wrong.yaml")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    table = completed.stdout[completed.stdout.rindex("\nscenario ") + 1:].split("\n")
    assert table[0] == "scenario".ljust(50) + " | nginx"
    assert table[2] == "tests/harness/fixtures/pass/capability-logout.yaml | pass"
    assert table[3] == "tests/harness/fixtures/wrong/client-wrong.yaml     | FAIL"
    assert table[5] == "totals                                             | 1 pass, 1 FAIL"
