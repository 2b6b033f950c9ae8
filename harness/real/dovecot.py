"""Dovecot from a config in the run's folder: IMAP, POP3 and LMTP on 127.0.0.1, passwd-file users, maildirs.

Dovecot runs as root (it must, to switch users) but refuses to store mail as root, so the mail belongs to
`nobody`/`nogroup`; the maildir and the folders above it are made reachable for that user.
"""

import grp
import os
import pwd
from pathlib import Path

from .servers import RealServer, free_ports

DOVECOT = "/usr/sbin/dovecot"
MAIL_USER, MAIL_GROUP = "nobody", "nogroup"

CONFIG = """\
# Written by harness/real/dovecot.py for one run; nothing outside {root} is read or written.
protocols = imap pop3 lmtp
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
instance_name = mailwire-{port_imap}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
# LMTP recipients arrive as user@domain; the passwd-file knows the local part.
auth_username_format = %Ln
mail_location = maildir:{mail}/%n
mail_uid = {mail_user}
mail_gid = {mail_group}
first_valid_uid = {uid}
first_valid_gid = {gid}
postmaster_address = postmaster@example.test
lmtp_save_to_detail_mailbox = no
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={mail}/%n
}}
service imap-login {{
  inet_listener imap {{
    port = {port_imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {port_pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
# No growing auth penalty for 127.0.0.1: the refused-login flows would slow down every later login (the first
# refusal's 2 s delay stays).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {port_lmtp}
  }}
}}
"""


class Dovecot(RealServer):
    """Start with `start()`, stop with `stop()`; `ports` maps imap/pop3/lmtp to the bound ports."""

    LOG_FILE = "dovecot.log"

    def __init__(self, run_dir, users, password):
        super().__init__(Path(run_dir) / "dovecot")
        self.mail = Path(run_dir) / "mail"
        self.users = users
        self.password = password
        self.ports = {}

    def mailbox(self, user):
        """The user's maildir: new messages land in `new/` (LMTP) and move to `cur/` once a client saw them."""
        return self.mail / user

    def start(self):
        self.root.mkdir(parents=True)
        self.mail.mkdir(parents=True)
        owner = pwd.getpwnam(MAIL_USER).pw_uid, grp.getgrnam(MAIL_GROUP).gr_gid
        os.chown(self.mail, *owner)
        # The run folder is private (mkdtemp); the mail user must traverse it (its parents are checked by stack.py).
        os.chmod(self.mail.parent, 0o711)
        (self.root / "users").write_text("".join(f"{user}:{{PLAIN}}{self.password}\n" for user in self.users),
                                         encoding="ascii")
        imap, pop3, lmtp = free_ports(3)
        self.ports = {"imap": imap, "pop3": pop3, "lmtp": lmtp}
        conf = self.root / "dovecot.conf"
        conf.write_text(CONFIG.format(root=self.root, mail=self.mail, mail_user=MAIL_USER, mail_group=MAIL_GROUP,
                                      uid=owner[0], gid=owner[1], port_imap=imap, port_pop3=pop3, port_lmtp=lmtp),
                        encoding="ascii")
        self.launch("dovecot", [DOVECOT, "-F", "-c", str(conf)], self.ports.values())
