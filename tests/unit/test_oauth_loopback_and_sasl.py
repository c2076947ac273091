"""The loopback redirect listener (real sockets, no browser) and the SASL responses."""

from __future__ import annotations

import base64
import logging
import threading
from typing import Any

import httpx
import pytest

from desktop.sources.oauth import (
    OAuthSetupError,
    ProviderUnavailable,
    SignInRequired,
    TokenRejected,
    imap_login,
    oauthbearer_initial_response,
    xoauth2_initial_response,
)
from desktop.sources.oauth.loopback import LoopbackListener

STATE = "s" * 43


def get(url: str, **params: str) -> httpx.Response:
    return httpx.get(url, params=params, timeout=10)


@pytest.fixture
def listener() -> Any:
    with LoopbackListener(STATE, "Corp", expected_iss="https://id.corp.example") as lb:
        yield lb


def test_the_redirect_address_is_loopback_with_an_ephemeral_port(listener: LoopbackListener) -> None:
    assert listener.redirect_uri == f"http://127.0.0.1:{listener.port}/callback"
    assert listener.port > 1024


def test_a_matching_answer_gives_the_code_and_a_page_to_close(
    listener: LoopbackListener, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    page = get(listener.redirect_uri, code="the-code", state=STATE, iss="https://id.corp.example")
    assert page.status_code == 200
    assert "Signed in. You can close this tab" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    callback = listener.wait(5)
    assert callback.code == "the-code"
    assert "the-code" not in repr(callback)
    out, err = capfd.readouterr()
    # The listener never logs the request line (http.server would print it to stderr); the
    # test's own httpx client, playing the browser, does log the URL, so it is left out.
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert "the-code" not in out + err + "".join(ours)
    again = get(listener.redirect_uri, code="other", state=STATE, iss="https://id.corp.example")
    assert again.status_code == 409


def test_other_paths_do_not_end_the_sign_in(listener: LoopbackListener) -> None:
    base = listener.redirect_uri.removesuffix("/callback")
    assert get(base + "/favicon.ico").status_code == 404
    assert get(base + "/").status_code == 404
    get(listener.redirect_uri, code="c", state=STATE, iss="https://id.corp.example")
    assert listener.wait(5).code == "c"


@pytest.mark.parametrize(
    ("params", "reason", "words"),
    [
        ({"code": "c", "state": "forged"}, "state_mismatch", "wrong state"),
        ({"code": "c"}, "state_mismatch", "wrong state"),
        (
            {"code": "c", "state": STATE, "iss": "https://evil.example"},
            "issuer_mismatch",
            "did not come from Corp",
        ),
        ({"code": "c", "state": STATE}, "issuer_mismatch", "did not come from Corp"),
        (
            {
                "error": "access_denied",
                "error_description": "End-User aborted",
                "state": STATE,
                "iss": "https://id.corp.example",
            },
            "access_denied",
            "declined",
        ),
        ({"state": STATE, "iss": "https://id.corp.example"}, "no_code", "no authorization code"),
    ],
)
def test_a_bad_answer_ends_the_attempt_with_words_in_the_tab_and_for_the_caller(
    listener: LoopbackListener, params: dict[str, str], reason: str, words: str
) -> None:
    page = get(listener.redirect_uri, **params)
    assert page.status_code == 400
    assert words in page.text
    with pytest.raises(SignInRequired) as info:
        listener.wait(5)
    assert info.value.reason == reason
    assert words in info.value.message


def test_an_error_answer_with_a_wrong_state_is_a_wrong_state(listener: LoopbackListener) -> None:
    get(listener.redirect_uri, error="access_denied", state="forged")
    with pytest.raises(SignInRequired) as info:
        listener.wait(5)
    assert info.value.reason == "state_mismatch"


def test_no_answer_times_out_and_a_late_answer_is_turned_away() -> None:
    with LoopbackListener(STATE, "Corp") as lb:
        with pytest.raises(SignInRequired) as info:
            lb.wait(0.3)
        assert info.value.reason == "timeout" and "sign in again" in info.value.message
        assert get(lb.redirect_uri, code="c", state=STATE).status_code == 409


def test_waiting_can_be_cancelled() -> None:
    cancel = threading.Event()
    with LoopbackListener(STATE, "Corp") as lb:
        threading.Timer(0.1, cancel.set).start()
        with pytest.raises(SignInRequired) as info:
            lb.wait(60, cancel)
        assert info.value.reason == "cancelled"


def test_the_page_escapes_the_providers_words(listener: LoopbackListener) -> None:
    page = get(
        listener.redirect_uri,
        error="invalid_request",
        error_description="<script>alert(1)</script>",
        state=STATE,
        iss="https://id.corp.example",
    )
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


# -- SASL ------------------------------------------------------------------------------------


def test_xoauth2_initial_response() -> None:
    assert xoauth2_initial_response("alice@example.com", "tok.en-_~+/=") == (
        b"user=alice@example.com\x01auth=Bearer tok.en-_~+/=\x01\x01"
    )


def test_oauthbearer_initial_response_escapes_the_authzid() -> None:
    assert oauthbearer_initial_response("a,b=c", "tok") == b"n,a=a=2Cb=3Dc,\x01auth=Bearer tok\x01\x01"
    assert oauthbearer_initial_response("alice", "tok", host="imap.example.com", port=993) == (
        b"n,a=alice,\x01host=imap.example.com\x01port=993\x01auth=Bearer tok\x01\x01"
    )


@pytest.mark.parametrize("token", ["", "tok\x01auth=Bearer x", "tok en", "tök"])
def test_a_token_that_could_inject_fields_is_refused(token: str) -> None:
    with pytest.raises(ValueError):
        xoauth2_initial_response("alice", token)
    with pytest.raises(ValueError):
        oauthbearer_initial_response("alice", token)


def test_a_user_name_with_control_characters_is_refused() -> None:
    with pytest.raises(ValueError):
        xoauth2_initial_response("alice\x01auth=Bearer evil", "tok")


class FakeImap:
    """Only what imap_login touches: capabilities and one SASL exchange (pure logic)."""

    def __init__(self, caps: set[bytes], outcome: str = "ok", challenge: bytes = b"") -> None:
        self.caps = caps
        self.outcome = outcome
        self.challenge = challenge
        self.replies: list[bytes] = []
        self.mechanism = ""

    def capabilities(self) -> tuple[bytes, ...]:
        return tuple(self.caps)

    def sasl_login(self, mechanism: str, respond: Any) -> None:
        from imapclient.exceptions import LoginError

        self.mechanism = mechanism
        self.replies.append(respond(b""))
        if self.outcome == "ok":
            return
        if self.challenge:
            self.replies.append(respond(self.challenge))
        raise LoginError(self.outcome)


def test_imap_login_prefers_oauthbearer() -> None:
    imap = FakeImap({b"IMAP4REV1", b"AUTH=XOAUTH2", b"AUTH=OAUTHBEARER"})
    assert imap_login(imap, "alice", "tok") == "OAUTHBEARER"  # type: ignore[arg-type]
    assert imap.replies == [b"n,a=alice,\x01auth=Bearer tok\x01\x01"]
    imap = FakeImap({b"AUTH=XOAUTH2"})
    assert imap_login(imap, "alice", "tok") == "XOAUTH2"  # type: ignore[arg-type]


def test_imap_login_without_an_oauth_mechanism_is_a_setup_problem() -> None:
    with pytest.raises(OAuthSetupError) as info:
        imap_login(FakeImap({b"AUTH=PLAIN"}), "alice", "tok")  # type: ignore[arg-type]
    assert info.value.reason == "no_oauth_mechanism"


def test_a_refused_token_answers_the_error_challenge_as_the_rfc_says() -> None:
    challenge = b'{"status":"invalid_token","scope":"mail"}'
    imap = FakeImap({b"AUTH=OAUTHBEARER"}, "[AUTHENTICATIONFAILED] Authentication failed.", challenge)
    with pytest.raises(TokenRejected) as info:
        imap_login(imap, "alice", "tok")  # type: ignore[arg-type]
    assert imap.replies[-1] == b"\x01"  # RFC 7628 §3.2.3, not the token again
    assert "invalid_token" in info.value.message and info.value.kind == "sign_in_again"
    imap = FakeImap({b"AUTH=XOAUTH2"}, "[AUTHENTICATIONFAILED]", base64.b64encode(b'{"status":"401"}'))
    with pytest.raises(TokenRejected):
        imap_login(imap, "alice", "tok")  # type: ignore[arg-type]
    assert imap.replies[-1] == b""


def test_a_server_that_cannot_reach_the_provider_is_an_outage() -> None:
    imap = FakeImap({b"AUTH=OAUTHBEARER"}, "[UNAVAILABLE] Temporary authentication failure.")
    with pytest.raises(ProviderUnavailable):
        imap_login(imap, "alice", "tok")  # type: ignore[arg-type]
