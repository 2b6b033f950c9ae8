"""Helpers for tests/proxy: finding the binaries, ports, polling, processes, an IMAP client (a uniquely named
module, since every test folder has its own conftest)."""


import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
NGINX_MAIL_MODULE = "/usr/lib/nginx/modules/ngx_mail_module.so"
WAIT_S = 10.0
STOP_GRACE_S = 5.0


def find_build_dir():
    if os.environ.get("MAILWIRE_BUILD"):
        return Path(os.environ["MAILWIRE_BUILD"])
    default = REPO_ROOT / "build"
    if (default / "reference" / "mailwire-proxy").is_file():
        return default
    # The newest build that has the fake too, so the proxy and the fake come from one tree.
    candidates = sorted((p for p in REPO_ROOT.glob("build*/reference/mailwire-proxy")
                         if (p.parents[1] / "fakes" / "mailwire-fake").is_file()), key=lambda p: p.stat().st_mtime)
    return candidates[-1].parents[1] if candidates else default


BUILD_DIR = find_build_dir()
PROXY_BINARY = BUILD_DIR / "reference" / "mailwire-proxy"
FAKE_BINARY = BUILD_DIR / "fakes" / "mailwire-fake"


def wait_until(condition, what, timeout_s=WAIT_S):
    """Polls `condition` until it returns something truthy (returned), or fails after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.02)


def free_port():
    """A port that was free on 127.0.0.1 (bound with SO_REUSEADDR, then released for the proxy to take)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connect_refused(port):
    """True when a TCP connect to 127.0.0.1:port is refused."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2.0):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


def _children(pid):
    """PIDs of pid's children (all threads), via /proc; [] when the process is gone."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(word) for word in handle.read().split())
        except OSError:
            pass
    return found


def descendants(pid):
    result = []
    pending = [pid]
    while pending:
        for child in _children(pending.pop()):
            if child not in result:
                result.append(child)
                pending.append(child)
    return result


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Proxy:
    """One proxy flavour (mailwire-proxy or nginx): how to write its config and start it."""

    def __init__(self, kind, binary):
        self.kind = kind
        self.binary = str(binary)
        self.name = "mailwire-proxy" if kind == "reference" else "nginx"

    def config(self, prefix, mail_block, master=False, workers=1, error_log="info", main_extra=""):
        lines = []
        if self.kind == "nginx":
            lines.append(f"load_module {NGINX_MAIL_MODULE};")
            if os.geteuid() == 0:
                # nginx's workers would run as nobody, who cannot reopen logs in pytest's 0700 tmp dirs.
                lines.append("user root;")
        lines += [
            "daemon off;",
            f"master_process {'on' if master else 'off'};",
            f"worker_processes {workers};",
        ]
        if error_log is not None:
            lines.append(f"error_log {prefix}/error.log {error_log};")
        lines += [f"pid {prefix}/proxy.pid;", "events { worker_connections 256; }", main_extra, mail_block, ""]
        return "\n".join(lines)

    def argv(self, prefix, conf, *extra):
        return [self.binary, "-p", f"{prefix}/", "-e", f"{prefix}/error.log", "-c", str(conf), *extra]


class Processes:
    """Processes a test started; stop_all() ends each one and its children by PID."""

    def __init__(self):
        self.popens = []

    def start(self, argv, cwd, name):
        out = open(Path(cwd) / f"{name}.stdout", "wb")
        err = open(Path(cwd) / f"{name}.stderr", "wb")
        try:
            popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd)
        finally:
            out.close()
            err.close()
        popen.stderr_path = Path(cwd) / f"{name}.stderr"
        self.popens.append(popen)
        return popen

    def stop(self, popen):
        kids = descendants(popen.pid)
        if popen.poll() is None:
            popen.send_signal(signal.SIGTERM)
            try:
                popen.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait()
        for pid in kids:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def stop_all(self):
        for popen in reversed(self.popens):
            try:
                self.stop(popen)
            except Exception:  # noqa: BLE001 - keep stopping the rest
                pass


class ImapClient:
    """A line-oriented client with a bounded wait on every read."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.buffer = b""

    def line(self):
        """The next line without CRLF; b"" at EOF."""
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                rest, self.buffer = self.buffer, b""
                return rest
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.rstrip(b"\r")

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")

    def command(self, text):
        """Sends a tagged command; returns all reply lines up to and including the tagged one."""
        tag = text.split()[0].encode()
        self.send(text)
        lines = []
        while True:
            line = self.line()
            if not line:
                raise AssertionError(f"EOF after {text!r}, got {lines!r}")
            lines.append(line)
            if line.startswith(tag + b" "):
                return lines

    def at_eof(self):
        """True when the peer closed (reads until EOF, bounded by the socket timeout)."""
        try:
            while True:
                if not self.sock.recv(4096):
                    return True
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


def imap_server_block(port, auth_port=9, capabilities=None, extra=""):
    caps = f"    imap_capabilities {' '.join(capabilities)};\n" if capabilities else ""
    return (
        "mail {\n"
        f"    auth_http 127.0.0.1:{auth_port}/auth;\n"
        f"{caps}"
        f"    server {{ listen 127.0.0.1:{port}; protocol imap; {extra} }}\n"
        "}\n"
    )


class Running:
    """A started proxy: its process, config path, prefix and first port."""

    def __init__(self, proxy, popen, conf, prefix, port):
        self.proxy = proxy
        self.popen = popen
        self.conf = conf
        self.prefix = prefix
        self.port = port

    @property
    def pid_file(self):
        return self.prefix / "proxy.pid"

    def error_log(self):
        try:
            return (self.prefix / "error.log").read_text(errors="replace")
        except OSError:
            return ""

    def stderr(self):
        try:
            return self.popen.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def signal(self, signum):
        self.popen.send_signal(signum)

    def wait_exit(self, timeout_s=WAIT_S):
        try:
            return self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.proxy.name} did not exit within {timeout_s:.0f} s\n{self.error_log()}")

    def write_config(self, mail_block, **options):
        self.conf.write_text(self.proxy.config(self.prefix, mail_block, **options))


def greets(port):
    """True when 127.0.0.1:port answers with the IMAP greeting."""
    try:
        client = ImapClient(port)
    except OSError:
        return False
    try:
        client.sock.settimeout(2.0)
        return client.line() == b"* OK IMAP4 ready"
    except OSError:
        return False
    finally:
        client.close()
