"""The dispatcher without a desktop: what a burst's summary says, which bubbles are taken
back when their items are read or acted on, and no bubble for the conversation in front."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from desktop.core import i18n
from desktop.core.coalesce import Coalescer
from desktop.core.item import Item, Kind
from desktop.core.rules import Rules
from desktop.notifications.backends import OPEN, Notice, NotifierBackend, run_action
from desktop.notifications.dispatcher import NotificationDispatcher, acted_on, summary_notice

BASE = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def item(n: int, kind: Kind = Kind.MAIL, sender: str = "Ann Lee <ann@example.org>", **kw: object) -> Item:
    fields: dict[str, object] = {
        "id": f"mail:work:INBOX:7:{n}" if kind is Kind.MAIL else f"gw:{kind}:{n}",
        "source": "mail:work" if kind is Kind.MAIL else "gateway",
        "kind": kind,
        "sender": sender,
        "title": f"Subject {n}",
        "preview": f"preview {n}",
        "time": BASE + timedelta(seconds=n),
    }
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def senders(*names: str) -> list[Item]:
    """One mail per name, the first name the newest."""
    return [item(100 - n, sender=f"{name} <x{n}@example.org>") for n, name in enumerate(names)]


# -- what a summary says --------------------------------------------------------------------


def test_a_summary_reads_like_a_sentence() -> None:
    mails = senders("Newsletter", "GitLab", "Ann", "Bob", "Cho")
    mails += [item(10 + n, sender="Newsletter <n@example.org>") for n in range(7)]
    notice = summary_notice(mails)
    assert notice.title == "12 new mails from Newsletter, GitLab and 3 more"
    assert notice.body == "Latest: Subject 100"
    assert notice.summary_of == tuple(i.id for i in mails)


@pytest.mark.parametrize(
    ("names", "title"),
    [
        (["Ann", "Ann"], "2 new mails from Ann"),
        (["Ann", "Bob"], "2 new mails from Ann and Bob"),
        (["Ann", "Bob", "Cho"], "3 new mails from Ann, Bob and Cho"),
        (["Ann", "Bob", "Cho", "Dan"], "4 new mails from Ann, Bob and 2 more"),
    ],
)
def test_senders_are_named_up_to_three(names: list[str], title: str) -> None:
    assert summary_notice(senders(*names)).title == title


def test_a_burst_of_several_kinds_says_what_it_holds() -> None:
    burst = [
        item(1),
        item(2),
        item(3),
        item(4, Kind.CHAT, sender="Bob"),
        item(5, Kind.APPROVAL, sender="Cho"),
    ]
    notice = summary_notice(burst)
    assert notice.title == "5 new items from Cho, Bob and Ann Lee"
    assert notice.body == "3 mails, 1 chat message, 1 approval request"
    assert summary_notice(burst, "hidden").title == "5 new items"


def test_plurals_in_english_without_a_translator() -> None:
    i18n.install(None)
    assert i18n.translate("Notifications", "%n new mail(s)", None, 1) == "1 new mail"
    assert i18n.translate("Notifications", "%n new mail(s)", None, 2) == "2 new mails"
    assert summary_notice([item(1, Kind.CHAT), item(2, Kind.CHAT)], "hidden").title == "2 new chat messages"


@pytest.mark.parametrize(
    ("change", "acted"),
    [
        ({"unread": False}, True),
        ({"payload": {"pending_decision": "approve"}}, True),
        ({"state": "approved"}, True),
        ({"state": "pending"}, False),
        ({}, False),
    ],
)
def test_what_counts_as_acted_on(change: dict[str, object], acted: bool) -> None:
    assert acted_on(item(1, Kind.APPROVAL, **change)) is acted


# -- the dispatcher -------------------------------------------------------------------------


class FakeBackend(NotifierBackend):
    name = "fake"
    supports_withdraw = True

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []  # ("show" | "withdraw", key)
        self.notices: dict[str, Notice] = {}

    async def show(self, notice: Notice) -> bool:
        self.log.append(("show", notice.key))
        self.notices[notice.key] = notice
        return True

    async def withdraw(self, key: str) -> None:
        self.log.append(("withdraw", key))

    def up(self) -> set[str]:
        """Keys shown and not withdrawn."""
        shown: set[str] = set()
        for what, key in self.log:
            (shown.add if what == "show" else shown.discard)(key)
        return shown


class Rig:
    def __init__(self, focused: str = "") -> None:
        self.loop = asyncio.new_event_loop()
        self.backend = FakeBackend()
        self.focused = focused
        self.dispatcher = NotificationDispatcher(
            self.backend,
            Rules(),
            self.loop,
            coalescer=Coalescer(budget=3, window=0.5, quiet=0.05, longest=1.0),
            focused_thread=lambda: self.focused,
        )

    def settle(self) -> None:
        """Until no burst is held and every show / withdraw reached the backend."""

        async def wait() -> None:
            while self.dispatcher.pending():
                await asyncio.sleep(0.01)
            await self.dispatcher.drain()

        self.loop.run_until_complete(asyncio.wait_for(wait(), 10))


@pytest.fixture
def rig() -> Rig:
    r = Rig()
    yield r
    r.loop.close()


def read(i: Item) -> Item:
    return Item(**{**{f: getattr(i, f) for f in i.__dataclass_fields__}, "unread": False})


def test_a_bubble_is_taken_back_when_its_item_is_read(rig: Rig) -> None:
    mail = item(1)
    rig.dispatcher.items_added([mail])
    rig.settle()
    assert rig.backend.up() == {mail.id}
    rig.dispatcher.items_changed([read(mail)])
    rig.settle()
    assert rig.backend.log == [("show", mail.id), ("withdraw", mail.id)]


def test_an_approval_decided_elsewhere_takes_its_bubble_back(rig: Rig) -> None:
    request = item(1, Kind.APPROVAL)
    rig.dispatcher.items_added([request])
    rig.settle()
    decided = Item(**{**{f: getattr(request, f) for f in request.__dataclass_fields__}, "state": "approved"})
    rig.dispatcher.items_changed([decided])  # still unread: the other device only decided it
    rig.settle()
    assert rig.backend.up() == set()


def test_a_summary_replaces_the_bursts_bubbles_and_goes_when_all_of_it_is_read(rig: Rig) -> None:
    first = [item(n) for n in range(3)]
    rest = [item(n) for n in range(3, 12)]
    rig.dispatcher.items_added(first)
    rig.dispatcher.items_added(rest[:5])
    rig.dispatcher.items_added(rest[5:])
    rig.settle()
    (summary_key,) = rig.backend.up()
    summary = rig.backend.notices[summary_key]
    assert summary.title == "12 new mails from Ann Lee"
    assert set(summary.summary_of) == {i.id for i in first + rest}
    assert [k for what, k in rig.backend.log if what == "withdraw"] == [i.id for i in first]
    rig.dispatcher.items_changed([read(i) for i in first + rest[:-1]])
    rig.settle()
    assert rig.backend.up() == {summary_key}  # one of its items is still unread
    rig.dispatcher.items_removed([rest[-1].id])
    rig.settle()
    assert rig.backend.up() == set()


def test_items_read_before_the_summary_are_not_counted(rig: Rig) -> None:
    burst = [item(n) for n in range(10)]
    rig.dispatcher.items_added(burst)
    rig.dispatcher.items_changed([read(i) for i in burst[:4]])
    rig.settle()
    (key,) = rig.backend.up()
    assert rig.backend.notices[key].title.startswith("6 new mails")


def test_no_bubble_for_the_conversation_in_front_of_the_user(rig: Rig) -> None:
    rig.focused = "chat:c1"
    here = item(1, Kind.CHAT, thread_key="chat:c1")
    there = item(2, Kind.CHAT, thread_key="chat:c2")
    rig.dispatcher.items_added([here, there])
    rig.settle()
    assert rig.backend.up() == {there.id}
    rig.focused = ""  # the window went to the background
    later = item(3, Kind.CHAT, thread_key="chat:c1")
    rig.dispatcher.items_added([later])
    rig.settle()
    assert rig.backend.up() == {there.id, later.id}


class Handler:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def open_item(self, item_id: str) -> None:
        self.calls.append(("open_item", item_id))

    def open_items(self, item_ids: Sequence[str]) -> None:
        self.calls.append(("open_items", tuple(item_ids)))

    def mark_read(self, item_id: str) -> None: ...
    def reply(self, item_id: str, text: str) -> None: ...
    def approve(self, item_id: str) -> None: ...


def test_a_click_on_a_summary_opens_exactly_its_burst() -> None:
    handler = Handler()
    notice = summary_notice([item(1), item(2)])
    run_action(handler, OPEN, notice.item_id, burst=notice.summary_of)
    run_action(handler, OPEN, "x")
    assert handler.calls == [("open_items", (item(1).id, item(2).id)), ("open_item", "x")]


def test_closing_releases_the_backend_even_when_a_show_hangs(rig: Rig) -> None:
    # The app's stop gives the drain 5 s; a hung service makes a show wait 10 s. The
    # backend's connection must be closed anyway, before the loop is.
    hang = asyncio.Event()
    closed: list[bool] = []

    async def show(notice: Notice) -> bool:
        await hang.wait()
        return True

    async def close() -> None:
        closed.append(True)

    rig.backend.show = show  # type: ignore[method-assign]
    rig.backend.close = close  # type: ignore[method-assign]
    rig.dispatcher.items_added([item(1)], quiet=False)
    with pytest.raises(TimeoutError):
        rig.loop.run_until_complete(asyncio.wait_for(rig.dispatcher.close(), 0.2))
    assert closed == [True]
    hang.set()  # let the worker finish before the fixture closes the loop
    rig.loop.run_until_complete(asyncio.wait_for(rig.dispatcher.drain(), 5))
