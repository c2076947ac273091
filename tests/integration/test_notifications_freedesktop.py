"""The Linux notification backend against services dunst cannot play: an old one that
takes hints as a{ss}, one that never answers, one restarted under the same name, and a
stranger on the bus sending the service's signals. Each runs on a private dbus-daemon
(``harness.fake_notifications``); dunst itself is in test_notifications_dunst.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from jeepney.bus_messages import message_bus

from desktop.notifications import freedesktop
from desktop.notifications.backends import (
    APPROVE,
    MARK_READ,
    REPLY,
    Button,
    Notice,
    NotifierBackend,
    pick_backend,
)
from desktop.notifications.freedesktop import FreedesktopBackend
from harness.fake_notifications import MODERN, SILENT, STRING_HINTS, FakeNotifications
from tests.integration.action_recorder import Recorder

pytestmark = pytest.mark.asyncio


MAIL = Notice(
    item_id="mail:work:INBOX:7:1",
    title="Ann — Q3",
    body="numbers",
    buttons=(Button(MARK_READ, "Mark read"),),
    category="email.arrived",
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotifications]:
    with FakeNotifications(MODERN) as service:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", service.address)
        yield service


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def connected(handler: Recorder) -> FreedesktopBackend:
    backend = FreedesktopBackend(handler, "Tidings", None)
    await asyncio.wait_for(backend.probe(), 5)
    return backend


async def test_an_old_service_gets_its_hints_as_strings_after_one_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeNotifications(STRING_HINTS) as fake:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", fake.address)
        backend = await connected(Recorder())
        try:
            assert await backend.show(MAIL)
            assert await backend.show(MAIL)
        finally:
            await backend.close()
        signatures = [signature for signature, _body in fake.calls]
        # refused once with a{sv}, then a{ss} without asking again
        assert signatures == ["susssasa{sv}i", "susssasa{ss}i", "susssasa{ss}i"]
        hints = fake.calls[-1][1][6]
        assert hints == {"urgency": "1", "desktop-entry": "tidings", "category": "email.arrived"}


async def test_a_service_that_never_answers_is_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freedesktop, "CALL_TIMEOUT", 0.3)
    with FakeNotifications(SILENT) as fake:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", fake.address)

        class Balloon(NotifierBackend):
            name = "balloon"

            async def show(self, notice: Notice) -> bool:
                return True

        balloon = Balloon()
        assert await asyncio.wait_for(pick_backend(Recorder(), balloon, timeout=2), 5) is balloon


async def test_a_service_that_stops_answering_loses_one_notice_to_the_fallback_not_the_queue(
    fake: FakeNotifications, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(freedesktop, "CALL_TIMEOUT", 0.3)
    backend = await connected(Recorder())
    try:
        fake.mode = SILENT
        assert not await asyncio.wait_for(backend.show(MAIL), 5)  # False, so the fallback shows it
        fake.mode = MODERN
        assert await backend.show(MAIL)
    finally:
        await backend.close()


async def test_only_the_service_own_signals_for_offered_keys_act_and_only_once(
    fake: FakeNotifications,
) -> None:
    handler = Recorder()
    backend = await connected(handler)
    try:
        assert await backend.show(MAIL)
        (nid,) = backend._ids.values()
        fake.emit_as_stranger("ActionInvoked", "us", nid, MARK_READ)  # spoofed: same path, not the service
        fake.emit("ActionInvoked", "us", nid, APPROVE)  # a key this bubble never offered
        fake.emit("NotificationReplied", "us", nid, "hi")  # it had no reply field
        fake.emit("ActionInvoked", "us", nid + 100, MARK_READ)  # not ours
        fake.emit("ActionInvoked", "us", nid, MARK_READ)
        await until(lambda: bool(handler.calls))
        fake.emit("ActionInvoked", "us", nid, MARK_READ)  # a second press: already acted on
        fake.emit("ActionInvoked", "us", nid, "default")
        # A sentinel: the service's signals arrive in order, so once a click on a second
        # bubble is handled, the two presses before it were handled (and ignored) too.
        sentinel = Notice(item_id="mail:work:INBOX:7:2", title="Ann — Q4", body="")
        assert await backend.show(sentinel)
        fake.emit("ActionInvoked", "us", backend._ids[sentinel.key], "default")
        await until(lambda: len(handler.calls) == 2)
        assert handler.calls == [("mark_read", MAIL.item_id), ("open_item", sentinel.item_id)]
        assert backend._ids[MAIL.key] == nid  # still closable: the service has not closed it
        fake.emit("NotificationClosed", "uu", nid, 2)
        await until(lambda: MAIL.key not in backend._ids)
    finally:
        await backend.close()


async def test_an_inline_reply_reaches_the_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeNotifications(MODERN, capabilities=("actions", "body", "inline-reply")) as fake:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", fake.address)
        handler = Recorder()
        backend = await connected(handler)
        try:
            assert backend.supports_reply
            chat = Notice(
                item_id="gw:chat:1",
                title="Bob",
                body="ship it?",
                buttons=(Button(REPLY, "Reply"), Button(MARK_READ, "Mark read")),
                reply_field=True,
            )
            assert await backend.show(chat)
            _signature, body = fake.calls[-1]
            assert body[5] == ["default", "", MARK_READ, "Mark read", "inline-reply", "Reply"]
            assert body[6]["x-kde-reply-submit-button-text"] == ("s", "Send")
            (nid,) = backend._ids.values()
            fake.emit("NotificationReplied", "us", nid, "yes, ship it")
            await until(lambda: bool(handler.calls))
            assert handler.calls == [("reply", "gw:chat:1", "yes, ship it")]
        finally:
            await backend.close()


async def test_a_restarted_service_is_followed_and_its_signals_count(fake: FakeNotifications) -> None:
    handler = Recorder()
    backend = await connected(handler)
    try:
        assert await backend.show(MAIL)
        fake.restart()
        second = Notice(item_id="mail:work:INBOX:7:2", title="Ann — Q4", body="", buttons=MAIL.buttons)
        assert await backend.show(second)
        assert list(backend._ids) == [second.key]  # the old service's bubble went with it
        fake.emit("ActionInvoked", "us", backend._ids[second.key], "default")
        await until(lambda: bool(handler.calls))
        assert handler.calls == [("open_item", second.item_id)]
    finally:
        await backend.close()


async def test_hostile_text_reaches_the_service_as_valid_text(fake: FakeNotifications) -> None:
    backend = await connected(Recorder())
    try:
        hostile = Notice(item_id="x", title="a\0b\ud800c", body="<b>x</b> & \udfff\0")
        assert await backend.show(hostile)
        _signature, body = fake.calls[-1]
        assert body[3] == "a\ufffdb\ufffdc"  # the summary is plain text: not escaped
        assert body[4] == "&lt;b&gt;x&lt;/b&gt; &amp; \ufffd\ufffd"  # the service renders body markup
        assert await backend.show(MAIL)  # the connection survived
    finally:
        await backend.close()


async def test_the_bus_going_away_is_a_refusal_not_a_crash(fake: FakeNotifications) -> None:
    backend = await connected(Recorder())
    try:
        fake._bus.stop()
        assert not await asyncio.wait_for(backend.show(MAIL), 5)
        await backend.withdraw(MAIL.key)  # nothing to close it on: no error either
    finally:
        await backend.close()


@pytest.mark.desktop
async def test_a_service_the_bus_starts_on_demand_is_started_by_the_first_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Where the notification daemon is only D-Bus-activatable (dunst's service file here),
    # the first method call starts it; asking the bus for the name's owner first would say
    # "no owner" and lose native notifications.
    import os
    import signal
    import subprocess

    from harness.desktop_session import DesktopSession
    from harness.private_bus import PrivateBus

    with DesktopSession() as desk, PrivateBus() as bus:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        display = desk.env["DISPLAY"]
        monkeypatch.setenv("DISPLAY", display)
        # the bus passes its activation environment, not ours, to the service it starts
        subprocess.run(["dbus-update-activation-environment", f"DISPLAY={display}"], check=True, timeout=10)
        backend = await asyncio.wait_for(pick_backend(Recorder(), None, timeout=10), 15)
        started = 0
        try:
            assert backend.name.startswith("freedesktop")
            assert await backend.show(MAIL)
            owner = bus.connect().send_and_get_reply(
                message_bus.GetConnectionUnixProcessID("org.freedesktop.Notifications"), timeout=5
            )
            started = int(owner.body[0])
            assert "dunst" in Path(f"/proc/{started}/cmdline").read_bytes().decode(errors="replace")
        finally:
            await backend.close()
            if started:
                os.kill(started, signal.SIGTERM)
