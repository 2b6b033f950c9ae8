"""The client steps tls, starttls, send_proxy and reconnect: loading and validation (file and line), and the
client leg against a local TLS peer (records, early data, failed and stalled handshakes, sessions)."""

import socket
import ssl
import textwrap
import threading

import pytest

from harness.client import ClientScript
from harness.proxy_header import ProxyHeader
from harness.scenario import ScenarioError, StartTls, Step, TlsOptions, load_scenario

HEAD = "title: t\nconfig: x\nclient:\n"


def load(tmp_path, client_steps, head=HEAD):
    path = tmp_path / "s.yaml"
    path.write_text(head + textwrap.indent(textwrap.dedent(client_steps), "  "))
    return path, load_scenario(path)


def test_tls_steps_load(tmp_path):
    _, scenario = load(tmp_path, """\
        - tls: true
        - expect: "* OK"
        - reconnect: true
        - tls: {cert: client-good, alpn: [imap, pop3], server_name: mail.example.test, protocols: [TLSv1.2],
                ciphers: "ECDHE+AESGCM", verify: true, reuse_session: true, expect_resumed: true,
                expect_alpn: null, expect_protocol: TLSv1.2, expect_cipher: ECDHE-RSA-AES256-GCM-SHA384}
        - reconnect: true
        - starttls: {send: "a1 STARTTLS", expect: "a1 OK completed", expect_failure: true}
        """)
    steps = scenario.client
    assert [step.kind for step in steps] == ["tls", "expect", "reconnect", "tls", "reconnect", "starttls"]
    assert steps[0].value == TlsOptions()
    options = steps[3].value
    assert (options.cert, options.alpn, options.server_name, options.protocols, options.ciphers) == (
        "client-good", ["imap", "pop3"], "mail.example.test", ["TLSv1.2"], "ECDHE+AESGCM")
    assert options.verify and options.reuse_session and not options.expect_failure
    assert options.expect == {"resumed": True, "alpn": None, "protocol": "TLSv1.2",
                              "cipher": "ECDHE-RSA-AES256-GCM-SHA384"}
    assert steps[5].value == StartTls("a1 STARTTLS", "a1 OK completed", TlsOptions(expect_failure=True))
    assert scenario.uses_certs


def test_certs_placeholder_and_send_proxy_load(tmp_path):
    _, scenario = load(tmp_path, """\
        - send_proxy: {version: 1, source: "192.0.2.7:40000", destination: "198.51.100.1:25"}
        - send_proxy: {version: 1, protocol: UNKNOWN}
        - send_proxy: {version: 2, source: "[::1]:1", destination: "[::1]:2", tlvs: [{type: ALPN, value: imap},
                       {type: 0xE0, value: "\\x00"}]}
        - send_proxy: {version: 2, command: local}
        - close: true
        """, head="title: t\nconfig: 'ssl_certificate ${certs}/server-rsa.pem;'\nclient:\n")
    assert scenario.uses_certs
    headers = [step.value for step in scenario.client[:4]]
    assert all(isinstance(value, ProxyHeader) for value in headers)
    assert [(h.version, h.protocol, h.command) for h in headers] == [
        (1, "TCP4", "proxy"), (1, "UNKNOWN", "proxy"), (2, "TCP6", "proxy"), (2, "UNSPEC", "local")]
    assert headers[2].tlvs == [(1, "imap"), (0xE0, "\x00")]


def test_a_scenario_without_tls_files_uses_no_certs(tmp_path):
    _, scenario = load(tmp_path, "- tls: {alpn: [imap]}\n- close: true\n")
    assert not scenario.uses_certs


@pytest.mark.parametrize("steps, line, words", [
    ("- tls: false\n", 4, "tls takes true or a mapping of options"),
    ("- tls: {alpn: imap}\n", 4, "alpn must be a list"),
    ("- tls: {alpn: []}\n", 4, "alpn needs at least one protocol name"),
    ("- tls: {colour: red}\n", 4, "unknown key 'colour' in tls"),
    ("- tls: {cert: client-god}\n", 4, "cert 'client-god' is not a certificate in ${certs} (have: ca, "),
    ("- tls: {protocols: [TLSv1.4]}\n", 4, "a protocol is one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"),
    ("- tls: {ciphers: NO-SUCH-CIPHER}\n", 4, "OpenSSL selects no cipher"),
    ("- tls: {expect_protocol: SSLv3}\n", 4, "expect_protocol is one of"),
    ("- tls: {expect_alpn: 5}\n", 4, "expect_alpn (a name, or null for none) must be a string"),
    ("- tls: {expect_resumed: true}\n", 4, "expect_resumed: true needs reuse_session: true"),
    ("- tls: {expect_failure: true, expect_alpn: imap}\n", 4, "expect_failure: true takes no expect_protocol"),
    ("- tls: {verify: yes please}\n", 4, "verify must be true or false"),
    ("- tls: {server_name: ''}\n", 4, "server_name must not be empty"),
    ("- tls: {reuse_session: true}\n", 4, "reuse_session offers the session of an earlier TLS connection"),
    ("- tls: true\n- reuse_session: true\n", 5, "unknown client step 'reuse_session'"),
    ("- tls: true\n- tls: true\n", 5, "this connection is TLS already (line 4)"),
    ("- tls: true\n- starttls: {send: a, expect: b}\n", 5, "this connection is TLS already (line 4)"),
    ("- tls: {expect_failure: true}\n- expect: x\n", 5,
     "'expect' after a TLS handshake expected to fail (line 4): the connection is closed by then"),
    ("- close: true\n- tls: true\n", 5, "only wait_ms or reconnect may follow"),
    ("- starttls: {send: a1 STARTTLS}\n", 4, "starttls needs 'expect'"),
    ("- starttls: {send: a1 STARTTLS, expect: 5}\n", 4, "expect must be a string"),
    ("- starttls: {send: '${nope}', expect: x}\n", 4, "unknown placeholder ${nope}"),
    ("- starttls: a1 STARTTLS\n", 4, "starttls (send, expect and TLS options) must be a mapping"),
    ("- send_proxy: {source: '1.2.3.4:1', destination: '1.2.3.4:2'}\n", 4, "send_proxy needs version: 1"),
    ("- send_proxy: {version: 3}\n", 4, "send_proxy needs version: 1 (text) or 2 (binary)"),
    ("- send_proxy: {version: true}\n", 4, "send_proxy needs version: 1 (text) or 2 (binary)"),
    ("- send_proxy: {version: 1}\n", 4, "needs both source and destination (or protocol: UNKNOWN)"),
    ("- send_proxy: {version: 1, source: '1.2.3.4:1'}\n", 4, "needs both source and destination"),
    ("- send_proxy: {version: 1, source: '1.2.3.4', destination: '1.2.3.4:2'}\n", 4, "source: '1.2.3.4' is not"),
    ("- send_proxy: {version: 1, source: '1.2.3.4:1', destination: '[::1]:2'}\n", 4, "different address families"),
    ("- send_proxy: {version: 1, protocol: TCP5, source: '1.2.3.4:1', destination: '1.2.3.4:2'}\n", 4,
     "protocol is one of TCP4, TCP6, UNKNOWN"),
    ("- send_proxy: {version: 1, protocol: UNKNOWN, source: '1.2.3.4:1', destination: '1.2.3.4:2'}\n", 4,
     "protocol UNKNOWN sends `PROXY UNKNOWN` and takes no addresses"),
    ("- send_proxy: {version: 2, protocol: TCP4}\n", 4, "unknown key 'protocol' in send_proxy version 2"),
    ("- send_proxy: {version: 2, command: maybe}\n", 4, "command is proxy or local"),
    ("- send_proxy: {version: 1, command: local}\n", 4, "unknown key 'command' in send_proxy version 1"),
    ("- send_proxy: {version: 2, tlvs: [{type: 256, value: x}]}\n", 4, "a TLV type is 0..255 or one of ALPN"),
    ("- send_proxy: {version: 2, tlvs: [{type: ALPN}]}\n", 4, "a TLV needs type and value"),
    ("- send_proxy: {version: 2, tlvs: [{type: 1, value: \"\\u20ac\"}]}\n", 4, "U+0000..U+00FF"),
    ("- expect: x\n- send_proxy: {version: 1, protocol: UNKNOWN}\n", 5, "the client ends with 'send_proxy'"),
    ("- reconnect: false\n", 4, "reconnect takes the value true"),
])
def test_errors_name_file_and_line(tmp_path, steps, line, words):
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + textwrap.indent(steps, "  "))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert words in str(caught.value)


def test_reconnect_reopens_after_close_and_keeps_tls_for_a_later_session(tmp_path):
    _, scenario = load(tmp_path, """\
        - tls: true
        - close: true
        - reconnect: true
        - wait_ms: 1
        - reconnect: true
        - tls: {reuse_session: true}
        - expect_close: true
        - reconnect: true
        - expect: x
        """)
    assert [step.kind for step in scenario.client][-2:] == ["reconnect", "expect"]


# ---------------------------------------------------------------- the client leg against a local TLS peer

class TlsPeer:
    """A TCP server on 127.0.0.1 running `behaviours[n](conn, tls_context)` for its n-th connection."""

    def __init__(self, certs_dir, *behaviours):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(certs_dir / "server-rsa.pem"), str(certs_dir / "server-rsa.key"))
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.errors = []
        self.thread = threading.Thread(target=self._serve, args=(behaviours,), daemon=True)
        self.thread.start()

    def _serve(self, behaviours):
        try:
            for behaviour in behaviours:
                conn, _ = self.listener.accept()
                try:
                    behaviour(conn, self.context)
                except (OSError, ssl.SSLError) as error:
                    self.errors.append(error)
                finally:
                    conn.close()
        finally:
            self.listener.close()

    def join(self):
        self.thread.join(timeout=10)


def run(peer, steps, certs_dir=None, timeout_ms=2000):
    leg = ClientScript(peer.port, [Step(kind, value, 1) for kind, value in steps], timeout_ms,
                       certs_dir=certs_dir).run()
    peer.join()
    return leg


def rows(leg):
    return [(row.expected, row.actual, row.ok) for row in leg.rows]


def greet_in_tiny_records(conn, context):
    tls = context.wrap_socket(conn, server_side=True)
    for byte in b"* OK hi\r\n* two\r\n":  # one TLS record per byte
        tls.sendall(bytes([byte]))
    tls.recv(100)


def test_lines_split_over_many_records(certs_dir):
    peer = TlsPeer(certs_dir, greet_in_tiny_records)
    leg = run(peer, [("tls", TlsOptions(expect={"alpn": None})), ("expect", "* OK hi"), ("expect", "* two"),
                     ("close", True)])
    assert leg.ok, rows(leg)
    assert leg.rows[0].actual.startswith("TLS TLSv1.3 TLS_AES_256_GCM_SHA384, no ALPN, new session")


def reply_then_plaintext(conn, context):
    conn.recv(100)
    conn.sendall(b"a1 OK go\r\nsurprise\r\n")
    conn.recv(100)


def test_bytes_before_the_handshake_are_a_mismatch(certs_dir):
    peer = TlsPeer(certs_dir, reply_then_plaintext)
    leg = run(peer, [("starttls", StartTls("a1 STARTTLS", "a1 OK go", TlsOptions())), ("close", True)])
    assert not leg.ok
    assert rows(leg)[:3] == [
        ("C: a1 STARTTLS\\r\\n", "C: a1 STARTTLS\\r\\n", True),
        ("S: a1 OK go\\r\\n", "S: a1 OK go\\r\\n", True),
        ("TLS handshake", "S: surprise\\r\\n (before the TLS handshake)", False)]


def close_after_the_hello(conn, context):
    conn.recv(4096)


def never_answer(conn, context):
    conn.recv(4096)
    conn.recv(4096)


def test_a_handshake_the_peer_breaks_off_or_never_answers(certs_dir):
    peer = TlsPeer(certs_dir, close_after_the_hello, never_answer)
    leg = run(peer, [("tls", TlsOptions(expect_failure=True)), ("reconnect", True), ("tls", TlsOptions())],
              timeout_ms=300)
    assert [row.ok for row in leg.rows] == [True, True, False]
    assert leg.rows[0].expected == "TLS handshake fails"
    assert leg.rows[0].actual.startswith("TLS handshake failed: ")
    assert leg.rows[2].actual == "TLS handshake failed: timed out"


def greet_tls(conn, context):
    tls = context.wrap_socket(conn, server_side=True)
    tls.sendall(b"* OK hi\r\n")
    tls.recv(100)


def test_reuse_session_without_a_session_to_offer(certs_dir):
    peer = TlsPeer(certs_dir, close_after_the_hello, greet_tls)
    leg = run(peer, [("tls", TlsOptions(expect_failure=True)), ("reconnect", True),
                     ("tls", TlsOptions(reuse_session=True)), ("expect", "* OK hi")])
    assert rows(leg)[2] == ("TLS handshake (client: the earlier session)",
                            "(reuse_session: no session from an earlier TLS connection to offer)", False)
    assert leg.rows[3].actual == "(not run)"


def test_a_client_certificate_needs_the_certs_folder(certs_dir):
    peer = TlsPeer(certs_dir, close_after_the_hello)
    leg = run(peer, [("tls", TlsOptions(cert="client-good")), ("close", True)])
    assert rows(leg)[0] == ("TLS handshake (client: cert client-good)", "(no ${certs} folder for this run)", False)


def record_header(conn, context):
    data = b""
    while not data.endswith(b"QUIT\r\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    conn.sendall(repr(data).encode() + b"\r\n")


def test_send_proxy_writes_the_header_then_the_connection_goes_on(certs_dir):
    from harness.proxy_header import parse_address

    header = ProxyHeader(1, "TCP4", parse_address("192.0.2.7:40000"), parse_address("198.51.100.1:25"))
    peer = TlsPeer(certs_dir, record_header)
    leg = run(peer, [("send_proxy", header), ("send", "QUIT"),
                     ("expect", repr(b"PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\nQUIT\r\n")),
                     ("expect_close", True)])
    assert leg.ok, rows(leg)
    assert rows(leg)[0] == ("C: PROXY TCP4 192.0.2.7 198.51.100.1 40000 25",
                            "C: PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\\r\\n", True)


@pytest.fixture
def certs_dir(test_certs):
    return test_certs.path()
