"""What every server the harness runs as a child process shares: its stdout and stderr
appended to a log file, a start that returns once the server answers (or fails with the
log's tail), and a stop by its PID, SIGTERM first, SIGKILL if it lingers.

    class Server(ChildProcess):
        what = "the server"              # in error messages
        error = ServerError
        def start(self) -> Server:
            if not self.running:
                self._launch([...], cwd=..., env=..., ready=lambda: http_ok(url),
                             timeout=20, not_ready=f"the server did not answer within 20 s")
            return self

No pytest import: plain Python, usable from scripts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

import httpx


def http_ok(url: str) -> bool:
    """``GET url`` answers 200 (a server still starting refuses or resets: False)."""
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def listening(host: str, port: int) -> bool:
    """Something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


class ChildProcess:
    """A child server process with its log in ``log_path``; subclasses set ``log_path``
    (before ``_launch``), ``what`` and ``error``."""

    what = "the process"
    error: type[RuntimeError] = RuntimeError
    log_path: Path
    log_tail_lines = 40
    _proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _launch(
        self,
        cmd: Sequence[str],
        *,
        cwd: Path,
        ready: Callable[[], bool],
        timeout: float,
        not_ready: str,
        env: Mapping[str, str] | None = None,
        new_session: bool = False,
        on_timeout: Callable[[], object] | None = None,
        poll: float = 0.05,
    ) -> None:
        """Start ``cmd`` and return once ``ready()``; if it exits first, or is not ready
        within ``timeout`` s (then ``on_timeout``, by default ``stop``, ends it), raise
        ``error`` with ``not_ready`` or the exit code, and the log's tail."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - open for the child's lifetime
        self._proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                self._close_log()
                raise self.error(f"{self.what} exited with {code}:\n{self.log_tail()}")
            if ready():
                return
            time.sleep(poll)
        (on_timeout or self.stop)()
        raise self.error(f"{not_ready}:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM by PID, SIGKILL if it has not exited within ``timeout`` s.

        Returns the exit code (0 after a clean shutdown), or None if it was not started."""
        return self._signal(signal.SIGTERM, timeout)

    def _signal(self, sig: signal.Signals, timeout: float) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.wait(5.0)
        self._close_log()
        return proc.returncode

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int | None = None) -> str:
        return "\n".join(self.log_text().splitlines()[-(lines or self.log_tail_lines) :])
