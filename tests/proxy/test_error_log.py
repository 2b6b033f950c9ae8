"""error_log: nginx's line format, level filtering and a per-server log, on mailwire-proxy and nginx 1.22."""

import re
import signal

from proxy_processes import free_port, wait_until

TIMESTAMP = r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d"


def connected_line(pid, client_port, server_port):
    return re.compile(rf"^{TIMESTAMP} \[info\] {pid}#{pid}: \*\d+ client 127\.0\.0\.1:{client_port} "
                      rf"connected to 127\.0\.0\.1:{server_port}$", re.M)


def read(path):
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def session(clients, port):
    """One short IMAP session; returns the client's local port."""
    client = clients(port)
    local_port = client.sock.getsockname()[1]
    assert client.line() == b"* OK IMAP4 ready"
    assert client.command("a LOGOUT") == [b"* BYE", b"a OK completed"]
    assert client.at_eof()
    return local_port


def test_connected_line_has_nginx_format(proxy, start_proxy, clients):
    running = start_proxy(proxy)
    local_port = session(clients, running.port)
    pattern = connected_line(running.popen.pid, local_port, running.port)
    wait_until(lambda: pattern.search(running.error_log()), "the connected line")
    for line in running.error_log().splitlines():
        assert re.match(rf"{TIMESTAMP} \[(debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: ", line), line


def test_error_level_log_gets_no_info_lines(proxy, start_proxy, clients):
    running = start_proxy(proxy, error_log="error")
    session(clients, running.port)
    running.signal(signal.SIGTERM)
    assert running.wait_exit() == 0
    assert "[info]" not in running.error_log()
    assert "connected to" not in running.error_log()


def test_per_server_error_log(proxy, start_proxy, clients, tmp_path):
    own_port, shared_port = free_port(), free_port()
    server_log = tmp_path / "server.log"
    running = start_proxy(proxy, (
        "mail {\n    auth_http 127.0.0.1:9/auth;\n"
        f"    server {{ listen 127.0.0.1:{own_port}; protocol imap; error_log {server_log} info; }}\n"
        f"    server {{ listen 127.0.0.1:{shared_port}; protocol imap; }}\n}}\n"), port=own_port, error_log="info")
    pid = running.popen.pid
    own_client = session(clients, own_port)
    shared_client = session(clients, shared_port)
    wait_until(lambda: connected_line(pid, own_client, own_port).search(read(server_log)),
               "the connected line in the server's own log")
    wait_until(lambda: connected_line(pid, shared_client, shared_port).search(running.error_log()),
               "the other server's connected line in the main log")
    running.signal(signal.SIGTERM)
    assert running.wait_exit() == 0
    assert f"127.0.0.1:{own_client} connected" not in running.error_log()
    assert f"127.0.0.1:{shared_client} connected" not in read(server_log)
