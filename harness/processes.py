"""Child processes of a run (the proxy and the fakes): start, wait for readiness, stop by PID.

Every process started here is registered until stopped, so an atexit hook and a SIGTERM handler can
stop whatever a crashed or interrupted run left behind. Children also get PR_SET_PDEATHSIG, so they die
with the harness even if it is killed with SIGKILL.
"""

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import tempfile
import time

STOP_GRACE_S = 2.0
UNIX_PATH_MAX = 107  # sun_path holds 108 bytes with the terminating NUL
_live = set()


class ProcessError(Exception):
    """A child that could not be started or never became ready; the message carries its output."""


def _die_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ManagedProcess:
    """One child with its stdout/stderr in files under the run's folder."""

    def __init__(self, name, argv, run_dir):
        self.name = name
        self.argv = argv
        self.stdout_path = os.path.join(run_dir, f"{name}.stdout")
        self.stderr_path = os.path.join(run_dir, f"{name}.stderr")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            try:
                self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                              cwd=run_dir, preexec_fn=_die_with_parent)
            except OSError as error:
                raise ProcessError(f"cannot start {name}: {' '.join(argv)}: {error}") from None
        _live.add(self)

    @property
    def pid(self):
        return self.popen.pid

    def exited(self):
        return self.popen.poll() is not None

    def output(self):
        """stderr then stdout, for error messages."""
        parts = []
        for path in (self.stderr_path, self.stdout_path):
            try:
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8", "replace").strip()
            except OSError:
                text = ""
            if text:
                parts.append(text)
        return "\n".join(parts)

    def stop(self):
        """SIGTERM, then SIGKILL after a grace period; always reaps."""
        try:
            if self.popen.poll() is None:
                self.popen.send_signal(signal.SIGTERM)
                try:
                    self.popen.wait(timeout=STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    self.popen.kill()
                    self.popen.wait()
        finally:
            _live.discard(self)


def stop_all(processes):
    """Stops each process; one failing to stop does not keep the others running."""
    errors = []
    for process in processes:
        try:
            process.stop()
        except Exception as error:  # noqa: BLE001 - keep stopping the rest
            errors.append(f"{process.name}: {error}")
    return errors


def wait_for_port_file(process, path, timeout_s=10.0):
    """Waits until a fake has written its bound port to `path` (written atomically by the fake)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with open(path, encoding="ascii") as handle:
                text = handle.read()
            if text.endswith("\n") and text.strip().isdigit():
                return int(text)
        except (OSError, UnicodeDecodeError):
            pass
        if process.exited():
            raise ProcessError(f"{process.name} exited with status {process.popen.returncode} before writing "
                               f"its port file\n  command: {' '.join(process.argv)}\n{process.output()}")
        if time.monotonic() > deadline:
            raise ProcessError(f"{process.name} wrote no port file within {timeout_s:.0f} s\n"
                               f"  command: {' '.join(process.argv)}\n{process.output()}")
        time.sleep(0.01)


def _shown_address(host, port):
    """host:port as nginx writes a listen address: an IPv6 host in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def wait_for_listening(process, port, timeout_s=10.0, host="127.0.0.1"):
    """Waits until host:port (127.0.0.1 or ::1) accepts a TCP connection (the probe is closed at once)."""
    _wait_until_accepting(process, lambda: socket.create_connection((host, port), timeout=1.0),
                          _shown_address(host, port), timeout_s)


def wait_for_unix_listening(process, path, timeout_s=10.0):
    """Waits until the unix-domain socket at `path` accepts a connection (the probe is closed at once)."""
    _wait_until_accepting(process, lambda: connect_unix(path, timeout=1.0), f"unix:{path}", timeout_s)


def connect_unix(path, timeout):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


def _wait_until_accepting(process, connect, address, timeout_s):
    deadline = time.monotonic() + timeout_s
    while True:
        if process.exited():
            raise ProcessError(f"{process.name} exited with status {process.popen.returncode} "
                               f"before listening on {address}")
        try:
            with connect():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ProcessError(f"{process.name} did not listen on {address} within {timeout_s:.0f} s")
        time.sleep(0.02)


def unix_socket_path(run_dir, name="proxy.sock"):
    """Where the proxy's unix-domain socket goes: `run_dir/name`, or, when that path is too long for sun_path
    (107 bytes), a short folder of its own under the system's temporary folder. Returns (path, folder to remove
    afterwards or None). Nothing is created at the path: the proxy binds it (nginx refuses an existing file)."""
    path = os.path.join(run_dir, name)
    if len(os.fsencode(path)) <= UNIX_PATH_MAX:
        return path, None
    folder = tempfile.mkdtemp(prefix="mailwire-")
    return os.path.join(folder, name), folder


def reserve_port(host="127.0.0.1"):
    """A socket bound to a free port on loopback `host` (127.0.0.1 or ::1) and not listening: connections to it
    are refused.

    It has SO_REUSEADDR, so a proxy (which sets SO_REUSEADDR too) can bind and listen on the port while it is
    still held; the caller keeps it until the proxy listens, so no concurrent run can take the port in between.
    A backend that is down keeps it for the whole run.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


def _stop_leftovers():
    stop_all(list(_live))


def _on_sigterm(signum, frame):
    _stop_leftovers()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(_stop_leftovers)
try:
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _on_sigterm)
except ValueError:  # not the main thread
    pass
