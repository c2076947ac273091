"""Acting on mail below the UI: archive/delete/move leave the list at once and come back on a
refusal; a reply is queued once with its draft removed in the same transaction; the sending
phases are stored durably before the sender goes on."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.app.actions import ActionError, Actions
from desktop.app.composing import ComposeDraft, Composer, Texts, outgoing_item_id
from desktop.app.pipeline import Pipeline
from desktop.config.settings import MailAccount, Settings
from desktop.core.events import ItemChange, ItemsChanged, OutboxProgress, SourceStatus
from desktop.core.item import Item, Kind
from desktop.sources.base import Emit
from desktop.sources.imap.sending import outgoing_of
from desktop.sources.smtp import Original, Phase
from desktop.store import Store


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[list[str], bool]] = []
        self.changed: list[list[str]] = []
        self.removed: list[list[str]] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added.append(([i.id for i in items], quiet))

    def items_changed(self, items: Sequence[Item]) -> None:
        self.changed.append([i.id for i in items])

    def items_removed(self, item_ids: Sequence[str]) -> None:
        self.removed.append(list(item_ids))

    def status_changed(self, status: SourceStatus) -> None: ...


class Poked:
    id = "mail:work"
    display_name = "work"

    def __init__(self) -> None:
        self.woken = 0

    def start(self, emit: Emit) -> None: ...
    async def stop(self) -> None: ...
    def reconnect_now(self) -> None: ...
    def outbox_changed(self) -> None:
        self.woken += 1


ORIGINAL = (
    b"From: Ann <ann@example.org>\r\nTo: me@example.com\r\nSubject: Budget\r\n"
    b"Message-ID: <b.1@example.org>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n"
)


def mail(n: int, **kw: object) -> Item:
    fields: dict[str, object] = {
        "id": f"mail:work:INBOX:7:{n}",
        "source": "mail:work",
        "kind": Kind.MAIL,
        "sender": "Ann <ann@example.org>",
        "title": f"Mail {n}",
        "preview": "",
        "time": datetime(2026, 11, 23, 10, n, tzinfo=UTC),
        "payload": {"account": "work", "folder": "INBOX", "uidvalidity": 7, "uid": n},
    }
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


@pytest.fixture
def rig(tmp_path: Path) -> tuple[Store, Pipeline, Recorder, Poked]:
    store = Store(tmp_path / "db.sqlite3")
    pipeline = Pipeline(store, asyncio.new_event_loop())
    rec = Recorder()
    pipeline.add_listener(rec)
    store.add_items([mail(1), mail(2), mail(3)])
    return store, pipeline, rec, Poked()


SETTINGS = Settings(mail=[MailAccount(name="work", host="imap.example.com", username="me@example.com")])


def test_archive_leaves_the_list_at_once_and_a_refusal_brings_the_item_back(rig: tuple) -> None:
    store, pipeline, rec, source = rig
    actions = Actions(pipeline, lambda: {"mail:work": source})

    taken = actions.move(["mail:work:INBOX:7:1", "mail:work:INBOX:7:2"], "\\Archive", "Archiv")

    assert taken == ["mail:work:INBOX:7:1", "mail:work:INBOX:7:2"]
    assert rec.removed == [taken]
    assert [i.id for i in store.page()] == ["mail:work:INBOX:7:3"]
    entries = store.pending("mail:work")
    assert [(e.action, e.item_id, e.payload) for e in entries] == [
        ("move", taken[0], {"to": "\\Archive", "fallback": "Archiv"}),
        ("move", taken[1], {"to": "\\Archive", "fallback": "Archiv"}),
    ]
    assert source.woken == 1
    # A second archive of the same item queues nothing more
    assert actions.move([taken[0]], "\\Archive") == []

    # The server refused: the item comes back (quietly) with the reason
    pipeline.handle(
        ItemsChanged(
            "mail:work", [ItemChange(taken[0], listed=True, payload_update={"last_error": "no such folder"})]
        )
    )
    assert rec.added[-1] == ([taken[0]], True)
    back = store.get_item(taken[0])
    assert back is not None and back.payload["last_error"] == "no such folder"
    assert taken[0] in [i.id for i in store.page()]


def test_move_needs_a_folder_and_leaves_other_kinds_alone(rig: tuple) -> None:
    store, pipeline, _rec, source = rig
    store.add_items([mail(9, id="gw:task:1", source="gateway", kind=Kind.TASK)])
    actions = Actions(pipeline, lambda: {"mail:work": source})
    with pytest.raises(ActionError):
        actions.move(["mail:work:INBOX:7:1"], " ")
    assert actions.move(["gw:task:1"], "\\Trash") == []
    assert store.pending("gateway") == []


def composer(store: Store, pipeline: Pipeline, source: Poked) -> Composer:
    return Composer(pipeline, lambda: SETTINGS, lambda: {"mail:work": source})  # type: ignore[dict-item]


def test_a_draft_is_saved_and_offered_back(rig: tuple) -> None:
    store, pipeline, _rec, source = rig
    c = composer(store, pipeline, source)
    draft = c.start("mail:work:INBOX:7:1", "reply", Original.from_headers(ORIGINAL, "Numbers?"), Texts())
    assert draft.to == "Ann <ann@example.org>" and draft.subject == "Re: Budget"
    assert draft.sender == "me@example.com" and draft.in_reply_to == "<b.1@example.org>"
    assert "> Numbers?" in draft.body
    typed = dataclasses.replace(draft, body="Here they are.\n" + draft.body)
    c.save(typed)

    again = c.saved("mail:work:INBOX:7:1", "reply")
    assert again is not None and again.body == typed.body and again.message_id == draft.message_id
    assert again.saved_at > 0
    assert c.saved("mail:work:INBOX:7:1", "forward") is None
    assert [d.key for d in c.all_saved()] == [draft.key]


def test_send_queues_once_and_removes_the_draft_in_the_same_transaction(rig: tuple) -> None:
    store, pipeline, rec, source = rig
    c = composer(store, pipeline, source)
    draft = c.start("mail:work:INBOX:7:1", "reply_all", Original.from_headers(ORIGINAL, "x"), Texts())
    draft = dataclasses.replace(draft, body="OK." + draft.body, cc="Bob <bob@example.org>")
    c.save(draft)

    entry = c.send(draft)
    again = c.send(draft)  # a double click

    assert again == entry
    (queued,) = store.pending("mail:work")
    assert queued.id == entry and queued.action == "send"
    message, phase = outgoing_of(queued)
    assert phase is Phase.QUEUED and message.message_id == draft.message_id
    assert sorted(message.recipients) == ["ann@example.org", "bob@example.org"]
    assert b"In-Reply-To: <b.1@example.org>" in base64.b64decode(queued.payload["data"])
    assert c.saved(draft.item_id, "reply_all") is None
    item = store.get_item(outgoing_item_id("work", draft.message_id))
    assert item is not None and item.state == "sending" and not item.unread
    assert rec.added == [([item.id], True)]  # listed, never notified
    assert source.woken == 1


def test_send_refuses_what_cannot_be_sent(rig: tuple) -> None:
    store, pipeline, _rec, source = rig
    c = composer(store, pipeline, source)
    draft = ComposeDraft("work", "mail:work:INBOX:7:1", "reply", "<a.1@example.com>", "me@example.com")
    with pytest.raises(ActionError, match="recipient"):
        c.send(draft)
    with pytest.raises(ActionError, match="not a list of email addresses"):
        c.send(dataclasses.replace(draft, to="Ann <ann@"))
    with pytest.raises(ActionError, match="line break"):
        c.send(dataclasses.replace(draft, to="a@example.org", subject="x\r\nBcc: evil@example.org"))
    assert store.pending("mail:work") == []


def test_phases_are_stored_before_the_sender_is_released(rig: tuple) -> None:
    store, pipeline, rec, source = rig
    c = composer(store, pipeline, source)
    draft = c.start("mail:work:INBOX:7:1", "reply", Original.from_headers(ORIGINAL, "x"), Texts())
    entry = c.send(draft)
    item_id = outgoing_item_id("work", draft.message_id)

    written: Future[None] = Future()
    pipeline.handle(OutboxProgress("mail:work", entry, "submitting", written=written))
    assert written.done() and written.exception() is None
    assert outgoing_of(store.pending("mail:work")[0])[1] is Phase.SUBMITTING

    pipeline.handle(OutboxProgress("mail:work", entry, "accepted"))
    item = store.get_item(item_id)
    assert item is not None and item.state == "sent"
    pipeline.handle(OutboxProgress("mail:work", entry, "sent"))
    assert store.pending("mail:work") == []
    assert store.outbox_entry(entry).status == "done"  # type: ignore[union-attr]

    # A refusal: failed with the server's words on the item
    other = c.start("mail:work:INBOX:7:2", "reply", Original.from_headers(ORIGINAL, "x"), Texts())
    failing = c.send(other)
    pipeline.handle(OutboxProgress("mail:work", failing, "failed", "550 5.1.1 User unknown"))
    failed = store.get_item(outgoing_item_id("work", other.message_id))
    assert failed is not None and failed.state == "failed"
    assert failed.payload["last_error"] == "550 5.1.1 User unknown"
    assert store.outbox_entry(failing).last_error == "550 5.1.1 User unknown"  # type: ignore[union-attr]
    assert [item_id] in rec.changed


def test_a_store_failure_is_handed_to_the_waiting_sender(rig: tuple) -> None:
    store, pipeline, _rec, _source = rig
    store.close()  # every write fails now
    written: Future[None] = Future()
    pipeline.handle(OutboxProgress("mail:work", "e1", "submitting", written=written))
    assert written.exception() is not None
