"""Test certificates, made at test time with the openssl CLI (OpenSSL 3.0) and never checked in.

One folder per harness invocation, exposed to scenarios as `${certs}`. The subjects, issuers and serials are fixed
(CERTIFICATES below, documented in docs/scenarios.md), so scenarios can assert `Auth-SSL-Subject`, `-Issuer` and
`-Serial` exactly; keys, fingerprints and PEMs differ each time.
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

OPENSSL = "openssl"
PASSWORD = "mailwire-test-password"
COMPLETE_MARKER = ".complete"  # written last: a folder without it (or without a file of this set) is regenerated
EXPIRED_START, EXPIRED_END = "20200101000000Z", "20210101000000Z"


class CertificateError(Exception):
    """openssl is missing or one of its commands failed; the message names the command and its output."""


@dataclass(frozen=True)
class Certificate:
    """One certificate and its key: `<name>.pem` and `<name>.key` in the folder."""

    name: str
    subject: str  # as nginx shows it in Auth-SSL-Subject (RFC 2253: the last RDN first)
    issuer: str  # the name of the certificate that signed it (itself for a self-signed one)
    serial: str  # as nginx shows it in Auth-SSL-Serial: uppercase hex, two digits per byte
    key: str  # "rsa2048" or "p256"
    extensions: str  # the section of the openssl config below
    chain: Tuple[str, ...] = ()  # certificates appended to <name>.pem after its own, so a client sends them too


CERTIFICATES = {cert.name: cert for cert in (
    Certificate("ca", "CN=mailwire test CA,O=mailwire", "ca", "0100", "p256", "ca_ext"),
    Certificate("other-ca", "CN=mailwire other CA,O=mailwire", "other-ca", "0200", "p256", "ca_ext"),
    Certificate("server-rsa", "CN=mail.example.test,O=mailwire", "ca", "2001", "rsa2048", "server_rsa_ext"),
    Certificate("server-ecdsa", "CN=mail.example.test,O=mailwire", "ca", "2002", "p256", "server_ec_ext"),
    Certificate("client-good", "CN=client.example.test,O=mailwire", "ca", "1001", "p256", "client_ext"),
    Certificate("client-expired", "CN=expired.example.test,O=mailwire", "ca", "1002", "p256", "client_ext"),
    Certificate("client-revoked", "CN=revoked.example.test,O=mailwire", "ca", "1003", "p256", "client_ext"),
    Certificate("client-other", "CN=other.example.test,O=mailwire", "other-ca", "3001", "p256", "client_ext"),
    Certificate("client-selfsigned", "CN=selfsigned.example.test,O=mailwire", "client-selfsigned", "4001", "p256",
                "selfsigned_ext"),
    Certificate("intermediate-ca", "CN=mailwire intermediate CA,O=mailwire", "ca", "0300", "p256", "intermediate_ext"),
    Certificate("client-chained", "CN=chained.example.test,O=mailwire", "intermediate-ca", "5001", "p256", "client_ext",
                chain=("intermediate-ca",)),
)}
# Session ticket keys (ssl_session_ticket_key): random bytes, by file name.
TICKET_KEYS = {"ticket.key": 80, "ticket-old.key": 80, "ticket48.key": 48}
# Files that are not a certificate with its key.
OTHER_FILES = ("server-rsa-encrypted.key", "password.txt", "dhparam.pem", "crl.pem", "ca-bundle.pem", *TICKET_KEYS)
# The text files (every one but the ticket keys), which ${pem:NAME} may insert.
TEXT_FILES = tuple([f"{name}.{ext}" for name in CERTIFICATES for ext in ("pem", "key")]
                   + [name for name in OTHER_FILES if name not in TICKET_KEYS])
REVOKED = ("client-revoked",)  # listed in crl.pem

# Every openssl command gets this file, so the system's openssl.cnf (its default extensions) plays no part.
OPENSSL_CONFIG = """\
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

[ ca ]
default_ca = mailwire_ca
[ mailwire_ca ]
database = {work}/index.txt
new_certs_dir = {work}
serial = {work}/serial
crlnumber = {work}/crlnumber
certificate = {out}/ca.pem
private_key = {out}/ca.key
default_md = sha256
default_crl_days = 30
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
organizationName = optional

[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server_rsa_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server_ec_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ selfsigned_ext ]
basicConstraints = CA:false
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
"""


def _subj_argument(subject):
    """`CN=x,O=y` (RFC 2253, last RDN first) as openssl's -subj wants it: `/O=y/CN=x`."""
    return "/" + "/".join(reversed(subject.split(",")))


def _key_options(key):
    if key == "rsa2048":
        return ["-newkey", "rsa:2048"]
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]


class _Generator:
    def __init__(self, out, work):
        self.out = Path(out)
        self.work = Path(work)
        self.config = self.work / "openssl.cnf"
        self.config.write_text(OPENSSL_CONFIG.format(work=self.work, out=self.out), encoding="utf-8")
        (self.work / "index.txt").write_text("", encoding="ascii")
        (self.work / "crlnumber").write_text("01\n", encoding="ascii")

    def openssl(self, *args):
        argv = [OPENSSL, *args]
        try:
            completed = subprocess.run(argv, cwd=self.work, capture_output=True, text=True, timeout=60,
                                       env=dict(os.environ, OPENSSL_CONF=str(self.config)))
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CertificateError(f"cannot run {' '.join(argv)}: {error}") from None
        if completed.returncode != 0:
            raise CertificateError(f"{' '.join(argv)} exited with {completed.returncode}:\n"
                                   f"{(completed.stderr + completed.stdout).strip()}")

    def file(self, name):
        return str(self.out / name)

    def certificate(self, cert):
        """A new key and a certificate valid for ten years from now, signed by its issuer (or itself)."""
        args = ["req", "-x509", "-config", str(self.config), *_key_options(cert.key), "-noenc",
                "-keyout", self.file(f"{cert.name}.key"), "-out", self.file(f"{cert.name}.pem"),
                "-subj", _subj_argument(cert.subject), "-set_serial", "0x" + cert.serial, "-days", "3650",
                "-extensions", cert.extensions]
        if cert.issuer != cert.name:
            args += ["-CA", self.file(f"{cert.issuer}.pem"), "-CAkey", self.file(f"{cert.issuer}.key")]
        self.openssl(*args)
        if cert.chain:
            pem = self.out / f"{cert.name}.pem"
            pem.write_text(pem.read_text(encoding="ascii") + "".join(
                (self.out / f"{name}.pem").read_text(encoding="ascii") for name in cert.chain), encoding="ascii")

    def expired_certificate(self, cert):
        """`openssl ca` is the 3.0 command that takes a validity in the past (-startdate/-enddate)."""
        request = str(self.work / f"{cert.name}.csr")
        self.openssl("req", "-new", "-config", str(self.config), *_key_options(cert.key), "-noenc",
                     "-keyout", self.file(f"{cert.name}.key"), "-out", request, "-subj", _subj_argument(cert.subject))
        (self.work / "serial").write_text(cert.serial + "\n", encoding="ascii")
        self.openssl("ca", "-batch", "-config", str(self.config), "-in", request, "-out", self.file(f"{cert.name}.pem"),
                     "-notext", "-preserveDN", "-startdate", EXPIRED_START, "-enddate", EXPIRED_END,
                     "-extensions", cert.extensions)

    def run(self):
        for name in ("ca", "other-ca", "server-rsa", "server-ecdsa", "client-good", "client-revoked", "client-other",
                     "client-selfsigned", "intermediate-ca", "client-chained"):
            self.certificate(CERTIFICATES[name])
        self.expired_certificate(CERTIFICATES["client-expired"])
        for name in REVOKED:
            self.openssl("ca", "-config", str(self.config), "-revoke", self.file(f"{name}.pem"))
        self.openssl("ca", "-config", str(self.config), "-gencrl", "-crldays", "30", "-out", self.file("crl.pem"))
        password = self.out / "password.txt"
        password.write_text(PASSWORD + "\n", encoding="ascii")
        self.openssl("pkey", "-in", self.file("server-rsa.key"), "-aes256", "-passout", f"file:{password}",
                     "-out", self.file("server-rsa-encrypted.key"))
        self.openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                     "-out", self.file("dhparam.pem"))
        bundle = "".join((self.out / f"{name}.pem").read_text(encoding="ascii") for name in ("ca", "other-ca"))
        (self.out / "ca-bundle.pem").write_text(bundle, encoding="ascii")
        for name, size in TICKET_KEYS.items():
            self.openssl("rand", "-out", self.file(name), str(size))


def generate(directory):
    """Writes the full set into `directory` (created if needed) and returns it as a Path."""
    out = Path(directory).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".openssl-", dir=out)
    try:
        _Generator(out, work).run()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / COMPLETE_MARKER).write_text("", encoding="ascii")
    return out


def _complete(directory):
    """A folder generated in full, with every file this version makes (an older set lacks the newer files)."""
    names = [f"{name}.{ext}" for name in CERTIFICATES for ext in ("pem", "key")] + list(OTHER_FILES)
    return (directory / COMPLETE_MARKER).is_file() and all((directory / name).is_file() for name in names)


class CertificateFolder:
    """The `${certs}` folder of one harness invocation: generated on first use, removed by `cleanup()` unless kept."""

    def __init__(self, directory, keep=False):
        self.directory = Path(directory)
        self.keep = keep
        self._ready: Optional[Path] = None

    def path(self):
        if self._ready is None:
            if _complete(self.directory):
                self._ready = self.directory.resolve()
            else:
                self._ready = generate(self.directory)
        return self._ready

    def cleanup(self):
        if not self.keep:
            shutil.rmtree(self.directory, ignore_errors=True)
        self._ready = None
