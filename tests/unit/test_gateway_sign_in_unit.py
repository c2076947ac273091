"""The gateway sign-in's pure logic: where the exchange goes, and what each answer of the gateway
means for the source (sign in again, retry, or a setup problem). The flows themselves run
against real servers in tests/integration/test_gateway_sso_desktop.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from desktop.config.settings import GatewaySettings
from desktop.core.events import ConnectionState
from desktop.sources.gateway.connection import SessionEnd
from desktop.sources.gateway.sso import GatewaySignIn, refresh_token_key, sessions_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("wss://gw.example.com", "https://gw.example.com/v1/sessions"),
        ("wss://gw.example.com/tidings/", "https://gw.example.com/tidings/v1/sessions"),
        ("ws://127.0.0.1:8765", "http://127.0.0.1:8765/v1/sessions"),
        ("https://gw.example.com", "https://gw.example.com/v1/sessions"),
    ],
)
def test_the_exchange_goes_to_the_gateways_http_side(url: str, expected: str) -> None:
    assert sessions_url(url) == expected


def test_the_refresh_token_is_keyed_by_provider_and_registration() -> None:
    a = GatewaySettings(url="wss://gw", sign_in="sso", issuer="https://idp.example.com/", client_id="tidings")
    b = GatewaySettings(
        url="wss://other", sign_in="sso", issuer="https://idp.example.com", client_id="tidings"
    )
    assert refresh_token_key(a) == refresh_token_key(b) == "oauth:tidings@https://idp.example.com"


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def sign_in(clock: Clock | None = None) -> GatewaySignIn:
    settings = GatewaySettings(url="wss://gw", sign_in="sso", issuer="https://idp.example.com", client_id="x")
    return GatewaySignIn(settings, clock=clock or Clock(), load_refresh_token=lambda: "stored-refresh")


def answer(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


def error(status: int, code: str, message: str = "why") -> httpx.Response:
    return answer(status, {"error": {"code": code, "message": message}})


def test_a_session_is_kept_and_renewed_a_third_of_its_life_early() -> None:
    clock = Clock()
    s = sign_in(clock)
    body = {"session_token": "tgs_" + "a" * 40, "session_id": "ses_1", "user": "alice", "expires_in": 90}
    session = s._accept(answer(201, body), asked_at=clock.now - 1)
    # Reckoned from before the request, so never later than the gateway's own end.
    assert session.expires_at == 1089 and session.renew_at == 1059
    assert s.user == "alice" and s.session_id == "ses_1"
    clock.now = 1087.5
    assert not s.expired()
    clock.now = 1088  # a second's slack: the gateway's close may race our reckoning
    assert s.expired()


@pytest.mark.parametrize(
    ("response", "state"),
    [
        (error(401, "session_ended"), ConnectionState.SIGN_IN_AGAIN),
        (error(401, "invalid_token"), ConnectionState.SIGN_IN_AGAIN),
        (error(503, "provider_unavailable"), ConnectionState.OFFLINE),
        (error(401, "stale_token"), ConnectionState.OFFLINE),
        (error(401, "token_expired"), ConnectionState.OFFLINE),
        (answer(502, None), ConnectionState.OFFLINE),
        (error(401, "wrong_audience", "the token is for 'urn:mail'"), ConnectionState.ERROR),
        (error(401, "wrong_issuer"), ConnectionState.ERROR),
        (error(403, "unknown_user"), ConnectionState.ERROR),
        (error(404, "sso_disabled"), ConnectionState.ERROR),
        (answer(200, {"session_token": "x"}), ConnectionState.OFFLINE),  # incomplete: not trusted
    ],
)
def test_each_refusal_means_what_the_protocol_says(response: httpx.Response, state: ConnectionState) -> None:
    with pytest.raises(SessionEnd) as info:
        sign_in()._accept(response, asked_at=0)
    assert info.value.outcome.state is state
    if state is ConnectionState.SIGN_IN_AGAIN:
        assert info.value.outcome.message.startswith("Sign in again")


def test_the_gateways_words_are_quoted_printable_and_short() -> None:
    with pytest.raises(SessionEnd) as info:
        sign_in()._accept(error(403, "unknown_user", "no user\x1b[31m bob" + "x" * 1000), asked_at=0)
    message = info.value.outcome.message
    assert "\x1b" not in message and len(message) < 400 and "no user" in message
