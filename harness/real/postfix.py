"""Postfix from a private config folder: smtpd on 127.0.0.1 trusting the proxy's XCLIENT, delivery over LMTP to
Dovecot, the log in a file of the run (maillog_file), the master in the foreground and stopped by its PID.
"""

import re
import subprocess
from pathlib import Path

from ..processes import ProcessError
from .servers import RealServer, free_ports

POSTFIX = "/usr/sbin/postfix"
MASTER = "/usr/lib/postfix/sbin/master"
DOMAIN = "example.test"
HOSTNAME = "mx.example.test"

MAIN_CF = """\
# Written by harness/real/postfix.py for one run.
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = {hostname}
mydomain = {domain}
myorigin = {domain}
mydestination = {domain}
# IPv6 too, though smtpd listens on 127.0.0.1 only: an IPv4-only Postfix refuses XCLIENT ADDR=IPV6:...
# (scenarios/smtp/postfix-ipv4-only-refuses-ipv6-xclient.yaml).
inet_protocols = all
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
# The proxy (on loopback) may tell smtpd who the real client is.
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# Every local recipient goes to Dovecot's LMTP; Dovecot knows which users exist.
local_transport = lmtp:inet:127.0.0.1:{lmtp_port}
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
biff = no
smtputf8_enable = no
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
"""

# Debian's services without chroot (the run folder has no chroot jail) and smtpd on the run's port.
MASTER_CF = """\
127.0.0.1:{smtp_port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix(RealServer):
    """Start with `start(lmtp_port)`, stop with `stop()`; `port` is smtpd's, `log()` the maillog text."""

    LOG_FILE = "maillog"

    def __init__(self, run_dir):
        super().__init__(Path(run_dir) / "postfix")
        self.etc = self.root / "etc"
        self.port = None

    def start(self, lmtp_port):
        self.etc.mkdir(parents=True)
        (self.root / "spool").mkdir()
        (self.port,) = free_ports(1)
        (self.etc / "main.cf").write_text(MAIN_CF.format(root=self.root, hostname=HOSTNAME, domain=DOMAIN,
                                                         lmtp_port=lmtp_port), encoding="ascii")
        (self.etc / "master.cf").write_text(MASTER_CF.format(smtp_port=self.port), encoding="ascii")
        # `postfix check` creates the queue folders with the owners and modes Postfix insists on.
        check = subprocess.run([POSTFIX, "-c", str(self.etc), "check"], capture_output=True, text=True, timeout=60)
        if check.returncode != 0:
            raise ProcessError(f"postfix check failed ({check.returncode}):\n{check.stderr}{check.stdout}")
        # -s: stay in the foreground, so the PID we hold is the master's and SIGTERM stops the whole instance.
        self.launch("postfix", [MASTER, "-c", str(self.etc), "-s"], [self.port])


def smtpd_client_lines(log_text):
    """smtpd's per-message lines, `<queue id>: client=...`, as {queue id: attributes}.

    A line such as `postfix/smtpd[7]: 4Q9X: client=name[127.0.0.1], sasl_method=XCLIENT, sasl_username=good`
    gives {"4Q9X": {"client": "name[127.0.0.1]", "sasl_method": "XCLIENT", "sasl_username": "good"}}.
    """
    found = {}
    for match in re.finditer(r"postfix/smtpd\[\d+\]: ([0-9A-Za-z]+): (client=.*)$", log_text, re.MULTILINE):
        attributes = {}
        for part in match.group(2).split(", "):
            key, _, value = part.partition("=")
            attributes[key] = value
        found[match.group(1)] = attributes
    return found
