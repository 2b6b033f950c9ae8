"""Foreground runs, pid file, and the TERM / QUIT / HUP signals and `-s` commands, on mailwire-proxy and nginx 1.22."""

import os
import re
import signal
import subprocess

import pytest

from proxy_processes import alive, connect_refused, descendants, free_port, greets, imap_server_block, wait_until

MODES = [pytest.param(True, 2, id="master-2-workers"), pytest.param(False, 1, id="single-process")]


def pid_in_file(running):
    try:
        text = running.pid_file.read_text()
    except OSError:
        return None
    return int(text) if text.strip().isdigit() and text.endswith("\n") else None


def capability_line(client):
    lines = client.command("c1 CAPABILITY")
    assert lines[-1] == b"c1 OK completed"
    return lines[0]


@pytest.mark.parametrize("master,workers", MODES)
def test_foreground_run_writes_and_removes_the_pid_file(proxy, start_proxy, clients, master, workers):
    running = start_proxy(proxy, master=master, workers=workers)
    assert wait_until(lambda: pid_in_file(running), "the pid file") == running.popen.pid
    client = clients(running.port)
    assert client.line() == b"* OK IMAP4 ready"
    assert client.command("a NOOP") == [b"a OK completed"]
    if master:
        assert len(wait_until(lambda: len(descendants(running.popen.pid)) == workers and
                              descendants(running.popen.pid), "the workers")) == workers
    running.signal(signal.SIGTERM)
    assert running.wait_exit() == 0
    assert not running.pid_file.exists()


@pytest.mark.parametrize("master,workers", MODES)
def test_term_exits_with_an_idle_session_open(proxy, start_proxy, clients, master, workers):
    running = start_proxy(proxy, master=master, workers=workers)
    client = clients(running.port)
    assert client.line() == b"* OK IMAP4 ready"
    assert client.command("a NOOP") == [b"a OK completed"]
    workers_before = descendants(running.popen.pid)
    running.signal(signal.SIGTERM)
    assert running.wait_exit() == 0
    assert client.at_eof()
    assert not running.pid_file.exists()
    wait_until(lambda: not any(alive(pid) for pid in workers_before), "the workers to exit")


def test_quit_drains_open_sessions(proxy, start_proxy, clients):
    running = start_proxy(proxy, master=True, workers=2)
    client = clients(running.port)
    assert client.line() == b"* OK IMAP4 ready"
    assert client.command("a NOOP") == [b"a OK completed"]
    running.signal(signal.SIGQUIT)
    wait_until(lambda: connect_refused(running.port), "new connections to be refused")
    assert client.command("b NOOP") == [b"b OK completed"]
    assert running.popen.poll() is None
    assert client.command("c LOGOUT") == [b"* BYE", b"c OK completed"]
    assert client.at_eof()
    assert running.wait_exit() == 0
    assert not running.pid_file.exists()


@pytest.mark.parametrize("master,workers", MODES)
def test_hup_loads_the_new_config_and_keeps_old_sessions(proxy, start_proxy, clients, master, workers):
    if proxy.kind == "nginx" and not master:
        pytest.skip("nginx's single-process mode (a debugging mode) re-reads the config on HUP but never "
                    "starts the new listeners or uses the new servers")
    port = free_port()
    running = start_proxy(proxy, imap_server_block(port), port=port, master=master, workers=workers)
    old = clients(port)
    assert old.line() == b"* OK IMAP4 ready"
    old_capabilities = capability_line(old)
    assert b"XRELOADED" not in old_capabilities

    new_port = free_port()
    running.write_config(
        "mail {\n    auth_http 127.0.0.1:9/auth;\n    imap_capabilities IMAP4rev1 XRELOADED;\n"
        f"    server {{ listen 127.0.0.1:{port}; protocol imap; }}\n"
        f"    server {{ listen 127.0.0.1:{new_port}; protocol imap; }}\n}}\n",
        master=master, workers=workers)
    running.signal(signal.SIGHUP)
    wait_until(lambda: greets(new_port), "the new port to answer")

    def new_config_seen():
        client = clients(port)
        try:
            assert client.line() == b"* OK IMAP4 ready"
            return b"XRELOADED" in capability_line(client)
        finally:
            client.close()  # an open probe would keep an old worker alive

    wait_until(new_config_seen, "connections to the old port to see the new capabilities")
    fresh = clients(new_port)
    assert fresh.line() == b"* OK IMAP4 ready"
    assert b"XRELOADED" in capability_line(fresh)
    assert capability_line(old) == old_capabilities
    assert old.command("d NOOP") == [b"d OK completed"]
    assert running.popen.poll() is None
    if master:
        old_workers = descendants(running.popen.pid)
        assert old.command("e LOGOUT") == [b"* BYE", b"e OK completed"]
        assert old.at_eof()
        # The old generation's workers leave once their last session is done; the new ones stay.
        wait_until(lambda: len(descendants(running.popen.pid)) == workers, "only the new workers to remain")
        assert set(descendants(running.popen.pid)) <= set(old_workers)


@pytest.mark.parametrize("master,workers", MODES)
def test_hup_with_a_broken_config_keeps_the_old_one(proxy, start_proxy, clients, master, workers):
    running = start_proxy(proxy, master=master, workers=workers)
    running.conf.write_text(running.conf.read_text() + "foo bar;\n")
    bad_line = len(running.conf.read_text().splitlines())
    running.signal(signal.SIGHUP)
    expected = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[emerg\] \d+#\d+: "
                          + re.escape(f'unknown directive "foo" in {running.conf}:{bad_line}') + "$", re.M)
    wait_until(lambda: expected.search(running.error_log()), "the [emerg] line in the error log")
    assert running.popen.poll() is None
    client = clients(running.port)
    assert client.line() == b"* OK IMAP4 ready"
    assert client.command("a NOOP") == [b"a OK completed"]


def signal_command(running, name):
    argv = running.proxy.argv(running.prefix, running.conf, "-s", name)
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("name", ["stop", "quit"])
def test_s_stop_and_quit_end_the_running_proxy(proxy, start_proxy, name):
    running = start_proxy(proxy, master=True, workers=2)
    wait_until(lambda: pid_in_file(running), "the pid file")
    result = signal_command(running, name)
    assert result.returncode == 0, result.stderr
    assert running.wait_exit() == 0
    assert not running.pid_file.exists()


def test_s_reload_applies_the_new_config(proxy, start_proxy, clients):
    port = free_port()
    running = start_proxy(proxy, imap_server_block(port), port=port, master=True, workers=2)
    wait_until(lambda: pid_in_file(running), "the pid file")
    running.write_config(imap_server_block(port, capabilities=["IMAP4rev1", "XRELOADED"]), master=True, workers=2)
    result = signal_command(running, "reload")
    assert result.returncode == 0, result.stderr

    def new_config_seen():
        client = clients(port)
        try:
            assert client.line() == b"* OK IMAP4 ready"
            return b"XRELOADED" in capability_line(client)
        finally:
            client.close()  # an open probe would keep an old worker alive

    wait_until(new_config_seen, "the reloaded capabilities")
    assert running.popen.poll() is None


def test_s_without_a_running_proxy_fails(proxy, tmp_path):
    conf = tmp_path / "proxy.conf"
    conf.write_text(proxy.config(tmp_path, imap_server_block(1)))
    result = subprocess.run(proxy.argv(tmp_path, conf, "-s", "stop"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"{tmp_path}/proxy.pid" in result.stderr


def test_killed_worker_is_replaced(proxy, start_proxy, clients):
    running = start_proxy(proxy, master=True, workers=2)
    workers = wait_until(lambda: len(descendants(running.popen.pid)) == 2 and descendants(running.popen.pid),
                         "two workers")
    os.kill(workers[0], signal.SIGKILL)
    wait_until(lambda: len(descendants(running.popen.pid)) == 2 and workers[0] not in descendants(running.popen.pid),
               "a new worker in place of the killed one")
    for _ in range(4):
        client = clients(running.port)
        assert client.line() == b"* OK IMAP4 ready"
        assert client.command("a NOOP") == [b"a OK completed"]
    assert running.popen.poll() is None


@pytest.mark.parametrize("master,workers", MODES)
def test_s_reopen_reopens_the_error_log(proxy, start_proxy, clients, master, workers):
    running = start_proxy(proxy, master=master, workers=workers)
    wait_until(lambda: pid_in_file(running), "the pid file")
    log = running.prefix / "error.log"
    log.rename(running.prefix / "error.log.1")
    result = signal_command(running, "reopen")
    assert result.returncode == 0, result.stderr

    def logged_in_new_file():
        client = clients(running.port)
        try:
            port = client.sock.getsockname()[1]
            assert client.line() == b"* OK IMAP4 ready"
            return f"client 127.0.0.1:{port} connected" in running.error_log()
        finally:
            client.close()

    wait_until(logged_in_new_file, "a connected line in the reopened error.log")
