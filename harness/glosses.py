"""One-line glosses of wire lines, for `./mailwire explain` and docs/flows/: a table, first match wins.

Each row: (leg, protocol, direction, pattern, gloss).
* leg: `mail` (client <-> proxy, proxy <-> backend), `auth` (proxy <-> auth_http server), `dns`, or `*`.
* protocol: imap, pop3, smtp or `*`.
* direction: `cmd` for what the client side of a connection sends (the mail client to the proxy, the proxy to a
  backend or to the auth server), `client` or `proxy` for only one of those senders, `reply` for what the server
  side sends, `*` for any.
* pattern: a regular expression fully matching the line without its CRLF, or `<note>` for an event without bytes.
"""

import re

GLOSSES = [
    # ---------------------------------------------------------------- events without bytes
    ("mail", "*", "cmd", "<connect>", "a new TCP connection"),
    ("auth", "*", "cmd", "<connect>", "the proxy opens an HTTP/1.0 connection to its auth_http server"),
    ("*", "*", "*", "<close>", "this side closes the connection"),
    ("*", "*", "*", "<reset>", "this side resets the connection (RST): anything unread is lost"),
    ("*", "*", "*", "<half-close>", "this side shuts down its write side (FIN) but keeps reading"),
    ("*", "*", "*", "<stall>", "this side stops reading and writing"),
    ("*", "*", "*", "<TLS handshake.*>", "TLS is negotiated; everything after it on this leg is encrypted"),
    ("dns", "*", "cmd", "<query PTR .*>", "reverse lookup of the client's address (resolver on): its host name"),
    ("dns", "*", "cmd", "<query (A|AAAA) .*>",
     "forward lookup of that name: it must lead back to the client's address to be trusted"),
    ("dns", "*", "reply", "<answer .*>", "the DNS server's answer: the rcode, then the records"),
    # ---------------------------------------------------------------- PROXY protocol
    ("mail", "*", "cmd", r"PROXY (TCP4|TCP6|UNKNOWN).*",
     "a PROXY protocol v1 header: who the real client is, before any protocol byte"),
    # ---------------------------------------------------------------- auth_http request
    ("auth", "*", "cmd", r"GET \S+ HTTP/1\.0",
     "the auth request: may this user log in, and to which backend?"),
    ("auth", "*", "cmd", r"Host: .*", "the auth_http server's host, as the auth_http directive names it"),
    ("auth", "*", "cmd", r"Auth-Method: plain",
     "the client gave a password in clear (IMAP LOGIN, POP3 USER/PASS, AUTH PLAIN or LOGIN)"),
    ("auth", "*", "cmd", r"Auth-Method: (apop|cram-md5)",
     "the client proved it knows the password with a digest over the salt below"),
    ("auth", "*", "cmd", r"Auth-Method: external", "the client claims a name; a TLS client certificate may back it"),
    ("auth", "*", "cmd", r"Auth-Method: none", "SMTP without authentication: the auth server decides per recipient"),
    ("auth", "*", "cmd", r"Auth-User: .*", "the login as the client sent it (space, % and controls as %XX)"),
    ("auth", "*", "cmd", r"Auth-Pass: .*", "the password (or digest) as the client sent it, %XX-escaped"),
    ("auth", "*", "cmd", r"Auth-Salt: .*", "the challenge the proxy gave the client, to check the digest against"),
    ("auth", "*", "cmd", r"Auth-Protocol: .*", "which protocol the client speaks"),
    ("auth", "*", "cmd", r"Auth-Login-Attempt: .*", "how many times this connection has tried to log in"),
    ("auth", "*", "cmd", r"Client-IP: .*", "the client's address (or the PROXY header's source, when trusted)"),
    ("auth", "*", "cmd", r"Client-Host: .*",
     "SMTP: the client's host name from DNS, or [UNAVAILABLE] without a resolver"),
    ("auth", "*", "cmd", r"Proxy-Protocol-.*", "what the client's PROXY protocol header said"),
    ("auth", "*", "cmd", r"Auth-SMTP-(Helo|From|To): .*", "SMTP without authentication: the envelope so far"),
    ("auth", "*", "cmd", r"Auth-SSL.*", "about the client's TLS connection and certificate"),
    ("auth", "*", "cmd", r"", "the blank line: the end of the request head (no body follows)"),
    ("auth", "*", "cmd", r"[A-Za-z0-9-]+: .*", "an extra header from the auth_http_header directive"),
    # ---------------------------------------------------------------- auth_http response
    ("auth", "*", "reply", r"HTTP/\S+ \d+.*", "the status line: nginx skips it, only the headers count"),
    ("auth", "*", "reply", r"Auth-Status: OK", "the login is accepted"),
    ("auth", "*", "reply", r"Auth-Status: WAIT", "try again later: the proxy repeats the request after Auth-Wait"),
    ("auth", "*", "reply", r"Auth-Status: .*", "the login is refused; this text is what the client is told"),
    ("auth", "*", "reply", r"Auth-Server: .*", "the backend's address (an IP literal) to connect to"),
    ("auth", "*", "reply", r"Auth-Port: .*", "the backend's port"),
    ("auth", "*", "reply", r"Auth-Wait: .*",
     "seconds to wait before answering the client (slows down password guessing)"),
    ("auth", "*", "reply", r"Auth-User: .*", "the login to use towards the backend instead of the client's"),
    ("auth", "*", "reply", r"Auth-Pass: .*", "the password to use towards the backend instead of the client's"),
    ("auth", "*", "reply", r"Auth-Error-Code: .*", "SMTP: the reply code to use instead of 535 5.7.0"),
    ("auth", "*", "reply", r"", "the blank line: the end of the response head"),
    # ---------------------------------------------------------------- IMAP
    ("mail", "imap", "reply", r"\* OK.*", "an untagged OK: the greeting (the server is ready)"),
    ("mail", "imap", "cmd", r"\S+ CAPABILITY", "what can this server do? (the proxy answers itself)"),
    ("mail", "imap", "reply", r"\* CAPABILITY.*", "the capability list: extensions, STARTTLS, AUTH= mechanisms"),
    ("mail", "imap", "proxy", r"\S+ LOGIN .*\{\d+\}",
     "the proxy logs in to the backend, the user name as a literal {N}: it waits for the backend's `+`"),
    ("mail", "imap", "cmd", r"\S+ LOGIN .*\{\d+\+\}",
     "LOGIN with a non-synchronising literal {N+}: N raw bytes follow at once, no permission needed"),
    ("mail", "imap", "cmd", r"\S+ LOGIN .*\{\d+\}",
     "LOGIN with a literal {N}: N raw bytes follow on the next line, once the server says `+`"),
    ("mail", "imap", "cmd", r"\S+ LOGIN .*", "LOGIN user password: the credentials, in clear"),
    ("mail", "imap", "cmd", r".*\{\d+\+?\}",
     "the literal's bytes, then another literal {N} announced: wait for `+` again"),
    ("mail", "imap", "reply", r"\+.*", "a continuation request: go on, send the literal (or the next SASL step)"),
    ("mail", "imap", "cmd", r"\S+ AUTHENTICATE (\S+).*", "SASL authentication with the mechanism named"),
    ("mail", "imap", "cmd", r"\S+ STARTTLS", "switch this connection to TLS before any password is sent"),
    ("mail", "imap", "cmd", r"\S+ LOGOUT", "the client says goodbye"),
    ("mail", "imap", "cmd", r"\S+ NOOP", "does nothing; answered by the proxy before login"),
    ("mail", "imap", "reply", r"\* BYE.*", "the server is closing the connection"),
    ("mail", "imap", "reply", r"\S+ OK.*", "a tagged OK: the command with this tag completed"),
    ("mail", "imap", "reply", r"\S+ NO.*", "a tagged NO: the command with this tag failed"),
    ("mail", "imap", "reply", r"\S+ BAD.*", "a tagged BAD: the command was not understood"),
    ("mail", "imap", "cmd", r"\S+ SELECT .*", "after login the proxy relays bytes as they are: a mailbox command"),
    ("mail", "imap", "cmd", r"[^ ]*", "the literal's bytes: the command line ends here"),
    # ---------------------------------------------------------------- POP3
    ("mail", "pop3", "reply", r"\+OK .*<.*@.*>",
     "the greeting, with a salt <...@...> that APOP and CRAM-MD5 digests are made over"),
    ("mail", "pop3", "reply", r"\+OK.*", "a positive reply"),
    ("mail", "pop3", "reply", r"-ERR.*", "a negative reply"),
    ("mail", "pop3", "proxy", r"USER .*", "the proxy logs in to the backend as this user"),
    ("mail", "pop3", "proxy", r"PASS .*",
     "the password for the backend (the client's, or the auth server's Auth-Pass)"),
    ("mail", "pop3", "cmd", r"USER .*", "the login name (the password comes with PASS)"),
    ("mail", "pop3", "cmd", r"PASS .*", "the password, in clear: now the proxy can ask the auth server"),
    ("mail", "pop3", "cmd", r"APOP \S+ \S+", "login with MD5(salt + password) instead of the password"),
    ("mail", "pop3", "cmd", r"CAPA", "what can this server do? (the proxy answers itself)"),
    ("mail", "pop3", "cmd", r"STLS", "switch this connection to TLS before any password is sent"),
    ("mail", "pop3", "cmd", r"AUTH.*", "SASL authentication with the mechanism named"),
    ("mail", "pop3", "cmd", r"QUIT", "the client says goodbye"),
    ("mail", "pop3", "reply", r"\.", "the lone dot: the end of a multi-line reply"),
    # ---------------------------------------------------------------- SMTP
    ("mail", "smtp", "reply", r"220[ -].*", "220: the service is ready (the greeting)"),
    ("mail", "smtp", "client", r"EHLO .*", "the client's hello, asking for the ESMTP extension list"),
    ("mail", "smtp", "client", r"HELO .*", "the client's plain hello (no extension list)"),
    ("mail", "smtp", "proxy", r"(EHLO|HELO) .*",
     "the proxy's hello to the backend: its own server_name first; after XCLIENT, the client's name replayed"),
    ("mail", "smtp", "reply", r"250-.*", "one line of a multi-line 250 reply (more follow)"),
    ("mail", "smtp", "reply", r"250 .*", "250: done (the last line of the reply)"),
    ("mail", "smtp", "cmd", r"XCLIENT .*",
     "the proxy tells the backend who the real client is; it comes before the client's EHLO is replayed, "
     "because XCLIENT restarts the backend's session"),
    ("mail", "smtp", "cmd", r"STARTTLS", "switch this connection to TLS before any password is sent"),
    ("mail", "smtp", "cmd", r"AUTH PLAIN \S+", "PLAIN with its initial response: base64 of \\0login\\0password"),
    ("mail", "smtp", "cmd", r"AUTH \S+.*", "SASL authentication with the mechanism named"),
    ("mail", "smtp", "reply", r"334.*", "334: a SASL challenge (base64), answer with the next step"),
    ("mail", "smtp", "reply", r"235.*", "235: authentication succeeded"),
    ("mail", "smtp", "reply", r"535.*", "535: authentication failed"),
    ("mail", "smtp", "cmd", r"MAIL FROM:.*", "the envelope sender"),
    ("mail", "smtp", "cmd", r"RCPT TO:.*", "an envelope recipient"),
    ("mail", "smtp", "cmd", r"DATA", "the message follows, up to a lone dot"),
    ("mail", "smtp", "reply", r"354.*", "354: go ahead, send the message"),
    ("mail", "smtp", "cmd", r"QUIT", "the client says goodbye"),
    ("mail", "smtp", "reply", r"221.*", "221: the server closes the connection"),
    ("mail", "smtp", "reply", r"4\d\d.*", "a 4xx reply: a temporary failure, try again later"),
    ("mail", "smtp", "reply", r"5\d\d.*", "a 5xx reply: a permanent failure"),
]


def leg_of(arrow):
    """mail, auth or dns: which kind of leg an arrow is on."""
    for lane in (arrow.sender, arrow.receiver):
        if lane in ("auth", "dns"):
            return lane
    return "mail"


def direction_of(arrow):
    """cmd when the arrow goes from a connection's client side (client -> proxy, proxy -> a server)."""
    if arrow.sender == "client" or (arrow.sender == "proxy" and arrow.receiver != "client"):
        return "cmd"
    return "reply"


def gloss(arrow, protocol):
    """The gloss of one trace arrow (harness/trace.py) in a session of `protocol`, or ""."""
    if arrow.data is None:
        text = f"<{arrow.note}>"
    else:
        text = arrow.data.decode("latin-1")
        text = text[:-2] if text.endswith("\r\n") else text.rstrip("\n")
    leg, direction = leg_of(arrow), direction_of(arrow)
    for row_leg, row_protocol, row_direction, pattern, meaning in GLOSSES:
        if row_leg not in ("*", leg) or row_protocol not in ("*", protocol):
            continue
        if row_direction not in ("*", direction, arrow.sender if direction == "cmd" else None):
            continue
        if re.fullmatch(pattern, text, re.DOTALL):
            return meaning
    return ""
