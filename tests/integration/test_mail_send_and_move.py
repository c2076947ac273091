"""Mail you can act on, against real servers: Dovecot (IMAP with SPECIAL-USE, MOVE, UIDPLUS,
and its submission service) relaying to an aiosmtpd sink that records what went out.

The app runs as in the tray app: Runtime, facade, bridge, inbox model and the detail pane on a
qasync loop, the IMAP source's threads delivering the outbox. What the server holds is checked
with a separate IMAP client; what was sent, at the sink, after a sentinel message.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import base64
import dataclasses
import itertools
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.app.composing import outgoing_item_id
from desktop.app.facade import AppFacade
from desktop.app.runtime import Runtime
from desktop.config.settings import MailAccount, Settings
from desktop.core.events import ConnectionState, OutboxProgress, SourceEvent
from desktop.core.item import Item
from desktop.sources.imap import ImapSource
from desktop.sources.imap import moves as imap_moves
from desktop.sources.smtp import Draft, Identity, Mailbox, Password, SmtpServer, render, submit
from desktop.ui.bridge import Bridge
from desktop.ui.compose import open_windows
from desktop.ui.detail import DetailPane
from desktop.ui.inbox_model import InboxModel
from harness.dovecot import Dovecot
from harness.smtp_sink import SmtpSink
from tests.integration.apprun import LoopRig

pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.usefixtures("memory_keyring"),
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

REFUSED = "nobody@example.org"
_users = itertools.count(1)


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        s.refuse(REFUSED, "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown")
        yield s


@pytest.fixture(scope="module")
def server(sink: SmtpSink) -> Iterator[Dovecot]:
    with Dovecot(smtp_relay_port=sink.port, submission_max_mail_size="64k") as d:
        yield d


def raw_mail(subject: str, n: int, sender: str = "Ann Lee <ann@example.org>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "me@example.com, Bob <bob@example.org>"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg["Message-ID"] = f"<orig.{n}@example.org>"
    msg["References"] = "<root.1@example.org>"
    msg.set_content("Numbers by Friday?\n")
    return bytes(msg)


def account_for(d: Dovecot, user: str) -> MailAccount:
    return MailAccount(
        name="work",
        host="localhost",
        username=user,
        security="tls",
        port=d.imaps_port,
        ca_file=d.ca_file,
        password_command="printf pw",
        sender_name="Me Myself",
        address="me@example.com",
        smtp_host="localhost",
        smtp_port=d.submission_port,
        smtp_security="starttls",
    )


class Rig(LoopRig):
    """The app below the tray on a qasync loop, with the widgets the user acts through."""

    run_timeout = until_timeout = 20

    def __init__(self, d: Dovecot, user: str, data: Path, loop: qasync.QEventLoop) -> None:
        super().__init__(loop)
        self.dovecot, self.user = d, user
        self.runtime = Runtime(Settings(mail=[account_for(d, user)]), data)
        self.facade = AppFacade(self.runtime)
        self.bridge = Bridge()
        self.facade.add_listener(self.bridge.listener())
        self.model = InboxModel(self.facade.inbox, self.bridge)
        self.pane = DetailPane(self.facade, self.bridge, self.facade.fetch_body)

    def start(self) -> None:
        self.runtime.start(self.loop)
        self.until(self.online, "the account online")

    def online(self) -> bool:
        status = self.runtime.pipeline.statuses.get("mail:work")
        return status is not None and status.state is ConnectionState.ONLINE

    def close(self) -> None:
        for window in open_windows():
            window.discard()
        self.run(self.runtime.stop(), timeout=30)
        self.pane.deleteLater()

    # -- the server, seen by another client --------------------------------------------------

    def uids(self, folder: str, message_id: str | None = None) -> list[int]:
        client = self.dovecot.client(self.user)
        try:
            client.select_folder(folder, readonly=True)
            criteria = ["HEADER", "Message-ID", message_id] if message_id else ["ALL"]
            return list(client.search(criteria))
        finally:
            client.logout()

    def item(self, item_id: str) -> Item | None:
        return self.runtime.store.get_item(item_id)

    def inbox_items(self) -> list[Item]:
        return [i for i in self.runtime.store.page() if not i.payload.get("outgoing")]


@pytest.fixture(scope="module")
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for the module, as the tray app has one for its life."""
    qapp.setQuitOnLastWindowClosed(False)  # as the tray app: closing a window must not stop the loop
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)
    qapp.setQuitOnLastWindowClosed(True)


@pytest.fixture
def rig(server: Dovecot, tmp_path: Path, loop: qasync.QEventLoop) -> Iterator[Rig]:
    user = f"act{next(_users)}"
    server.add_user(user, "pw")
    r = Rig(server, user, tmp_path / "data", loop)
    try:
        yield r
    finally:
        r.close()


def sentinel(d: Dovecot, sink: SmtpSink, user: str) -> None:
    """Sent after what must not arrive twice: once it is in the sink, the rest would be too."""
    out = render(
        Draft(
            Identity("", "me@example.com"),
            f"<sentinel.{next(_users)}@example.com>",
            to=(Mailbox("", "m@x.org"),),
        )
    )
    submit(
        SmtpServer("localhost", d.submission_port, "starttls", ca_file=d.ca_file, timeout=10),
        Password(user, "pw"),
        out,
    )
    sink.wait_for(lambda m: m.message_id == out.message_id)


def queue_reply(r: Rig, item: Item, text: str = "Here they are.", **changes: str) -> tuple[str, str]:
    """A reply started and sent through the facade, as the compose window does; (entry, item id)."""
    draft = r.facade.start_draft(item, "reply")
    draft = dataclasses.replace(draft, body=text + draft.body, **changes)
    entry = r.facade.send_mail(draft)
    return entry, outgoing_item_id("work", draft.message_id)


# -- sending ------------------------------------------------------------------------------------


def test_reply_from_the_compose_window_arrives_once_and_is_filed_in_sent_once(
    rig: Rig, server: Dovecot, sink: SmtpSink, qtbot: Any
) -> None:
    server.append(rig.user, raw_mail("Budget 2027", 1))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    [mail] = rig.inbox_items()
    rig.pane.show()
    rig.pane.show_item(mail)
    rig.pane.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is rig.pane)
    qtbot.keyClick(rig.pane.mail, Qt.Key.Key_R)
    rig.until(lambda: bool(open_windows()) and open_windows()[0].draft is not None, "the reply's draft")
    window = open_windows()[0]
    assert window.to_edit.text() == "Ann Lee <ann@example.org>"
    qtbot.keyClicks(window.body, "Here they are.")
    qtbot.keyClick(window.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    message_id = window.draft.message_id if window.draft else ""
    assert not message_id  # queued: the window let go of its draft
    [out] = [i for i in rig.runtime.store.page() if i.payload.get("outgoing")]
    message_id = str(out.payload["message_id"])
    # Shown in the list at once, as sending; then as sent
    assert rig.model.row_of(out.id) is not None
    rig.until(lambda: (rig.item(out.id) or out).state == "sent", "the sent state")

    relayed = sink.wait_for(lambda m: m.message_id == message_id)
    msg = relayed.message
    assert msg["From"] == "Me Myself <me@example.com>"
    assert msg["To"] == "Ann Lee <ann@example.org>"
    assert msg["Subject"] == "Re: Budget 2027"
    assert msg["In-Reply-To"] == "<orig.1@example.org>"
    assert msg["References"].split() == ["<root.1@example.org>", "<orig.1@example.org>"]
    assert msg.get_content().replace("\r\n", "\n").startswith("Here they are.\n\nOn ")
    assert relayed.mail_from == "me@example.com" and relayed.rcpt_tos == ("ann@example.org",)
    rig.until(lambda: rig.runtime.store.pending("mail:work") == [], "the entry settled")
    sentinel(server, sink, rig.user)
    assert len(sink.with_message_id(message_id)) == 1
    assert len(rig.uids("Sent", message_id)) == 1
    assert rig.facade.saved_drafts() == []


def test_offline_it_waits_and_goes_once_when_the_server_is_back(
    rig: Rig, server: Dovecot, sink: SmtpSink
) -> None:
    server.append(rig.user, raw_mail("While the relay is down", 2))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    sink.stop()  # Dovecot's submission answers 4xx: it cannot relay
    try:
        _entry, out_id = queue_reply(rig, rig.inbox_items()[0])
        rig.until(
            lambda: (
                "Not sent yet"
                in str((rig.item(out_id) or Item.__new__(Item)).payload.get("last_error") or "")
            ),
            "the reason on the item",
        )
        item = rig.item(out_id)
        assert item is not None and item.state == "sending"
        assert "relay" in str(item.payload["last_error"]).lower()
    finally:
        sink.start()
    message_id = str((rig.item(out_id) or Item.__new__(Item)).payload["message_id"])
    rig.runtime.reconnect("mail:work")  # "the network is back": no need to wait out the backoff
    rig.until(lambda: (rig.item(out_id) or Item.__new__(Item)).state == "sent", "sent once back", timeout=30)
    assert not (rig.item(out_id) or Item.__new__(Item)).payload.get("last_error")
    rig.until(lambda: rig.runtime.store.pending("mail:work") == [], "the entry settled")
    sentinel(server, sink, rig.user)
    assert len(sink.with_message_id(message_id)) == 1
    assert len(rig.uids("Sent", message_id)) == 1


def test_a_refused_recipient_fails_the_item_with_the_servers_reason(
    rig: Rig, server: Dovecot, sink: SmtpSink
) -> None:
    server.append(rig.user, raw_mail("Who is nobody", 3))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    mail = rig.inbox_items()[0]
    entry, out_id = queue_reply(rig, mail, to=f"Ann <ann@example.org>, {REFUSED}")
    rig.until(lambda: (rig.item(out_id) or Item.__new__(Item)).state == "failed", "the failed state")
    item = rig.item(out_id)
    assert (
        item is not None
        and "User unknown" in item.payload["last_error"]
        and REFUSED in item.payload["last_error"]
    )
    delivery = rig.facade.inbox.delivery(entry)
    assert delivery is not None and delivery.status == "failed" and "550" in delivery.error
    rig.pane.show_item(item)
    assert "User unknown" in rig.pane.mail.error_label.text()
    sentinel(server, sink, rig.user)
    assert sink.with_message_id(str(item.payload["message_id"])) == []  # nobody got it, not even Ann


# -- a crash between phases, with the IMAP source restarted on the same store -----------------------


def test_a_crash_after_the_server_accepted_does_not_send_or_file_twice(
    rig: Rig, server: Dovecot, sink: SmtpSink
) -> None:
    server.append(rig.user, raw_mail("Crash test", 4))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    # Stop the account's source and run one whose "sent" write never happens: the process
    # dies after the server's 250 and the APPEND, before the last phase is stored.
    rig.run(rig.runtime._remove("mail:work"))
    store, pipeline = rig.runtime.store, rig.runtime.pipeline
    crashed: list[str] = []

    def dying_emit(event: SourceEvent) -> None:
        if isinstance(event, OutboxProgress) and event.phase == "sent":
            crashed.append(event.entry_id)
            if event.written is not None:
                event.written.set_exception(RuntimeError("the process died here"))
            return
        pipeline.emit(event)

    source = ImapSource(account_for(server, rig.user), store, backoff_first=5.0, backoff_cap=5.0, timeout=10)
    rig.runtime.sources[source.id] = source
    _entry, out_id = queue_reply(rig, rig.inbox_items()[0])
    source.start(dying_emit)
    rig.until(lambda: bool(crashed), "the crash point")
    rig.run(rig.runtime._remove(source.id))
    stored = store.pending("mail:work")
    assert [e.payload["phase"] for e in stored] == ["accepted"]
    message_id = str(stored[0].payload["message_id"])
    assert len(rig.uids("Sent", message_id)) == 1  # the APPEND ran before the crash

    # Started again: the message is found in Sent, filed once, never submitted again
    restarted = ImapSource(account_for(server, rig.user), store, timeout=10)
    rig.runtime.sources[restarted.id] = restarted
    restarted.start(pipeline.emit)
    rig.until(lambda: store.pending("mail:work") == [], "the entry settled after the restart")
    item = rig.item(out_id)
    assert item is not None and item.state == "sent"
    sentinel(server, sink, rig.user)
    assert len(sink.with_message_id(message_id)) == 1
    assert len(rig.uids("Sent", message_id)) == 1


def test_a_crash_while_submitting_looks_in_sent_before_sending_again(
    rig: Rig, server: Dovecot, sink: SmtpSink
) -> None:
    server.append(rig.user, raw_mail("Did it go?", 12))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    rig.run(rig.runtime._remove("mail:work"))  # the app is down; what it left behind:
    store = rig.runtime.store
    entry, out_id = queue_reply(rig, rig.inbox_items()[0])
    store.outbox_phase(entry, "submitting")  # died after handing it over, before the answer
    [queued] = store.pending("mail:work")
    message_id = str(queued.payload["message_id"])
    server.append(rig.user, base64.b64decode(queued.payload["data"]), folder="Sent")  # it had gone

    source = ImapSource(account_for(server, rig.user), store, timeout=10)
    rig.runtime.sources[source.id] = source
    source.start(rig.runtime.pipeline.emit)
    rig.until(lambda: store.pending("mail:work") == [], "the entry settled")
    item = rig.item(out_id)
    assert item is not None and item.state == "sent"
    sentinel(server, sink, rig.user)
    assert sink.with_message_id(message_id) == []  # found in Sent: not sent again
    assert len(rig.uids("Sent", message_id)) == 1


def test_a_message_over_the_servers_size_limit_fails_with_its_reason(
    rig: Rig, server: Dovecot, sink: SmtpSink
) -> None:
    server.append(rig.user, raw_mail("Send me the whole report", 13))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    report = "A line of the quarterly report, pasted in full.\n" * 3000
    _entry, out_id = queue_reply(rig, rig.inbox_items()[0], text=report)
    rig.until(lambda: (rig.item(out_id) or Item.__new__(Item)).state == "failed", "the failed state")
    item = rig.item(out_id)
    assert item is not None and "too big" in item.payload["last_error"]
    assert "size" in item.payload["last_error"].lower()
    sentinel(server, sink, rig.user)
    assert sink.with_message_id(str(item.payload["message_id"])) == []


# -- archive, delete, move ------------------------------------------------------------------------


def test_archive_and_delete_move_the_mail_on_the_server_and_the_list_updates_at_once(
    rig: Rig, server: Dovecot
) -> None:
    server.append(rig.user, raw_mail("To archive", 5))
    server.append(rig.user, raw_mail("To delete", 6))
    server.append(rig.user, raw_mail("To keep", 7))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 3, "the first sync")
    rig.model.reload()  # as the window shows it
    by_title = {i.title: i for i in rig.inbox_items()}
    rows_before = rig.model.rowCount()

    assert rig.facade.archive([by_title["To archive"].id]) == [by_title["To archive"].id]
    assert rig.facade.delete([by_title["To delete"].id]) == [by_title["To delete"].id]
    # At once, before the server has answered
    assert rig.model.rowCount() == rows_before - 2
    assert [i.title for i in rig.inbox_items()] == ["To keep"]

    rig.until(lambda: len(rig.uids("Archive", "<orig.5@example.org>")) == 1, "the mail in Archive")
    rig.until(lambda: len(rig.uids("Trash", "<orig.6@example.org>")) == 1, "the mail in Trash")
    rig.until(lambda: len(rig.uids("INBOX")) == 1, "INBOX without them")
    rig.until(lambda: rig.runtime.store.pending("mail:work") == [], "the entries settled")
    assert rig.model.rowCount() == rows_before - 2  # and they do not come back


def test_a_refused_move_brings_the_mail_back_with_the_reason(rig: Rig, server: Dovecot) -> None:
    server.append(rig.user, raw_mail("Nowhere to go", 8))
    rig.start()
    rig.until(lambda: len(rig.inbox_items()) == 1, "the first sync")
    mail = rig.inbox_items()[0]
    assert rig.facade.move([mail.id], "No Such Folder") == [mail.id]
    assert rig.model.row_of(mail.id) is None
    rig.until(lambda: rig.model.row_of(mail.id) is not None, "the mail back in the list")
    back = rig.item(mail.id)
    assert back is not None and "No Such Folder does not exist" in back.payload["last_error"]
    assert len(rig.uids("INBOX")) == 1


def test_move_to_offers_the_accounts_folders(rig: Rig, server: Dovecot) -> None:
    server.append(rig.user, raw_mail("Anything", 9), folder="Projects")
    folders = rig.facade.folders("work")
    assert folders[0] == "INBOX"
    assert {"Archive", "Drafts", "Junk", "Projects", "Sent", "Trash"} <= set(folders)


NO_MOVE = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT LITERAL+ UIDPLUS SPECIAL-USE CONDSTORE QRESYNC"
)


def test_archive_on_a_server_without_move_copies_and_expunges(
    tmp_path: Path, loop: qasync.QEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_move(self: object, messages: object, folder: object) -> None:
        raise AssertionError("MOVE sent to a server that does not offer it")

    monkeypatch.setattr("imapclient.IMAPClient.move", no_move)
    with Dovecot(imap_capability=NO_MOVE) as d:
        user = f"act{next(_users)}"
        d.add_user(user, "pw")
        d.append(user, raw_mail("Old newsletter", 14))
        d.append(user, raw_mail("Keep", 15))
        r = Rig(d, user, tmp_path / "data", loop)
        try:
            r.start()
            r.until(lambda: len(r.inbox_items()) == 2, "the first sync")
            [old] = [i for i in r.inbox_items() if i.title == "Old newsletter"]
            assert r.facade.archive([old.id]) == [old.id]
            r.until(lambda: len(r.uids("Archive", "<orig.14@example.org>")) == 1, "the copy in Archive")
            r.until(lambda: len(r.uids("INBOX")) == 1, "INBOX without it")
            r.until(lambda: r.runtime.store.pending("mail:work") == [], "the entry settled")
            assert r.item(old.id) is None and [i.title for i in r.inbox_items()] == ["Keep"]
        finally:
            r.close()


def test_without_move_the_fallback_copies_flags_and_expunges_only_that_message(server: Dovecot) -> None:
    user = f"act{next(_users)}"
    server.add_user(user, "pw")
    moved = server.append(user, raw_mail("Move me", 10))
    other = server.append(user, raw_mail("Flagged deleted by another client", 11), flags=["\\Deleted"])
    client = server.client(user)
    try:
        assert b"MOVE" in client.capabilities()  # this server has MOVE: the branch is forced
        client.select_folder("INBOX")
        target = imap_moves.resolve(client, "\\Archive")
        imap_moves.move(client, [moved], target, use_move=False)
        assert client.search(["ALL"]) == [other]  # the other \\Deleted message was not expunged
        client.select_folder("Archive", readonly=True)
        assert len(client.search(["HEADER", "Message-ID", "<orig.10@example.org>"])) == 1
        # And the MOVE branch, for comparison
        client.select_folder("INBOX")
        imap_moves.move(client, [other], "Trash", use_move=True)
        assert client.search(["ALL"]) == []
    finally:
        client.logout()
