"""Common ground for the real servers: free loopback ports and waiting for a file to show up."""

import socket
import time

from ..processes import ManagedProcess, ProcessError, wait_for_listening


def free_ports(count, host="127.0.0.1"):
    """`count` distinct free TCP ports on `host` (127.0.0.1 or ::1), released on return (a server binds them a
    moment later)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_until(predicate, timeout_s, interval_s=0.05):
    """Polls `predicate` until it returns something truthy (returned) or the time is up (None)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval_s)


class RealServer:
    """One real server run in the foreground from the run folder: started, awaited on its ports, stopped by PID.

    Subclasses name `LOG_FILE` (relative to `root`) and call `launch()` with their command line.
    """

    LOG_FILE = ""

    def __init__(self, root):
        self.root = root
        self.process = None

    def launch(self, name, argv, ports):
        self.process = ManagedProcess(name, argv, str(self.root))
        try:
            for port in ports:
                wait_for_listening(self.process, port, timeout_s=15.0)
        except ProcessError as error:
            raise ProcessError(f"{error}\n{self.process.output()}\n{self.log()}") from None

    def log(self):
        try:
            return (self.root / self.LOG_FILE).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.process is not None:
            self.process.stop()
            self.process = None
