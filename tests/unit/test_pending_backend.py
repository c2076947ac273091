"""The tray app starts its sources before it has chosen a notification backend: notices
that come in between wait for the chosen one, in order; none is lost or shown twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from desktop.core.coalesce import Coalescer
from desktop.core.item import Item, Kind
from desktop.core.rules import Rules
from desktop.notifications.backends import Notice, NotifierBackend
from desktop.notifications.dispatcher import NotificationDispatcher
from desktop.notifications.pending import PendingBackend


class Recording(NotifierBackend):
    name = "recording"

    def __init__(self, withdraw: bool = True) -> None:
        self.supports_withdraw = withdraw
        self.log: list[tuple[str, str]] = []

    async def show(self, notice: Notice) -> bool:
        self.log.append(("show", notice.key))
        return True

    async def withdraw(self, key: str) -> None:
        self.log.append(("withdraw", key))


def mail(n: int, unread: bool = True) -> Item:
    return Item(
        id=f"mail:work:INBOX:7:{n}",
        source="mail:work",
        kind=Kind.MAIL,
        sender="Ann Lee <ann@example.org>",
        title=f"Subject {n}",
        preview="",
        time=datetime(2025, 3, 14, 9, 0, n, tzinfo=UTC),
        unread=unread,
    )


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def dispatcher_on(loop: asyncio.AbstractEventLoop, pending: PendingBackend) -> NotificationDispatcher:
    return NotificationDispatcher(
        pending, Rules(), loop, coalescer=Coalescer(budget=3, window=0.5, quiet=0.05, longest=1.0)
    )


def test_notices_before_the_choice_reach_the_chosen_backend_in_order(
    loop: asyncio.AbstractEventLoop,
) -> None:
    pending = PendingBackend(loop)
    dispatcher = dispatcher_on(loop, pending)
    chosen = Recording()

    async def scenario() -> None:
        dispatcher.items_added([mail(1)])
        dispatcher.items_added([mail(2)])
        await asyncio.sleep(0.05)  # let the worker reach the pending backend and wait there
        dispatcher.backend = chosen  # what TidingsApp.start does once pick_backend answers
        pending.choose(chosen)
        dispatcher.items_added([mail(3)])
        await dispatcher.drain()

    loop.run_until_complete(asyncio.wait_for(scenario(), 10))
    assert chosen.log == [("show", mail(1).id), ("show", mail(2).id), ("show", mail(3).id)]


@pytest.mark.parametrize("can", [True, False])
def test_a_withdrawal_before_the_choice_goes_only_to_a_backend_that_can(
    loop: asyncio.AbstractEventLoop, can: bool
) -> None:
    pending = PendingBackend(loop)
    dispatcher = dispatcher_on(loop, pending)
    chosen = Recording(withdraw=can)

    async def scenario() -> None:
        dispatcher.items_added([mail(1)])
        dispatcher.items_changed([mail(1, unread=False)])  # read elsewhere: take the bubble back
        await asyncio.sleep(0.05)
        pending.choose(chosen)
        await dispatcher.drain()

    loop.run_until_complete(asyncio.wait_for(scenario(), 10))
    expected = [("show", mail(1).id)] + ([("withdraw", mail(1).id)] if can else [])
    assert chosen.log == expected


def test_closing_before_the_choice_releases_what_waits(loop: asyncio.AbstractEventLoop) -> None:
    pending = PendingBackend(loop)
    dispatcher = dispatcher_on(loop, pending)

    async def scenario() -> None:
        dispatcher.items_added([mail(1)])
        await asyncio.sleep(0.05)
        await pending.close()
        await dispatcher.drain()  # would wait forever if the notice still waited
        late = Recording()
        pending.choose(late)  # too late: the first choice (none) stands
        assert late.log == []

    loop.run_until_complete(asyncio.wait_for(scenario(), 10))
