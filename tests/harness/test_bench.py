"""`python -m harness.bench` with tiny numbers: a well-formed table and JSON, positive figures, no timing checks."""

import json
import os
import subprocess
import sys

import pytest

from harness.bench.relay import literal_bytes
from harness.bench.report import format_table

from selftest_paths import REPO_ROOT


def proxies_to_bench(fake_binary, nginx_proxy):
    build_dir = fake_binary.parent.parent
    names = ["nginx"]
    if os.access(build_dir / "reference" / "mailwire-proxy", os.X_OK):
        names.insert(0, "reference")
    return build_dir, names


def test_bench_reports_both_proxies(fake_binary, nginx_proxy, tmp_path):
    build_dir, names = proxies_to_bench(fake_binary, nginx_proxy)
    json_path = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, "-m", "harness.bench", "--build-dir", str(build_dir), "--proxy", ",".join(names),
         "--idle-sessions", "20", "--concurrency", "2", "--duration", "0.3", "--relay-mib", "1",
         "--relay-runs", "1", "--json", str(json_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    header = next(line for line in completed.stdout.splitlines() if line.startswith("| metric"))
    assert [cell.strip() for cell in header.strip("|").split("|")] == \
        ["metric", *names] + (["ratio"] if len(names) == 2 else [])
    assert "| sessions/s (higher is better)" in completed.stdout

    document = json.loads(json_path.read_text())
    assert document["machine"]["cpus"] >= 1
    assert document["versions"]["nginx"].startswith("1.")
    assert list(document["results"]) == names
    for name in names:
        results = document["results"][name]
        idle = results["idle"]
        assert idle["sessions"] == 20
        assert idle["before_kib"]["rss"] > 0 and idle["after_kib"]["rss"] > 0
        assert isinstance(idle["rss_kib_per_session"], float)
        sessions = results["sessions"]
        assert sessions["errors"] == {} and sessions["sessions"] > 0
        assert sessions["sessions_per_s"] > 0
        assert 0 < sessions["latency_ms"]["p50"] <= sessions["latency_ms"]["p99"]
        assert sessions["cpu_us_per_session"]["client"] > 0
        for path in ("proxied", "direct"):
            assert results["relay"][path]["mib_per_s"] > 0
            assert results["relay"][path]["mib"] == pytest.approx(1.0)


def test_table_has_a_ratio_column_for_two_proxies():
    results = {"sessions": {"sessions_per_s": 300.0}, "idle": {"rss_kib_per_session": 2.0}}
    other = {"sessions": {"sessions_per_s": 100.0}, "idle": {"rss_kib_per_session": None}}
    lines = format_table({"reference": results, "nginx": other}).splitlines()
    assert [cell.strip() for cell in lines[0].strip("|").split("|")] == ["metric", "reference", "nginx", "ratio"]
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]] for line in lines[2:]}
    assert rows["sessions/s (higher is better)"] == ["300", "100", "3.00"]
    assert rows["idle: RSS KiB per session (lower is better)"] == ["2.00", "-", "-"]
    assert len(lines) == 4, "rows with no figures for any proxy are left out"


def test_the_literal_ends_without_lf_so_the_fake_sees_the_append_end():
    data = literal_bytes(3 * 65536 + 5)
    assert len(data) == 3 * 65536 + 5
    assert not data.endswith(b"\n") and max(len(line) for line in data.split(b"\n")) < 65536
