"""The real-server tier: Debian's Dovecot and Postfix behind each proxy, driven by real mail clients.

`python3 -m harness.real` (or `./mailwire run --real`) starts Dovecot (IMAP, POP3, LMTP) and Postfix (SMTP with
XCLIENT, delivering over LMTP into Dovecot's maildir) from configs in its own run folder, puts each proxy in front
of them with `mailwire-fake auth` answering, runs every flow and prints a flow x proxy table. docs/real-servers.md.
"""
