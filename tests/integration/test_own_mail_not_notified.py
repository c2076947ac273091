"""The user's own mail is listed but never notified: the tray app against real Dovecot and a
real notification daemon (dunst). A copy of what they sent can land in a watched folder two
ways: the server files it (a Bcc to themselves, a list echoing their post) unread in INBOX,
or Tidings saves a reply to Sent (APPEND, \\Seen) and Sent is watched."""

from __future__ import annotations

import os

# The session-wide QApplication is offscreen; the bus and the notification daemon are real.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop.config.settings import MailAccount, Settings
from desktop.core.events import ConnectionState
from desktop.sources.smtp import Draft, Identity, Mailbox, render
from desktop.sources.smtp.sent import SentFolder
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from tests.integration.apprun import running_app

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.dovecot,
    # offscreen has no window manager: raise() and size hints are no-ops it warns about
    pytest.mark.qt_log_ignore("This plugin does not support"),
]


def raw_mail(sender: str, subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "team@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{time.monotonic_ns()}@example.org>"
    msg.set_content(f"About {subject}")
    return bytes(msg)


def test_mail_from_the_accounts_own_address_is_stored_but_not_notified(
    dovecot: Dovecot, tmp_path: Path, qapp: QApplication
) -> None:
    user = f"own{time.monotonic_ns() % 1_000_000}"
    dovecot.add_user(user, "pw")
    address = f"{user}@example.org"
    account = MailAccount(
        name="work",
        host="127.0.0.1",
        username=user,
        address=address,
        sender_name="Wang Fang",
        security="plain",
        port=dovecot.imap_port,
        password_command="printf pw",
        folders=["INBOX", "Sent"],
    )
    settings = Settings(mail=[account], path=tmp_path / "settings.toml")
    with DesktopSession() as desk, desk.environ(), running_app(settings, tmp_path / "data", qapp) as r:
        app = r.app
        # ONLINE once both folders are caught up: what arrives from here on is announced as new.
        r.until(lambda: r.state() is ConnectionState.ONLINE, "online")

        # 1. The server files a copy of the user's own mail in INBOX, unread; the From
        # differs from the setting in case only, as servers and clients write it.
        dovecot.append(user, raw_mail(f"Wang Fang <{address.upper()}>", "Minutes of Monday"))
        # 2. A reply sent from Tidings, saved to Sent by Tidings' own code (APPEND, \Seen).
        reply = render(
            Draft(
                Identity("Wang Fang", address),
                f"<reply.{time.monotonic_ns()}@example.org>",
                to=(Mailbox("Ann Lee", "ann@example.org"),),
                subject="Re: Budget",
                body="Agreed.",
            )
        )
        assert SentFolder(lambda: dovecot.client(user)).save(reply)
        # 3. The sentinel: someone else's mail, which must be notified.
        dovecot.append(user, raw_mail("Ann Lee <ann@example.org>", "Budget for March"))

        store = app.runtime.store
        sent_id = "mail:work:Sent:"  # then its UIDVALIDITY and UID
        r.until(lambda: len(r.new_items) == 2, "the two unread mails announced (not quiet)")
        r.until(lambda: any(i.id.startswith(sent_id) for i in store.page(limit=10)), "the Sent copy stored")
        by_title = {i.title: i for i in r.new_items}
        assert set(by_title) == {"Minutes of Monday", "Budget for March"}
        own_copy = store.get_item(by_title["Minutes of Monday"].id)
        assert own_copy is not None and own_copy.unread and own_copy.payload["own"] is True
        assert app.window.model.row_of(own_copy.id) is not None  # listed like any mail
        (sent_copy,) = [i for i in store.page(limit=10) if i.id.startswith(sent_id)]
        assert sent_copy.title == "Re: Budget" and not sent_copy.unread  # read: taken in quietly

        # Everything was announced before this: no burst held, every bubble handed to dunst.
        r.until(lambda: not app.dispatcher.pending(), "no burst held back")
        r.run(app.dispatcher.drain())
        r.until(lambda: len(desk.notifications()) == app.dispatcher.shown_count, "dunst's log")
        assert [b["summary"] for b in desk.notifications()] == ["Ann Lee — Budget for March"]
