"""A stand-in system bus with a fake NetworkManager on it, for the desktop's network watch.

A private ``dbus-daemon`` plays the system bus (point ``DBUS_SYSTEM_BUS_ADDRESS`` at
``address``); a dbus-fast service on its own thread and loop owns
``org.freedesktop.NetworkManager`` and emits ``StateChanged`` when told (``set_state``).
"""

# No ``from __future__ import annotations``: dbus-fast reads the signal's D-Bus type from
# the return annotation ("u").

import asyncio
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, signal

NM_NAME = "org.freedesktop.NetworkManager"
NM_PATH = "/org/freedesktop/NetworkManager"
DISCONNECTED = 20
CONNECTED_SITE = 60
CONNECTED_GLOBAL = 70


class _NetworkManager(ServiceInterface):
    def __init__(self) -> None:
        super().__init__(NM_NAME)

    @signal()
    def StateChanged(self, state: int) -> "u":  # type: ignore[name-defined]  # noqa: F821
        return state


class FakeNetworkManager:
    """``with FakeNetworkManager() as nm:`` a bus at ``nm.address``; ``own_name=False``
    leaves NetworkManager off the bus (a system without it)."""

    def __init__(self, own_name: bool = True) -> None:
        self.own_name = own_name
        self._dir = Path(tempfile.mkdtemp(prefix="tidings-system-bus-"))
        self._socket = self._dir / "system_bus_socket"
        self.address = f"unix:path={self._socket}"
        self._daemon: subprocess.Popen[bytes] | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-nm", daemon=True)
        self._bus: Any = None
        self._interface = _NetworkManager()

    def __enter__(self) -> "FakeNetworkManager":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        self._daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address={self.address}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._socket.exists():
            if time.monotonic() > deadline or self._daemon.poll() is not None:
                raise RuntimeError("the stand-in system bus did not start")
            time.sleep(0.01)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)

    async def _serve(self) -> None:
        self._bus = await MessageBus(bus_address=self.address).connect()
        self._bus.export(NM_PATH, self._interface)
        if self.own_name:
            await self._bus.request_name(NM_NAME)

    def set_state(self, state: int) -> None:
        """Emit StateChanged(state) (NMState: 20 disconnected, 70 connected globally)."""
        self._loop.call_soon_threadsafe(self._interface.StateChanged, state)

    def stop(self) -> None:
        if self._thread.is_alive():
            if self._bus is not None:
                self._loop.call_soon_threadsafe(self._bus.disconnect)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._thread.is_alive() and not self._loop.is_closed():
            self._loop.close()
        if self._daemon is not None and self._daemon.poll() is None:
            self._daemon.terminate()
            try:
                self._daemon.wait(5)
            except subprocess.TimeoutExpired:
                self._daemon.kill()
                self._daemon.wait()
        shutil.rmtree(self._dir, ignore_errors=True)
