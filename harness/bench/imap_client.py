"""The few blocking IMAP client steps the idle and relay measurements share."""

import socket

LOGIN = b"a1 LOGIN good secret\r\n"


class LineReader:
    """Reads CRLF lines from a blocking socket, keeping what came after the last line."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def line(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"connection closed; unanswered bytes so far: {self.buffer[:200]!r}")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line + b"\n"

    def tagged(self, tag):
        """Reads up to the tagged reply for `tag` and returns it; it must be OK."""
        while True:
            line = self.line()
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise ConnectionError(f"expected {tag.decode()} OK, got {line!r}")
                return line


def connect(port, timeout_s=30.0):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def greeted(port, timeout_s=30.0):
    """A connected socket and its reader, the greeting read (it must be `* OK`)."""
    sock = connect(port, timeout_s)
    reader = LineReader(sock)
    greeting = reader.line()
    if not greeting.startswith(b"* OK"):
        sock.close()
        raise ConnectionError(f"expected a * OK greeting, got {greeting!r}")
    return sock, reader


def logged_in(port, timeout_s=30.0):
    """A socket after `a1 LOGIN good secret` got its tagged OK (through the proxy, or straight to the fake)."""
    sock, reader = greeted(port, timeout_s)
    sock.sendall(LOGIN)
    reader.tagged(b"a1")
    return sock, reader
