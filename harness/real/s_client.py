"""`openssl s_client` as a line-by-line client: write a command, read until the reply's last line shows up."""

import os
import re
import select
import subprocess
import time



class SClientError(AssertionError):
    pass


class SClient:
    """s_client -quiet to 127.0.0.1:port, verifying the proxy's certificate against the test CA and its name."""

    def __init__(self, run_dir, name, port, ca_file, server_name, starttls=None, timeout_s=15.0):
        argv = ["openssl", "s_client", "-quiet", "-connect", f"127.0.0.1:{port}", "-CAfile", str(ca_file),
                "-verify_return_error", "-verify_hostname", server_name, "-servername", server_name]
        if starttls:
            argv += ["-starttls", starttls]
        self.timeout_s = timeout_s
        self.buffer = b""
        self.stderr_path = os.path.join(run_dir, f"{name}.stderr")
        # ManagedProcess keeps stdout in a file; s_client needs pipes, so it is a plain Popen stopped in close().
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                            cwd=run_dir)

    def send(self, line):
        self.process.stdin.write(line)
        self.process.stdin.flush()

    def read_until(self, pattern):
        """Reads until `pattern` (bytes regex) matches the received bytes; returns them all and keeps the rest."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + self.timeout_s
        while True:
            match = regex.search(self.buffer)
            if match:
                taken, self.buffer = self.buffer[:match.end()], self.buffer[match.end():]
                return taken
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SClientError(f"no {pattern!r} from the proxy within {self.timeout_s:.0f} s; got "
                                   f"{self.buffer[-300:]!r}; s_client said: {self._stderr()}")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    raise SClientError(f"connection closed before {pattern!r}; got {self.buffer[-300:]!r}; "
                                       f"s_client said: {self._stderr()}")
                self.buffer += chunk

    def read_exactly(self, count):
        deadline = time.monotonic() + self.timeout_s
        while len(self.buffer) < count:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
            chunk = os.read(self.process.stdout.fileno(), 65536) if ready else b""
            if not chunk:
                raise SClientError(f"wanted {count} bytes, got {len(self.buffer)}")
            self.buffer += chunk
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        return taken

    def _stderr(self):
        try:
            with open(self.stderr_path, "rb") as handle:
                return handle.read().decode("utf-8", "replace").strip()[-500:]
        except OSError:
            return ""

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
