"""Token sign-in (XOAUTH2, OAUTHBEARER) over a real SMTP exchange, and credentials that are
not ASCII.

The SASL strings are checked by an aiosmtpd server with its own AUTH hooks (it runs the
RFC 4954 exchange, error challenge included); Dovecot's oauth2 passdb needs a token from the
identity provider, which is the OAuth client's test. Non-ASCII passwords go to real Dovecot.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

from desktop.sources.oauth import OAuthSetupError, ProviderUnavailable, SignInRequired
from desktop.sources.smtp import (
    Draft,
    FailureKind,
    Identity,
    Mailbox,
    OAuthToken,
    Password,
    SendError,
    SmtpServer,
    render,
    submit,
)
from harness.dovecot import Dovecot
from harness.net import free_port
from harness.smtp_sink import SmtpSink

GOOD = "ya29.good-token"


class TokenServer:
    """Accepts one bearer token for "alice"; answers others with the mechanism's error challenge."""

    def __init__(self) -> None:
        self.initial: list[bytes] = []  # what each AUTH carried
        self.after_challenge: list[bytes] = []  # the client's answer to the error challenge
        self.delivered: list[bytes] = []

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        raw = base64.b64decode(args[1])
        self.initial.append(raw)
        if raw == f"user=alice\x01auth=Bearer {GOOD}\x01\x01".encode():
            return AuthResult(success=True)
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "mail"})
        self.after_challenge.append(bytes(await server.challenge_auth(error)))
        return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd sends the 535

    async def auth_OAUTHBEARER(self, server: SMTP, args: list[str]) -> AuthResult:
        raw = base64.b64decode(args[1])
        self.initial.append(raw)
        if raw == f"n,a=alice,\x01auth=Bearer {GOOD}\x01\x01".encode():
            return AuthResult(success=True)
        self.after_challenge.append(
            bytes(await server.challenge_auth(json.dumps({"status": "invalid_token"})))
        )
        return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd sends the 535

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered.append(bytes(envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def token_server() -> Iterator[tuple[TokenServer, SmtpServer]]:
    handler = TokenServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    try:
        # plaintext on loopback: the SASL exchange is what is under test here, not TLS
        yield handler, SmtpServer("127.0.0.1", port, "plain", timeout=5, allow_plaintext_on_loopback=True)
    finally:
        controller.stop()


def message(n: int = 1) -> Any:
    return render(
        Draft(Identity("", "alice@example.com"), f"<tok.{n}@example.com>", to=(Mailbox("", "b@x.org"),))
    )


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_a_good_token_signs_in_and_the_message_goes(
    token_server: tuple[TokenServer, SmtpServer], mechanism: Any
) -> None:
    handler, server = token_server
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return GOOD

    submit(server, OAuthToken("alice", token, mechanism), message())
    assert calls == [1] and len(handler.delivered) == 1


@pytest.mark.parametrize(("mechanism", "answer"), [("XOAUTH2", b""), ("OAUTHBEARER", b"\x01")])
def test_a_refused_token_ends_the_error_challenge_and_asks_to_sign_in_again(
    token_server: tuple[TokenServer, SmtpServer],
    mechanism: Any,
    answer: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler, server = token_server
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SendError) as caught:
        submit(server, OAuthToken("alice", lambda: "expired-secret-token", mechanism), message())
    assert caught.value.kind is FailureKind.AUTH and caught.value.code == 535
    assert handler.after_challenge == [answer]  # RFC 7628 §3.2.3 / Google's XOAUTH2: end it politely
    assert handler.delivered == []
    assert "expired-secret-token" not in str(caught.value) + caplog.text


def test_a_token_that_cannot_be_had_is_sign_in_again_or_retry(
    token_server: tuple[TokenServer, SmtpServer],
) -> None:
    handler, server = token_server

    def refused() -> str:
        raise RuntimeError("invalid_grant: the refresh token was revoked")

    def offline() -> str:
        raise ConnectionRefusedError("identity provider unreachable")

    with pytest.raises(SendError) as caught:
        submit(server, OAuthToken("alice", refused), message(1))
    assert caught.value.kind is FailureKind.AUTH and "invalid_grant" in str(caught.value)
    with pytest.raises(SendError) as caught:
        submit(server, OAuthToken("alice", offline), message(2))
    assert caught.value.kind is FailureKind.TRANSIENT
    assert handler.initial == [] and handler.delivered == []


def test_a_refused_token_is_refreshed_once_before_giving_up(
    token_server: tuple[TokenServer, SmtpServer],
) -> None:
    handler, server = token_server
    refreshed: list[int] = []

    def refresh() -> str:
        refreshed.append(1)
        return GOOD

    submit(server, OAuthToken("alice", lambda: "stale", "OAUTHBEARER", refresh), message(5))
    assert refreshed == [1] and len(handler.initial) == 2 and len(handler.delivered) == 1
    with pytest.raises(SendError) as caught:
        submit(server, OAuthToken("alice", lambda: "stale", "XOAUTH2", lambda: "also-stale"), message(6))
    assert caught.value.kind is FailureKind.AUTH and len(handler.initial) == 4  # one refresh, not a loop


@pytest.mark.parametrize(
    ("problem", "kind"),
    [
        (SignInRequired("The sign-in has expired or was revoked", reason="invalid_grant"), FailureKind.AUTH),
        (ProviderUnavailable("The sign-in service is down", reason="http_503"), FailureKind.TRANSIENT),
        (OAuthSetupError("No client id for this provider", reason="no_client_id"), FailureKind.SETUP),
    ],
)
def test_the_oauth_clients_errors_keep_their_meaning(
    token_server: tuple[TokenServer, SmtpServer], problem: Exception, kind: FailureKind
) -> None:
    handler, server = token_server

    def token() -> str:
        raise problem

    with pytest.raises(SendError) as caught:
        submit(server, OAuthToken("alice", token), message(7))
    assert caught.value.kind is kind and str(problem) in str(caught.value)
    assert handler.initial == []


def test_a_token_that_could_inject_sasl_fields_is_never_sent(
    token_server: tuple[TokenServer, SmtpServer],
) -> None:
    handler, server = token_server
    with pytest.raises(SendError) as caught:
        submit(
            server, OAuthToken("alice", lambda: "x\x01user=mallory\x01auth=Bearer y", "XOAUTH2"), message(8)
        )
    assert caught.value.kind is FailureKind.AUTH and handler.initial == []


@pytest.mark.dovecot
def test_non_ascii_password_signs_in_to_dovecot(caplog: pytest.LogCaptureFixture) -> None:
    """smtplib's own auth() would raise UnicodeEncodeError before sending anything."""
    caplog.set_level(logging.DEBUG)
    password = "pässwörd-密码"
    with SmtpSink() as sink, Dovecot(smtp_relay_port=sink.port) as d:
        d.add_user("uni", password)
        server = SmtpServer("localhost", d.submission_port, "starttls", ca_file=d.ca_file, timeout=10)
        out = message(3)
        submit(server, Password("uni", password), out)
        sink.wait_for(lambda m: m.message_id == out.message_id)
        with pytest.raises(SendError) as caught:
            submit(server, Password("uni", "pässwörd-错误"), message(4))
    assert caught.value.kind is FailureKind.AUTH
    assert "错误" not in str(caught.value) + caplog.text and password not in caplog.text
