"""The test certificates (harness/certs.py): every file, the documented subjects, issuers and serials, what
OpenSSL's verification says of each client certificate, and the folder's lifetime."""

import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from harness.certs import (CERTIFICATES, COMPLETE_MARKER, OTHER_FILES, PASSWORD, REVOKED, TEXT_FILES, TICKET_KEYS,
                           CertificateFolder, generate)

# What docs/scenarios.md promises (RFC 2253 names as nginx's Auth-SSL-Subject/Issuer show them, serials as
# Auth-SSL-Serial shows them).
DOCUMENTED = {
    "ca": ("CN=mailwire test CA,O=mailwire", "CN=mailwire test CA,O=mailwire", "0100"),
    "other-ca": ("CN=mailwire other CA,O=mailwire", "CN=mailwire other CA,O=mailwire", "0200"),
    "server-rsa": ("CN=mail.example.test,O=mailwire", "CN=mailwire test CA,O=mailwire", "2001"),
    "server-ecdsa": ("CN=mail.example.test,O=mailwire", "CN=mailwire test CA,O=mailwire", "2002"),
    "client-good": ("CN=client.example.test,O=mailwire", "CN=mailwire test CA,O=mailwire", "1001"),
    "client-expired": ("CN=expired.example.test,O=mailwire", "CN=mailwire test CA,O=mailwire", "1002"),
    "client-revoked": ("CN=revoked.example.test,O=mailwire", "CN=mailwire test CA,O=mailwire", "1003"),
    "client-other": ("CN=other.example.test,O=mailwire", "CN=mailwire other CA,O=mailwire", "3001"),
    "client-selfsigned": ("CN=selfsigned.example.test,O=mailwire", "CN=selfsigned.example.test,O=mailwire",
                          "4001"),
    "intermediate-ca": ("CN=mailwire intermediate CA,O=mailwire", "CN=mailwire test CA,O=mailwire", "0300"),
    "client-chained": ("CN=chained.example.test,O=mailwire", "CN=mailwire intermediate CA,O=mailwire", "5001"),
}

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is needed")


def openssl(*args, stdin=None):
    completed = subprocess.run(["openssl", *args], capture_output=True, text=True, input=stdin, timeout=30)
    return completed.stdout + completed.stderr


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("certs")
    started = time.monotonic()
    generate(directory)
    return directory, time.monotonic() - started


def test_every_file_is_made_quickly(certs):
    directory, seconds = certs
    expected = {f"{name}.{ext}" for name in CERTIFICATES for ext in ("pem", "key")} | set(OTHER_FILES)
    assert {path.name for path in directory.iterdir()} == expected | {COMPLETE_MARKER}
    assert seconds < 6, f"generating the certificates took {seconds:.1f} s (about 0.5 s is usual)"


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_subject_issuer_and_serial_are_as_documented(certs, name):
    directory, _ = certs
    text = openssl("x509", "-in", str(directory / f"{name}.pem"), "-noout", "-subject", "-issuer", "-serial",
                   "-nameopt", "RFC2253")
    subject, issuer, serial = DOCUMENTED[name]
    assert text.splitlines() == [f"subject={subject}", f"issuer={issuer}", f"serial={serial}"]
    cert = CERTIFICATES[name]
    assert (cert.subject, CERTIFICATES[cert.issuer].subject, cert.serial) == DOCUMENTED[name]


def test_each_key_matches_its_certificate(certs):
    directory, _ = certs
    for name in CERTIFICATES:
        from_cert = openssl("x509", "-in", str(directory / f"{name}.pem"), "-noout", "-pubkey")
        from_key = openssl("pkey", "-in", str(directory / f"{name}.key"), "-pubout")
        assert from_cert == from_key and "PUBLIC KEY" in from_key, name


def test_key_types_and_the_server_name(certs):
    directory, _ = certs
    assert "Public-Key: (2048 bit)" in openssl("x509", "-in", str(directory / "server-rsa.pem"), "-noout", "-text")
    ecdsa = openssl("x509", "-in", str(directory / "server-ecdsa.pem"), "-noout", "-text")
    assert "NIST CURVE: P-256" in ecdsa and "id-ecPublicKey" in ecdsa
    for name in ("server-rsa", "server-ecdsa"):
        assert "DNS:mail.example.test" in openssl("x509", "-in", str(directory / f"{name}.pem"), "-noout", "-ext",
                                                  "subjectAltName")


@pytest.mark.parametrize("name, verdict", [
    ("client-good", "OK"),
    ("server-rsa", "OK"),
    ("server-ecdsa", "OK"),
    ("client-expired", "error 10 at 0 depth lookup: certificate has expired"),
    ("client-revoked", "error 23 at 0 depth lookup: certificate revoked"),
    ("client-other", "error 20 at 0 depth lookup: unable to get local issuer certificate"),
    ("client-selfsigned", "error 18 at 0 depth lookup: self-signed certificate"),
    ("intermediate-ca", "OK"),
    ("client-chained", "error 20 at 0 depth lookup: unable to get local issuer certificate"),  # without its chain
])
def test_openssl_verify_against_the_ca_and_its_crl(certs, name, verdict):
    directory, _ = certs
    text = openssl("verify", "-CAfile", str(directory / "ca.pem"), "-CRLfile", str(directory / "crl.pem"),
                   "-crl_check", str(directory / f"{name}.pem"))
    assert verdict in text, text


def test_the_chained_pem_holds_the_leaf_then_the_intermediate_and_verifies_through_it(certs):
    directory, _ = certs
    chained = (directory / "client-chained.pem").read_text()
    intermediate = (directory / "intermediate-ca.pem").read_text()
    assert chained.count("-----BEGIN CERTIFICATE-----") == 2 and chained.endswith(intermediate)
    assert openssl("x509", "-in", str(directory / "intermediate-ca.pem"), "-noout", "-ext",
                   "basicConstraints").split("\n", 1)[1].strip() == "CA:TRUE"
    untrusted = str(directory / "intermediate-ca.pem")
    assert "client-chained.pem: OK" in openssl("verify", "-CAfile", str(directory / "ca.pem"), "-untrusted", untrusted,
                                               str(directory / "client-chained.pem"))
    # OpenSSL's depth counts the CAs between the leaf and the trust anchor: the chain needs 1 (nginx's default)
    assert "error 22 at 1 depth lookup: certificate chain too long" in openssl(
        "verify", "-verify_depth", "0", "-CAfile", str(directory / "ca.pem"), "-untrusted", untrusted,
        str(directory / "client-chained.pem"))
    assert "client-chained.pem: OK" in openssl("verify", "-verify_depth", "1", "-CAfile", str(directory / "ca.pem"),
                                               "-untrusted", untrusted, str(directory / "client-chained.pem"))


def test_python_s_load_cert_chain_sends_the_intermediate_too(certs):
    """The harness's client (ssl.SSLContext.load_cert_chain) sends every certificate of client-chained.pem: a server
    that trusts only ca.pem, and knows no intermediate, verifies it."""
    directory, _ = certs
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(directory / "server-ecdsa.pem", directory / "server-ecdsa.key")
    server_context.load_verify_locations(cafile=directory / "ca.pem")
    server_context.verify_mode = ssl.CERT_REQUIRED
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.check_hostname = False
    client_context.verify_mode = ssl.CERT_NONE
    client_context.maximum_version = ssl.TLSVersion.TLSv1_2  # the server's verdict arrives inside the handshake
    client_context.load_cert_chain(directory / "client-chained.pem", directory / "client-chained.key")
    listener = socket.create_server(("127.0.0.1", 0))
    outcome = {}

    def serve():
        connection, _ = listener.accept()
        try:
            with server_context.wrap_socket(connection, server_side=True) as tls:
                outcome["peer"] = tls.getpeercert()
                tls.sendall(b"ok")
        except (ssl.SSLError, OSError) as error:
            outcome["error"] = error

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with socket.create_connection(listener.getsockname(), timeout=10) as raw:
            with client_context.wrap_socket(raw) as tls:
                assert tls.recv(2) == b"ok"
    finally:
        thread.join(10)
        listener.close()
    assert "error" not in outcome, outcome.get("error")
    assert dict(item[0] for item in outcome["peer"]["subject"])["commonName"] == "chained.example.test"


def test_ticket_keys_are_random_bytes_of_the_sizes_nginx_takes(certs):
    directory, _ = certs
    contents = {name: (directory / name).read_bytes() for name in TICKET_KEYS}
    assert {name: len(data) for name, data in contents.items()} == {"ticket.key": 80, "ticket-old.key": 80,
                                                                    "ticket48.key": 48}
    assert len(set(contents.values())) == 3 and all(len(set(data)) > 16 for data in contents.values())
    assert not set(TICKET_KEYS) & set(TEXT_FILES)
    assert set(TEXT_FILES) == {path.name for path in directory.iterdir()} - set(TICKET_KEYS) - {COMPLETE_MARKER}


def test_expired_validity_lies_in_the_past_and_the_others_are_valid_now(certs):
    directory, _ = certs
    dates = openssl("x509", "-in", str(directory / "client-expired.pem"), "-noout", "-dates")
    assert "notBefore=Jan  1 00:00:00 2020 GMT" in dates and "notAfter=Jan  1 00:00:00 2021 GMT" in dates
    for name in CERTIFICATES:
        if name != "client-expired":
            assert "Certificate will not expire" in openssl("x509", "-in", str(directory / f"{name}.pem"),
                                                            "-noout", "-checkend", "86400")


def test_the_crl_is_the_ca_s_lists_the_revoked_certificate_and_is_current(certs):
    directory, _ = certs
    text = openssl("crl", "-in", str(directory / "crl.pem"), "-noout", "-text", "-nameopt", "RFC2253")
    assert "Issuer: CN=mailwire test CA,O=mailwire" in text
    revoked = [CERTIFICATES[name].serial for name in REVOKED]
    assert [line.split(":")[1].strip() for line in text.splitlines() if "Serial Number:" in line] == revoked
    assert "verify OK" in openssl("crl", "-in", str(directory / "crl.pem"), "-noout", "-CAfile",
                                  str(directory / "ca.pem"))


def test_encrypted_key_password_dhparam_and_bundle(certs):
    directory, _ = certs
    assert (directory / "password.txt").read_text() == PASSWORD + "\n"
    assert "ENCRYPTED PRIVATE KEY" in (directory / "server-rsa-encrypted.key").read_text()
    decrypted = openssl("pkey", "-in", str(directory / "server-rsa-encrypted.key"), "-passin",
                        f"file:{directory / 'password.txt'}", "-pubout")
    assert decrypted == openssl("pkey", "-in", str(directory / "server-rsa.key"), "-pubout")
    assert (directory / "dhparam.pem").read_text().startswith("-----BEGIN DH PARAMETERS-----")
    bundle = (directory / "ca-bundle.pem").read_text()
    assert bundle == (directory / "ca.pem").read_text() + (directory / "other-ca.pem").read_text()


def test_a_folder_is_generated_on_first_use_then_reused_and_removed(tmp_path):
    folder = CertificateFolder(tmp_path / "certs")
    assert not (tmp_path / "certs").exists()
    path = folder.path()
    assert (path / "ca.pem").is_file() and folder.path() == path
    again = CertificateFolder(tmp_path / "certs")  # a complete folder (a --certs-dir) is used as it is
    assert again.path() == path and (path / "ca.pem").read_text() == (tmp_path / "certs" / "ca.pem").read_text()
    folder.cleanup()
    assert not (tmp_path / "certs").exists()


def test_a_folder_of_an_older_set_is_completed(tmp_path):
    """A --certs-dir filled by an older harness, without a file this one makes, is generated again."""
    path = generate(tmp_path / "certs")
    (path / "ticket.key").unlink()
    old_ca = (path / "ca.pem").read_text()
    assert (CertificateFolder(path).path() / "ticket.key").stat().st_size == 80
    assert (path / "ca.pem").read_text() != old_ca


def test_a_kept_folder_survives_cleanup(tmp_path):
    folder = CertificateFolder(tmp_path / "certs", keep=True)
    folder.path()
    folder.cleanup()
    assert (tmp_path / "certs" / "crl.pem").is_file()
