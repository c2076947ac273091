"""The whole app against real servers: Dovecot for mail, Xvfb + D-Bus + dunst for the desktop.

A mail APPENDed by another IMAP client must reach the store, the inbox model, the tray
count and exactly one notification; clicking it must open the window at that mail.
`tidings watch --json` is checked as a real subprocess.
"""

from __future__ import annotations

import os

# The session-wide QApplication is offscreen (the tray is tested in tests/ui); the bus and
# the notification daemon are real.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import signal
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop.config.settings import GatewaySettings, MailAccount, Settings, to_toml
from desktop.core.events import ConnectionState
from desktop.ui.inbox_model import IdRole
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess
from tests.integration.apprun import AppRig, JsonLines, running_app, start_watch

TIMEOUT = 15  # s, the bound on each wait (not a timing under test)

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.dovecot,
    # offscreen has no window manager: raise() and size hints are no-ops it warns about
    pytest.mark.qt_log_ignore("This plugin does not support"),
]


def raw_mail(subject: str, sender: str = "Ann Lee <ann@example.org>", body: str = "Hello there") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "me@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}@example.org>"
    msg.set_content(body)
    return bytes(msg)


def account(dovecot: Dovecot, user: str) -> MailAccount:
    return MailAccount(
        name="work",
        host="127.0.0.1",
        username=user,
        security="plain",
        port=dovecot.imap_port,
        password_command="printf pw",
    )


@pytest.fixture
def rig(dovecot: Dovecot, tmp_path: Path, qapp: QApplication) -> Iterator[tuple[AppRig, DesktopSession, str]]:
    user = "e2eapp"
    dovecot.add_user(user, "pw")
    dovecot.append(user, raw_mail("Already here before Tidings"))
    settings = Settings(mail=[account(dovecot, user)], path=tmp_path / "settings.toml")
    with (
        DesktopSession() as desk,
        desk.environ(),
        running_app(settings, tmp_path / "data", qapp, timeout=TIMEOUT) as r,
    ):
        yield r, desk, user


def test_appended_mail_reaches_store_model_tray_and_one_bubble_and_a_click_selects_it(
    rig: tuple[AppRig, DesktopSession, str], dovecot: Dovecot
) -> None:
    r, desk, user = rig
    app = r.app
    assert app.notifier.name.startswith("freedesktop")
    r.until(lambda: r.state() is ConnectionState.ONLINE, "online")
    r.until(lambda: app.runtime.store.count() == 1, "the quiet first sync")

    # The new mail is the sentinel: had the old one been announced, it would come first.
    dovecot.append(user, raw_mail("Budget <2026> & plan", body="Numbers attached"))
    # Dovecot holds IDLE notifications ~500 ms by design; allow for it.
    r.until(lambda: len(r.new_items) >= 1, "the new mail in the pipeline")
    assert [i.title for i in r.new_items] == ["Budget <2026> & plan"]  # old mail is never announced
    mail = r.new_items[0]
    assert app.runtime.store.get_item(mail.id) is not None
    r.until(lambda: app.window.model.row_of(mail.id) is not None, "the row in the inbox model")
    r.until(lambda: app.tray.unread_count == 2, "the tray count")
    tooltip = app.tray.toolTip()
    assert "2 unread" in tooltip and "work — online" in tooltip

    r.until(lambda: len(desk.notifications()) >= 1, "the notification")
    # Nothing held for a burst summary and nothing on its way to the daemon.
    r.until(lambda: not app.dispatcher.pending(), "no burst held back")
    r.run(app.dispatcher.drain())
    (bubble,) = desk.notifications()  # exactly one, also after the coalescing window
    assert bubble["summary"] == "Ann Lee — Budget <2026> & plan"
    assert "Numbers attached" in bubble["body"]

    # No tray offscreen, so the window came up at start: hide it and select the old mail,
    # so the click has to do both.
    app.window.hide()
    old_row = 1 - app.window.model.row_of(mail.id)
    app.window.select_row(old_row)
    assert app.window.current_item() is not None and app.window.current_item().id != mail.id
    desk.click_default()
    r.until(lambda: app.window.isVisible(), "the window")
    r.until(lambda: getattr(app.window.current_item(), "id", None) == mail.id, "the clicked mail selected")
    selected = app.window.list.selectionModel().selectedIndexes()
    assert [i.data(IdRole) for i in selected] == [mail.id]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_watch_json_prints_new_and_updated_and_exits_cleanly(
    dovecot: Dovecot, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    user = f"watch{int(stop_signal)}"
    dovecot.add_user(user, "pw")
    dovecot.append(user, raw_mail("Old mail"))
    config = tmp_path / "settings.toml"
    config.write_text(to_toml(Settings(mail=[account(dovecot, user)])), encoding="utf-8")
    proc = start_watch(config, tmp_path / "d", {**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = JsonLines(proc)
        lines.next_matching(lambda o: o["event"] == "status" and o["state"] == "online", "online status")
        # Fresh news is the sentinel: whatever the first sync printed (Old mail must not be
        # there) came before it, as every line comes out of one pipeline in order.
        dovecot.append(user, raw_mail("Fresh news", sender="Bob <bob@example.org>"))
        new = lines.next_matching(lambda o: o["event"] == "new", "a new line")
        assert {"id", "kind", "source", "title", "sender", "unread", "time"} <= new.keys()
        assert new["kind"] == "mail" and new["source"] == "mail:work" and new["title"] == "Fresh news"
        assert "bob@example.org" in new["sender"] or new["sender"] == "Bob"
        assert new["unread"] is True
        assert not [o for o in lines.seen if o["event"] == "new" and o["title"] == "Old mail"]

        client = dovecot.client(user)
        try:
            client.select_folder("INBOX")
            uids = client.search(["SUBJECT", "Fresh news"])
            client.add_flags(uids, [b"\\Seen"])
        finally:
            client.logout()
        updated = lines.next_matching(lambda o: o["event"] == "updated", "an updated line")
        assert updated["id"] == new["id"] and updated["unread"] is False

        proc.send_signal(stop_signal)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
    assert [o["title"] for o in lines.seen if o["event"] == "new"] == ["Fresh news"]


def test_fixing_a_rejected_password_in_settings_reconnects_without_a_restart(
    dovecot: Dovecot, tmp_path: Path, qapp: QApplication, memory_keyring: Any
) -> None:
    """A user whose password was wrong stores the right one and saves Settings: the
    account comes online at once, though the settings file itself did not change."""
    from desktop.config import secrets

    user = "e2efix"
    dovecot.add_user(user, "right")
    secrets.set_secret(secrets.mail_key("work"), "wrong")
    acct = account(dovecot, user)
    acct.password_command = ""  # the keyring, as for most users
    settings = Settings(mail=[acct], path=tmp_path / "settings.toml")
    with (
        DesktopSession() as desk,
        desk.environ(),
        running_app(settings, tmp_path / "data", qapp, timeout=TIMEOUT) as r,
    ):
        app = r.app
        r.until(lambda: r.state() is ConnectionState.AUTH_FAILED, "the rejected password")
        assert "user name or password" in app.runtime.pipeline.statuses["mail:work"].message
        # The banner's "Settings…" opens the dialog at that account.
        app.window.settings_requested.emit("mail:work")
        dialog = app._settings_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.account_list.currentRow() == 0
        secrets.set_secret(secrets.mail_key("work"), "right")
        dialog.reject()
        r.run(app.apply_settings(dialog.result_settings()))
        r.until(lambda: r.state() is ConnectionState.ONLINE, "online after the fix")


@pytest.mark.gateway
def test_watch_json_prints_gateway_items_and_their_state_changes(
    gateway_process: GatewayProcess, tmp_path: Path
) -> None:
    gw = gateway_process
    gw.add_user("dana", "Dana Demo")
    token = gw.issue_token("dana")
    oa = gw.add_integration("oa")
    config = tmp_path / "settings.toml"
    settings = Settings(gateway=GatewaySettings(url=gw.url, token_command=f"printf %s {token}"))
    config.write_text(to_toml(settings), encoding="utf-8")
    proc = start_watch(config, tmp_path / "d", {**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = JsonLines(proc)
        lines.next_matching(
            lambda o: o["event"] == "status" and o["source"] == "gateway" and o["state"] == "online", "online"
        )
        approval = {
            "approval": {
                "id": "A-7",
                "title": "Travel request: Shanghai",
                "requester": {"id": "lee", "name": "Lee Wei"},
                "fields": [{"label": "Days", "value": "3"}],
                "urgency": "urgent",
            }
        }
        gw.post_event("oa", oa, "approval.requested", approval, recipients=["dana"])
        new = lines.next_matching(lambda o: o["event"] == "new", "the approval")
        assert (new["id"], new["kind"], new["source"]) == ("gw:approval:A-7", "approval", "gateway")
        assert new["title"] == "Travel request: Shanghai" and new["sender"] == "Lee Wei"
        assert new["state"] == "pending" and new["urgency"] == "urgent" and new["unread"] is True
        # Decided in the OA system itself: the state change reaches watch too.
        resolved = {"approval": {"id": "A-7"}, "state": "approved", "by": {"id": "boss", "name": "Boss"}}
        gw.post_event("oa", oa, "approval.resolved", resolved, recipients=["dana"])
        updated = lines.next_matching(lambda o: o["event"] == "updated", "the resolution")
        assert updated["id"] == "gw:approval:A-7" and updated["state"] == "approved"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
