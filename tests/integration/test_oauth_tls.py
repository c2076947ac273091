"""Discovery over real TLS: a provider whose certificate comes from a company CA is refused with
a message that says what to do, and trusted once that CA file is set."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from desktop.sources.oauth import OAuthClient, OAuthSetupError, classify, custom


@pytest.fixture(scope="module")
def https_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A discovery document served over HTTPS with a self-signed certificate (its own CA)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    state: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            issuer = state["issuer"]
            body = json.dumps(
                {
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/auth",
                    "token_endpoint": f"{issuer}/token",
                }
            ).encode()
            self.send_response(200 if self.path == "/.well-known/openid-configuration" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state["issuer"] = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["issuer"], cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def provider(issuer: str) -> Any:
    return custom("corp", display_name="Corp sign-in", issuer=issuer, client_id="tidings", scopes=["openid"])


def test_an_untrusted_certificate_says_to_set_the_company_ca(https_provider: tuple[str, Path]) -> None:
    issuer, _ = https_provider
    client = OAuthClient(provider(issuer), save_refresh_token=list().append)
    with pytest.raises(OAuthSetupError) as info:
        client.metadata()
    assert info.value.reason == "certificate" and classify(info.value) == "setup"
    assert "is not trusted" in info.value.message and "CA file" in info.value.message


def test_the_company_ca_file_makes_it_trusted(https_provider: tuple[str, Path]) -> None:
    issuer, ca = https_provider
    client = OAuthClient(provider(issuer), save_refresh_token=list().append, ca_file=str(ca))
    assert client.metadata().token_endpoint == f"{issuer}/token"


def test_an_unusable_ca_file_is_named(https_provider: tuple[str, Path], tmp_path: Path) -> None:
    issuer, _ = https_provider
    missing = tmp_path / "no-such-ca.pem"
    client = OAuthClient(provider(issuer), save_refresh_token=list().append, ca_file=str(missing))
    with pytest.raises(OAuthSetupError) as info:
        client.metadata()
    assert info.value.reason == "ca_file" and str(missing) in info.value.message
