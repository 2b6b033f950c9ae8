"""The recorder (harness/trace.py): every wire line of a run, on every leg, merged in time order."""

import json

from harness import processes
from harness.report import render_failure
from harness.runner import run_scenario
from harness.scenario import load_scenario
from harness.trace import (AUTH, CLIENT, PROXY, Arrow, Recorder, Trace, _FakeLog, aligned_starts, load_runs,
                           save_run, shown, split_lines)

from selftest_paths import FIXTURES


def test_split_lines_keeps_every_byte():
    assert split_lines(b"a1 OK\r\n* BYE\r\npart") == [b"a1 OK\r\n", b"* BYE\r\n", b"part"]
    assert split_lines(b"") == []
    assert b"".join(split_lines(b"\r\n\r\nx\n")) == b"\r\n\r\nx\n"


def test_ports_are_masked_only_where_they_stand_alone():
    trace = Trace("s.yaml", "t", "", "nginx", [CLIENT, PROXY], [], {"proxy_port": 4000, "backend_port:main": 40001})
    assert trace.mask_ports("Auth-Port: 40001\\r\\n") == "Auth-Port: ${backend_port:main}\\r\\n"
    assert trace.mask_ports("to 4000, not 14000 or 40002") == "to ${proxy_port}, not 14000 or 40002"


def test_a_trace_survives_json():
    arrows = [Arrow(0.0, CLIENT, PROXY, None, "connect"), Arrow(0.001, PROXY, CLIENT, b"* OK \xff\r\n"),
              Arrow(0.5, "backend main", PROXY, b"+ go\r\n", "piece", 2)]
    trace = Trace("s.yaml", "title", "about", "nginx", [CLIENT, PROXY, "backend main"], arrows, {"proxy_port": 1},
                  0.25)
    again = Trace.from_json(json.loads(json.dumps(trace.to_json())))
    assert again == trace
    assert shown(arrows[1]) == "* OK \\xFF\\r\\n" and shown(arrows[0]) == "<connect>"
    assert shown(arrows[2]) == "+ go\\r\\n (piece)"


def test_a_monotonic_stamp_in_the_transcript_fixes_the_fake_start_exactly(tmp_path):
    path = tmp_path / "auth.jsonl"
    path.write_text('{"conn": 1, "t": 0.5, "mono": 100.75, "event": "accept", "peer": "127.0.0.1:1"}\n')
    log = _FakeLog("auth", path, spawned_at=99.0)
    log.poll()
    log.close()
    assert log.start_bounds() == (100.25, 100.25)


def test_the_file_times_bound_the_fake_start(tmp_path):
    path = tmp_path / "backend-main.jsonl"
    path.write_text('{"conn": 1, "t": 0.010, "event": "accept", "peer": "127.0.0.1:1"}\n'
                    '{"conn": 1, "t": 0.011, "event": "send", "data": "* OK\\r\\n"}\n'
                    '{"conn": 1, "t": 0.012, "event": "recv", "data": "a1 LOG')  # half-written: left for later
    import time
    spawned = time.monotonic() - 5
    log = _FakeLog("backend-main", path, spawned_at=spawned)
    log.poll()
    log.close()
    assert [record["event"] for _, record in log.records] == ["accept", "send"]
    lower, upper = log.start_bounds()
    # The last record was written no later than it was seen: the start lies between the two bounds.
    assert spawned <= lower <= upper <= time.monotonic() - 0.011


def test_a_relayed_line_is_never_shown_before_its_original():
    """The backend's clock is known only within [0, 10] ms; the client read the backend's line at 5.2 ms, so the
    backend (which wrote it 1 ms after its start) cannot have started later than 4.2 ms."""
    client = [Arrow(0.0052, PROXY, CLIENT, b"a1 OK LOGIN completed\r\n")]
    backend = [Arrow(0.0, PROXY, "backend main", None, "connect"),
               Arrow(0.001, "backend main", PROXY, b"a1 OK LOGIN completed\r\n")]
    starts = aligned_starts({"backend-main": (backend, (0.0, 0.010))}, client)
    assert starts["backend-main"] + 0.001 < 0.0052
    assert starts["backend-main"] >= 0.0


def test_the_auth_server_answers_before_the_proxy_connects_to_the_backend():
    auth = [Arrow(0.0, PROXY, AUTH, b"GET /auth HTTP/1.0\r\n"), Arrow(0.0001, AUTH, PROXY, b"HTTP/1.0 200 OK\r\n")]
    backend = [Arrow(0.0, PROXY, "backend main", None, "connect")]
    starts = aligned_starts({"auth": (auth, (0.0, 0.050)), "backend-main": (backend, (0.020, 0.020))}, [])
    assert starts["auth"] + 0.0001 < starts["backend-main"]


def test_a_recorded_run_on_nginx_has_every_leg_in_order(fake_binary, nginx_proxy, tmp_path):
    scenario = load_scenario(FIXTURES / "pass" / "login-relay.yaml")
    result = run_scenario(scenario, nginx_proxy, fake_binary, runs_root=tmp_path, recorder=Recorder())
    assert result.ok, render_failure(result)
    assert not processes._live
    trace = result.trace
    assert trace.lanes == [CLIENT, PROXY, AUTH, "backend main"]
    assert trace.proxy_label == "nginx" and trace.scenario_path.endswith("fixtures/pass/login-relay.yaml")
    labels = [(arrow.sender, arrow.receiver, shown(arrow)) for arrow in trace.arrows]
    times = [arrow.at for arrow in trace.arrows]
    assert times == sorted(times) and times[0] == 0.0

    def position(sender, receiver, text):
        return labels.index((sender, receiver, text))

    # Each leg's lines as the scenario has them, and causality across the legs.
    login = position(CLIENT, PROXY, "r1 LOGIN alice secret\\r\\n")
    auth_request = position(PROXY, AUTH, "GET /auth HTTP/1.0\\r\\n")
    auth_answer = position(AUTH, PROXY, "Auth-Status: OK\\r\\n")
    backend_connect = position(PROXY, "backend main", "<connect>")
    backend_ok = position("backend main", PROXY, "r1 OK LOGIN completed\\r\\n")
    client_ok = position(PROXY, CLIENT, "r1 OK LOGIN completed\\r\\n")
    assert position(CLIENT, PROXY, "<connect>") < position(PROXY, CLIENT, "* OK IMAP4 ready\\r\\n") < login
    assert login < auth_request < auth_answer < backend_connect < backend_ok < client_ok
    assert (PROXY, AUTH, "Auth-Pass: secret\\r\\n") in labels and (PROXY, AUTH, "\\r\\n") in labels
    port_line = next(text for sender, _, text in labels if sender == AUTH and text.startswith("Auth-Port:"))
    assert trace.mask_ports(port_line) == "Auth-Port: ${backend_port:main}\\r\\n"
    assert trace.ports["backend_port:main"] == int(port_line.split(": ")[1].split("\\")[0])


def test_runs_are_saved_and_loaded_for_the_report(fake_binary, nginx_proxy, tmp_path):
    scenario = load_scenario(FIXTURES / "wrong" / "login-wrong.yaml")
    result = run_scenario(scenario, nginx_proxy, fake_binary, runs_root=tmp_path / "runs", recorder=Recorder())
    save_run(result, tmp_path / "traces")
    runs = load_runs(tmp_path / "traces")
    assert list(runs) == [(result.scenario_path, "nginx")]
    run = runs[(result.scenario_path, "nginx")]
    assert not run.ok and run.trace.to_json() == result.trace.to_json()  # times kept to the microsecond
    failing = [leg for leg in run.legs if not leg["ok"]]
    assert [leg["name"] for leg in failing] == ["auth_http", "backend main, connection 1"]
    assert ["C: Auth-Login-Attempt: 2", "C: Auth-Login-Attempt: 1", False] in failing[0]["rows"]
