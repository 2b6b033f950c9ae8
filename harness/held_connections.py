"""`hold_connections`: more client connections to the proxy, opened in one step and held open until the client script
ends, for resource-exhaustion scenarios (idle floods, `worker_connections` reached, sessions piling up behind a silent
auth server). Each may first have to receive one line (or be closed by the proxy) and then send one line; nothing
else is read from them, and what they receive later is not compared.
"""

import time

from .legs import line_bytes, visible


def describe(held):
    """The expected row: `C: <3 more connections, each: S: * OK IMAP4 ready\\r\\n, C: a1 NOOP\\r\\n>`."""
    parts = []
    if held.expect is not None:
        parts.append("S: " + visible(line_bytes(held.expect)))
    if held.expect_close:
        parts.append("S: <close>")
    if held.send is not None:
        parts.append("C: " + visible(line_bytes(held.send)))
    each = f", each: {', '.join(parts)}" if parts else ", each silent"
    return f"C: <{held.count} more connection{'s' if held.count != 1 else ''}{each}>"


def hold(open_connection, held, timeout_ms):
    """Opens `held.count` connections with `open_connection()` (a client _Connection), one after another, and plays
    the expect/send on each. Returns (connections, problem): every connection opened so far (the caller closes them
    when the script ends), and None or what went wrong, naming the connection."""
    connections = []
    for number in range(1, held.count + 1):
        where = f"connection {number} of {held.count}"
        try:
            conn = open_connection()
        except OSError as error:
            return connections, f"{where}: connect failed: {error}"
        connections.append(conn)
        deadline = time.monotonic() + timeout_ms / 1000.0
        if held.expect is not None:
            line, partial = conn.read_line(deadline)
            if line != line_bytes(held.expect):
                got = visible(line) if line is not None else (visible(partial) + " " if partial else "") + (
                    f"<{conn.closed_how}>" if conn.closed_how else f"(nothing within {timeout_ms} ms)")
                return connections, f"{where}: S: {got}"
        if held.expect_close:
            while not conn.closed_how and not conn.buffer and conn.fill(deadline):
                pass
            if conn.buffer or not conn.closed_how:
                got = visible(conn.take_all()) if conn.buffer else f"(still open after {timeout_ms} ms)"
                return connections, f"{where}: S: {got}"
        if held.send is not None:
            try:
                conn.send(line_bytes(held.send))
            except OSError as error:
                return connections, f"{where}: send failed: {error}"
    return connections, None
