"""The real servers (started once per invocation) and, per proxy, the proxy with its auth servers in front.

Each protocol has its own `mailwire-fake auth` (default script: user `good` with password `secret` logs in),
pointed with `--backend` at the real server for that protocol, and named by `auth_http` in that protocol's
`server {}` blocks: one auth server can only name one backend.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

from ..certs import CertificateFolder
from ..processes import ManagedProcess, ProcessError, stop_all, wait_for_listening, wait_for_port_file
from ..runner import RUNS_ROOT
from .dovecot import Dovecot
from .postfix import Postfix
from .servers import free_ports

PASSWORD = "secret"  # mailwire-fake auth's default script lets any user in with it
# Dovecot's and Postfix's unix sockets live below the run folder and must fit in sun_path (108 bytes).
LONGEST_RUNS_ROOT = 48
SERVER_NAME = "mail.example.test"  # the proxy's server_name and its certificate's subject
# (name, protocol, implicit TLS?, address): the listeners each proxy gets; plain ones offer STARTTLS. smtp6 takes
# IPv6 clients, for whom the proxy sends XCLIENT ADDR=IPV6:...
LISTENERS = (
    ("imap", "imap", False, "127.0.0.1"), ("imaps", "imap", True, "127.0.0.1"),
    ("pop3", "pop3", False, "127.0.0.1"), ("pop3s", "pop3", True, "127.0.0.1"),
    ("smtp", "smtp", False, "127.0.0.1"), ("smtps", "smtp", True, "127.0.0.1"),
    ("smtp6", "smtp", False, "::1"),
)
PROTOCOL_LINES = {
    "imap": "",
    "pop3": "            pop3_auth plain;\n",
    "smtp": "            smtp_auth login plain;\n            xclient on;\n",
}


def _suits_the_servers(folder):
    """Short enough for the servers' unix sockets, and every folder down to it open to the mail user (nobody)."""
    return len(str(folder)) <= LONGEST_RUNS_ROOT and all(path.stat().st_mode & 0o001
                                                          for path in [folder, *folder.parents])


def mail_user(proxy):
    """Each proxy's flows use a mailbox of their own, named after the proxy, so they see only their messages."""
    return re.sub(r"[^a-z0-9]", "", proxy.label.lower()) or "proxy"


class RealServers:
    """Dovecot and Postfix in one run folder; a context manager that stops both by PID. `users` get mailboxes."""

    def __init__(self, users, keep=False):
        if os.geteuid() != 0:
            raise ProcessError("the real-server tier needs root: Dovecot and Postfix start as root and drop to "
                               "their own users")
        self.keep = keep
        RUNS_ROOT.mkdir(parents=True, exist_ok=True)
        base = RUNS_ROOT if _suits_the_servers(RUNS_ROOT) else Path(tempfile.gettempdir())
        self.run_dir = Path(tempfile.mkdtemp(prefix="real-", dir=base))
        self.certs = CertificateFolder(self.run_dir / "certs", keep=True)
        self.dovecot = Dovecot(self.run_dir, users, PASSWORD)
        self.postfix = Postfix(self.run_dir)

    def __enter__(self):
        try:
            self.certs.path()
            self.dovecot.start()
            self.postfix.start(self.dovecot.ports["lmtp"])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.postfix.stop()
        self.dovecot.stop()
        if not self.keep:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return False

    def backend_port(self, protocol):
        return self.postfix.port if protocol == "smtp" else self.dovecot.ports[protocol]


def mail_block(certs, auth_ports, listen_ports):
    """The `mail {}` block: one server a listener, TLS from the harness's certificates."""
    servers = []
    for name, protocol, implicit, address in LISTENERS:
        tls = " ssl" if implicit else ""
        starttls = "" if implicit else "            starttls on;\n"
        host = f"[{address}]" if ":" in address else address
        servers.append(
            "        server {\n"
            f"            listen {host}:{listen_ports[name]}{tls};\n"
            f"            protocol {protocol};\n"
            f"            auth_http 127.0.0.1:{auth_ports[protocol]}/auth;\n"
            f"{starttls}{PROTOCOL_LINES[protocol]}"
            "        }\n")
    return ("mail {\n"
            f"    server_name {SERVER_NAME};\n"
            f"    ssl_certificate {certs}/server-rsa.pem;\n"
            f"    ssl_certificate_key {certs}/server-rsa.key;\n"
            "    timeout 30s;\n"
            + "".join(servers) + "}\n")


class ProxyInFront:
    """One proxy (a harness.proxies adapter) with the three auth servers; `ports` maps listener names to ports."""

    def __init__(self, proxy, fake_binary, servers):
        self.proxy = proxy
        self.user = mail_user(proxy)
        self.fake_binary = str(fake_binary)
        self.servers = servers
        self.run_dir = servers.run_dir / proxy.label.replace("/", "_")
        self.processes = []
        self.ports = {}

    def __enter__(self):
        problem = self.proxy.problem()
        if problem:
            raise ProcessError(problem)
        self.run_dir.mkdir()
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        errors = stop_all(reversed(self.processes))
        self.processes = []
        if errors and exc[0] is None:
            raise ProcessError("; ".join(errors))
        return False

    def _start(self):
        auth_ports = {}
        for protocol in ("imap", "pop3", "smtp"):
            port_file = os.path.join(self.run_dir, f"auth-{protocol}.port")
            backend = f"127.0.0.1:{self.servers.backend_port(protocol)}"
            process = ManagedProcess(f"auth-{protocol}", [
                self.fake_binary, "auth", "--listen", "127.0.0.1:0", "--port-file", port_file, "--backend", backend,
                "--transcript", os.path.join(self.run_dir, f"auth-{protocol}.jsonl")], str(self.run_dir))
            self.processes.append(process)
            auth_ports[protocol] = wait_for_port_file(process, port_file)
        self.ports = {name: free_ports(1, address)[0] for name, _, _, address in LISTENERS}
        conf_path = os.path.join(self.run_dir, "proxy.conf")
        with open(conf_path, "w", encoding="utf-8") as handle:
            handle.write(self.proxy.config_text(str(self.run_dir),
                                                mail_block(self.servers.certs.path(), auth_ports, self.ports)))
        errlog = os.path.join(self.run_dir, "error.log")
        process = ManagedProcess("proxy", self.proxy.argv(str(self.run_dir), conf_path, errlog), str(self.run_dir))
        self.processes.append(process)
        try:
            for name, _, _, address in LISTENERS:
                wait_for_listening(process, self.ports[name], host=address)
        except ProcessError as error:
            raise ProcessError(f"{error}\n  command: {' '.join(process.argv)}\n{process.output()}") from None

    def error_log(self):
        try:
            return (self.run_dir / "error.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
