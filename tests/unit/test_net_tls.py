"""The one client TLS context: verification always on, TLS 1.2+, the OS trust store
(truststore) plus a configured CA file, checked by real handshakes on loopback."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import truststore

from desktop.sources.net.tls import CaFileError, client_context
from harness.proxies import HttpsServer, PrivateCA

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def company_ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCA:
    return PrivateCA(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(company_ca: PrivateCA) -> Iterator[HttpsServer]:
    with HttpsServer(company_ca, {"/hello": (b"hello", "text/plain")}) as https:
        yield https


def _handshake(ctx: ssl.SSLContext, port: int, name: str = "localhost") -> str:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname=name) as tls,
    ):
        return str(tls.version())


def test_verification_is_on_and_old_tls_is_off() -> None:
    ctx = client_context()
    assert isinstance(ctx, truststore.SSLContext)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_a_private_ca_is_refused_without_its_file_and_trusted_with_it(
    company_ca: PrivateCA, server: HttpsServer
) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(client_context(), server.port)
    # truststore's context on Linux takes load_verify_locations: the OS store plus the file
    assert _handshake(client_context(company_ca.ca_file), server.port).startswith("TLSv1.")
    assert _handshake(client_context(str(company_ca.ca_file)), server.port, name="127.0.0.1")


def test_the_name_is_still_checked_with_the_ca_file(company_ca: PrivateCA, server: HttpsServer) -> None:
    with pytest.raises(ssl.SSLCertVerificationError) as caught:
        _handshake(client_context(company_ca.ca_file), server.port, name="mail.other.example")
    assert caught.value.verify_code == 62  # hostname mismatch


def test_a_ca_in_the_os_store_just_works(company_ca: PrivateCA, server: HttpsServer) -> None:
    """IT installs the company CA in the system store; no CA file is configured. The
    system store is simulated with OpenSSL's SSL_CERT_FILE, which Linux truststore reads;
    in a child process, so this process's store stays as it is."""
    code = (
        "import socket, sys\n"
        "from desktop.sources.net.tls import client_context\n"
        f"raw = socket.create_connection(('127.0.0.1', {server.port}), timeout=10)\n"
        "print(client_context().wrap_socket(raw, server_hostname='localhost').version())\n"
    )
    env = {**os.environ, "SSL_CERT_FILE": str(company_ca.ca_file), "PYTHONPATH": str(REPO)}
    env.pop("SSL_CERT_DIR", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("TLSv1.")


def test_unusable_ca_files_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CaFileError, match="does not exist"):
        client_context(tmp_path / "missing.pem")
    with pytest.raises(CaFileError, match="is a folder"):
        client_context(tmp_path)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n", encoding="utf-8")
    with pytest.raises(CaFileError, match="holds no usable certificate"):
        client_context(junk)
