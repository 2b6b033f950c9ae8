"""The flows: real clients through one proxy to the real servers, each asserting what a user sees.

A send flow hands a message to an SMTP client; it passes when Postfix delivered it into Dovecot's maildir with the
message intact, and when Postfix's Received header and its log carry what the proxy said in XCLIENT. A fetch flow
reads back every message this proxy's send flows delivered and compares it byte for byte with the maildir copy.
"""

import dataclasses
import imaplib
import poplib
import re
import smtplib
import socket
import ssl
import subprocess
from pathlib import Path
from typing import Callable, List

from .mail_message import POSTFIX_RECEIVED, SentMessage, compose, find_delivered, pop3_unstuff
from .postfix import DOMAIN, smtpd_client_lines
from .s_client import SClient
from .servers import wait_until
from .stack import PASSWORD, SERVER_NAME

CLIENT_TIMEOUT_S = 20
DELIVERY_TIMEOUT_S = 20
# What Postfix must show for a message that came through the proxy: XCLIENT ADDR= is the client's address,
# NAME=[UNAVAILABLE] (no resolver) is logged as `unknown`, and LOGIN= is the SASL user, by method XCLIENT.
# {client address: (as the Received header shows it, as the log shows it)}
EXPECTED_CLIENT = {"127.0.0.1": ("unknown[127.0.0.1]", "unknown[127.0.0.1]"),
                   "::1": ("unknown[IPv6:::1]", "unknown[::1]")}


class FlowFailure(AssertionError):
    pass


@dataclasses.dataclass
class FlowContext:
    servers: object  # stack.RealServers
    front: object  # stack.ProxyInFront
    sent: List[SentMessage] = dataclasses.field(default_factory=list)

    @property
    def label(self):
        return self.front.proxy.label

    @property
    def user(self):
        return self.front.user

    @property
    def address(self):
        return f"{self.front.user}@{DOMAIN}"

    def mailbox(self):
        return self.servers.dovecot.mailbox(self.front.user)

    @property
    def ca_file(self):
        return self.servers.certs.path() / "ca.pem"

    def port(self, listener):
        return self.front.ports[listener]

    def work_file(self, name):
        return Path(self.front.run_dir) / name


@dataclasses.dataclass(frozen=True)
class Flow:
    name: str  # "<listener> <client>[ <how>]", a row of the table
    run: Callable[[FlowContext], str]  # returns a short note; raises on failure


def _tls_context(ca_file):
    """Verifies the proxy's certificate against the test CA; the clients connect to 127.0.0.1, so the name is
    checked apart (check_peer_name)."""
    context = ssl.create_default_context(cafile=str(ca_file))
    context.check_hostname = False
    return context


def check_peer_name(ssl_socket):
    subject = dict(pair[0] for pair in ssl_socket.getpeercert()["subject"])
    if subject.get("commonName") != SERVER_NAME:
        raise FlowFailure(f"the proxy's certificate names {subject.get('commonName')!r}, not {SERVER_NAME}")


def _curl(args, stdin_path=None):
    argv = ["curl", "-sS", "--max-time", str(CLIENT_TIMEOUT_S), *args]
    if stdin_path:
        argv += ["-T", str(stdin_path)]
    result = subprocess.run(argv, capture_output=True, timeout=CLIENT_TIMEOUT_S + 5)
    if result.returncode != 0:
        raise FlowFailure(f"curl exited with {result.returncode}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def _curl_url(context, scheme, listener, path=""):
    """A URL naming the proxy by its certificate's name, resolved to 127.0.0.1, plus the options for it."""
    port = context.port(listener)
    return [f"{scheme}://{SERVER_NAME}:{port}/{path}", "--resolve", f"{SERVER_NAME}:{port}:127.0.0.1",
            "--cacert", str(context.ca_file)]


# ---- sending ------------------------------------------------------------------------------------------------


def _await_delivery(context, message, client_address="127.0.0.1"):
    """Waits for the message in Dovecot's maildir; checks it is intact and what Postfix recorded of XCLIENT."""
    stored = wait_until(lambda: find_delivered(context.mailbox(), message.message_id),
                        DELIVERY_TIMEOUT_S)
    if stored is None:
        raise FlowFailure(f"{message.message_id} did not arrive in Dovecot's maildir within {DELIVERY_TIMEOUT_S} s;"
                          f" Postfix log tail:\n{context.servers.postfix.log()[-1500:]}")
    sent_lf = message.wire.replace(b"\r\n", b"\n")
    if not stored.endswith(sent_lf):
        raise FlowFailure(f"the stored message does not end with the message sent:\n{stored!r}\nsent:\n{sent_lf!r}")
    message.stored = stored
    received = POSTFIX_RECEIVED.search(stored[:len(stored) - len(sent_lf)].decode("ascii", "replace"))
    if received is None:
        raise FlowFailure(f"no Received header from Postfix in:\n{stored[:600]!r}")
    seen = {"helo": received["helo"], "client": f"{received['name']}[{received['addr']}]", "with": received["proto"]}
    in_header, in_log = EXPECTED_CLIENT[client_address]
    wanted = {"helo": message.helo, "client": in_header, "with": "ESMTPA"}
    if seen != wanted:
        raise FlowFailure(f"Postfix's Received header shows {seen}, expected {wanted}")
    queue_id = received["queue_id"]
    logged = smtpd_client_lines(context.servers.postfix.log()).get(queue_id)
    wanted_log = {"client": in_log, "sasl_method": "XCLIENT", "sasl_username": context.user}
    if logged != wanted_log:
        raise FlowFailure(f"Postfix logged {queue_id}: {logged}, expected {wanted_log}")
    context.sent.append(message)
    return f"queued as {queue_id}, XCLIENT logged: client={logged['client']} sasl_username={logged['sasl_username']}"


def send_smtplib(starttls, client_address="127.0.0.1"):
    def run(context):
        how = " STARTTLS" if starttls else " IPv6" if client_address == "::1" else ""
        message = compose(context.address, "smtplib" + how, context.label, "smtplib.client.test")
        listener = "smtp6" if client_address == "::1" else "smtp"
        with smtplib.SMTP(client_address, context.port(listener), local_hostname=message.helo,
                          timeout=CLIENT_TIMEOUT_S) as client:
            if starttls:
                client.starttls(context=_tls_context(context.ca_file))
                check_peer_name(client.sock)
            client.login(context.user, PASSWORD)
            refused = client.sendmail(context.address, [context.address], message.wire)
            if refused:
                raise FlowFailure(f"recipients refused: {refused}")
        return _await_delivery(context, message, client_address)
    return run


def send_swaks(tls_option):
    def run(context):
        flow = "swaks" + (f" {tls_option}" if tls_option else "")
        message = compose(context.address, flow, context.label, "swaks.client.test")
        listener = "smtps" if tls_option == "--tls-on-connect" else "smtp"
        data = context.work_file(f"swaks-{len(context.sent)}.eml")
        # swaks ends DATA with CRLF . CRLF after the file's last byte: the file leaves out the last line end.
        data.write_bytes(message.wire.removesuffix(b"\r\n"))
        argv = ["swaks", "--server", "127.0.0.1", "--port", str(context.port(listener)), "--helo", message.helo,
                "--from", context.address, "--to", context.address, "--auth", "PLAIN", "--auth-user", context.user, "--auth-password",
                PASSWORD, "--data", f"@{data}", "--timeout", str(CLIENT_TIMEOUT_S)]
        if tls_option:
            argv.append(tls_option)
        result = subprocess.run(argv, capture_output=True, timeout=CLIENT_TIMEOUT_S + 5)
        if result.returncode != 0:
            raise FlowFailure(f"swaks exited with {result.returncode}:\n{result.stdout.decode(errors='replace')}"
                              f"{result.stderr.decode(errors='replace')}")
        return _await_delivery(context, message)
    return run


def send_curl(scheme, listener, tls_required):
    def run(context):
        how = {"smtps": " implicit TLS"}.get(scheme, " STARTTLS" if tls_required else "")
        message = compose(context.address, "curl" + how, context.label, "curl.client.test")
        data = context.work_file(f"curl-{len(context.sent)}.eml")
        data.write_bytes(message.wire)
        # curl takes the EHLO name from the URL's path.
        args = _curl_url(context, scheme, listener, message.helo) + [
            "--mail-from", context.address, "--mail-rcpt", context.address, "--user", f"{context.user}:{PASSWORD}"]
        if tls_required:
            args.append("--ssl-reqd")
        _curl(args, stdin_path=data)
        return _await_delivery(context, message)
    return run


# ---- fetching -----------------------------------------------------------------------------------------------


def _messages_to_fetch(context):
    if not context.sent:
        raise FlowFailure("no message was delivered through this proxy, so there is nothing to fetch")
    return context.sent


def _compare(client, message, fetched):
    expected = message.fetched_form()
    if fetched != expected:
        at = next((i for i, (a, b) in enumerate(zip(fetched, expected)) if a != b), min(len(fetched), len(expected)))
        raise FlowFailure(f"{client} fetched {len(fetched)} bytes of {message.message_id}, the maildir holds "
                          f"{len(expected)}; first difference at byte {at}: {fetched[at:at + 60]!r} "
                          f"vs {expected[at:at + 60]!r}")


def _imap_ok(reply, what):
    status, data = reply
    if status != "OK":
        raise FlowFailure(f"IMAP {what}: {status} {data}")
    return data


def fetch_imaplib(starttls):
    def run(context):
        with imaplib.IMAP4("127.0.0.1", context.port("imap"), timeout=CLIENT_TIMEOUT_S) as client:
            if starttls:
                _imap_ok(client.starttls(ssl_context=_tls_context(context.ca_file)), "STARTTLS")
                check_peer_name(client.sock)
            _imap_ok(client.login(context.user, PASSWORD), "LOGIN")
            exists = int(_imap_ok(client.select("INBOX", readonly=True), "SELECT")[0])
            if exists != len(_messages_to_fetch(context)):
                raise FlowFailure(f"INBOX holds {exists} messages, {len(context.sent)} were delivered through the proxy")
            for message in _messages_to_fetch(context):
                found = _imap_ok(client.uid("SEARCH", "HEADER", "Message-ID", f'"{message.message_id}"'), "SEARCH")
                uids = found[0].split()
                if len(uids) != 1:
                    raise FlowFailure(f"UID SEARCH for {message.message_id} found {uids}")
                data = _imap_ok(client.uid("FETCH", uids[0].decode(), "(BODY.PEEK[])"), "FETCH")
                _compare("imaplib", message, data[0][1])
            client.logout()
        return f"{len(context.sent)} messages byte-exact"
    return run


def fetch_curl_imap(scheme, listener, tls_required):
    def run(context):
        login = ["--user", f"{context.user}:{PASSWORD}"] + (["--ssl-reqd"] if tls_required else [])
        # The mailbox is this proxy's own and its messages were delivered one by one: the UIDs, in order, are
        # those of the messages sent (curl prints no literal of a custom request, so no Message-ID lookup here).
        listing = _curl(_curl_url(context, scheme, listener, "INBOX") + login + ["--request", "UID SEARCH ALL"])
        found = re.search(rb"^\* SEARCH((?: \d+)*)\r?$", listing, re.MULTILINE)
        uids = found.group(1).split() if found else []
        if len(uids) != len(_messages_to_fetch(context)):
            raise FlowFailure(f"UID SEARCH ALL through curl: {listing!r}, {len(context.sent)} messages were sent")
        for uid, message in zip(uids, context.sent):
            fetched = _curl(_curl_url(context, scheme, listener, f"INBOX/;UID={uid.decode()}") + login)
            _compare("curl", message, fetched)
        return f"{len(context.sent)} messages byte-exact"
    return run


def fetch_imap_s_client(context):
    """STARTTLS by openssl s_client, then LOGIN and a literal read by hand."""
    client = SClient(str(context.front.run_dir), "s_client-imap", context.port("imap"), context.ca_file,
                     SERVER_NAME, starttls="imap")
    try:
        client.send(f"a1 LOGIN {context.user} {PASSWORD}\r\n".encode())
        login = client.read_until(rb"^a1 (OK|NO|BAD).*\r\n")
        if not re.search(rb"^a1 OK", login, re.MULTILINE):
            raise FlowFailure(f"LOGIN after STARTTLS: {login!r}")
        client.send(b"a2 EXAMINE INBOX\r\n")
        client.read_until(rb"^a2 OK.*\r\n")
        for number, message in enumerate(_messages_to_fetch(context), start=3):
            client.send(f'a{number} UID SEARCH HEADER Message-ID "{message.message_id}"\r\n'.encode())
            search = client.read_until(rf"^a{number} OK.*\r\n".encode())
            uid = re.search(rb"^\* SEARCH (\d+)\r\n", search, re.MULTILINE)
            if uid is None:
                raise FlowFailure(f"UID SEARCH for {message.message_id}: {search!r}")
            client.send(f"b{number} UID FETCH {uid.group(1).decode()} BODY.PEEK[]\r\n".encode())
            head = client.read_until(rb"BODY\[\] \{(\d+)\}\r\n")
            fetched = client.read_exactly(int(re.search(rb"\{(\d+)\}\r\n$", head).group(1)))
            client.read_until(rf"^b{number} OK.*\r\n".encode())
            _compare("s_client", message, fetched)
        client.send(b"z LOGOUT\r\n")
        client.read_until(rb"^z OK.*\r\n")
    finally:
        client.close()
    return f"{len(context.sent)} messages byte-exact"


def _pop3_messages(retrieve, count):
    """{Message-ID: bytes} of every message in the drop, RETR'd with `retrieve(number)`."""
    found = {}
    for number in range(1, count + 1):
        data = retrieve(number)
        match = re.search(rb"^Message-ID: (\S+)\r$", data, re.MULTILINE)
        if match:
            found[match.group(1).decode()] = data
    return found


def _compare_pop3(client, context, found):
    if len(found) != len(_messages_to_fetch(context)):
        raise FlowFailure(f"{client}: the POP3 drop holds {len(found)} messages, {len(context.sent)} were delivered")
    for message in context.sent:
        if message.message_id not in found:
            raise FlowFailure(f"{client}: {message.message_id} is not in the POP3 drop")
        _compare(client, message, found[message.message_id])
    return f"{len(context.sent)} messages byte-exact"


def fetch_poplib(stls):
    def run(context):
        client = poplib.POP3("127.0.0.1", context.port("pop3"), timeout=CLIENT_TIMEOUT_S)
        try:
            if stls:
                client.stls(context=_tls_context(context.ca_file))
                check_peer_name(client.sock)
            client.user(context.user)
            client.pass_(PASSWORD)
            count, _ = client.stat()
            # poplib strips the dot-stuffing and the line ends; put the CRLFs back.
            found = _pop3_messages(lambda n: b"".join(line + b"\r\n" for line in client.retr(n)[1]), count)
            client.quit()
        finally:
            client.close()
        return _compare_pop3("poplib", context, found)
    return run


def fetch_curl_pop3(context):
    login = ["--user", f"{context.user}:{PASSWORD}"]
    listing = _curl(_curl_url(context, "pop3", "pop3") + login)
    count = len(re.findall(rb"^\d+ \d+\r?$", listing, re.MULTILINE))
    found = _pop3_messages(lambda n: _curl(_curl_url(context, "pop3", "pop3", str(n)) + login), count)
    return _compare_pop3("curl", context, found)


def fetch_pop3s_s_client(context):
    """Implicit TLS by openssl s_client, then USER/PASS/STAT/RETR by hand (dot-stuffing undone here)."""
    client = SClient(str(context.front.run_dir), "s_client-pop3s", context.port("pop3s"), context.ca_file,
                     SERVER_NAME)
    try:
        client.read_until(rb"^\+OK.*\r\n")
        client.send(f"USER {context.user}\r\n".encode())
        client.read_until(rb"^\+OK.*\r\n")
        client.send(f"PASS {PASSWORD}\r\n".encode())
        reply = client.read_until(rb"^[+-](OK|ERR).*\r\n")
        if not reply.startswith(b"+OK"):
            raise FlowFailure(f"PASS over implicit TLS: {reply!r}")
        client.send(b"STAT\r\n")
        count = int(re.search(rb"^\+OK (\d+) ", client.read_until(rb"^\+OK.*\r\n")).group(1))

        def retrieve(number):
            client.send(f"RETR {number}\r\n".encode())
            client.read_until(rb"^\+OK.*\r\n")
            return pop3_unstuff(client.read_until(rb"\r\n\.\r\n")[:-3])

        found = _pop3_messages(retrieve, count)
        client.send(b"QUIT\r\n")
        client.read_until(rb"^\+OK.*\r\n")
    finally:
        client.close()
    return _compare_pop3("s_client", context, found)


# ---- a login the backend refuses ---------------------------------------------------------------------------

# mailwire-fake auth lets user `good` in with any password; Dovecot has no such user and, after its
# auth_failure_delay (2 s), refuses the login. The proxy must not relay that: the client gets the internal error.
REFUSED_USER = "good"
INTERNAL_ERROR = {"imap": b"* BAD internal server error\r\n", "pop3": b"-ERR internal server error\r\n"}


def _read_to_eof(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def login_refused_by_dovecot(protocol):
    commands = {"imap": [f"a1 LOGIN {REFUSED_USER} wrong\r\n"],
                "pop3": [f"USER {REFUSED_USER}\r\n", "PASS wrong\r\n"]}[protocol]

    def run(context):
        log_before = len(context.servers.dovecot.log())
        with socket.create_connection(("127.0.0.1", context.port(protocol)), timeout=CLIENT_TIMEOUT_S) as sock:
            greeting = sock.recv(65536)
            for command in commands:
                sock.sendall(command.encode())
                if command.startswith("USER"):
                    sock.recv(65536)  # the proxy's own +OK
            reply = _read_to_eof(sock)
        if reply != INTERNAL_ERROR[protocol]:
            raise FlowFailure(f"after the greeting {greeting!r} the client got {reply!r}, expected "
                              f"{INTERNAL_ERROR[protocol]!r} and the close")
        refused = wait_until(lambda: re.search(rf"{protocol}-login: .*auth failed.*user=<{REFUSED_USER}>",
                                               context.servers.dovecot.log()[log_before:]), 5)
        if refused is None:
            raise FlowFailure(f"Dovecot logged no refused login for {REFUSED_USER}: "
                              f"{context.servers.dovecot.log()[log_before:][-800:]}")
        return f"Dovecot logged the refusal (auth failed), the client got {reply!r} and the close"
    return run


# Send flows first: the fetch flows read back what they delivered.
FLOWS = (
    Flow("smtp smtplib", send_smtplib(starttls=False)),
    Flow("smtp smtplib STARTTLS", send_smtplib(starttls=True)),
    Flow("smtp smtplib IPv6 client", send_smtplib(starttls=False, client_address="::1")),
    Flow("smtp swaks", send_swaks(None)),
    Flow("smtp swaks STARTTLS", send_swaks("--tls")),
    Flow("smtps swaks implicit TLS", send_swaks("--tls-on-connect")),
    Flow("smtp curl", send_curl("smtp", "smtp", tls_required=False)),
    Flow("smtp curl STARTTLS", send_curl("smtp", "smtp", tls_required=True)),
    Flow("smtps curl implicit TLS", send_curl("smtps", "smtps", tls_required=False)),
    Flow("imap imaplib", fetch_imaplib(starttls=False)),
    Flow("imap imaplib STARTTLS", fetch_imaplib(starttls=True)),
    Flow("imap curl", fetch_curl_imap("imap", "imap", tls_required=False)),
    Flow("imap curl STARTTLS", fetch_curl_imap("imap", "imap", tls_required=True)),
    Flow("imaps curl implicit TLS", fetch_curl_imap("imaps", "imaps", tls_required=False)),
    Flow("imap openssl s_client STARTTLS", fetch_imap_s_client),
    Flow("pop3 poplib", fetch_poplib(stls=False)),
    Flow("pop3 poplib STLS", fetch_poplib(stls=True)),
    Flow("pop3 curl", fetch_curl_pop3),
    Flow("pop3s openssl s_client implicit TLS", fetch_pop3s_s_client),
    Flow("imap login refused by Dovecot", login_refused_by_dovecot("imap")),
    Flow("pop3 login refused by Dovecot", login_refused_by_dovecot("pop3")),
)
