"""The HTML report of a small real run, loaded in headless Chromium (Debian's `chromium`): what is on screen.

The run: three fixtures on nginx, one made to fail (wrong/login-wrong.yaml) and one skipped by its `needs:`. A
copy of the report gets a script appended that reads what the browser rendered (innerText, which leaves out
whatever is not displayed, and the boxes of the diagram's text) into the page, which `--dump-dom` then prints.
The report itself has no script. A screenshot is taken too (docs/report.png is one like it).
"""

import html
import json
import re
import shutil
import subprocess
import sys

import pytest

from selftest_paths import FIXTURES, REPO_ROOT

WINDOW = "1600,1400"
PROBE = """
<script>
(function () {
  const failed = document.querySelector("details.run-FAIL");
  const visible = (element) => element.checkVisibility() && element.getBoundingClientRect().width > 0;
  const diagram = failed.querySelector("svg.sequence");
  const legs = [...failed.querySelectorAll("table.legs")];
  const result = {
    table: document.getElementById("conformance").innerText,
    body: document.body.innerText,
    failedOpen: failed.open,
    lanes: [...diagram.querySelectorAll("text.lane")].filter(visible).map((t) => t.textContent),
    labels: [...diagram.querySelectorAll("g.arrow text.label")].filter(visible).map((t) => t.textContent),
    gaps: [...diagram.querySelectorAll("text.gap")].filter(visible).map((t) => t.textContent),
    legs: legs.map((table) => table.innerText).join(" | "),
    mismatches: legs.flatMap((table) => [...table.querySelectorAll("tr.mismatch")].map((row) => row.innerText)),
    besideDiagram: legs[0].getBoundingClientRect().left >= diagram.getBoundingClientRect().right,
    passedDiagramsShown: [...document.querySelectorAll("details.run-pass svg.sequence")].filter(visible).length,
  };
  const out = document.createElement("pre");
  out.id = "mailwire-probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
</script>
"""


def _chromium_command():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _chromium(binary, profile, *args):
    return subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={profile}", f"--window-size={WINDOW}", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def chromium(tmp_path):
    binary = _chromium_command()
    if binary is None:
        pytest.skip("Debian's chromium is not installed (./mailwire installs it: apt-get install chromium)")
    try:
        probe = _chromium(binary, tmp_path / "profile", "--dump-dom", "data:text/html,<p>ready</p>")
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"chromium cannot start: {error}")
    if probe.returncode != 0 or "ready" not in probe.stdout:
        pytest.skip(f"chromium cannot start (exit {probe.returncode}): {probe.stderr.strip()[-500:]}")
    return lambda *args: _chromium(binary, tmp_path / "profile", *args)


def _small_run(tmp_path, fake_binary):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(FIXTURES / "pass" / "login-relay.yaml", scenarios / "login-relay.yaml")
    shutil.copy(FIXTURES / "wrong" / "login-wrong.yaml", scenarios / "login-wrong.yaml")
    (scenarios / "newer-nginx.yaml").write_text((FIXTURES / "pass" / "capability-logout.yaml").read_text()
                                                .replace("title:", "needs: nginx >= 99.0.0\ntitle:", 1))
    report = tmp_path / "report.html"
    completed = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--proxy", "nginx", "--fake-binary", str(fake_binary),
         "--html", str(report), str(scenarios)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # login-wrong fails
    assert f"HTML report: {report}" in completed.stdout
    return report


def test_the_report_shows_the_table_the_diagrams_and_the_failure(fake_binary, nginx_proxy, chromium, tmp_path):
    report = _small_run(tmp_path, fake_binary)
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dumped = chromium("--dump-dom", probed.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    found = re.search(r'<pre id="mailwire-probe">(.*?)</pre>', dumped.stdout, re.DOTALL)
    assert found, dumped.stdout[-2000:]
    shown = json.loads(html.unescape(found.group(1)))

    table = shown["table"]
    assert re.search(r"login-relay\.yaml\s+pass", table)
    assert re.search(r"login-wrong\.yaml\s+FAIL", table)
    assert re.search(r"newer-nginx\.yaml\s+skip \(needs nginx >= 99\.0\.0 \(have 1\.22\.1\)\)", table)
    assert re.search(r"totals\s+1 pass, 1 FAIL, 1 skip", table)

    # The failed run is open: its diagram's lanes and arrows (exact bytes, CR LF visible) are on screen.
    assert shown["failedOpen"]
    assert shown["lanes"] == ["time", "client", "proxy", "auth", "backend main"]
    labels = shown["labels"]
    for label in ("<connect>", "* OK IMAP4 ready\\r\\n", "a1 LOGIN alice secret\\r\\n", "GET /auth HTTP/1.0\\r\\n",
                  "Auth-Login-Attempt: 1\\r\\n", "Auth-Status: OK\\r\\n", "a1 LOGIN {5}\\r\\n",
                  "a1 OK LOGIN completed\\r\\n"):
        assert label in labels, labels
    assert labels.index("a1 LOGIN alice secret\\r\\n") < labels.index("GET /auth HTTP/1.0\\r\\n")
    assert labels.index("Auth-Status: OK\\r\\n") < labels.index("a1 LOGIN {5}\\r\\n")

    # Beside the diagram: expected | actual of each leg that differs.
    assert shown["besideDiagram"]
    assert "C: Auth-Login-Attempt: 2\tC: Auth-Login-Attempt: 1" in shown["mismatches"]
    assert "C: a1 LOGIN {6}\\r\\n\tC: a1 LOGIN {5}\\r\\n" in shown["mismatches"]
    assert "leg: auth_http" in shown["legs"] and "leg: backend main, connection 1" in shown["legs"]
    # Passing runs are folded away until opened.
    assert shown["passedDiagramsShown"] == 0
    assert "nginx: skip (needs nginx >= 99.0.0 (have 1.22.1))" in shown["body"]

    # And it renders to a screenshot (docs/report.png is one like it).
    screenshot = tmp_path / "report.png"
    taken = chromium(f"--screenshot={screenshot}", report.as_uri())
    assert taken.returncode == 0, taken.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20000  # a rendered page, not a blank one
