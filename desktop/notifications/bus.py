"""A D-Bus client connection on asyncio (jeepney): method calls with a time limit, and
signals handed to a callback. Notifications' transport on Linux (``freedesktop``) and,
on the system bus, the NetworkManager watch (``desktop.app.network_watch``). No Qt.

Why jeepney and not dbus-fast (what desktop-notifier brings): jeepney is pure Python and
small, 0.5 MB resident where dbus-fast and desktop-notifier took 5 MB at idle (issue 9),
and keyring's Secret Service backend runs on it already. It asks for explicit D-Bus
signatures, so a ``u`` is sent as a ``u`` and an urgency as a byte.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_method_call
from jeepney.bus_messages import MatchRule, message_bus
from jeepney.io.asyncio import DBusConnection, DBusRouter, open_dbus_connection

log = logging.getLogger(__name__)


class _Handler:
    """What jeepney's router puts a matching signal into (it wants a queue's
    ``put_nowait``): the callback, called at once from the router's receiving task. No
    asyncio.Queue and no task of our own: a queue binds to the loop of its first wait,
    and under qasync a later test's (or a nested) loop may step the same task."""

    def __init__(self, callback: Callable[[Message], None]) -> None:
        self._callback = callback

    def put_nowait(self, message: Message) -> None:
        try:
            self._callback(message)
        except Exception:
            log.exception(
                "handling the D-Bus signal %s failed", message.header.fields.get(HeaderFields.member)
            )


class BusError(Exception):
    """A method call answered with a D-Bus error (``name``: org.freedesktop.DBus.Error.*)."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}" if detail else name)
        self.name = name


class BusConnection:
    """One connection to the session or system bus, with its receiver task."""

    def __init__(self, connection: DBusConnection) -> None:
        self._connection = connection
        self._router = DBusRouter(connection)
        self._filters: list[Any] = []

    @classmethod
    async def open(cls, bus: str = "SESSION", timeout: float = 5.0) -> BusConnection:
        """Connect and say Hello. Raises OSError, KeyError (no session bus address),
        RuntimeError (an address jeepney cannot use) or TimeoutError (a bus that does not
        answer)."""
        connection = await asyncio.wait_for(open_dbus_connection(bus), timeout)
        return cls(connection)

    @property
    def closed(self) -> bool:
        # jeepney's router has no public flag: its receiver task ends with the connection.
        return bool(self._router._rcv_task.done())

    async def call(
        self,
        address: DBusAddress,
        member: str,
        signature: str = "",
        body: tuple[Any, ...] = (),
        timeout: float = 10.0,
    ) -> tuple[Any, ...]:
        """Call ``member`` and return the reply's body. Raises BusError for an error reply,
        TimeoutError when none comes in ``timeout`` s, and jeepney's RouterClosed or
        OSError when the connection is gone."""
        return self.unwrap(await self.request(address, member, signature, body, timeout))

    async def request(
        self,
        address: DBusAddress,
        member: str,
        signature: str = "",
        body: tuple[Any, ...] = (),
        timeout: float = 10.0,
    ) -> Message:
        """:meth:`call`, returning the whole reply (its sender, say), error replies too."""
        message = new_method_call(address, member, signature or None, body)
        return await asyncio.wait_for(self._router.send_and_get_reply(message), timeout)

    async def call_bus(self, member: str, *args: str, timeout: float = 5.0) -> tuple[Any, ...]:
        """A call to the bus itself (NameHasOwner, AddMatch, ...), each argument a string."""
        return await self.call(message_bus, member, "s" * len(args), args, timeout)

    @staticmethod
    def unwrap(reply: Message) -> tuple[Any, ...]:
        if reply.header.message_type == MessageType.error:
            name = str(reply.header.fields.get(HeaderFields.error_name, "error"))
            detail = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
            raise BusError(name, detail)
        return tuple(reply.body)

    @staticmethod
    def sender(message: Message) -> str:
        return str(message.header.fields.get(HeaderFields.sender, ""))

    async def subscribe(self, rule: MatchRule, local: MatchRule, callback: Callable[[Message], None]) -> None:
        """Ask the bus for the signals ``rule`` matches and hand each one ``local``
        matches here to ``callback``, in order, from the receiving task. Two rules because
        the bus resolves a well-known sender name and jeepney's local matching cannot:
        ``local`` leaves the sender out."""
        self._filters.append(self._router.filter(local, queue=_Handler(callback)))
        await self.call_bus("AddMatch", rule.serialise())

    def close(self) -> None:
        """Stop receiving and close the socket (synchronous: usable from any teardown)."""
        for handle in self._filters:
            with contextlib.suppress(KeyError):
                handle.close()
        self._filters.clear()
        self._router._rcv_task.cancel()
        with contextlib.suppress(Exception):
            self._connection.writer.close()
