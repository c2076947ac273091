"""“Sign in again” as a notification: once per lost sign-in, with a Sign in button that
reaches the handler, taken back when the account is connected again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.rules import Rules
from desktop.notifications.backends import SIGN_IN, Notice, NotifierBackend, run_action
from desktop.notifications.dispatcher import NotificationDispatcher

MESSAGE = "The sign-in has expired or was revoked: sign in to Contoso again."


class Backend(NotifierBackend):
    name = "fake"
    supports_withdraw = True
    supports_buttons = True

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []
        self.notices: list[Notice] = []

    async def show(self, notice: Notice) -> bool:
        self.log.append(("show", notice.key))
        self.notices.append(notice)
        return True

    async def withdraw(self, key: str) -> None:
        self.log.append(("withdraw", key))


@pytest.fixture
def rig() -> Iterator[tuple[NotificationDispatcher, Backend, asyncio.AbstractEventLoop]]:
    loop = asyncio.new_event_loop()
    backend = Backend()
    yield NotificationDispatcher(backend, Rules(), loop), backend, loop
    loop.close()


def settle(dispatcher: NotificationDispatcher, loop: asyncio.AbstractEventLoop) -> None:
    loop.run_until_complete(asyncio.wait_for(dispatcher.drain(), 10))


def test_one_notice_with_a_sign_in_button_then_taken_back(rig) -> None:  # type: ignore[no-untyped-def]
    dispatcher, backend, loop = rig
    dispatcher.status_changed(SourceStatus("mail:work", ConnectionState.SIGN_IN_AGAIN, MESSAGE))
    dispatcher.status_changed(SourceStatus("mail:work", ConnectionState.SIGN_IN_AGAIN, MESSAGE))
    settle(dispatcher, loop)
    [notice] = backend.notices
    assert notice.title == "Sign in again: work" and notice.body == MESSAGE
    assert [(b.action, b.title) for b in notice.buttons] == [(SIGN_IN, "Sign in")]
    assert notice.item_id == "mail:work"
    dispatcher.status_changed(SourceStatus("mail:work", ConnectionState.CONNECTING))
    settle(dispatcher, loop)
    assert backend.log == [("show", "sign-in:mail:work"), ("withdraw", "sign-in:mail:work")]


def test_an_outage_or_a_wrong_password_is_not_notified(rig) -> None:  # type: ignore[no-untyped-def]
    dispatcher, backend, loop = rig
    dispatcher.status_changed(SourceStatus("mail:work", ConnectionState.OFFLINE, "down"))
    dispatcher.status_changed(SourceStatus("mail:work", ConnectionState.AUTH_FAILED, "wrong password"))
    settle(dispatcher, loop)
    assert backend.log == []


def test_no_notice_while_notifications_are_off(rig) -> None:  # type: ignore[no-untyped-def]
    dispatcher, backend, loop = rig
    dispatcher.enabled = False
    dispatcher.status_changed(SourceStatus("mail:work", ConnectionState.SIGN_IN_AGAIN, MESSAGE))
    settle(dispatcher, loop)
    assert backend.log == []


def test_the_button_calls_the_handlers_sign_in() -> None:
    calls: list[tuple[str, str]] = []

    class Handler:
        def sign_in(self, source_id: str) -> None:
            calls.append(("sign_in", source_id))

        def open_item(self, item_id: str) -> None:
            calls.append(("open", item_id))

    run_action(Handler(), SIGN_IN, "mail:work")  # type: ignore[arg-type]
    assert calls == [("sign_in", "mail:work")]


def test_the_gateways_sign_in_again_is_notified_and_its_button_names_the_gateway(rig) -> None:  # type: ignore[no-untyped-def]
    dispatcher, backend, loop = rig
    message = "Sign in again: the gateway ended this sign-in"
    dispatcher.status_changed(SourceStatus("gateway", ConnectionState.SIGN_IN_AGAIN, message))
    settle(dispatcher, loop)
    [notice] = backend.notices
    assert notice.item_id == "gateway" and notice.body == message
    assert [b.action for b in notice.buttons] == [SIGN_IN]
    calls: list[str] = []

    class Handler:
        def sign_in(self, source_id: str) -> None:
            calls.append(source_id)

    run_action(Handler(), SIGN_IN, notice.item_id)  # type: ignore[arg-type]
    assert calls == ["gateway"]  # TidingsApp's handler then runs window.sign_in("gateway")
