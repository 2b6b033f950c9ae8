"""Message bodies made from a seed, their digests, and the dot-stuffing of POP3 and SMTP.

IMAP literals carry arbitrary bytes (CR, LF and NUL included): the proxy must relay them untouched. POP3 and
SMTP bodies are CRLF text lines, some starting with a dot so that stuffing is exercised. Both ends of the soak
run in this process, so `random.Random(seed).randbytes` (fast, C) regenerates the same bytes on either side.
"""

import base64
import hashlib
import random


def binary_body(seed, size):
    return random.Random(seed).randbytes(size)


def text_body(seed, size):
    """About `size` bytes of CRLF lines; every 13th line begins with a dot (stuffed on the wire)."""
    rng = random.Random(seed)
    raw = base64.b64encode(rng.randbytes(size * 3 // 4 + 3))[:size]
    lines = [raw[i:i + 76] for i in range(0, len(raw), 76)]
    for index in range(0, len(lines), 13):
        lines[index] = b"." + lines[index][1:]
    return b"".join(line + b"\r\n" for line in lines)


def digest(data):
    return hashlib.sha1(data).hexdigest()


def dot_stuff(body):
    """`body` (CRLF lines) as sent inside DATA or a RETR reply, terminator included."""
    stuffed = body.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return stuffed + b".\r\n"


def dot_unstuff(wire):
    """A whole received body, from its first byte through the terminating `.` line, unstuffed."""
    body = wire[:-3]  # the ".\r\n" after the last line's CRLF
    if body.startswith(b".."):
        body = body[1:]
    return body.replace(b"\r\n..", b"\r\n.")

