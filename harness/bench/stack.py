"""One proxy under test with its fakes: `mailwire-fake imap` (default script), `mailwire-fake auth --backend`
(default rules: user `good` or password `secret` logs in), and the proxy in the foreground with one worker.

The config is the harness's main context (proxies.py) with the limits raised for many idle sessions and
a quiet error log, so both proxies do the same work and neither spends its time logging.
"""

import os
import re
import shutil
import tempfile

from ..processes import ManagedProcess, ProcessError, reserve_port, stop_all, wait_for_listening, wait_for_port_file

MAIL_BLOCK = """mail {{
    auth_http 127.0.0.1:{auth_port}/auth;
    timeout 300s;
    server {{
        listen 127.0.0.1:{proxy_port};
        protocol imap;
    }}
}}
"""


def bench_config(proxy, run_dir, proxy_port, auth_port, connections, nofile):
    """The proxy's config text; `connections` sizes worker_connections, `nofile` worker_rlimit_nofile."""
    text = proxy.config_text(run_dir, MAIL_BLOCK.format(auth_port=auth_port, proxy_port=proxy_port))
    text, events = re.subn(r"events \{[^}]*\}", f"events {{ worker_connections {connections}; }}", text)
    text, logs = re.subn(r"(error_log \S+) \w+;", r"\1 error;", text)
    if events != 1 or logs != 1:
        raise ProcessError("harness/proxies.py's main context changed: update harness/bench/stack.py")
    return text.replace("daemon off;\n", f"daemon off;\nworker_rlimit_nofile {nofile};\n", 1)


class BenchStack:
    """Context manager: starts the fakes and the proxy, stops all of them by PID on exit.

    `proxy_port`, `backend_port` (the fake IMAP server, for the direct path) and `proxy_pid` are set once
    entered; `pids()` names every process for CPU accounting.
    """

    def __init__(self, proxy, fake_binary, connections, nofile, keep_dir=False):
        self.proxy = proxy
        self.fake_binary = str(fake_binary)
        self.connections = connections
        self.nofile = nofile
        self.keep_dir = keep_dir
        self.run_dir = None
        self.processes = []
        self.proxy_process = None
        self.backend_process = None
        self.auth_process = None
        self.proxy_port = None
        self.backend_port = None

    @property
    def proxy_pid(self):
        return self.proxy_process.pid

    def __enter__(self):
        problem = self.proxy.problem()
        if problem:
            raise ProcessError(problem)
        self.run_dir = tempfile.mkdtemp(prefix=f"mailwire-bench-{self.proxy.label}-")
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        errors = stop_all(reversed(self.processes))
        self.processes = []
        if self.run_dir and not self.keep_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        if errors and exc[0] is None:
            raise ProcessError("; ".join(errors))
        return False

    def _start_fake(self, name, argv_tail):
        port_file = os.path.join(self.run_dir, f"{name}.port")
        process = ManagedProcess(name, [self.fake_binary, *argv_tail, "--listen", "127.0.0.1:0",
                                        "--port-file", port_file], self.run_dir)
        self.processes.append(process)
        return process, wait_for_port_file(process, port_file)

    def _start(self):
        self.backend_process, self.backend_port = self._start_fake("backend", ["imap"])
        self.auth_process, auth_port = self._start_fake(
            "auth", ["auth", "--backend", f"127.0.0.1:{self.backend_port}"])
        reserved = reserve_port()
        self.proxy_port = reserved.getsockname()[1]
        conf_path = os.path.join(self.run_dir, "proxy.conf")
        with open(conf_path, "w", encoding="utf-8") as handle:
            handle.write(bench_config(self.proxy, self.run_dir, self.proxy_port, auth_port,
                                      self.connections, self.nofile))
        reserved.close()
        errlog = os.path.join(self.run_dir, "error.log")
        self.proxy_process = ManagedProcess(self.proxy.label, self.proxy.argv(self.run_dir, conf_path, errlog),
                                            self.run_dir)
        self.processes.append(self.proxy_process)
        try:
            wait_for_listening(self.proxy_process, self.proxy_port)
        except ProcessError as error:
            raise ProcessError(f"{error}\n{self.proxy_process.output()}") from None

    def pids(self):
        """{"proxy": pid, "backend": pid, "auth": pid}."""
        return {"proxy": self.proxy_process.pid, "backend": self.backend_process.pid, "auth": self.auth_process.pid}
