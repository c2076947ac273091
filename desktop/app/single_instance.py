"""One Tidings per data folder: a second launch shows the running one's inbox and exits.

Two processes on one data folder would both watch the same accounts and notify
every new item twice. The check runs before Qt is imported, so that the mail
logins can start at once (issue 9): a second launch must know it is one before
it opens any connection.

- Who runs: an OS lock on ``tidings.lock`` in the data folder (``flock`` on
  Unix, ``msvcrt.locking`` on Windows, straight from the standard library:
  filelock cost 0.7 MB for the life of the process, ``decimal`` included).
  The OS drops it when the process dies, so a crash leaves no stale lock.
- "Show yourself": a Unix socket (``socket``), or a named pipe on Windows
  (``multiprocessing.connection``, imported there only: 0.35 MB at idle elsewhere);
  the running instance accepts on a daemon thread and calls the handler the UI set.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from desktop.config import paths

log = logging.getLogger(__name__)

SHOW = b"show"
LOCK_NAME = "tidings.lock"
SOCKET_NAME = "tidings.sock"
#: sun_path holds 108 bytes on Linux, 104 on macOS: a longer data folder path puts the
#: socket in a private folder of its own instead.
MAX_SOCKET_PATH = 100
CONNECT_WAIT_S = 2.0  # for a first instance that holds the lock but does not listen yet


def _address(data_dir: Path) -> tuple[str, str]:
    """(address, family) of the data folder's "show yourself" endpoint."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return rf"\\.\pipe\tidings-{digest}", "AF_PIPE"
    path = data_dir / SOCKET_NAME
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        folder = paths.private_dir(Path(tempfile.gettempdir()) / f"tidings-{os.getuid()}", ours=True)
        path = folder / f"{digest}.sock"
    return str(path), "AF_UNIX"


class _OsLock:
    """An exclusive lock on one file, never waited for: held until ``release()`` or the
    process ends. A second open of the same file conflicts, in this process too."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        """True if this process now holds the lock; False if another holder has it."""
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self._path, flags, paths.PRIVATE_FILE_MODE)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                os.fchmod(fd, paths.PRIVATE_FILE_MODE)  # a file left by an older umask
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):  # held (EWOULDBLOCK; EACCES on Windows)
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            with contextlib.suppress(OSError):
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)  # drops the flock


class _Listener(Protocol):
    def next_request(self) -> bytes:
        """Wait for a connection and return what it sent (b"" for nothing in time).
        Raises OSError once closed."""

    def close(self) -> None: ...


class _UnixListener:
    def __init__(self, path: str) -> None:
        # We hold the lock: a socket file there is a crashed instance's.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        self._path = path
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._socket.bind(path)
            self._socket.listen(4)
        except BaseException:
            self._socket.close()
            raise

    def next_request(self) -> bytes:
        connection, _peer = self._socket.accept()
        with connection:
            connection.settimeout(1.0)  # a peer that connects and sends nothing
            try:
                return connection.recv(64)
            except OSError:
                return b""

    def close(self) -> None:
        self._socket.close()
        with contextlib.suppress(OSError):
            os.unlink(self._path)


class _PipeListener:
    def __init__(self, address: str) -> None:
        from multiprocessing.connection import Listener

        self._listener: Any = Listener(address, "AF_PIPE")

    def next_request(self) -> bytes:
        connection = self._listener.accept()
        with connection:
            try:
                return bytes(connection.recv_bytes(64)) if connection.poll(1.0) else b""
            except (OSError, EOFError):
                return b""

    def close(self) -> None:
        self._listener.close()


def _send(address: str, family: str, message: bytes) -> None:
    """Connect to the running instance and send ``message`` (b"": only wake it). OSError
    when nobody listens."""
    if family == "AF_PIPE":
        from multiprocessing.connection import Client

        with Client(address, family) as connection:
            if message:
                connection.send_bytes(message)
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(CONNECT_WAIT_S)
        connection.connect(address)
        connection.sendall(message)


class SingleInstance:
    """``claim()`` once at start; ``set_handler()`` when the UI can show itself."""

    def __init__(self, data_dir: Path) -> None:
        paths.private_dir(data_dir)
        self._lock = _OsLock(data_dir / LOCK_NAME)
        self.address, self._family = _address(data_dir)
        self._listener: _Listener | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._guard = threading.Lock()
        self._handler: Callable[[], None] | None = None
        self._missed = 0  # requests that came before a handler was set

    def claim(self) -> bool:
        """True if this process is the one; False after asking the running one to show itself."""
        if not self._lock.try_acquire():
            self._ask_to_show()
            return False
        try:
            self._listen()
        except OSError as exc:
            # Tidings still runs; only a second launch cannot bring this one up.
            log.warning("cannot listen for other launches at %s: %s", self.address, exc)
        return True

    def set_handler(self, handler: Callable[[], None]) -> None:
        """Call ``handler`` (on the listening thread) for every "show yourself" request,
        including those that came before."""
        with self._guard:
            self._handler = handler
            missed, self._missed = self._missed, 0
        for _ in range(missed):
            handler()

    def release(self) -> None:
        self._stopping.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            # A thread blocked in accept() is not woken by close() on Linux: a connection is.
            with contextlib.suppress(OSError):
                _send(self.address, self._family, b"")
            if self._thread is not None:
                self._thread.join(2.0)
            with contextlib.suppress(OSError):
                listener.close()
        self._lock.release()

    # -- the two sides of the socket ---------------------------------------------------------

    def _ask_to_show(self) -> None:
        deadline = time.monotonic() + CONNECT_WAIT_S
        while True:
            try:
                _send(self.address, self._family, SHOW)
                return
            except OSError as exc:
                if time.monotonic() > deadline:
                    log.warning("the running Tidings did not answer at %s: %s", self.address, exc)
                    return
                time.sleep(0.05)

    def _listen(self) -> None:
        self._listener = (
            _PipeListener(self.address) if self._family == "AF_PIPE" else _UnixListener(self.address)
        )
        self._thread = threading.Thread(
            target=self._serve, args=(self._listener,), name="single-instance", daemon=True
        )
        self._thread.start()

    def _serve(self, listener: _Listener) -> None:
        while not self._stopping.is_set():
            try:
                request = listener.next_request()
            except OSError:
                return  # closed
            if request == SHOW and not self._stopping.is_set():
                self._requested()

    def _requested(self) -> None:
        with self._guard:
            handler = self._handler
            if handler is None:
                self._missed += 1
                return
        try:
            handler()
        except Exception:
            log.exception("showing the inbox for another launch failed")
