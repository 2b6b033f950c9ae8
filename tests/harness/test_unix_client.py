"""`client_address: "unix"`: the proxy listens on ${proxy_socket} in the run's folder; the harness waits until it
accepts there and the client connects over AF_UNIX."""

import os
import sys
import textwrap

import pytest

from harness import processes
from harness.client import ClientScript
from harness.processes import (UNIX_PATH_MAX, ManagedProcess, ProcessError, stop_all, unix_socket_path,
                               wait_for_unix_listening)
from harness.report import render_failure
from harness.runner import ScenarioRun, run_scenario
from harness.scenario import Placeholders, ScenarioError, Step, load_scenario

from selftest_paths import FIXTURES

UNIX_MINIMAL = ('client_address: "unix"\ntitle: t\nconfig: "mail { server { listen unix:${proxy_socket}; } }"\n'
                "client: [{close: true}]\n")

# A stand-in proxy on a unix-domain socket: greets every connection with the peer address accept() returned
# (an unnamed client socket has the empty name) and closes it.
UNIX_GREETER = textwrap.dedent("""\
    import socket, sys
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sys.argv[1])
    listener.listen(8)
    while True:
        conn, peer = listener.accept()
        try:
            conn.sendall(f"* OK from unix [{peer}]\\r\\n".encode())
        except OSError:
            pass
        conn.close()
""")


def write(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def load_error(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return path, str(caught.value)


def test_unix_client_loads(tmp_path):
    assert load_scenario(write(tmp_path, UNIX_MINIMAL)).client_address == "unix"


def test_proxy_socket_without_a_unix_client_names_file_and_line(tmp_path):
    path, message = load_error(tmp_path, "title: t\nconfig: |\n  listen unix:${proxy_socket};\n"
                                         "client: [{close: true}]\n")
    assert message.startswith(f"{path}:2: ${{proxy_socket}} needs client_address: \"unix\""), message


def test_a_unix_client_needs_the_config_to_listen_on_proxy_socket(tmp_path):
    path, message = load_error(tmp_path, 'title: t\nclient_address: "unix"\n'
                                         "config: |\n  listen 127.0.0.1:${proxy_port};\nclient: [{close: true}]\n")
    assert message.startswith(f"{path}:2: "), message
    assert "listen unix:${proxy_socket};" in message


def test_proxy_socket_is_substituted_and_escaped_for_log_patterns():
    values = Placeholders(proxy_port=1001, auth_port=1002, backend_ports={}, dir="/r", proxy_socket="/r/proxy.sock")
    assert values.substitute("listen unix:${proxy_socket}; # ${proxy_port}") == "listen unix:/r/proxy.sock; # 1001"
    assert values.substitute("server: unix:${proxy_socket}", escape=True) == r"server: unix:/r/proxy\.sock"


def test_the_socket_lies_in_the_run_folder_unless_that_is_too_deep(tmp_path):
    path, folder = unix_socket_path(str(tmp_path))
    assert (path, folder) == (os.path.join(str(tmp_path), "proxy.sock"), None)
    deep = str(tmp_path / ("d" * 120))
    path, folder = unix_socket_path(deep)
    try:
        assert folder is not None and os.path.isdir(folder) and path == os.path.join(folder, "proxy.sock")
        assert len(os.fsencode(path)) <= UNIX_PATH_MAX and not os.path.exists(path)
    finally:
        os.rmdir(folder)


def test_the_client_waits_for_the_socket_then_connects_over_af_unix(tmp_path):
    path = str(tmp_path / "proxy.sock")
    greeter = ManagedProcess("greeter", [sys.executable, "-c", UNIX_GREETER, path], str(tmp_path))
    try:
        wait_for_unix_listening(greeter, path)
        steps = [Step("expect", "* OK from unix []", 1), Step("reconnect", True, 2),
                 Step("expect", "* OK from unix []", 3), Step("expect_close", True, 4)]
        leg = ClientScript(1, steps, 3000, unix_path=path).run()
        assert leg.ok, [(row.expected, row.actual) for row in leg.rows]
    finally:
        assert stop_all([greeter]) == []


def test_waiting_names_the_socket(tmp_path):
    idle = ManagedProcess("proxy", [sys.executable, "-c", "import time; time.sleep(60)"], str(tmp_path))
    path = str(tmp_path / "proxy.sock")
    try:
        with pytest.raises(ProcessError) as caught:
            wait_for_unix_listening(idle, path, timeout_s=0.2)
        assert f"did not listen on unix:{path}" in str(caught.value)
    finally:
        assert stop_all([idle]) == []


@pytest.mark.parametrize("depth", [0, 120], ids=["in-run-folder", "deep-run-folder"])
def test_unix_scenario_passes_on_nginx(depth, fake_binary, nginx_proxy, tmp_path):
    run = ScenarioRun(load_scenario(FIXTURES / "pass" / "unix-client.yaml"), nginx_proxy, fake_binary,
                      runs_root=tmp_path / ("r" * depth) if depth else tmp_path)
    result = run.run()
    assert result.ok, render_failure(result)
    assert not processes._live, "a process of the run is still registered as running"
    if depth:  # the run folder was too deep for sun_path: the socket had a short folder of its own, removed now
        assert run.socket_folder is not None and not os.path.exists(run.socket_folder)
        assert run.placeholders.proxy_socket.startswith(run.socket_folder + os.sep)
    else:
        assert run.socket_folder is None and run.placeholders.proxy_socket.startswith(run.run_dir + os.sep)


def test_unix_scenario_fails_when_an_ip_address_is_expected(fake_binary, nginx_proxy, tmp_path):
    result = run_scenario(load_scenario(FIXTURES / "wrong" / "unix-client-ip.yaml"), nginx_proxy, fake_binary,
                          runs_root=tmp_path)
    assert [leg.name for leg in result.legs if not leg.ok] == ["auth_http"]
    report = render_failure(result)
    assert ">> C: Client-IP: 127.0.0.1" in report and "C: Client-IP: unix:" in report
