"""Run the real gateway as a subprocess on a free loopback port (tests, demo, benchmarks).

gw = GatewayProcess(tmp_path / "gw.db", extra_args=["--callback-backoff-base", "0.05"])
with gw.admin() as admin:
    admin.add_user("alice")
    token = admin.issue_token("alice").token
gw.start()            # returns once the gateway prints its "listening on" line
gw.ws_url             # ws://127.0.0.1:PORT/v1/stream
gw.stop()             # SIGTERM by PID, then SIGKILL if it does not exit in time
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from gateway.admin import GatewayAdmin

_LISTENING = re.compile(r"listening on (http://\S+)")
_REPO_ROOT = Path(__file__).resolve().parent.parent


class GatewayProcess:
    def __init__(
        self,
        db_path: Path | str,
        *,
        host: str = "127.0.0.1",
        extra_args: list[str] | None = None,
        start_timeout: float = 15.0,
        log_level: str = "info",
    ) -> None:
        self.db_path = Path(db_path)
        self.host = host
        self.extra_args = list(extra_args or [])
        self.start_timeout = start_timeout
        self.log_level = log_level
        self.base_url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []  # stdout+stderr lines, for diagnosing failures
        self._port = 0  # 0 first; a restart reuses the first port so clients can reconnect

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/v1/stream"

    @property
    def port(self) -> int:
        return self._port

    def admin(self) -> GatewayAdmin:
        return GatewayAdmin(self.db_path)

    def start(self) -> GatewayProcess:
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("gateway already running")
        cmd = [
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--db",
            str(self.db_path),
            "--host",
            self.host,
            "--port",
            str(self._port),
            "--log-level",
            self.log_level,
            *self.extra_args,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO_ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=_REPO_ROOT
        )
        found = threading.Event()
        proc = self.proc

        def pump() -> None:
            # Drain the pipe for the process's whole life so it never blocks on a full pipe.
            assert proc.stdout is not None
            for line in proc.stdout:
                self.output.append(line.rstrip("\n"))
                match = _LISTENING.search(line)
                if match and not found.is_set():
                    self.base_url = match.group(1)
                    found.set()

        threading.Thread(target=pump, name="gateway-output", daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while not found.wait(0.05):
            if proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gateway did not start:\n" + "\n".join(self.output[-40:]))
        self._port = int(self.base_url.rsplit(":", 1)[1])
        return self

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop by PID: SIGTERM (graceful), SIGKILL after timeout. Returns the exit code."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(5)
        return proc.returncode

    def kill(self) -> None:
        """Crash it (SIGKILL): what persistence has to survive."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
