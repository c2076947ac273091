"""A stand-in system bus with a fake NetworkManager on it, for the desktop's network watch.

A private ``dbus-daemon`` plays the system bus (point ``DBUS_SYSTEM_BUS_ADDRESS`` at
``address``); a blocking jeepney connection owns ``org.freedesktop.NetworkManager`` and
emits ``StateChanged`` when told (``set_state``).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from jeepney import DBusAddress, new_signal

from harness.private_bus import PrivateBus

NM_NAME = "org.freedesktop.NetworkManager"
NM_PATH = "/org/freedesktop/NetworkManager"
DISCONNECTED = 20
CONNECTED_SITE = 60
CONNECTED_GLOBAL = 70

EMITTER = DBusAddress(NM_PATH, interface=NM_NAME)


class FakeNetworkManager:
    """``with FakeNetworkManager() as nm:`` a bus at ``nm.address``; ``own_name=False``
    leaves NetworkManager off the bus (a system without it)."""

    def __init__(self, own_name: bool = True) -> None:
        self.own_name = own_name
        self._bus = PrivateBus()
        self.address = self._bus.address
        self._connection: Any = None

    def __enter__(self) -> FakeNetworkManager:
        self._bus.__enter__()
        try:
            self._connection = self._bus.connect(own=NM_NAME if self.own_name else "")
        except BaseException:
            self._bus.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bus.stop()

    def set_state(self, state: int) -> None:
        """Emit StateChanged(state) (NMState: 20 disconnected, 70 connected globally)."""
        self._connection.send(new_signal(EMITTER, "StateChanged", "u", (state,)))
