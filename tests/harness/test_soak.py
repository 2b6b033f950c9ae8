"""The soak's pieces (harness/soak): seeded plans, message bodies, the error-log table, the growth checks, and a
short run through the real reference proxy whose backend corrupts downloads, which must be caught. (A whole
soak that passes is `./mailwire test`'s soak stage.)"""

import os

import pytest

from selftest_paths import REPO_ROOT

from harness.soak import content, errorlog, report
from harness.soak.driver import RunResult, SoakDriver
from harness.soak.plan import FAULTS, SessionPlan, Transfer, make_plans
from harness.soak.servers import _BackendSession


def reference_proxy():
    from harness.proxies import ReferenceProxy

    build = os.environ.get("MAILWIRE_BUILD", str(REPO_ROOT / "build"))
    proxy = ReferenceProxy(build)
    if proxy.problem():
        pytest.skip(proxy.problem())
    return proxy


def test_a_seed_names_the_whole_plan():
    first = make_plans(7, 300, 60, 5)
    again = make_plans(7, 300, 60, 5)
    other = make_plans(8, 300, 60, 5)
    assert [(p.protocol, p.fault, p.start_at, p.hold_s) for p in first] == \
           [(p.protocol, p.fault, p.start_at, p.hold_s) for p in again]
    assert [p.fault for p in first] != [p.fault for p in other]
    assert all(0 <= p.start_at < 60 for p in first)
    assert [p.start_at for p in first] == sorted(p.start_at for p in first)


def test_every_fault_is_drawn_on_every_protocol_it_applies_to():
    drawn = {(p.protocol, p.fault) for p in make_plans(3, 6000, 60, 5)}
    for fault, _, protocols in FAULTS:
        for protocol in protocols:
            assert (protocol, fault) in drawn


def test_only_fault_free_sessions_hold_and_faults_get_what_they_need():
    for plan in make_plans(5, 2000, 60, 10):
        assert (plan.hold_s > 0) == (plan.fault == "none") or plan.hold_s == 0
        assert 0 <= plan.hold_s <= 20
        if plan.fault == "backend:relay_reset":
            assert plan.transfers[0].direction == ("up" if plan.protocol == "smtp" else "down")
        if plan.protocol == "pop3":
            assert all(t.direction == "down" for t in plan.transfers)
        if plan.protocol == "smtp":
            assert all(t.direction == "up" for t in plan.transfers)


def test_dot_stuffing_round_trips_text_bodies():
    body = content.text_body(11, 5000)
    assert body.endswith(b"\r\n") and b"\r\n." in body and body.startswith(b".")
    wire = content.dot_stuff(body)
    assert wire.endswith(b"\r\n.\r\n") and wire.startswith(b"..")
    assert content.dot_unstuff(wire) == body


def test_bodies_are_reproducible_from_their_seed():
    assert content.binary_body(5, 1000) == content.binary_body(5, 1000)
    assert content.binary_body(5, 1000) != content.binary_body(6, 1000)
    assert len(content.text_body(9, 100000)) >= 100000 - 76


@pytest.mark.parametrize("line,kind", [
    ("2026/12/06 23:23:38 [info] 12#12: *5 client 127.0.0.1:40000 connected to 127.0.0.1:1143", "connected"),
    ("2026/12/06 23:23:38 [error] 12#12: *5 recv() failed (111: Connection refused) while reading response from "
     "upstream, client: 127.0.0.1, server: 127.0.0.1:1, login: \"s2\", upstream: 127.0.0.1:2", "upstream refused"),
    ("2026/12/06 23:23:38 [error] 12#12: *9 auth http server 127.0.0.1:9000 timed out (110: Connection timed out) "
     "while in http auth state, client: 127.0.0.1, server: 127.0.0.1:1", "auth timed out"),
    ("2026/12/06 23:23:38 [info] 12#12: *9 client timed out (110: Connection timed out) while proxying, "
     "client: 127.0.0.1", "client timed out"),
    ("2026/12/06 23:23:38 [alert] 12#12: *9 something nobody expected", None),
    ("not a log line", None),
])
def test_error_log_lines_are_classified_by_the_table(line, kind):
    assert errorlog.classify_line(line) == kind


def _result(rss_values, fds_values, first=0.0, last=100.0):
    result = RunResult()
    result.timeline = {"first_start": first, "last_start": last}
    result.samples = [(float(t), fds, rss, 0) for t, (fds, rss) in enumerate(zip(fds_values, rss_values))]
    return result


def test_growth_after_the_warm_up_fails_and_flat_use_passes():
    flat = _result([50000] * 110, [10] + [100] * 108 + [60])
    checks = {name: ok for name, _, ok in report.growth_checks(flat, hold_s=5)}
    assert checks == {"fds at the end": False, "spare pipes at the end": True, "fds growth": True,
                      "RSS growth": True}
    leaking = _result([50000 + 300 * t for t in range(110)], [10] + [100 + t for t in range(108)] + [10])
    checks = {name: ok for name, _, ok in report.growth_checks(leaking, hold_s=5)}
    assert checks == {"fds at the end": True, "spare pipes at the end": True, "fds growth": False,
                      "RSS growth": False}


def test_spare_splice_pipes_are_counted_apart_within_the_pools_bound():
    def ending_with(fds, pipes):
        result = _result([50000] * 20, [10] * 20)
        result.samples = [(t, 10, 50000, 0, 0) for t in range(19)] + [(19.0, fds, 50000, 0, pipes)]
        return {name: ok for name, _, ok in report.growth_checks(result, hold_s=5)}

    kept = ending_with(10 + 4, 4)  # two spare pipes: not the sessions' descriptors
    assert kept["fds at the end"] and kept["spare pipes at the end"]
    leaked = ending_with(10 + 4 + 3, 4)  # three sockets more than idle
    assert not leaked["fds at the end"]
    hoarded = ending_with(10 + report.SPARE_PIPE_FDS + 2, report.SPARE_PIPE_FDS + 2)
    assert hoarded["fds at the end"] and not hoarded["spare pipes at the end"]


def test_a_backend_that_corrupts_downloads_is_caught(tmp_path, monkeypatch):
    proxy = reference_proxy()
    original = _BackendSession.send_cut

    async def corrupting(self, head, body, tail):
        flipped = bytearray(body)
        flipped[len(flipped) // 2] ^= 0x01
        return await original(self, head, bytes(flipped), tail)

    monkeypatch.setattr(_BackendSession, "send_cut", corrupting)
    plans = [SessionPlan(sid, protocol, "none", 0.05 * sid, transfers=[Transfer("down", 3000, sid)])
             for sid, protocol in ((1, "imap"), (2, "pop3"))]
    plans.append(SessionPlan(3, "smtp", "auth:deny", 0.0, transfers=[Transfer("up", 100, 3)]))
    result = SoakDriver(proxy, plans, str(tmp_path), concurrency=10, progress=lambda text: None).run()
    outcomes = {plan.sid: outcome for plan, outcome in result.outcomes}
    assert outcomes[1].kind == "unexpected" and "differs" in outcomes[1].detail
    assert outcomes[2].kind == "unexpected" and "differs" in outcomes[2].detail
    assert outcomes[3].kind == "expected"


def test_a_driver_that_fell_behind_makes_the_run_unjudgeable():
    result = _result([50000] * 110, [10] + [100] * 108 + [10])
    result.loop_lags = [0.01] * 995 + [0.9] * 5
    summary = report.summarize(result, {}, [], hold_s=5)
    assert report.failures(summary) == []
    result.loop_lags = [0.01] * 980 + [0.9] * 20
    summary = report.summarize(result, {}, [], hold_s=5)
    assert any("too loaded" in text for text in report.failures(summary))
