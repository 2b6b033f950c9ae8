"""`client_address`: the client on IPv4 or IPv6 loopback; the proxy's port is reserved, awaited and reached there."""

import sys
import textwrap

import pytest

from harness import processes
from harness.client import ClientScript
from harness.processes import ManagedProcess, ProcessError, reserve_port, stop_all, wait_for_listening
from harness.report import render_failure
from harness.runner import run_scenario
from harness.scenario import DEFAULT_CLIENT_ADDRESS, ScenarioError, Step, load_scenario

from selftest_paths import FIXTURES

MINIMAL = "title: t\nconfig: x\nclient: [{close: true}]\n"

# A stand-in proxy: binds host:port with SO_REUSEADDR as nginx does (while the harness still holds the port),
# listens, and greets every connection with the peer address it saw.
GREETER = textwrap.dedent("""\
    import socket, sys
    host, port = sys.argv[1], int(sys.argv[2])
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(8)
    while True:
        conn, peer = listener.accept()
        try:
            conn.sendall(f"* OK from {peer[0]}\\r\\n".encode())
        except OSError:
            pass
        conn.close()
""")


def load(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path, load_scenario(path)


def test_client_address_defaults_to_ipv4_loopback(tmp_path):
    _, scenario = load(tmp_path, MINIMAL)
    assert scenario.client_address == DEFAULT_CLIENT_ADDRESS == "127.0.0.1"


@pytest.mark.parametrize("value", ["127.0.0.1", "::1"])
def test_both_loopback_addresses_load(tmp_path, value):
    _, scenario = load(tmp_path, f'client_address: "{value}"\n' + MINIMAL)
    assert scenario.client_address == value


@pytest.mark.parametrize("value, words", [
    ('"::2"', "client_address must be one of '127.0.0.1', '::1', 'unix', got '::2'"),
    ('"[::1]"', "got '[::1]'"),
    ('"localhost"', "got 'localhost'"),
    ("6", "client_address must be a string"),
])
def test_other_client_addresses_name_file_and_line(tmp_path, value, words):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL + f"client_address: {value}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:4: "), str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_reserved_port_is_held_until_the_proxy_listens_then_reached_from_host(host, tmp_path):
    reserved = reserve_port(host)
    port = reserved.getsockname()[1]
    greeter = ManagedProcess("greeter", [sys.executable, "-c", GREETER, host, str(port)], str(tmp_path))
    try:
        wait_for_listening(greeter, port, host=host)
        reserved.close()
        leg = ClientScript(port, [Step("expect", f"* OK from {host}", 1), Step("expect_close", True, 2)], 3000,
                           host).run()
        assert leg.ok, [(row.expected, row.actual) for row in leg.rows]
    finally:
        reserved.close()
        assert stop_all([greeter]) == []


def test_waiting_names_the_ipv6_address_in_brackets(tmp_path):
    reserved = reserve_port("::1")
    port = reserved.getsockname()[1]
    idle = ManagedProcess("proxy", [sys.executable, "-c", "import time; time.sleep(60)"], str(tmp_path))
    try:
        with pytest.raises(ProcessError) as caught:
            wait_for_listening(idle, port, timeout_s=0.2, host="::1")
        assert f"did not listen on [::1]:{port}" in str(caught.value)
    finally:
        reserved.close()
        assert stop_all([idle]) == []


def test_ipv6_scenario_passes_on_nginx(fake_binary, nginx_proxy, tmp_path):
    scenario = load_scenario(FIXTURES / "pass" / "ipv6-client.yaml")
    assert scenario.client_address == "::1"
    result = run_scenario(scenario, nginx_proxy, fake_binary, runs_root=tmp_path)
    assert result.ok, render_failure(result)
    assert not processes._live, "a process of the run is still registered as running"


def test_ipv6_scenario_fails_when_the_client_ip_expected_is_ipv4(fake_binary, nginx_proxy, tmp_path):
    path = tmp_path / "ipv4-expected.yaml"
    path.write_text((FIXTURES / "pass" / "ipv6-client.yaml").read_text()
                    .replace('"Client-IP: ::1"', '"Client-IP: 127.0.0.1"'))
    result = run_scenario(load_scenario(path), nginx_proxy, fake_binary, runs_root=tmp_path / "runs")
    assert [leg.name for leg in result.legs if not leg.ok] == ["auth_http"]
    assert ">> C: Client-IP: 127.0.0.1" in render_failure(result)
