"""Runs the C++ client `mailwire-load` (fakes/load/) and reads its JSON line."""

import json
import subprocess


class LoadError(Exception):
    pass


def load_argv(binary, workload, port):
    argv = [str(binary), "--mode", workload.mode, "--target", f"127.0.0.1:{port}",
            "--concurrency", str(workload.concurrency), "--threads", str(workload.threads)]
    if workload.kind == "rate":
        argv += ["--duration", f"{workload.duration_s:g}"]
    else:
        argv += ["--sessions", str(workload.sessions)]
    if workload.bytes:
        argv += ["--bytes", str(workload.bytes)]
    return argv


def parse_result(stdout):
    """The last JSON object mailwire-load printed."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise LoadError(f"mailwire-load printed no result: {stdout[-500:]!r}")


def run_load(binary, workload, port, timeout_s=300):
    """The result of one run; raises LoadError when a session failed (the figures would mean nothing)."""
    argv = load_argv(binary, workload, port)
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise LoadError(f"{' '.join(argv)}: no result within {timeout_s} s") from None
    if completed.returncode not in (0, 1):
        raise LoadError(f"{' '.join(argv)} exited {completed.returncode}: {completed.stderr.strip()}")
    result = parse_result(completed.stdout)
    if result["errors"]:
        raise LoadError(f"{workload.name}: {result['errors']} failed sessions: {result['error_reasons']}")
    return result


class IdleSessions:
    """Context manager: `mailwire-load --mode idle` holding N sessions; entered once all are established
    (`ready` holds its report), closed when its stdin closes."""

    def __init__(self, binary, workload, port, timeout_s=120):
        self.argv = load_argv(binary, workload, port)
        self.timeout_s = timeout_s
        self.process = None
        self.ready = None
        self.result = None

    def __enter__(self):
        self.process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("{"):
            self._stop()
            raise LoadError(f"{' '.join(self.argv)}: {line!r} {self.process.stderr.read()[-500:]}")
        self.ready = json.loads(line)
        return self

    def __exit__(self, *exc):
        self._stop()
        return False

    def _stop(self):
        if self.process is None:
            return
        try:
            stdout, _stderr = self.process.communicate(input="", timeout=self.timeout_s)
            self.result = parse_result(stdout) if stdout.strip() else None
        except (subprocess.TimeoutExpired, LoadError, ValueError):
            self.process.kill()
            self.process.wait()
        self.process = None
