"""The processes a bench runs: the fakes (started once, shared by every sample) and a fresh proxy per sample.

Fakes: `mailwire-fake imap --profile bulk`, `pop3 --profile bulk` (the default dialogues plus downloads of any
size), `smtp` (default dialogue), and one `auth` per protocol answering every request with its backend (a
script: SMTP's `smtp_auth none` sends no user, which the default auth rules would refuse). The proxy gets the
harness's main context (harness/proxies.py) with worker_processes, worker_connections, worker_rlimit_nofile
and a quiet error log set for the bench, and one server per protocol.
"""

import json
import os
import re
import shutil
import tempfile
import time

from . import procstat
from ..processes import ManagedProcess, ProcessError, reserve_port, stop_all, wait_for_listening, wait_for_port_file

PROTOCOLS = ("imap", "pop3", "smtp")
BACKEND_PROFILE = {"imap": ["--profile", "bulk"], "pop3": ["--profile", "bulk"], "smtp": []}

SERVER = """    server {{
        listen 127.0.0.1:{port};
        protocol {protocol};
        auth_http 127.0.0.1:{auth_port}/auth;{extra}
    }}
"""
SMTP_EXTRA = "\n        smtp_auth none;\n        xclient on;"


def mail_block(ports, auth_ports):
    servers = "".join(SERVER.format(port=ports[protocol], protocol=protocol, auth_port=auth_ports[protocol],
                                    extra=SMTP_EXTRA if protocol == "smtp" else "")
                      for protocol in PROTOCOLS)
    return "mail {\n    timeout 300s;\n" + servers + "}\n"


def bench_config(proxy, run_dir, ports, auth_ports, workers, connections, nofile):
    """The proxy's config text: the harness's main context, adjusted for the bench, then the mail block."""
    text = proxy.config_text(run_dir, mail_block(ports, auth_ports))
    replacements = [
        (r"master_process \w+;", f"master_process {'on' if workers > 1 else 'off'};"),
        (r"worker_processes \w+;", f"worker_processes {workers};"),
        (r"events \{[^}]*\}", f"events {{ worker_connections {connections}; }}"),
        (r"(error_log \S+) \w+;", r"\1 error;"),  # neither proxy spends its time logging
        (r"daemon off;\n", f"daemon off;\nworker_rlimit_nofile {nofile};\n"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, count=1)
        if count != 1:
            raise ProcessError(f"harness/proxies.py's main context has no {pattern!r}: update harness/bench/stack.py")
    return text


class Fakes:
    """Context manager: the backends and auth servers, stopped by PID on exit. `backend_ports`,
    `auth_ports` and `pids` ({name: pid}) are set once entered."""

    def __init__(self, fake_binary):
        self.fake_binary = str(fake_binary)
        self.run_dir = None
        self.processes = []
        self.backend_ports = {}
        self.auth_ports = {}
        self.pids = {}

    def __enter__(self):
        self.run_dir = tempfile.mkdtemp(prefix="mailwire-bench-fakes-")
        try:
            for protocol in PROTOCOLS:
                self.backend_ports[protocol] = self._start(f"{protocol}-backend",
                                                           [protocol, *BACKEND_PROFILE[protocol]])
                script = os.path.join(self.run_dir, f"{protocol}-auth.json")
                with open(script, "w", encoding="utf-8") as handle:
                    json.dump({"requests": [{"response": "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n"
                                                         "Auth-Server: 127.0.0.1\r\nAuth-Port: "
                                                         f"{self.backend_ports[protocol]}\r\n\r\n"}]}, handle)
                self.auth_ports[protocol] = self._start(f"{protocol}-auth", ["auth", "--script", script])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        stop_all(reversed(self.processes))
        self.processes = []
        shutil.rmtree(self.run_dir, ignore_errors=True)
        return False

    def _start(self, name, argv_tail):
        port_file = os.path.join(self.run_dir, f"{name}.port")
        process = ManagedProcess(name, [self.fake_binary, *argv_tail, "--listen", "127.0.0.1:0",
                                        "--port-file", port_file], self.run_dir)
        self.processes.append(process)
        self.pids[name] = process.pid
        return wait_for_port_file(process, port_file)


class ProxyRun:
    """Context manager: one fresh proxy (master and workers, or one process) in front of `fakes`.
    `ports` ({protocol: port}) and `pid` (the master, or the single process) are set once entered."""

    def __init__(self, proxy, fakes, workers, connections, nofile, keep_dir=False):
        self.proxy = proxy
        self.fakes = fakes
        self.workers = workers
        self.connections = connections
        self.nofile = nofile
        self.keep_dir = keep_dir
        self.run_dir = None
        self.process = None
        self.ports = {}

    @property
    def pid(self):
        return self.process.pid

    def __enter__(self):
        problem = self.proxy.problem()
        if problem:
            raise ProcessError(problem)
        self.run_dir = tempfile.mkdtemp(prefix=f"mailwire-bench-{self.proxy.label}-")
        reserved = {protocol: reserve_port() for protocol in PROTOCOLS}
        self.ports = {protocol: sock.getsockname()[1] for protocol, sock in reserved.items()}
        conf_path = os.path.join(self.run_dir, "proxy.conf")
        try:
            with open(conf_path, "w", encoding="utf-8") as handle:
                handle.write(bench_config(self.proxy, self.run_dir, self.ports, self.fakes.auth_ports,
                                          self.workers, self.connections, self.nofile))
            errlog = os.path.join(self.run_dir, "error.log")
            self.process = ManagedProcess(self.proxy.label, self.proxy.argv(self.run_dir, conf_path, errlog),
                                          self.run_dir)
            for protocol in PROTOCOLS:
                wait_for_listening(self.process, self.ports[protocol])
            self._wait_for_workers()
        except ProcessError as error:
            self.__exit__(None, None, None)
            raise ProcessError(f"{error}\n{self.process.output() if self.process else ''}") from None
        finally:
            for sock in reserved.values():
                sock.close()
        return self

    def _wait_for_workers(self, timeout_s=10.0):
        """With a master, waits until its workers exist, so their CPU is counted from the sample's start."""
        deadline = time.monotonic() + timeout_s
        while self.workers > 1 and len(procstat.children(self.pid)) < self.workers:
            if self.process.exited() or time.monotonic() > deadline:
                raise ProcessError(f"{self.proxy.label}: {self.workers} workers did not start")
            time.sleep(0.01)

    def __exit__(self, *exc):
        if self.process is not None:
            stop_all([self.process])
        if self.run_dir and not self.keep_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return False
