"""“Sign in again” (an OAuth2 account, or the gateway's SSO, whose sign-in the provider or the
gateway ended) in the tray and the inbox window: distinct from an outage, with a Sign in button
that runs that source's browser sign-in."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from desktop.app import account_login, gateway_login
from desktop.config.settings import GatewaySettings, MailAccount, Settings
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.rules import Rules
from desktop.sources.oauth import SignInRequired
from desktop.ui.app import build_app
from desktop.ui.detail import MailBody
from desktop.ui.tray import TrayIcon
from desktop.ui.window import InboxWindow

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
MESSAGE = "The sign-in has expired or was revoked: sign in to Contoso again."


@pytest.fixture
def window(qtbot, facade, bridge):  # type: ignore[no-untyped-def]
    win = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text=""))
    qtbot.addWidget(win)
    return win


def test_the_tray_marks_the_account_and_says_sign_in_again(qtbot, facade, bridge, runtime) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon(facade, bridge, lambda: Rules(), now=lambda: NOW)
    runtime.pipeline.handle(SourceStatus("mail:work", ConnectionState.ONLINE))
    qtbot.waitUntil(lambda: not tray.warning, timeout=2000)
    runtime.pipeline.handle(SourceStatus("mail:work", ConnectionState.SIGN_IN_AGAIN, MESSAGE))
    qtbot.waitUntil(lambda: tray.warning, timeout=2000)
    assert f"mail:work — sign in again: {MESSAGE}" in tray.toolTip().splitlines()


def test_the_banner_offers_sign_in_not_retry_or_settings(qtbot, runtime, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runtime.settings.mail[0] = MailAccount(
        name="work",
        host="outlook.office365.com",
        username="li.lei@contoso.com",
        auth="oauth2",
        oauth="microsoft",
    )
    window.show()
    runtime.pipeline.handle(SourceStatus("mail:work", ConnectionState.SIGN_IN_AGAIN, MESSAGE))
    banner = window.banner
    assert banner.isVisible() and "sign in again" in banner.label.text() and MESSAGE in banner.label.text()
    assert banner.sign_in_button.isVisible()
    assert not banner.retry_button.isVisible() and not banner.settings_button.isVisible()

    signed_in: list[str] = []
    reconnected: list[str | None] = []
    monkeypatch.setattr(
        account_login, "browser_sign_in", lambda account, settings, **kw: signed_in.append(account.name)
    )
    monkeypatch.setattr(window.app, "reconnect", lambda source_id=None: reconnected.append(source_id))
    with qtbot.waitSignal(banner.sign_in_requested) as blocker:
        banner.sign_in_button.click()
    assert blocker.args == ["mail:work"]
    qtbot.waitUntil(lambda: reconnected == ["mail:work"], timeout=5000)
    assert signed_in == ["work"]


def test_an_outage_offers_retry_not_sign_in(qtbot, runtime, window) -> None:  # type: ignore[no-untyped-def]
    window.show()
    runtime.pipeline.handle(
        SourceStatus("mail:work", ConnectionState.OFFLINE, "Contoso did not answer in time.")
    )
    assert window.banner.retry_button.isVisible() and not window.banner.sign_in_button.isVisible()


def gateway_sso(runtime) -> None:  # type: ignore[no-untyped-def]
    runtime.settings.gateway = GatewaySettings(
        url="wss://gateway.contoso.com",
        sign_in="sso",
        issuer="https://sso.contoso.com",
        client_id="tidings",
    )


GATEWAY_MESSAGE = "Sign in again: the gateway ended this sign-in"


def test_the_gateways_sign_in_again_runs_the_gateway_browser_sign_in(
    qtbot, runtime, window, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    gateway_sso(runtime)
    window.show()
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.SIGN_IN_AGAIN, GATEWAY_MESSAGE))
    banner = window.banner
    # The state says "sign in again"; the message adds only why, not the same words again.
    assert banner.label.text() == "Chat and approvals: sign in again — The gateway ended this sign-in"
    assert banner.sign_in_button.isVisible()
    assert not banner.retry_button.isVisible() and not banner.settings_button.isVisible()

    signed_in: list[str] = []
    reconnected: list[str | None] = []
    monkeypatch.setattr(
        gateway_login, "browser_sign_in", lambda settings, **kw: signed_in.append(settings.gateway.url)
    )
    monkeypatch.setattr(
        account_login, "browser_sign_in", lambda *a, **kw: pytest.fail("not a mail account's sign-in")
    )
    monkeypatch.setattr(window.app, "reconnect", lambda source_id=None: reconnected.append(source_id))
    with qtbot.waitSignal(banner.sign_in_requested) as blocker:
        banner.sign_in_button.click()
    assert blocker.args == ["gateway"]
    qtbot.waitUntil(lambda: reconnected == ["gateway"], timeout=5000)
    assert signed_in == ["wss://gateway.contoso.com"]


def test_a_failed_gateway_sign_in_says_why_and_does_not_reconnect(
    qtbot, runtime, window, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    gateway_sso(runtime)
    window.show()
    reconnected: list[str | None] = []

    def declined(settings, **kw):  # type: ignore[no-untyped-def]
        raise SignInRequired("The sign-in was declined: sign in to Contoso again.", reason="access_denied")

    monkeypatch.setattr(gateway_login, "browser_sign_in", declined)
    monkeypatch.setattr(window.app, "reconnect", lambda source_id=None: reconnected.append(source_id))
    window.sign_in("gateway")
    qtbot.waitUntil(lambda: "declined" in window.statusBar().currentMessage(), timeout=5000)
    assert reconnected == [] and window.banner.sign_in_button.isEnabled()


def test_the_tray_offers_sign_in_for_the_source_that_needs_it(qtbot, facade, bridge, runtime) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon(facade, bridge, lambda: Rules(), now=lambda: NOW)
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.OFFLINE, "The gateway did not answer"))
    tray.refresh()
    assert not tray.sign_in_action.isVisible()  # an outage: nothing to sign in to
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.SIGN_IN_AGAIN, GATEWAY_MESSAGE))
    qtbot.waitUntil(lambda: tray.sign_in_action.isVisible(), timeout=2000)
    assert tray.sign_in_action.text() == "Sign in again: gateway…"
    assert tray.sign_in_action in tray.contextMenu().actions()
    with qtbot.waitSignal(tray.sign_in_requested) as blocker:
        tray.sign_in_action.trigger()
    assert blocker.args == ["gateway"]
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.ONLINE))
    qtbot.waitUntil(lambda: not tray.sign_in_action.isVisible(), timeout=2000)
    assert tray.sign_in_action not in tray.contextMenu().actions()


def test_the_tray_entry_and_the_bubble_reach_the_windows_sign_in(qtbot, tmp_path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.new_event_loop()
    settings = Settings(gateway=GatewaySettings(url="wss://gateway.contoso.com", sign_in="sso"))
    tidings = build_app(settings, tmp_path / "data", loop)
    try:
        asked: list[str] = []
        tidings.window.sign_in = asked.append  # type: ignore[method-assign]
        tidings.tray.sign_in_requested.emit("gateway")  # the tray's "Sign in again: …"
        tidings.handler.sign_in("mail:work")  # a bubble's Sign in button
        assert asked == ["gateway", "mail:work"]
        assert tidings.window.isVisible()  # the banner says what is going on
    finally:
        tidings.window.hide()
        tidings.deleteLater()
        loop.close()
