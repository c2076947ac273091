"""One Tidings per data folder: a second launch shows the running one's inbox and exits.

Two processes on one data folder would both watch the same accounts and notify
every new item twice. A lock file says who runs (Qt detects a stale one left
by a crash from its PID); a local socket carries the "show yourself" request.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_SHOW = b"show\n"


class SingleInstance(QObject):
    #: another launch asked this instance to show its window
    activation_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(data_dir / "tidings.lock"))
        digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
        self.server_name = f"tidings-{digest}"
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        """True if this process is the one; False after asking the running one to show itself."""
        if not self._lock.tryLock(200):
            socket = QLocalSocket()
            socket.connectToServer(self.server_name)
            if socket.waitForConnected(2000):
                socket.write(_SHOW)
                socket.waitForBytesWritten(2000)
                socket.disconnectFromServer()
            return False
        # A server socket left by a crashed instance would make listen() fail.
        QLocalServer.removeServer(self.server_name)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self.server_name)
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # The request is one short line written right after connecting, so reading
            # it here is immediate; no socket outlives this slot (keeping one in a
            # closure while deleteLater() frees it crashed the interpreter).
            if socket.waitForReadyRead(1000) and bytes(socket.readAll().data()).startswith(_SHOW.strip()):
                self.activation_requested.emit()
            socket.disconnectFromServer()
            socket.deleteLater()
