"""The tray app on Linux: "the network is back" comes from NetworkManager on the system bus
(a fake one on a stand-in bus) and reconnects the sources at once; without NetworkManager
the app falls back to Qt's network information."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from desktop.config.settings import MailAccount, Settings
from desktop.notifications.backends import NullBackend
from desktop.ui import app as app_module
from desktop.ui.app import TidingsApp, build_app
from harness.network_manager import CONNECTED_GLOBAL, DISCONNECTED, FakeNetworkManager

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="NetworkManager: Linux only")

SETTINGS = Settings(mail=[MailAccount(name="work", host="imap.invalid", username="me")])


@pytest.fixture
def loop(qapp, monkeypatch, memory_keyring):
    async def null_backend(*_args, **_kwargs):
        return NullBackend()

    monkeypatch.setattr(app_module, "pick_backend", null_backend)
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def start(loop: asyncio.AbstractEventLoop, tidings: TidingsApp) -> None:
    loop.run_until_complete(tidings.start())
    # The watch is set up in a task of the app's (a D-Bus round trip): wait for it.
    loop.run_until_complete(asyncio.gather(*list(tidings._tasks)))


def test_network_manager_online_again_reconnects_the_sources(loop, tmp_path: Path, monkeypatch) -> None:
    with FakeNetworkManager() as nm:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", nm.address)
        qt_fallback: list[TidingsApp] = []
        monkeypatch.setattr(TidingsApp, "_watch_qt_network", lambda self: qt_fallback.append(self))
        tidings = build_app(SETTINGS, tmp_path / "data", loop)
        reconnected = asyncio.Event()
        monkeypatch.setattr(tidings.facade, "reconnect", lambda *_a: reconnected.set())
        try:
            start(loop, tidings)
            assert tidings._network_manager is not None
            assert qt_fallback == []
            nm.set_state(DISCONNECTED)
            nm.set_state(CONNECTED_GLOBAL)
            loop.run_until_complete(asyncio.wait_for(reconnected.wait(), 10))
        finally:
            loop.run_until_complete(tidings.stop())
            tidings.deleteLater()
        assert tidings._network_manager._bus is None  # stop() let go of the system bus


def test_without_network_manager_qt_network_information_is_used(loop, tmp_path: Path, monkeypatch) -> None:
    with FakeNetworkManager(own_name=False) as nm:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", nm.address)
        qt_fallback: list[TidingsApp] = []
        monkeypatch.setattr(TidingsApp, "_watch_qt_network", lambda self: qt_fallback.append(self))
        tidings = build_app(SETTINGS, tmp_path / "data", loop)
        try:
            start(loop, tidings)
            assert tidings._network_manager is None
            assert qt_fallback == [tidings]
        finally:
            loop.run_until_complete(tidings.stop())
            tidings.deleteLater()
