"""Linux: NetworkManager's own StateChanged signal on the system bus says when the
machine is online again, so the sources reconnect at once instead of waiting out their
backoff.

Why not Qt's QNetworkInformation here: to choose a backend Qt instantiates every
network-information plugin, glib's included, which maps libgio and libgobject (~2.7 MB
resident at idle, issue 9), while dbus-fast is loaded anyway for notifications. Without
NetworkManager on the system bus ``start`` returns False and the caller falls back to Qt.
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
MATCH_RULE = (
    f"type='signal',sender='{NM_NAME}',interface='{NM_INTERFACE}',path='{NM_PATH}',member='StateChanged'"
)


class NetworkManagerWatch:
    """Calls ``on_online`` each time NetworkManager's state becomes CONNECTED_GLOBAL."""

    def __init__(self, on_online: Callable[[], None]) -> None:
        self._on_online = on_online
        self._bus: Any = None  # dbus_fast.aio.MessageBus

    async def start(self) -> bool:
        """Subscribe on the system bus; False (and nothing held) without NetworkManager."""
        from dbus_fast import BusType, Message, MessageType
        from dbus_fast.aio import MessageBus

        try:
            bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
        except Exception as exc:  # no system bus (containers, minimal sessions)
            log.debug("no system bus: %s", exc)
            return False
        try:

            async def bus_call(member: str, arg: str) -> Any:
                reply = await bus.call(
                    Message(
                        destination="org.freedesktop.DBus",
                        path="/org/freedesktop/DBus",
                        interface="org.freedesktop.DBus",
                        member=member,
                        signature="s",
                        body=[arg],
                    )
                )
                if reply is None or reply.message_type != MessageType.METHOD_RETURN:
                    raise RuntimeError(f"{member}: {reply.body if reply else 'no reply'}")
                return reply.body

            if not (await bus_call("NameHasOwner", NM_NAME))[0]:
                bus.disconnect()
                return False
            bus.add_message_handler(self._on_message)
            await bus_call("AddMatch", MATCH_RULE)
        except Exception as exc:
            log.debug("cannot watch NetworkManager: %s", exc)
            bus.disconnect()
            return False
        self._bus = bus
        return True

    def _on_message(self, message: Any) -> None:
        if (
            message.member == "StateChanged"
            and message.interface == NM_INTERFACE
            and message.path == NM_PATH
            and message.body
            and message.body[0] == CONNECTED_GLOBAL
        ):
            self._on_online()

    def stop(self) -> None:
        if self._bus is not None:
            self._bus.disconnect()
            self._bus = None
