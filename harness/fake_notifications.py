"""A notification service the test controls, on a private session bus: what dunst cannot
be made to do (refuse a{sv} hints like an old service, never answer, restart as another
connection, or have a stranger send its signals).

``with FakeNotifications(mode) as service:`` then point ``DBUS_SESSION_BUS_ADDRESS`` at
``service.address``. It answers on its own thread; ``calls`` are the Notify calls seen
(signature and body); ``emit`` sends ActionInvoked / NotificationClosed /
NotificationReplied as the service, ``emit_as_stranger`` the same from another connection.
"""

from __future__ import annotations

import itertools
import queue
import threading
from types import TracebackType
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal

from harness.private_bus import PrivateBus

NAME = "org.freedesktop.Notifications"
EMITTER = DBusAddress("/org/freedesktop/Notifications", interface=NAME)

#: The modes: a spec 1.2 service; one whose Notify takes hints as a{ss} only; one that
#: reads every call and answers none.
MODERN, STRING_HINTS, SILENT = "modern", "string-hints", "silent"


class FakeNotifications:
    def __init__(
        self, mode: str = MODERN, capabilities: tuple[str, ...] = ("actions", "body", "body-markup")
    ) -> None:
        self.mode = mode
        self.capabilities = capabilities
        self._bus = PrivateBus()
        self.address = self._bus.address
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._ids = itertools.count(1)
        self._outbox: queue.Queue[Any] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeNotifications:
        self._bus.__enter__()
        try:
            self._start_service()
        except BaseException:
            self._bus.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop_service()
        self._bus.stop()

    def _start_service(self) -> None:
        connection = self._bus.connect(own=NAME)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(connection,), name="fake-notifications", daemon=True
        )
        self._thread.start()

    def _stop_service(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def restart(self) -> None:
        """The service quits and a new one (another connection) takes the name."""
        self._stop_service()
        self._bus.close_connections()
        self._start_service()

    def emit(self, member: str, signature: str, *body: Any) -> None:
        self._outbox.put(new_signal(EMITTER, member, signature, body))

    def emit_as_stranger(self, member: str, signature: str, *body: Any) -> None:
        self._bus.connect().send(new_signal(EMITTER, member, signature, body))

    def _serve(self, connection: Any) -> None:
        while not self._stop.is_set():
            while not self._outbox.empty():
                connection.send(self._outbox.get())
            try:
                message = connection.receive(timeout=0.02)
            except TimeoutError:
                continue
            except (OSError, EOFError, ValueError):  # the bus or the connection was closed
                return
            if message.header.message_type != MessageType.method_call:
                continue
            reply = self._answer(message)
            if reply is not None:
                connection.send(reply)

    def _answer(self, message: Any) -> Any:
        member = message.header.fields.get(HeaderFields.member)
        signature = message.header.fields.get(HeaderFields.signature, "")
        if self.mode == SILENT:
            self.calls.append((member, message.body))
            return None
        if member == "GetCapabilities":
            return new_method_return(message, "as", (list(self.capabilities),))
        if member == "GetServerInformation":
            return new_method_return(message, "ssss", ("Fake", "Tidings tests", "1", "1.2"))
        if member == "CloseNotification":
            return new_method_return(message)
        if member == "Notify":
            self.calls.append((signature, message.body))
            if self.mode == STRING_HINTS and signature != "susssasa{ss}i":
                return new_error(
                    message, "org.freedesktop.DBus.Error.InvalidArgs", "s", ("hints must be a{ss}",)
                )
            return new_method_return(message, "u", (next(self._ids),))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),))
