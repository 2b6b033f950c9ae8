"""harness.bench's pure parts: the ABBA order, the statistics, the workloads, the proxy config and the report;
plus mailwire-load against the fakes directly (when both are built): byte counts and session counts right."""

import os
import subprocess

import pytest

from harness.bench import report, stats
from harness.bench.load import load_argv, parse_result
from harness.bench.stack import bench_config, mail_block
from harness.bench.workloads import MIB, Workload, workloads
from harness.proxies import NginxProxy, ReferenceProxy


def test_abba_alternates_the_order_round_by_round():
    assert [stats.abba_order(index, ["reference", "nginx"]) for index in range(4)] == [
        ["reference", "nginx"], ["nginx", "reference"], ["reference", "nginx"], ["nginx", "reference"]]
    assert stats.abba_order(1, ["only"]) == ["only"]


def test_summary_gives_medians_and_the_range_of_per_round_ratios():
    by_round = [{"direct": 10.0, "reference": 4.0, "nginx": 2.0},
                {"direct": 12.0, "reference": 3.0, "nginx": 3.0},
                {"direct": 11.0, "reference": 5.0}]  # nginx failed in round 3: no ratio for that round
    summary = stats.summarise(by_round, ["direct", "reference", "nginx"], ("reference", "nginx"))
    assert summary["median"] == {"direct": 11.0, "reference": 4.0, "nginx": 2.5}
    assert summary["samples"]["nginx"] == [2.0, 3.0]
    assert summary["ratio"] == {"median": pytest.approx(1.6), "min": pytest.approx(1.0), "max": pytest.approx(2.0)}
    assert stats.summarise([{"reference": 1.0}], ["reference"], None)["ratio"] is None
    assert stats.median([None, None]) is None


def test_quick_workloads_are_smaller_and_every_full_row_has_its_kind():
    quick, full = workloads(True), workloads(False)
    names = [workload.name for workload in full]
    assert len(names) == len(set(names))
    assert {workload.kind for workload in full} == {"rate", "relay", "idle"}
    assert [w.sessions for w in full if w.kind == "idle"] == [2000, 10000]
    assert [w.sessions for w in quick if w.kind == "idle"] == [2000]
    assert {w.name for w in quick} == set(names) - {"imap idle, 10000 sessions"}
    fetch = next(w for w in full if w.name == "imap FETCH download, 1 stream")
    assert fetch.bytes == 200_000_000 and fetch.concurrency == 1
    upload = next(w for w in full if w.name == "smtp DATA upload, 4 streams")
    assert (upload.sessions, upload.bytes, upload.concurrency) == (20, 10 * MIB, 4)
    assert next(w for w in full if w.mode == "smtp-session").concurrency == 50
    assert next(w for w in full if w.mode == "imap-login").concurrency == 100
    two = [w for w in full if w.workers == 2]
    assert {w.mode for w in two} == {"imap-login", "pop3-login", "smtp-session"}
    assert all(w.threads == 2 and w.direct for w in two)
    assert all(q.duration_s < f.duration_s for q, f in zip(quick, full) if f.kind == "rate")


def test_load_argv_asks_for_a_duration_or_a_session_count():
    rate = Workload("x", "imap", "imap-login", 100, "rate", duration_s=2.0)
    assert load_argv("L", rate, 1143) == ["L", "--mode", "imap-login", "--target", "127.0.0.1:1143",
                                          "--concurrency", "100", "--threads", "1", "--duration", "2"]
    relay = Workload("y", "smtp", "smtp-data", 4, "relay", sessions=20, bytes=MIB, workers=2)
    assert load_argv("L", relay, 25)[7:] == ["--threads", "2", "--sessions", "20", "--bytes", str(MIB)]
    assert parse_result('{"event": "ready"}\n{"sessions": 3, "errors": 0}\n') == {"sessions": 3, "errors": 0}


def test_bench_config_sets_workers_limits_and_one_server_per_protocol(tmp_path):
    ports = {"imap": 1, "pop3": 2, "smtp": 3}
    auth = {"imap": 11, "pop3": 12, "smtp": 13}
    text = bench_config(NginxProxy(), str(tmp_path), ports, auth, workers=2, connections=5000, nofile=9000)
    assert "master_process on;" in text and "worker_processes 2;" in text
    assert "worker_connections 5000;" in text and "worker_rlimit_nofile 9000;" in text
    assert text.startswith("load_module ") and " error;" in text and " info;" not in text
    one = bench_config(ReferenceProxy(tmp_path), str(tmp_path), ports, auth, workers=1, connections=10, nofile=20)
    assert "master_process off;" in one and "worker_processes 1;" in one
    block = mail_block(ports, auth)
    for protocol, port in ports.items():
        assert f"listen 127.0.0.1:{port};\n        protocol {protocol};\n" \
               f"        auth_http 127.0.0.1:{auth[protocol]}/auth;" in block
    assert block.count("smtp_auth none;") == 1 and block.count("xclient on;") == 1


def _document():
    summary = {"value": stats.summarise([{"direct": 1000.0, "reference": 400.0, "nginx": 500.0},
                                         {"direct": 1000.0, "reference": 600.0, "nginx": 500.0}],
                                        ["direct", "reference", "nginx"], ("reference", "nginx")),
               "cpu_per_unit": stats.summarise([{"reference": 90.0, "nginx": 80.0}], ["reference", "nginx"],
                                               ("reference", "nginx")),
               "latency_p50": stats.summarise([{"direct": 1.0, "reference": 2.0, "nginx": 4.0}],
                                              ["direct", "reference", "nginx"], ("reference", "nginx")),
               "latency_p99": stats.summarise([{"direct": 3.0, "reference": 6.0, "nginx": 6.0}],
                                              ["direct", "reference", "nginx"], ("reference", "nginx")),
               "background_cores": {"median": 0.2, "max": 0.9}}
    idle = {"value": stats.summarise([{"reference": 2.5, "nginx": 1.0}], ["reference", "nginx"],
                                     ("reference", "nginx")),
            "cpu_per_unit": stats.summarise([], ["reference", "nginx"], ("reference", "nginx"))}
    return {"proxies": ["reference", "nginx"],
            "machine": {"date": "2026-12-07T00:00:00+00:00", "cpu_model": "Test CPU", "cpus": 2,
                        "kernel": "6.1", "memory": "1 kB"},
            "versions": {"reference": "mailwire/0.1.0", "nginx": "nginx/1.22.1", "git HEAD": "abc123"},
            "options": {"quick": True, "rounds": 2},
            "workloads": [{"name": "imap login", "kind": "rate", "workers": 1, "summary": summary},
                          {"name": "imap idle", "kind": "idle", "workers": 1, "summary": idle}]}


def test_table_shows_direct_shares_ratio_ranges_cpu_latency_and_noisy_background():
    rows = report.table_rows(_document())
    assert rows[0] == ["workload", "unit", "direct", "reference", "nginx", "reference/nginx (rounds)",
                       "CPU reference", "CPU nginx", "CPU unit", "background cores"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["imap login"] == ["imap login", "sessions/s", "1,000", "500 (50%)", "500 (50%)",
                                     "1.00 (0.80..1.20)", "90.0", "80.0", "us/session", "0.20 (max 0.90) noisy"]
    assert by_name["imap login: session latency p50"][2:6] == ["1.00", "2.00", "4.00", "0.50 (0.50..0.50)"]
    assert by_name["imap idle"][:6] == ["imap idle", "KiB RSS/session", "-", "2.50", "1.00", "2.50 (2.50..2.50)"]
    table = report.format_table(_document()).splitlines()
    assert len(table) == 2 + 4 and len({len(line) for line in table}) == 1  # aligned columns


def test_budget_shows_each_partys_cpu_per_unit_the_kernel_share_and_the_cores_busy():
    document = _document()
    labels = ["direct", "reference", "nginx"]
    summary = document["workloads"][0]["summary"]
    summary["client_per_unit"] = stats.summarise([{"direct": 60.0, "reference": 70.0, "nginx": 70.0}], labels)
    summary["fakes_per_unit"] = stats.summarise([{"direct": 50.0, "reference": 55.0, "nginx": 55.0}], labels)
    summary["proxy_kernel_share"] = stats.summarise([{"reference": 0.8, "nginx": 0.85}], ["reference", "nginx"])
    summary["machine_cores"] = stats.summarise([{"direct": 1.5, "reference": 1.96, "nginx": 1.9}], labels)
    rows = report.budget_rows(document)
    assert rows[0] == ["workload", "unit", "direct: client + fakes + proxy", "reference: client + fakes + proxy",
                       "nginx: client + fakes + proxy", "reference in kernel", "nginx in kernel",
                       "cores busy (direct / reference / nginx)"]
    assert rows[1] == ["imap login", "us/session", "60.0 + 50.0 = 110", "70.0 + 55.0 + 90.0 = 215",
                       "70.0 + 55.0 + 80.0 = 205", "80%", "85%", "1.50 / 1.96 / 1.90"]
    assert len(rows) == 2  # no row for the idle workload
    assert "## Where the machine's CPU went" in report.format_page(document, "p.png")
    assert report.budget_rows(_document()) == []  # documents from before these figures: no section


def test_page_records_machine_versions_table_and_chart():
    page = report.format_page(_document(), "performance.png")
    for text in ("--quick", "Test CPU, 2 CPUs", "nginx: nginx/1.22.1", "git HEAD: abc123", "ABBA",
                 "| imap login ", "![rates, throughput and idle memory](performance.png)"):
        assert text in page


def test_one_proxy_has_no_ratio_column():
    document = _document()
    document["proxies"] = ["nginx"]
    assert "nginx (rounds)" not in " ".join(report.table_rows(document)[0])


@pytest.fixture
def load_binary(fake_binary):
    binary = fake_binary.parent / "load" / "mailwire-load"
    if not os.access(binary, os.X_OK):
        pytest.skip(f"mailwire-load is not built next to {fake_binary}")
    return binary


@pytest.mark.parametrize("protocol, mode, extra, expected_bytes", [
    ("pop3", "pop3-retr", ["--sessions", "2", "--bytes", "1000003"], 2 * 1000003),
    ("imap", "imap-fetch", ["--sessions", "3", "--concurrency", "3", "--bytes", "4096"], 3 * 4096),
    ("smtp", "smtp-data", ["--sessions", "2", "--bytes", "300001"], 2 * 300001),
    ("imap", "imap-login", ["--sessions", "20", "--concurrency", "5"], 0),
])
def test_load_generator_counts_sessions_and_bytes_against_the_fakes(fake_binary, load_binary, tmp_path, protocol,
                                                                    mode, extra, expected_bytes):
    from harness.processes import ManagedProcess, stop_all, wait_for_port_file

    profile = ["--profile", "bulk"] if protocol != "smtp" else []
    port_file = tmp_path / "port"
    fake = ManagedProcess("fake", [str(fake_binary), protocol, *profile, "--listen", "127.0.0.1:0",
                                   "--port-file", str(port_file)], str(tmp_path))
    try:
        port = wait_for_port_file(fake, str(port_file))
        completed = subprocess.run([str(load_binary), "--mode", mode, "--target", f"127.0.0.1:{port}", *extra],
                                   capture_output=True, text=True, timeout=60)
    finally:
        stop_all([fake])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = parse_result(completed.stdout)
    sessions = int(extra[extra.index("--sessions") + 1])
    assert (result["sessions"], result["errors"], result["bytes"]) == (sessions, 0, expected_bytes)
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]


def test_idle_sessions_shrink_to_what_the_fd_limit_holds_and_say_so():
    from harness.bench.cli import fit_idle_sessions

    idle = next(w for w in workloads(False) if w.sessions == 10000)
    assert fit_idle_sessions(idle, 65536) is idle
    fitted = fit_idle_sessions(idle, 20000)
    assert fitted.sessions == (20000 - 100 - idle.concurrency) // 2
    assert fitted.name == f"imap idle, {fitted.sessions} sessions (RLIMIT_NOFILE 20000)"
    rate = workloads(False)[0]
    assert fit_idle_sessions(rate, 10) is rate


def test_scaling_compares_each_proxys_two_worker_rate_with_its_one_worker_rate():
    document = _document()
    two = {"name": "imap login, 2 workers", "kind": "rate", "workers": 2,
           "summary": {"value": stats.summarise([{"reference": 800.0, "nginx": 900.0}], ["reference", "nginx"],
                                                ("reference", "nginx"))}}
    document["workloads"].append(two)
    assert report.scaling_lines(document) == ["* imap login: reference x1.60, nginx x1.80"]
    assert "* imap login: reference x1.60, nginx x1.80" in report.format_page(document, "p.png")
