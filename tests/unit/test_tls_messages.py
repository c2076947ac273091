"""Each certificate failure, from a real TLS handshake on loopback, gets advice that fits it."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.sources.tls import describe_certificate_problem

NOW = dt.datetime.now(dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(
    subject: str, issuer_key: ec.EllipticCurvePrivateKey, issuer: str, key: ec.EllipticCurvePrivateKey,
    *, start: dt.datetime, end: dt.datetime, ca: bool = False, san: str = "localhost",
) -> x509.Certificate:  # fmt: skip
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A company CA, and server certificates with each kind of problem."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Example Corp CA", ca_key, "Example Corp CA", ca_key, start=NOW - dt.timedelta(days=30),
               end=NOW + dt.timedelta(days=3650), ca=True)  # fmt: skip
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    out = {"ca": folder / "ca.pem"}
    out["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cases = {
        "expired": (ca_key, "Example Corp CA", NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=35), "localhost"),
        "future": (ca_key, "Example Corp CA", NOW + dt.timedelta(days=30), NOW + dt.timedelta(days=400), "localhost"),
        "wrong_name": (ca_key, "Example Corp CA", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=90), "mail.other.example"),
        "unknown_issuer": (stranger_key, "Stranger CA", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=90), "localhost"),
    }  # fmt: skip
    for label, (issuer_key, issuer, start, end, san) in cases.items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert("server", issuer_key, issuer, key, start=start, end=end, san=san)
        pem = folder / f"{label}.pem"
        pem.write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        out[label] = pem
    return out


@pytest.fixture
def handshake(pki: dict[str, Path]) -> Iterator[object]:
    servers: list[socket.socket] = []

    def run(label: str) -> ssl.SSLCertVerificationError:
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(pki[label])
        listener = socket.create_server(("127.0.0.1", 0))
        servers.append(listener)

        def serve() -> None:
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client rejects the certificate: expected

        threading.Thread(target=serve, daemon=True).start()
        client_ctx = ssl.create_default_context(cafile=str(pki["ca"]))
        with (
            socket.create_connection(listener.getsockname(), timeout=5) as raw,
            pytest.raises(ssl.SSLCertVerificationError) as info,
        ):
            client_ctx.wrap_socket(raw, server_hostname="localhost")
        return info.value

    yield run
    for s in servers:
        s.close()


def test_expired_certificate_names_the_fix_only_the_administrator_can_make(handshake) -> None:
    text = describe_certificate_problem(handshake("expired"), "localhost", "the CA file")
    assert "has expired" in text and "administrator must renew" in text and "CA file" not in text


def test_certificate_from_the_future_points_at_the_clock(handshake) -> None:
    text = describe_certificate_problem(handshake("future"), "localhost", "the CA file")
    assert "not valid yet" in text and "date and time" in text


def test_wrong_name_points_at_the_server_name(handshake) -> None:
    text = describe_certificate_problem(handshake("wrong_name"), "localhost", "the CA file")
    assert "different name" in text and "server name" in text and "CA file" not in text


def test_unknown_issuer_points_at_the_company_ca_setting(handshake) -> None:
    text = describe_certificate_problem(handshake("unknown_issuer"), "localhost", "the account's CA file")
    assert "not trusted" in text and "the account's CA file" in text
