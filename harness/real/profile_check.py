"""The fakes' Dovecot and Postfix profiles against the real servers: the same commands to both, the replies
compared line by line after the differences that are not behaviour are evened out (host names, Debian's greeting,
Dovecot's timings). A difference means the profile has drifted from the server it stands for."""

import os
import re
import socket

from ..processes import ManagedProcess, wait_for_port_file
from .postfix import HOSTNAME
from .stack import PASSWORD

READ_TIMEOUT_S = 10
PROFILE_USER = "profiles"  # a Dovecot user of its own: the checks log in but touch no proxy's mailbox
# (protocol, profile, commands); each command gets one complete reply (greeting first).
DIALOGUES = (
    ("imap", "dovecot", ["a1 LOGIN {{{user_length}}}", "{user} {{{password_length}}}", "{password}", "a2 NOOP", "a3 FOO",
                         "a4 CLOSE", "a5 FETCH 1 BODY[]", "a6 UID FETCH 1 BODY[]", "a7 LOGOUT"]),
    ("pop3", "dovecot", ["CAPA", "STAT", "FOO", "PASS x", "USER {user}", "PASS {password}", "CAPA", "NOOP",
                         "FOO", "RETR 99", "QUIT"]),
    ("smtp", "postfix", ["EHLO mail.example.test", "XCLIENT ADDR=127.0.0.1 LOGIN={user} NAME=[UNAVAILABLE]",
                         "EHLO client.example", "RCPT TO:<{user}@example.test>", "DATA",
                         "MAIL FROM:<{user}@example.test>", "MAIL FROM:<{user}@example.test>", "RSET", "NOOP",
                         "STARTTLS", "FOO", "QUIT"]),
)
POP3_MULTILINE = ("CAPA",)


def _even_out(protocol, lines):
    """What differs between a fake and the real server without being behaviour."""
    evened = []
    for line in lines:
        line = line.replace("Dovecot (Debian) ready.", "Dovecot ready.")  # Debian's build-time greeting
        line = line.replace(HOSTNAME, "mail.example.test")  # the tier's Postfix host name, the profile's
        line = re.sub(r"\(\d+\.\d{3}(?: \+ \d+\.\d{3})+ secs\)", "(timings)", line)  # Dovecot's command timings
        # The profile stands for a Postfix with SMTP AUTH (SASL) on; the tier's Postfix has none.
        if protocol == "smtp" and re.search(r" -> 250[- ]AUTH ", line):
            continue
        evened.append(line)
    return evened


class _LineReader:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed with {self.buffer!r} unread")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode("latin-1")


def _reply(protocol, reader, command):
    """One complete reply: SMTP up to the line with a space after the code, POP3 one line (or to `.` for a
    multi-line +OK), IMAP up to a tagged line or a continuation."""
    lines = [reader.line()]
    if protocol == "smtp":
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(reader.line())
    elif protocol == "pop3":
        if command in POP3_MULTILINE and lines[0].startswith("+OK"):
            while lines[-1] != ".":
                lines.append(reader.line())
    elif command is not None:  # IMAP: the tags here are a1, a2, ...; a literal's line gets a continuation
        while not re.match(r"(\+ |a\d+ )", lines[-1]):
            lines.append(reader.line())
    return lines


def converse(protocol, port, commands):
    """The replies, greeting first, as one list of lines each prefixed with the command that got it."""
    transcript = []
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT_S) as sock:
            reader = _LineReader(sock)
            transcript += [f"(greeting) {line}" for line in _reply(protocol, reader, None)]
            for command in commands:
                sock.sendall(command.encode("latin-1") + b"\r\n")
                transcript += [f"{command} -> {line}" for line in _reply(protocol, reader, command)]
    except OSError as error:  # an incomplete reply is a difference like any other
        transcript.append(f"(no complete reply: {error})")
    return transcript


def compare_profiles(servers, fake_binary, user, work_dir):
    """{"<protocol> <profile>": None when the profile answers as the real server, else the first difference}."""
    values = {"user": user, "password": PASSWORD, "user_length": len(user), "password_length": len(PASSWORD)}
    results = {}
    for protocol, profile, commands in DIALOGUES:
        commands = [command.format(**values) for command in commands]
        port_file = os.path.join(work_dir, f"profile-{protocol}.port")
        if os.path.exists(port_file):
            os.remove(port_file)  # a port file left from an earlier check would name a port nobody listens on
        fake = ManagedProcess(f"profile-{protocol}", [str(fake_binary), protocol, "--profile", profile, "--listen",
                                                      "127.0.0.1:0", "--port-file", port_file], str(work_dir))
        try:
            fake_port = wait_for_port_file(fake, port_file)
            from_fake = _even_out(protocol, converse(protocol, fake_port, commands))
        finally:
            fake.stop()
        from_real = _even_out(protocol, converse(protocol, servers.backend_port(protocol), commands))
        results[f"{protocol} {profile}"] = _first_difference(from_real, from_fake)
    return results


def _first_difference(real, fake):
    for index, (real_line, fake_line) in enumerate(zip(real, fake)):
        if real_line != fake_line:
            return f"line {index + 1}: the real server said {real_line!r}, the profile {fake_line!r}"
    if len(real) != len(fake):
        return f"the real server said {len(real)} lines, the profile {len(fake)}"
    return None
