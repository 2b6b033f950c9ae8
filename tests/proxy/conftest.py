"""Fixtures for mailwire-proxy's process-control and command-line tests (and the same checks on real nginx 1.22).

Binaries: $MAILWIRE_BUILD, else <repo>/build, else the newest build*/ with reference/mailwire-proxy and the fake.
Everything binds 127.0.0.1 on ephemeral ports; every process a test starts is stopped by PID at teardown
(TERM, then KILL), together with any children (workers) it forked.
"""

import os
import time

import pytest

from proxy_processes import (FAKE_BINARY, NGINX, NGINX_MAIL_MODULE, PROXY_BINARY, WAIT_S, ImapClient, Processes,
                             Proxy, Running, free_port, greets, imap_server_block)


@pytest.fixture
def processes():
    procs = Processes()
    try:
        yield procs
    finally:
        procs.stop_all()


@pytest.fixture
def reference():
    if not os.access(PROXY_BINARY, os.X_OK):
        pytest.skip(f"mailwire-proxy is not built: {PROXY_BINARY} (set MAILWIRE_BUILD)")
    return Proxy("reference", PROXY_BINARY)


@pytest.fixture
def nginx():
    if not os.access(NGINX, os.X_OK) or not os.path.exists(NGINX_MAIL_MODULE):
        pytest.skip("real nginx with the mail module is needed")
    return Proxy("nginx", NGINX)


@pytest.fixture(params=["reference", "nginx"])
def proxy(request):
    """Runs a test on mailwire-proxy and on nginx 1.22 (the oracle)."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def fake_binary():
    if not os.access(FAKE_BINARY, os.X_OK):
        pytest.skip(f"mailwire-fake is not built: {FAKE_BINARY} (set MAILWIRE_BUILD)")
    return FAKE_BINARY


@pytest.fixture
def clients():
    opened = []

    def connect(port):
        client = ImapClient(port)
        opened.append(client)
        return client

    try:
        yield connect
    finally:
        for client in opened:
            client.close()


@pytest.fixture
def start_proxy(processes, tmp_path):
    """start_proxy(proxy, mail_block=None, master=..., workers=..., error_log=...) -> Running, once it greets."""

    def start(proxy, mail_block=None, port=None, **options):
        port = port or free_port()
        prefix = tmp_path
        conf = prefix / "proxy.conf"
        conf.write_text(proxy.config(prefix, mail_block or imap_server_block(port), **options))
        popen = processes.start(proxy.argv(prefix, conf), prefix, proxy.kind)
        running = Running(proxy, popen, conf, prefix, port)
        deadline = time.monotonic() + WAIT_S
        while not greets(port):
            if popen.poll() is not None:
                pytest.fail(f"{proxy.name} exited with {popen.returncode}:\n{running.stderr()}{running.error_log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{proxy.name} did not greet on 127.0.0.1:{port} within {WAIT_S:.0f} s")
            time.sleep(0.02)
        return running

    return start
