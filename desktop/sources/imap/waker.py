"""Wake a worker thread blocked in select(): stop, reconnect or a queued action, at once."""

from __future__ import annotations

import contextlib
import select
import socket
import ssl


class Waker:
    """A socketpair so another thread can interrupt a select() at once."""

    def __init__(self) -> None:
        self._r, self._w = socket.socketpair()
        self._r.setblocking(False)
        self._w.setblocking(False)

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            self._w.send(b"x")

    def wait(self, timeout: float | None, sock: socket.socket | None = None) -> tuple[bool, bool]:
        """Block until woken, ``sock`` is readable or ``timeout``: returns (woken, readable)."""
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False, True  # decrypted bytes already buffered: select() would not see them
        watch: list[socket.socket] = [self._r] if sock is None else [self._r, sock]
        try:
            ready, _, _ = select.select(watch, [], [], timeout)
        except (OSError, ValueError):
            return False, sock is not None  # a closed socket: let the read fail properly
        woken = self._r in ready
        if woken:
            with contextlib.suppress(OSError):
                while self._r.recv(512):
                    pass
        return woken, sock is not None and sock in ready

    def close(self) -> None:
        self._r.close()
        self._w.close()
