"""Linux: the tray app hears "the network is back" from NetworkManager on the system bus
(a real dbus-daemon standing in for it, and a fake NetworkManager service), and falls back
to Qt's network information where there is no NetworkManager (issue 9: Qt's chooser loads
every backend plugin, glib's included)."""

from __future__ import annotations

import asyncio

import pytest

from desktop.app.network_watch import NetworkManagerWatch
from harness.network_manager import CONNECTED_GLOBAL, CONNECTED_SITE, DISCONNECTED, FakeNetworkManager

pytestmark = pytest.mark.asyncio


async def test_connected_globally_again_calls_back_once_per_change(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeNetworkManager() as nm:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", nm.address)
        calls: list[int] = []
        arrived = asyncio.Event()

        def online() -> None:
            calls.append(1)
            arrived.set()

        watch = NetworkManagerWatch(online)
        assert await watch.start()
        try:
            # Signals arrive in order: the two states before 70 had their chance and did nothing.
            nm.set_state(DISCONNECTED)
            nm.set_state(CONNECTED_SITE)
            nm.set_state(CONNECTED_GLOBAL)
            await asyncio.wait_for(arrived.wait(), 10)
            assert calls == [1]
            arrived.clear()
            nm.set_state(DISCONNECTED)
            nm.set_state(CONNECTED_GLOBAL)
            await asyncio.wait_for(arrived.wait(), 10)
            assert calls == [1, 1]
        finally:
            watch.stop()


async def test_no_network_manager_on_the_bus_means_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeNetworkManager(own_name=False) as nm:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", nm.address)
        assert not await NetworkManagerWatch(lambda: None).start()


async def test_no_system_bus_means_fall_back(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path}/nothing-listens-here")
    assert not await NetworkManagerWatch(lambda: None).start()
