"""The desktop's one sign-in for the gateway, against real servers: the harness's OpenID Connect
provider, headless Chromium (through BROWSER) for the browser step, and the real gateway
process trusting that provider. ``tidings gateway login`` stores the provider's refresh token
in the keyring (an in-memory one here); the GatewaySource then opens gateway sessions with it,
renews them without the user, and shows "Sign in again" (``SIGN_IN_AGAIN``, as mail does) when the
gateway revokes the session or the provider disables the user, but only an outage when the
provider is down.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
import uuid
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.app import gateway_login
from desktop.app.pipeline import Pipeline
from desktop.config.oauth_providers import OAuthProviderSettings
from desktop.config.secrets import SERVICE
from desktop.config.settings import GatewaySettings, MailAccount, Settings
from desktop.core.events import ConnectionState, SourceStatus
from desktop.sources.gateway import GatewaySource
from desktop.sources.gateway.sso import make_oauth_client, refresh_token_key
from desktop.sources.oauth.accounts import sign_ins
from desktop.store import Store
from harness.gateway import GatewayProcess, OidcOptions
from harness.idp import RESOURCE_GATEWAY_JWT, RESOURCE_IMAP_JWT, IdentityProvider
from harness.signin_browser import SignInBrowser
from tests.memory_keyring import MemoryKeyring

pytestmark = [pytest.mark.gateway]

# Short sessions, so renewals happen within a test: renewed a third of the lifetime early.
SESSION_TTL = 6


def start_gateway(root: Path, idp: IdentityProvider) -> GatewayProcess:
    proc = GatewayProcess(
        root / "gw.db",
        oidc=OidcOptions(idp.issuer, RESOURCE_GATEWAY_JWT, create_users=True, session_ttl=SESSION_TTL),
        extra_args=["--token-check-interval", "0.1"],
    )
    return proc.start()


@pytest.fixture
def gateway(tmp_path: Path, idp: IdentityProvider) -> Iterator[GatewayProcess]:
    proc = start_gateway(tmp_path, idp)
    try:
        yield proc
    finally:
        proc.stop()


def settings_for(gw: GatewayProcess, idp: IdentityProvider) -> GatewaySettings:
    return GatewaySettings(
        url=gw.url,
        sign_in="sso",
        issuer=idp.issuer,
        client_id=idp.client_id,
        audience=RESOURCE_GATEWAY_JWT,
        scopes=["openid", "offline_access", "gateway"],
    )


@pytest.fixture
def use_browser(browser: SignInBrowser, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    def use(login: str) -> None:
        monkeypatch.setenv("BROWSER", str(browser.browser_script("consent", login)))
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.setattr(webbrowser, "_tryorder", None)

    return use


class Said(list[str]):
    def say(self, text: str) -> None:
        self.append(text)


def login(settings: GatewaySettings | Settings, **kwargs: Any) -> tuple[int, Said]:
    """`tidings gateway login`, as the CLI runs it."""
    everything = settings if isinstance(settings, Settings) else Settings(gateway=settings)
    said = Said()
    code = gateway_login.run(everything, say=said.say, warn=lambda t: said.say("warn: " + t), **kwargs)
    return code, said


class Desktop:
    """Store + Pipeline + GatewaySource, recording the statuses the tray and watch are told."""

    def __init__(self, db: Path, settings: GatewaySettings) -> None:
        self.store = Store(db)
        self.pipeline = Pipeline(self.store)
        self.statuses: list[SourceStatus] = []
        self.added: list[str] = []
        self.pipeline.add_listener(self)
        self.source = GatewaySource(settings, self.store, backoff_base=0.05, backoff_cap=0.5, ping_interval=5)

    def items_added(self, items: Any, quiet: bool) -> None:
        self.added += [i.id for i in items]

    def items_changed(self, items: Any) -> None:
        pass

    def items_removed(self, item_ids: Any) -> None:
        pass

    def status_changed(self, status: SourceStatus) -> None:
        if status.source == "gateway":
            self.statuses.append(status)

    @property
    def last(self) -> SourceStatus | None:
        return self.statuses[-1] if self.statuses else None

    async def start(self) -> Desktop:
        self.pipeline.bind(asyncio.get_running_loop())
        self.source.start(self.pipeline.emit)
        await self.reaches(ConnectionState.ONLINE)
        return self

    async def reaches(self, state: ConnectionState, timeout: float = 30.0) -> SourceStatus:
        await wait_for(lambda: self.last is not None and self.last.state is state, f"{state}", timeout)
        assert self.last is not None
        return self.last

    async def close(self) -> None:
        await self.source.stop()
        self.store.close()


async def wait_for(cond: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def announce(gw: GatewayProcess, user: str, title: str) -> str:
    name = "hr-" + uuid.uuid4().hex[:6]
    secret = gw.add_integration(name)
    announcement_id = uuid.uuid4().hex
    gw.post_event(
        name, secret, "announcement", {"announcement": {"id": announcement_id, "title": title}}, [user]
    )
    return f"gw:announcement:{announcement_id}"


@pytest.mark.asyncio
async def test_login_then_sessions_renew_without_the_user_until_the_gateway_revokes_them(
    idp: IdentityProvider,
    gateway: GatewayProcess,
    use_browser: Callable[[str], None],
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = settings_for(gateway, idp)
    use_browser("alice")
    code, said = await asyncio.to_thread(login, settings, device=False)
    assert code == 0, said
    assert said[-1] == "Signed in to the gateway as alice."
    refresh = memory_keyring.get_password(SERVICE, refresh_token_key(settings))
    assert refresh and refresh_token_key(settings) == f"oauth:{idp.client_id}@{idp.issuer}"

    desktop = await Desktop(tmp_path / "desk.db", settings).start()
    try:
        first = gateway.sessions("alice")
        session_id = desktop.source.sign_in.session_id if desktop.source.sign_in else None
        assert session_id in [s.id for s in first]
        # Renewed without the user and on the same connection: the session id stays.
        await wait_for(
            lambda: any(s.id == session_id and s.renewed_at for s in gateway.sessions("alice")), "a renewal"
        )
        item = await asyncio.to_thread(announce, gateway, "alice", "still connected")
        await wait_for(lambda: item in desktop.added, "the announcement")
        assert desktop.source.connect_attempts == 1
        assert [s.state for s in desktop.statuses] == [ConnectionState.CONNECTING, ConnectionState.ONLINE]

        # The operator ends alice's sessions: the connection closes (4401), Tidings asks her to
        # sign in again and does not mint a new session from the same sign-in, even when asked.
        await asyncio.to_thread(gateway.revoke_sessions, "alice")
        status = await desktop.reaches(ConnectionState.SIGN_IN_AGAIN)
        assert status.message.startswith("Sign in again")
        desktop.source.reconnect_now()
        await wait_for(lambda: len(desktop.statuses) >= 5, "the retry's status")
        assert desktop.last is not None and desktop.last.state is ConnectionState.SIGN_IN_AGAIN
        assert desktop.last.message.startswith("Sign in again")
        assert gateway.sessions("alice") == []

        # A new sign-in (a new refresh token in the keyring, here from `tidings gateway login`)
        # is what brings it back, without anything else from the user.
        use_browser("alice")
        code, said = await asyncio.to_thread(login, settings, device=False)
        assert code == 0, said
        await desktop.reaches(ConnectionState.ONLINE)
    finally:
        await desktop.close()

    # No token reached a log or the terminal.
    out, err = capfd.readouterr()
    secrets = [refresh, memory_keyring.get_password(SERVICE, refresh_token_key(settings))]
    for secret in secrets:
        assert secret and secret not in caplog.text and secret not in out + err


@pytest.mark.asyncio
async def test_a_user_disabled_at_the_provider_loses_access_at_the_next_renewal(
    idp: IdentityProvider,
    gateway: GatewayProcess,
    browser: SignInBrowser,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    settings = settings_for(gateway, idp)

    def device_login() -> tuple[int, Said]:
        said = Said()

        def say(text: str) -> None:
            said.append(text)
            if text.startswith("On any device"):
                words = text.split()
                browser.drive("device", words[4], login="bob", user_code=words[-1])

        return gateway_login.run(Settings(gateway=settings), device=True, say=say, warn=say), said

    code, said = await asyncio.to_thread(device_login)
    assert code == 0, said
    assert said[-1] == "Signed in to the gateway as bob."

    desktop = await Desktop(tmp_path / "desk.db", settings).start()
    try:
        assert await asyncio.to_thread(idp.revoke_grants, "bob") >= 1
        status = await desktop.reaches(ConnectionState.SIGN_IN_AGAIN)
        assert status.message.startswith("Sign in again")
        assert "expired or was revoked" in status.message
        assert ConnectionState.OFFLINE not in [s.state for s in desktop.statuses]
        # Looking for a new sign-in costs no attempt at the provider while none is stored.
        assert desktop.source.sign_in is not None
        assert not await desktop.source.sign_in.has_new_sign_in()
        assert len(desktop.statuses) == 3
    finally:
        await desktop.close()


@pytest.mark.asyncio
async def test_the_provider_down_during_renewal_is_an_outage_not_a_sign_in_failure(
    tmp_path: Path, browser: SignInBrowser, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    idp = IdentityProvider(tmp_path / "idp").start()  # its own: this test stops it
    gateway = start_gateway(tmp_path, idp)
    desktop: Desktop | None = None
    try:
        settings = settings_for(gateway, idp)
        monkeypatch.setenv("BROWSER", str(browser.browser_script("consent", "carol")))
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.setattr(webbrowser, "_tryorder", None)
        code, said = await asyncio.to_thread(login, settings, device=False)
        assert code == 0, said
        desktop = await Desktop(tmp_path / "desk.db", settings).start()
        await asyncio.to_thread(idp.stop)
        # The session cannot be renewed, so it ends and the gateway closes the connection; the
        # reconnect cannot reach the provider. All of that is an outage, retried.
        await wait_for(
            lambda: any(
                "Cannot reach" in s.message for s in desktop.statuses if s.state is ConnectionState.OFFLINE
            ),
            "an outage status",
        )
        states = [s.state for s in desktop.statuses]
        assert not {ConnectionState.AUTH_FAILED, ConnectionState.SIGN_IN_AGAIN, ConnectionState.ERROR} & set(
            states
        )
        assert memory_keyring.get_password(SERVICE, refresh_token_key(settings))  # kept for later
    finally:
        if desktop is not None:
            await desktop.close()
        gateway.stop()
        idp.cleanup()


@pytest.mark.asyncio
async def test_another_holder_of_the_same_sign_in_rotating_its_refresh_token_does_not_end_it(
    idp: IdentityProvider,
    gateway: GatewayProcess,
    use_browser: Callable[[str], None],
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    """Mail on the same provider and client shares the keyring entry. Refresh tokens rotate and
    the provider ends the whole grant when a replaced one is replayed, so the gateway must
    renew with whatever the keyring holds now, not with the token it started from."""
    settings = settings_for(gateway, idp)
    use_browser("dave")
    code, said = await asyncio.to_thread(login, settings, device=False)
    assert code == 0, said
    desktop = await Desktop(tmp_path / "desk.db", settings).start()
    try:
        key = refresh_token_key(settings)
        before = memory_keyring.get_password(SERVICE, key)
        # Another holder (as mail would) refreshes from the keyring and stores the rotated token.
        other = make_oauth_client(settings, before)
        await asyncio.to_thread(other.access_token, force_refresh=True)
        assert memory_keyring.get_password(SERVICE, key) != before
        session_id = desktop.source.sign_in.session_id if desktop.source.sign_in else None
        renewed = [s.renewed_at for s in gateway.sessions("dave") if s.id == session_id]
        await wait_for(
            lambda: [s.renewed_at for s in gateway.sessions("dave") if s.id == session_id] != renewed,
            "a renewal after the rotation",
        )
        # And the other holder's sign-in still works too: the grant was not ended.
        await asyncio.to_thread(
            make_oauth_client(settings, memory_keyring.get_password(SERVICE, key)).access_token
        )
        assert [s.state for s in desktop.statuses] == [ConnectionState.CONNECTING, ConnectionState.ONLINE]
    finally:
        await desktop.close()


@pytest.mark.asyncio
async def test_one_browser_sign_in_serves_mail_and_the_gateway(
    idp: IdentityProvider,
    gateway: GatewayProcess,
    browser: SignInBrowser,
    use_browser: Callable[[str], None],
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    """[gateway] oauth names the [oauth.corp] provider mail uses: the sign-in asks for both
    audiences, and mail and the gateway each get their own token from the one refresh token,
    through one holder in the process."""
    settings = Settings(
        mail=[MailAccount(name="work", host="127.0.0.1", username="erin", auth="oauth2", oauth="corp")],
        gateway=GatewaySettings(
            url=gateway.url, sign_in="sso", oauth="corp", audience=RESOURCE_GATEWAY_JWT, scopes=["gateway"]
        ),
        oauth={
            "corp": OAuthProviderSettings(
                issuer=idp.issuer,
                client_id=idp.client_id,
                scopes=["openid", "offline_access", "mail"],
                resource=RESOURCE_IMAP_JWT,
            )
        },
    )
    sign_ins.clear()
    drivers_before = len(browser.wait_drivers())
    use_browser("erin")
    code, said = await asyncio.to_thread(login, settings, device=False)
    assert code == 0, said
    assert said[-1] == "Signed in to the gateway as erin."
    assert len(browser.wait_drivers()) == drivers_before + 1  # one browser sign-in
    try:
        shared = sign_ins.for_gateway(settings)
        mail = sign_ins.for_account(settings.mail[0], settings)
        assert mail is shared  # one holder of the refresh token in this process
        # Mail's token is for the mail audience, without another sign-in.
        token = await asyncio.to_thread(mail.access_token, force_refresh=True)
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        assert claims["aud"] == RESOURCE_IMAP_JWT and claims["sub"] == "erin"
        assert memory_keyring.get_password(SERVICE, shared.key)

        desktop = await Desktop(tmp_path / "desk.db", settings.gateway).start()
        try:
            # Renewals and mail refreshes interleave on the one holder: nobody is signed out.
            session_id = desktop.source.sign_in.session_id if desktop.source.sign_in else None
            await wait_for(
                lambda: any(s.id == session_id and s.renewed_at for s in gateway.sessions("erin")),
                "a renewal",
            )
            await asyncio.to_thread(mail.access_token, force_refresh=True)
            renewed = [s.renewed_at for s in gateway.sessions("erin")]
            await wait_for(
                lambda: [s.renewed_at for s in gateway.sessions("erin")] != renewed, "another renewal"
            )
            assert [s.state for s in desktop.statuses] == [ConnectionState.CONNECTING, ConnectionState.ONLINE]
        finally:
            await desktop.close()
    finally:
        sign_ins.clear()
