"""Notifications of the whole tray app against real servers: Dovecot for mail, dunst on a
real session bus. A burst APPENDed fast is one bubble however IMAP batches it; a click on
it lists exactly that burst; reading a mail anywhere, or through its bubble, closes it."""

from __future__ import annotations

import os

# The session-wide QApplication is offscreen; the bus and the notification daemon are real.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop.config.settings import MailAccount, Settings
from desktop.core.events import ConnectionState
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from tests.integration.apprun import AppRig, running_app

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.dovecot,
    # offscreen has no window manager: raise() and size hints are no-ops it warns about
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

SENDERS = ["Newsletter", "GitLab", "Ann Lee", "Bob Chen", "王伟"]


def raw_mail(n: int, sender: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{sender} <s{n % len(SENDERS)}@example.org>"
    msg["To"] = "me@example.org"
    msg["Subject"] = f"Message {n}"
    msg["Message-ID"] = f"<burst-{n}-{time.monotonic_ns()}@example.org>"
    msg.set_content(f"Body {n}")
    return bytes(msg)


def quiet_now(r: AppRig) -> None:
    """No burst held and every show and close handed to dunst."""
    r.until(lambda: not r.app.dispatcher.pending(), "the summary")
    r.run(r.app.dispatcher.drain())


@pytest.fixture
def rig(dovecot: Dovecot, tmp_path: Path, qapp: QApplication) -> Iterator[tuple[AppRig, DesktopSession, str]]:
    user = f"notif{time.monotonic_ns() % 1_000_000}"
    dovecot.add_user(user, "pw")
    account = MailAccount(
        name="work",
        host="127.0.0.1",
        username=user,
        security="plain",
        port=dovecot.imap_port,
        password_command="printf pw",
    )
    settings = Settings(mail=[account], path=tmp_path / "settings.toml")
    with DesktopSession() as desk, desk.environ(), running_app(settings, tmp_path / "data", qapp) as r:
        r.until(lambda: r.state() is ConnectionState.ONLINE, "online")
        yield r, desk, user


def append_fast(dovecot: Dovecot, user: str, count: int) -> float:
    """APPEND ``count`` mails over one connection (call it on a thread, so the loop keeps
    running); returns how long it took."""
    client = dovecot.client(user)
    try:
        started = time.monotonic()
        for n in range(count):
            client.append("INBOX", raw_mail(n, SENDERS[n % len(SENDERS)]))
        return time.monotonic() - started
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def test_200_mails_appended_at_once_are_one_bubble_and_its_click_lists_exactly_them(
    rig: tuple[AppRig, DesktopSession, str], dovecot: Dovecot
) -> None:
    r, desk, user = rig
    app = r.app
    thread_result: list[float] = []
    worker = threading.Thread(target=lambda: thread_result.append(append_fast(dovecot, user, 200)))
    worker.start()
    r.until(lambda: not worker.is_alive(), "the appends", timeout=60)
    r.until(lambda: len(r.new_items) == 200, "200 new mails in the pipeline")
    quiet_now(r)
    # dunst's log is written by a script per bubble, a little after the daemon took it
    r.until(lambda: len(desk.notifications()) == app.dispatcher.shown_count, "dunst's log")
    bubbles = desk.notifications()
    summaries = [b for b in bubbles if "new mails" in b["summary"]]
    print(f"200 APPENDs took {thread_result[0]:.2f} s; dunst got {len(bubbles)} bubble(s): {bubbles}")
    assert summaries, bubbles
    # the two newest senders (the last two APPENDed), then the others counted
    assert summaries[-1]["summary"] == "200 new mails from 王伟, Bob Chen and 3 more"
    assert summaries[-1]["body"] == "Latest: Message 199"
    r.until(lambda: desk.count("displayed") == 1, "one bubble on screen")
    # whatever came before the last summary (singles of the first batch, if IMAP split the
    # burst that way) was replaced by it: closed, not left beside it
    assert desk.count("displayed") == 1

    desk.click_default()
    window = app.window
    r.until(lambda: window.isVisible() and window.model.only is not None, "the burst's view")
    assert window.unread_button.isChecked()
    assert window.model.rowCount() == 200
    assert {window.model.item_at(row).id for row in range(200)} == {i.id for i in r.new_items}  # type: ignore[union-attr]
    assert window.list.currentIndex().row() == 0
    assert window.burst_bar.isVisible()


def test_reading_in_the_window_or_from_the_bubble_marks_read_and_closes_the_bubble(
    rig: tuple[AppRig, DesktopSession, str], dovecot: Dovecot
) -> None:
    r, desk, user = rig
    app = r.app
    dovecot.append(user, raw_mail(1, "Ann Lee"))
    dovecot.append(user, raw_mail(2, "Bob Chen"))
    r.until(lambda: len(r.new_items) == 2, "two new mails")
    r.until(lambda: desk.count("displayed") == 2, "two bubbles")
    first, second = sorted(r.new_items, key=lambda i: i.title)

    # In the window: shown, read after a second, bubble closed.
    app.show_item(first.id)
    r.until(lambda: not app.runtime.store.get_item(first.id).unread, "read in the window")  # type: ignore[union-attr]
    r.until(lambda: desk.count("displayed") == 1, "its bubble closed")

    # Through the other bubble's own button: read here and on the server, bubble closed.
    assert desk.invoke_action("Mark read") == ["Mark read"]
    r.until(lambda: not app.runtime.store.get_item(second.id).unread, "read from the bubble")  # type: ignore[union-attr]
    r.until(lambda: desk.count("displayed") == 0, "its bubble closed")
    client = dovecot.client(user)
    try:
        client.select_folder("INBOX")

        def seen() -> bool:
            flags = client.get_flags(client.search(["ALL"]))
            return all(b"\\Seen" in f for f in flags.values())

        r.until(seen, "\\Seen on the server")
    finally:
        client.logout()
