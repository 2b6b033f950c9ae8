"""error_log ... debug: mailwire-proxy's step-by-step lines for learners (no byte-for-byte obligation to nginx's)."""

import re
import signal

from proxy_processes import wait_until

DEBUG_LINE = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[debug\] \d+#\d+: \*\d+ (?P<message>.*)$")


def login_against_a_dead_auth_server(clients, port):
    client = clients(port)
    assert client.line() == b"* OK IMAP4 ready"
    client.send("a1 LOGIN alice secret")
    assert client.line() == b"* BAD internal server error"
    assert client.at_eof()


def test_debug_level_follows_the_session_step_by_step(reference, start_proxy, clients):
    running = start_proxy(reference, error_log="debug")
    login_against_a_dead_auth_server(clients, running.port)
    wait_until(lambda: "mail send to client" in running.error_log(), "the debug lines")
    running.signal(signal.SIGTERM)
    assert running.wait_exit() == 0
    messages = [m.group("message") for m in map(DEBUG_LINE.match, running.error_log().splitlines()) if m]
    context = f", client: 127.0.0.1, server: 127.0.0.1:{running.port}"
    expected_in_order = [
        'mail send to client: "* OK IMAP4 ready\\r\\n"',
        'mail read from client: "a1 LOGIN alice secret\\r\\n"',
        "mail state: asking auth_http",
        'mail auth http request: "GET /auth HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\nAuth-Method: plain\\r\\n',
        "mail auth http reply: none",
        'mail send to client: "* BAD internal server error\\r\\n"',
    ]
    position = 0
    for wanted in expected_in_order:
        while position < len(messages) and not messages[position].startswith(wanted):
            position += 1
        assert position < len(messages), f"no debug line starting {wanted!r} in order:\n" + "\n".join(messages)
        assert context in messages[position], messages[position]
    # Wire bytes never break a line: every line of the log is a whole log line.
    for line in running.error_log().splitlines():
        assert re.match(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: ", line), line


def test_info_level_writes_no_debug_lines(reference, start_proxy, clients):
    running = start_proxy(reference, error_log="info")
    login_against_a_dead_auth_server(clients, running.port)
    running.signal(signal.SIGTERM)
    assert running.wait_exit() == 0
    assert "[debug]" not in running.error_log()
    assert "client logged in" not in running.error_log()
