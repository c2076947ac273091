"""Linux: NetworkManager's own StateChanged signal on the system bus says when the
machine is online again, so the sources reconnect at once instead of waiting out their
backoff.

Why not Qt's QNetworkInformation here: to choose a backend Qt instantiates every
network-information plugin, glib's included, which maps libgio and libgobject (~2.7 MB
resident at idle, issue 9), while the D-Bus client is loaded anyway for notifications
(``desktop.notifications.bus``). Without NetworkManager on the system bus ``start``
returns False and the caller falls back to Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

NM_NAME = "org.freedesktop.NetworkManager"
NM_PATH = "/org/freedesktop/NetworkManager"
NM_INTERFACE = "org.freedesktop.NetworkManager"
#: NMState: NM_STATE_CONNECTED_GLOBAL, what Qt's NetworkManager backend reports as Online.
CONNECTED_GLOBAL = 70


class NetworkManagerWatch:
    """Calls ``on_online`` each time NetworkManager's state becomes CONNECTED_GLOBAL."""

    def __init__(self, on_online: Callable[[], None]) -> None:
        self._on_online = on_online
        self._bus: Any = None  # desktop.notifications.bus.BusConnection

    async def start(self) -> bool:
        """Subscribe on the system bus; False (and nothing held) without NetworkManager."""
        from jeepney.bus_messages import MatchRule

        from desktop.notifications.bus import BusConnection

        try:
            bus = await BusConnection.open("SYSTEM")
        except Exception as exc:  # no system bus (containers, minimal sessions)
            log.debug("no system bus: %s", exc)
            return False
        try:
            if not (await bus.call_bus("NameHasOwner", NM_NAME))[0]:
                bus.close()
                return False
            local = MatchRule(type="signal", interface=NM_INTERFACE, path=NM_PATH, member="StateChanged")
            on_bus = MatchRule(
                type="signal", sender=NM_NAME, interface=NM_INTERFACE, path=NM_PATH, member="StateChanged"
            )
            await bus.subscribe(on_bus, local, self._on_message)
        except Exception as exc:
            log.debug("cannot watch NetworkManager: %s", exc)
            bus.close()
            return False
        self._bus = bus
        return True

    def _on_message(self, message: Any) -> None:
        # The bus delivers this connection NetworkManager's signals only (the rule names
        # it as sender); a state that is not a number is not one it sends.
        if message.body and message.body[0] == CONNECTED_GLOBAL:
            self._on_online()

    def stop(self) -> None:
        if self._bus is not None:
            self._bus.close()
            self._bus = None
