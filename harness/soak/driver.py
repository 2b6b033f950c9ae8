"""One soak run: start the proxy beside the soak's servers, run every planned session, stop, collect.

The proxy runs with one worker in the foreground (the harness's main context), short timers so that faults
resolve quickly, and an `info` error log so that every line can be classified.
"""

import asyncio
import os
import re
import resource
import signal
import time

from ..processes import ManagedProcess, ProcessError, reserve_port, wait_for_listening
from .clients import CLIENTS, Outcome
from .sampler import Sampler
from .servers import Servers, SessionRecord

# keepalive + the driver's worst lag (report.LOOP_LAG_LIMIT_S) stays well under proxy_timeout
# The login and auth timers leave room for a loaded machine: the soak's own servers share one event loop.
TIMEOUTS = {"login": 5, "auth": 5, "proxy": 10, "keepalive": 2}
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
# ASan's quarantine holds freed memory up to its size (256 MiB by default), which reads as RSS growth: keep
# it small so that RSS flattens out during the warm-up.
SANITIZER_ENV = {"ASAN_OPTIONS": "quarantine_size_mb=2:detect_leaks=1:abort_on_error=0",
                 "UBSAN_OPTIONS": "print_stacktrace=1"}

MAIL_BLOCK = """mail {{
    auth_http 127.0.0.1:{auth_port}/auth;
    auth_http_timeout {auth}s;
    timeout {login}s;
    proxy_timeout {proxy}s;
    server_name soak.example.test;
    server {{
        listen 127.0.0.1:{imap_port};
        protocol imap;
    }}
    server {{
        listen 127.0.0.1:{pop3_port};
        protocol pop3;
    }}
    server {{
        listen 127.0.0.1:{smtp_port};
        protocol smtp;
        smtp_auth login plain;
    }}
}}
"""


def proxy_config(proxy, run_dir, ports, auth_port, connections, nofile):
    text = proxy.config_text(run_dir, MAIL_BLOCK.format(auth_port=auth_port, imap_port=ports["imap"],
                                                         pop3_port=ports["pop3"], smtp_port=ports["smtp"],
                                                         **TIMEOUTS))
    text, count = re.subn(r"events \{[^}]*\}", f"events {{ worker_connections {connections}; }}", text)
    if count != 1:
        raise ProcessError("harness/proxies.py's main context changed: update harness/soak/driver.py")
    return text.replace("daemon off;\n", f"daemon off;\nworker_rlimit_nofile {nofile};\n", 1)


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class RunResult:
    def __init__(self):
        self.outcomes = []        # (plan, Outcome)
        self.samples = []
        self.proxy_exit = None    # the proxy's exit status after SIGTERM; None if it was gone before
        self.crashed = None       # why the proxy is judged crashed, or None
        self.sanitizer_lines = []
        self.server_errors = []
        self.timeline = {}        # "first_start", "last_start", "all_done": seconds on the sampler's clock
        self.peak_sessions = 0
        self.loop_lag_s = 0.0     # the driver's worst event-loop delay: its own timing is only as good as this
        self.loop_lags = []       # every delay measured (one each 0.1 s), for its distribution
        self.wall_s = 0.0


class SoakDriver:
    def __init__(self, proxy, plans, run_dir, concurrency, progress=print):
        self.proxy = proxy
        self.plans = plans
        self.run_dir = run_dir
        self.concurrency = concurrency
        self.progress = progress
        self.open_sessions = 0
        self.result = RunResult()

    def run(self):
        nofile = raise_fd_limit()
        started = time.monotonic()
        try:
            asyncio.run(self._main(nofile))
        finally:
            self.result.wall_s = time.monotonic() - started
        return self.result

    async def _main(self, nofile):
        registry = {plan.sid: SessionRecord(plan) for plan in self.plans}
        servers = Servers(registry, TIMEOUTS["proxy"], TIMEOUTS["login"])
        dead = reserve_port()  # held, never listening: the dead backend of auth:dead_backend
        await servers.start(dead.getsockname()[1])
        reserved = {protocol: reserve_port() for protocol in CLIENTS}
        ports = {protocol: sock.getsockname()[1] for protocol, sock in reserved.items()}
        conf_path = os.path.join(self.run_dir, "proxy.conf")
        with open(conf_path, "w", encoding="utf-8") as handle:
            handle.write(proxy_config(self.proxy, self.run_dir, ports, servers.auth_port,
                                      connections=min(max(4096, 4 * self.concurrency), nofile - 64),
                                      nofile=nofile))
        for sock in reserved.values():
            sock.close()
        errlog = os.path.join(self.run_dir, "error.log")
        env_before = {name: os.environ.get(name) for name in SANITIZER_ENV}
        os.environ.update(SANITIZER_ENV)
        try:
            process = ManagedProcess("proxy", self.proxy.argv(self.run_dir, conf_path, errlog), self.run_dir)
        finally:
            for name, value in env_before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        sampler = None
        try:
            loop = asyncio.get_running_loop()
            for port in ports.values():
                await loop.run_in_executor(None, wait_for_listening, process, port, 20.0)
            await asyncio.sleep(1.0)  # the idle baseline
            sampler = Sampler(process.pid, lambda: self.open_sessions)
            sampler.start()
            await asyncio.sleep(2.0)
            lag_watch = asyncio.ensure_future(self._watch_lag())
            await self._sessions(registry, ports, sampler)
            lag_watch.cancel()
            await asyncio.sleep(TIMEOUTS["login"] + 2.0)  # lingering closes settle
            sampler.stop()
            self.result.samples = sampler.samples
            self.result.timeline["all_done"] = sampler.samples[-1][0]
            self.result.server_errors = list(servers.backend_errors)
            if servers.auth_unknown:
                self.result.server_errors.append((None, f"{servers.auth_unknown} auth requests for unknown users"))
        finally:
            if sampler is not None and not self.result.samples:
                sampler.stop()
                self.result.samples = sampler.samples
            self._stop_proxy(process)
            await servers.stop()
            dead.close()
        self.result.sanitizer_lines = self._sanitizer_lines(process, errlog)

    async def _sessions(self, registry, ports, sampler):
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(self.concurrency)
        origin = loop.time()
        self.result.timeline["first_start"] = time.monotonic() - sampler.started
        last_report = [origin]

        async def one(plan):
            await asyncio.sleep(max(0.0, origin + plan.start_at - loop.time()))
            async with gate:
                self.open_sessions += 1
                self.result.peak_sessions = max(self.result.peak_sessions, self.open_sessions)
                try:
                    client = CLIENTS[plan.protocol](plan, registry[plan.sid], TIMEOUTS)
                    outcome = await client.run(ports[plan.protocol])
                except Exception as error:  # noqa: BLE001 - a driver bug still counts against the run
                    outcome = Outcome("unexpected", f"driver error: {error!r}")
                finally:
                    self.open_sessions -= 1
            self.result.outcomes.append((plan, outcome))
            now = loop.time()
            if now - last_report[0] >= 10:
                last_report[0] = now
                self.progress(f"soak: {now - origin:5.0f} s, {len(self.result.outcomes)}/{len(self.plans)} "
                              f"sessions done, {self.open_sessions} open, driver lag so far "
                              f"{self.result.loop_lag_s:.2f} s")

        tasks = [asyncio.ensure_future(one(plan)) for plan in self.plans]
        self.result.timeline["last_start"] = (self.result.timeline["first_start"]
                                              + (self.plans[-1].start_at if self.plans else 0))
        await asyncio.gather(*tasks)

    async def _watch_lag(self, period_s=0.1):
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(period_s)
            lag = loop.time() - before - period_s
            self.result.loop_lags.append(lag)
            self.result.loop_lag_s = max(self.result.loop_lag_s, lag)

    def _stop_proxy(self, process):
        if process.exited():
            self.result.crashed = f"the proxy exited during the run with status {process.popen.returncode}"
            process.stop()
            return
        process.popen.send_signal(signal.SIGTERM)
        try:
            self.result.proxy_exit = process.popen.wait(timeout=30)
        except Exception:  # noqa: BLE001 - it did not stop: kill and report
            process.stop()
            self.result.crashed = "the proxy did not exit within 30 s of SIGTERM"
            return
        process.stop()
        if self.result.proxy_exit != 0:
            self.result.crashed = f"the proxy exited with status {self.result.proxy_exit} after SIGTERM"

    @staticmethod
    def _sanitizer_lines(process, errlog):
        found = []
        for path in (process.stderr_path, errlog):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    found += [line for line in handle if any(marker in line for marker in SANITIZER_MARKERS)]
            except OSError:
                pass
        return found
