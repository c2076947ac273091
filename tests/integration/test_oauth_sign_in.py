"""OAuth2 sign-in against real servers: the oidc-provider harness, headless Chromium driven by
Playwright (reached through ``BROWSER``, as a user's browser would be), and Dovecot checking
the tokens over IMAP with OAUTHBEARER and XOAUTH2.

One provider and one Chromium serve the whole module; every test signs in afresh. Tests whose
token must be refused get a Dovecot of their own: Dovecot delays logins after a refused one
(anvil penalty), which would slow every later test.
"""

from __future__ import annotations

import contextlib
import logging
import time
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from imapclient import IMAPClient

from desktop.sources.oauth import (
    OAuthClient,
    ProviderUnavailable,
    SignInRequired,
    TokenRejected,
    classify,
    custom,
    imap_login,
    xoauth2_initial_response,
)
from harness.dovecot import Dovecot
from harness.idp import (
    RESOURCE_GATEWAY,
    RESOURCE_GATEWAY_JWT,
    RESOURCE_IMAP,
    RESOURCE_IMAP_JWT,
    RESOURCE_SCOPE,
    IdentityProvider,
)
from harness.signin_browser import SignInBrowser

pytestmark = pytest.mark.dovecot

USERS = ("alice", "bob", "carol", "dave")


def _dovecot(idp: IdentityProvider, mode: Literal["introspection", "local"]) -> Dovecot:
    server = Dovecot(oauth2=idp.dovecot_validation(mode))
    for user in USERS:
        server.add_user(user, "unused-password")
    server.start()
    return server


@pytest.fixture(scope="module")
def dovecot_introspect(idp: IdentityProvider) -> Iterator[Dovecot]:
    server = _dovecot(idp, "introspection")
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="module")
def dovecot_jwt(idp: IdentityProvider) -> Iterator[Dovecot]:
    server = _dovecot(idp, "local")
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def own_dovecot(idp: IdentityProvider) -> Iterator[Callable[[Literal["introspection", "local"]], Dovecot]]:
    """A Dovecot for one test that expects refused tokens (see the module docstring)."""
    started: list[Dovecot] = []

    def make(mode: Literal["introspection", "local"]) -> Dovecot:
        started.append(_dovecot(idp, mode))
        return started[-1]

    try:
        yield make
    finally:
        for server in started:
            server.cleanup()


@pytest.fixture
def use_browser(browser: SignInBrowser, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Point Python's webbrowser at a driver playing ``scenario`` as ``login``."""

    def use(scenario: str, login: str = "alice") -> None:
        monkeypatch.setenv("BROWSER", str(browser.browser_script(scenario, login)))
        monkeypatch.delenv("DISPLAY", raising=False)  # no desktop browser may step in
        # webbrowser reads BROWSER once per process and caches the result here.
        monkeypatch.setattr(webbrowser, "_tryorder", None)

    return use


class Saved(list[str]):
    """The caller's refresh-token saver (the keyring later): records what it was given."""


def make_client(
    idp: IdentityProvider,
    saved: Saved,
    resource: str = RESOURCE_IMAP,
    refresh_token: str | None = None,
    clock: Callable[[], float] = time.time,
) -> OAuthClient:
    provider = custom(
        "harness",
        display_name="the test provider",
        issuer=idp.issuer,
        client_id=idp.client_id,
        scopes=["openid", "offline_access", RESOURCE_SCOPE[resource]],
        resource=resource,
    )
    return OAuthClient(provider, save_refresh_token=saved.append, refresh_token=refresh_token, clock=clock)


def imap(server: Dovecot) -> IMAPClient:
    return IMAPClient(server.host, server.imap_port, ssl=False, timeout=20)


@contextlib.contextmanager
def logged_in(server: Dovecot, user: str, token: str) -> Iterator[tuple[IMAPClient, str]]:
    client = imap(server)
    try:
        mechanism = imap_login(client, user, token)
        yield client, mechanism
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def wait_for_log(server: Dovecot, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line for line in server.log_text().splitlines() if text in line]
        if lines:
            return lines[-1]
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not in the Dovecot log:\n{server.log_tail()}")


def sign_in(
    client: OAuthClient, use_browser: Callable[[str, str], None], login: str, scenario: str = "consent"
) -> None:
    use_browser(scenario, login)
    client.sign_in_with_browser(timeout=60)


# -- signing in ------------------------------------------------------------------------------


def test_browser_sign_in_then_imap_with_oauthbearer_and_xoauth2(
    idp: IdentityProvider,
    browser: SignInBrowser,
    dovecot_introspect: Dovecot,
    use_browser: Callable[[str, str], None],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    saved = Saved()
    client = make_client(idp, saved)
    sign_in(client, use_browser, "alice")
    assert len(saved) == 1 and client.signed_in
    token = client.access_token()
    page = browser.wait_drivers()[-1]["page"]
    assert "Signed in. You can close this tab" in str(page)

    with logged_in(dovecot_introspect, "alice", token) as (mail, mechanism):
        assert mechanism == "OAUTHBEARER"  # preferred when offered
        assert mail.select_folder("INBOX")[b"EXISTS"] == 0
    assert "method=OAUTHBEARER" in wait_for_log(dovecot_introspect, "Login: user=<alice>")

    xoauth2 = imap(dovecot_introspect)
    try:
        xoauth2.sasl_login("XOAUTH2", lambda _challenge: xoauth2_initial_response("alice", token))
        assert xoauth2.select_folder("INBOX")[b"EXISTS"] == 0
    finally:
        xoauth2.logout()
    assert "method=XOAUTH2" in wait_for_log(dovecot_introspect, "method=XOAUTH2")

    # Neither token went to a log or the terminal, even at DEBUG.
    out, err = capfd.readouterr()
    for secret in (token, saved[0]):
        assert secret not in caplog.text and secret not in out + err


def test_jwt_access_token_checked_locally_by_dovecot(
    idp: IdentityProvider, dovecot_jwt: Dovecot, use_browser: Callable[[str, str], None]
) -> None:
    saved = Saved()
    client = make_client(idp, saved, resource=RESOURCE_IMAP_JWT)
    sign_in(client, use_browser, "bob")
    token = client.access_token()
    assert token.count(".") == 2  # an RS256 JWT, not an opaque handle
    with logged_in(dovecot_jwt, "bob", token) as (mail, mechanism):
        assert mechanism == "OAUTHBEARER"
        assert mail.select_folder("INBOX")[b"EXISTS"] == 0
    wait_for_log(dovecot_jwt, "Login: user=<bob>")


def test_refresh_before_expiry_rotates_and_a_replayed_refresh_token_ends_the_grant(
    idp: IdentityProvider, dovecot_introspect: Dovecot, use_browser: Callable[[str, str], None]
) -> None:
    skew = [0.0]
    saved = Saved()
    client = make_client(idp, saved, clock=lambda: time.time() + skew[0])
    sign_in(client, use_browser, "carol")
    first_access, first_refresh = client.access_token(), saved[-1]
    assert client.access_token() == first_access  # an hour left: no refresh

    skew[0] = idp.access_token_ttl - 60  # inside the refresh margin
    second_access = client.access_token()
    assert second_access != first_access
    assert len(saved) == 2 and saved[-1] != first_refresh  # rotated, and handed to the saver
    with logged_in(dovecot_introspect, "carol", second_access) as (_, mechanism):
        assert mechanism == "OAUTHBEARER"

    # Someone replays the consumed refresh token: refused, and the provider ends the grant,
    # so the current one dies too. (Why the client never refreshes twice at once.)
    replay = make_client(idp, Saved(), refresh_token=first_refresh)
    with pytest.raises(SignInRequired) as info:
        replay.access_token()
    assert info.value.reason == "invalid_grant"
    with pytest.raises(SignInRequired):
        client.access_token(force_refresh=True)
    assert len(saved) == 2


def test_sign_out_revokes_the_refresh_token_at_the_provider(
    idp: IdentityProvider, use_browser: Callable[[str, str], None]
) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    sign_in(client, use_browser, "alice")
    assert client.sign_out() is True
    assert not client.signed_in
    with pytest.raises(SignInRequired) as info:
        make_client(idp, Saved(), refresh_token=saved[-1]).access_token()
    assert info.value.reason == "invalid_grant"


def test_device_flow_signs_in_and_its_token_logs_in(
    idp: IdentityProvider, browser: SignInBrowser, dovecot_introspect: Dovecot
) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    device = client.start_device_sign_in()
    assert device.verification_uri == f"{idp.issuer}/device"
    assert device.user_code and device.interval == 1
    browser.drive("device", device.verification_uri, login="dave", user_code=device.user_code)
    client.finish_device_sign_in(device)
    assert len(saved) == 1  # the device flow keeps offline_access without prompt=consent
    with logged_in(dovecot_introspect, "dave", client.access_token()) as (_, mechanism):
        assert mechanism == "OAUTHBEARER"
    assert "Sign-in Success" in str(browser.wait_drivers()[-1]["page"])


# -- bad input: a clear message, nothing stored ------------------------------------------------


def test_consent_denied_in_the_browser(
    idp: IdentityProvider, browser: SignInBrowser, use_browser: Callable[[str, str], None]
) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    with pytest.raises(SignInRequired) as info:
        sign_in(client, use_browser, "alice", scenario="deny")
    assert info.value.reason == "access_denied"
    assert "declined" in info.value.message and "the test provider" in info.value.message
    assert "declined" in str(browser.wait_drivers()[-1]["page"])  # the tab says it too
    assert saved == [] and not client.signed_in


def test_device_flow_declined(idp: IdentityProvider, browser: SignInBrowser) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    device = client.start_device_sign_in()
    browser.drive("device-deny", device.verification_uri, user_code=device.user_code)
    with pytest.raises(SignInRequired) as info:
        client.finish_device_sign_in(device)
    assert info.value.reason == "access_denied"
    assert saved == [] and not client.signed_in
    browser.wait_drivers()


def test_a_callback_with_the_wrong_state_is_refused(
    idp: IdentityProvider, browser: SignInBrowser, use_browser: Callable[[str, str], None]
) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    with pytest.raises(SignInRequired) as info:
        sign_in(client, use_browser, "alice", scenario="wrong-state")
    assert info.value.reason == "state_mismatch"
    assert "wrong state" in info.value.message and "nothing was saved" in info.value.message
    assert "wrong state" in str(browser.wait_drivers()[-1]["page"])
    assert saved == [] and not client.signed_in


def test_no_answer_from_the_browser_times_out(
    idp: IdentityProvider, browser: SignInBrowser, use_browser: Callable[[str, str], None]
) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    use_browser("ignore", "alice")
    with pytest.raises(SignInRequired) as info:
        client.sign_in_with_browser(timeout=2)
    assert info.value.reason == "timeout"
    assert "within 2 s" in info.value.message and "sign in again" in info.value.message
    assert browser.wait_drivers()[-1]["page"] == "ignored"
    assert saved == [] and not client.signed_in


def test_a_revoked_refresh_token_means_sign_in_again(
    idp: IdentityProvider, use_browser: Callable[[str, str], None]
) -> None:
    saved = Saved()
    client = make_client(idp, saved)
    sign_in(client, use_browser, "alice")
    idp.revoke_token(saved[-1])
    with pytest.raises(SignInRequired) as info:
        client.access_token(force_refresh=True)
    assert info.value.reason == "invalid_grant" and classify(info.value) == "sign_in_again"
    assert "sign in to the test provider again" in info.value.message
    assert len(saved) == 1  # nothing new stored


def test_an_account_disabled_at_the_provider_loses_mail_access(
    idp: IdentityProvider,
    own_dovecot: Callable[[Literal["introspection", "local"]], Dovecot],
    use_browser: Callable[[str, str], None],
) -> None:
    server = own_dovecot("introspection")
    saved = Saved()
    client = make_client(idp, saved)
    sign_in(client, use_browser, "bob")
    token = client.access_token()
    assert idp.revoke_grants("bob") >= 1
    with pytest.raises(TokenRejected) as info, logged_in(server, "bob", token):
        pass
    assert "did not accept the sign-in for bob" in info.value.message
    with pytest.raises(SignInRequired) as refresh:
        client.access_token(force_refresh=True)
    assert refresh.value.reason == "invalid_grant"


@pytest.mark.parametrize(
    ("resource", "mode"), [(RESOURCE_GATEWAY, "introspection"), (RESOURCE_GATEWAY_JWT, "local")]
)
def test_a_token_for_another_audience_is_refused_by_dovecot(
    idp: IdentityProvider,
    own_dovecot: Callable[[Literal["introspection", "local"]], Dovecot],
    use_browser: Callable[[str, str], None],
    resource: str,
    mode: Literal["introspection", "local"],
) -> None:
    server = own_dovecot(mode)
    client = make_client(idp, Saved(), resource=resource)
    sign_in(client, use_browser, "carol")
    with pytest.raises(TokenRejected) as info, logged_in(server, "carol", client.access_token()):
        pass
    assert info.value.kind == "sign_in_again"
    # "Token is not valid for scope 'mail'" (introspection) or "configured scope 'mail' missing
    # from token scope 'gateway'" (local): refused for its audience's scope, not as invalid.
    refusal = wait_for_log(server, "oauth2 failed")
    assert "scope 'mail'" in refusal, refusal


def test_the_provider_down_is_an_outage_not_a_sign_in_failure(
    idp: IdentityProvider,
    own_dovecot: Callable[[Literal["introspection", "local"]], Dovecot],
    use_browser: Callable[[str, str], None],
) -> None:
    server = own_dovecot("introspection")
    saved = Saved()
    client = make_client(idp, saved)
    sign_in(client, use_browser, "dave")
    token = client.access_token()
    idp.stop()
    try:
        with pytest.raises(ProviderUnavailable) as refresh:
            client.access_token(force_refresh=True)
        assert classify(refresh.value) == "outage" and refresh.value.reason == "unreachable"
        # Dovecot cannot introspect either: a temporary failure, not a refused token.
        with pytest.raises(ProviderUnavailable) as login, logged_in(server, "dave", token):
            pass
        assert login.value.reason == "server_unavailable"
        # A new sign-in cannot even start: discovery fails the same way.
        with pytest.raises(ProviderUnavailable):
            make_client(idp, saved).sign_in_with_browser(timeout=5)
    finally:
        idp.start()
    assert len(saved) == 1


def test_no_stray_drivers(browser: SignInBrowser, tmp_path: Path) -> None:
    """Every browser driver of this module finished (they run detached from the tests)."""
    finished = browser.wait_drivers()
    errors = [e for e in finished if e["event"] == "error"]
    assert errors == [], browser.driver_output()[-3000:]
