"""Fixtures for the harness self-tests: the real mailwire-fake and the real nginx, or a skip that says why;
one set of test certificates for the whole session."""

import os

import pytest

from selftest_paths import NGINX, find_fake_binary


@pytest.fixture
def fake_binary():
    binary = find_fake_binary()
    if binary is None or not os.access(binary, os.X_OK):
        pytest.skip("mailwire-fake is not built yet (cmake --build build --target mailwire-fake); "
                    "set MAILWIRE_FAKE to use another build")
    return binary


@pytest.fixture
def nginx_proxy():
    from harness.proxies import NginxProxy

    proxy = NginxProxy(NGINX)
    if proxy.problem():
        pytest.skip(f"real nginx with the mail module is needed: {proxy.problem()}")
    return proxy


@pytest.fixture(scope="session")
def test_certs(tmp_path_factory):
    """The ${certs} folder for every run of the session, generated on first use (harness/certs.py)."""
    from harness.certs import CertificateFolder

    folder = CertificateFolder(tmp_path_factory.mktemp("certs"))
    yield folder
    folder.cleanup()
