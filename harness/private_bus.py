"""A private ``dbus-daemon`` on a socket in a temporary folder, stopped by PID: a stand-in
system bus, or a session bus for a fake service the test controls.

``with PrivateBus() as bus:`` then point ``DBUS_SYSTEM_BUS_ADDRESS`` or
``DBUS_SESSION_BUS_ADDRESS`` at ``bus.address``; ``bus.connect()`` opens a blocking
jeepney connection on it (closed with the bus).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection


class PrivateBus:
    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="tidings-bus-"))
        self._socket = self._dir / "bus_socket"
        self.address = f"unix:path={self._socket}"
        self._daemon: subprocess.Popen[bytes] | None = None
        self._connections: list[Any] = []

    def __enter__(self) -> PrivateBus:
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
                raise RuntimeError("the private D-Bus daemon did not start")
            time.sleep(0.01)

    def connect(self, own: str = "") -> Any:
        """A blocking jeepney connection (jeepney.io.blocking.DBusConnection), owning the
        name ``own`` if given."""
        connection = open_dbus_connection(self.address)
        self._connections.append(connection)
        if own:
            reply = connection.send_and_get_reply(message_bus.RequestName(own), timeout=10)
            if reply.body != (1,):  # DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
                raise RuntimeError(f"could not own {own}: {reply.body}")
        return connection

    def close_connections(self) -> None:
        """Close every connection opened with :meth:`connect` (their names are released)."""
        for connection in self._connections:
            connection.close()
        self._connections.clear()

    def stop(self) -> None:
        self.close_connections()
        if self._daemon is not None and self._daemon.poll() is None:
            self._daemon.terminate()
            try:
                self._daemon.wait(5)
            except subprocess.TimeoutExpired:
                self._daemon.kill()
                self._daemon.wait()
        shutil.rmtree(self._dir, ignore_errors=True)
