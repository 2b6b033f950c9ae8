"""Samples the proxy's open file descriptors and RSS once a second, beside the number of open sessions."""

import os
import threading
import time


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def pipe_count(pid):
    """Descriptors that are pipes: the reference keeps a few spare splice pipes between sessions."""
    count = 0
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{name}").startswith("pipe:")
        except OSError:  # closed meanwhile
            pass
    return count


def rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Sampler:
    """A thread appending (t, fds, rss_kib, open_sessions, pipes) to `samples` every `period_s` until stopped."""

    def __init__(self, pid, open_sessions, period_s=1.0):
        self.pid = pid
        self.open_sessions = open_sessions  # callable: sessions the driver has open now
        self.period_s = period_s
        self.samples = []
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="soak-sampler", daemon=True)

    def start(self):
        self._thread.start()

    def sample(self):
        try:
            self.samples.append((time.monotonic() - self.started, fd_count(self.pid), rss_kib(self.pid),
                                 self.open_sessions(), pipe_count(self.pid)))
        except OSError:  # the proxy is gone: the crash check reports it
            pass

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.period_s)
