"""A loopback port where a TCP connect hangs instead of being refused (`blackhole: true`, `auth_blackhole: true`).

A listening socket with backlog 0 whose accept queue is filled with connections that are never accepted: Linux
then drops further SYNs to it (with net.ipv4.tcp_abort_on_overflow 0, the default), so a connect() neither
succeeds nor fails; the connecting side retransmits its SYN until its own timeout. Before the port is handed out,
a probe connect must hang, or setup fails saying so.
"""

import os
import select
import socket

MAX_FILLERS = 8  # backlog 0 admits one queued connection on Linux; a few more in case the kernel counts otherwise
SETTLE_S = 0.2  # how long a filler may take to complete its handshake; a connect still pending by then hangs


class BlackholeError(OSError):
    """This machine does not drop SYNs to a full accept queue: the trick does not work here."""


def _connect(port, host):
    """A non-blocking connect to host:port: ("connected" | "hangs" | "error: ...", the socket) after SETTLE_S."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        sock.connect((host, port))
        return "connected", sock
    except BlockingIOError:
        pass
    except OSError as error:
        return f"error: {error}", sock
    _, writable, _ = select.select([], [sock], [], SETTLE_S)
    if not writable:
        return "hangs", sock
    error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    return ("connected", sock) if error == 0 else (f"error: {os.strerror(error)}", sock)


class Blackhole:
    """Owns the listener and the queued connections; `port` hangs every connect until close()."""

    def __init__(self, host="127.0.0.1"):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.fillers = []
        try:
            self.listener.bind((host, 0))
            self.listener.listen(0)
            self.port = self.listener.getsockname()[1]
            for _ in range(MAX_FILLERS):
                outcome, sock = _connect(self.port, host)
                if outcome == "hangs":  # the queue is full: this connect hangs, as the proxy's will
                    sock.close()
                    return
                if outcome != "connected":
                    sock.close()
                    raise BlackholeError(f"blackhole: a connect to the full accept queue of {host}:{self.port} "
                                         f"failed ({outcome[7:]}) instead of hanging "
                                         "(net.ipv4.tcp_abort_on_overflow is 1?)")
                self.fillers.append(sock)
            raise BlackholeError(f"blackhole: {MAX_FILLERS} connections to {host}:{self.port} all completed "
                                 "although nothing accepts them; this kernel does not drop SYNs to a full "
                                 "accept queue (net.ipv4.tcp_abort_on_overflow?)")
        except BaseException:
            self.close()
            raise

    def close(self):
        for sock in self.fillers:
            sock.close()
        self.fillers = []
        self.listener.close()
