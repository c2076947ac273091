"""Running the real app in integration tests: `tidings watch --json` and the tray app as
subprocesses, the app on a qasync loop in this process, waits with a deadline, and the
xdotool/dunst/screenshot driver of the Xvfb tests. One copy, so a fix reaches every test."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import qasync
from PySide6.QtWidgets import QApplication

from desktop.config.settings import Settings
from desktop.core.events import ConnectionState
from desktop.core.item import Item
from desktop.ui.app import TidingsApp, build_app
from harness.desktop_session import DesktopSession
from harness.gateway import GatewayProcess
from tests.integration.polling import until

ROOT = Path(__file__).resolve().parents[2]


def cli_args(config: Path, data_dir: Path, *command: str) -> list[str]:
    """The desktop CLI (``tidings``) as this interpreter runs it; no command: the tray app."""
    return [
        sys.executable,
        "-m",
        "desktop.app.cli",
        "--config",
        str(config),
        "--data-dir",
        str(data_dir),
        *command,
    ]


def start_watch(config: Path, data_dir: Path, env: Mapping[str, str]) -> subprocess.Popen[str]:
    """`tidings watch --json`, its stdout and stderr piped (read stdout with JsonLines)."""
    return subprocess.Popen(
        cli_args(config, data_dir, "watch", "--json"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env),
    )


class JsonLines:
    """A subprocess's stdout JSON lines, read on a thread, with bounded waits."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.q: queue.Queue[str] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        assert proc.stdout is not None
        stdout = proc.stdout

        def pump() -> None:
            for line in stdout:
                self.q.put(line)

        threading.Thread(target=pump, daemon=True).start()

    def next_matching(
        self, pred: Callable[[dict[str, Any]], bool], what: str, timeout: float = 10
    ) -> dict[str, Any]:
        """The next line (not one already seen) that ``pred`` accepts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            obj: dict[str, Any] = json.loads(line)
            self.seen.append(obj)
            if pred(obj):
                return obj
        raise AssertionError(f"no {what} within {timeout} s; saw {self.seen}")


class LoopRig:
    """A qasync loop driven from a test: run a coroutine, or wait for a condition, bounded."""

    run_timeout: float = 30
    until_timeout: float = 30

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def run(self, coro: Any, timeout: float | None = None) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout or self.run_timeout))

    def until(self, condition: Callable[[], object], what: str, timeout: float | None = None) -> None:
        timeout = timeout or self.until_timeout

        async def poll() -> None:
            while not condition():
                await asyncio.sleep(0.02)

        try:
            self.run(poll(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


class AppRig(LoopRig):
    """The tray app (``build_app``) on a qasync loop in this process; ``new_items`` collects
    what the bridge announced (not the quiet first sync)."""

    def __init__(self, app: TidingsApp, loop: qasync.QEventLoop, timeout: float = 30) -> None:
        super().__init__(loop)
        self.app = app
        self.run_timeout = self.until_timeout = timeout
        self.new_items: list[Item] = []
        app.bridge.items_added.connect(lambda items, quiet: None if quiet else self.new_items.extend(items))

    def state(self, source: str = "mail:work") -> ConnectionState | None:
        status = self.app.runtime.pipeline.statuses.get(source)
        return status.state if status is not None else None


@contextlib.contextmanager
def running_app(
    settings: Settings, data_dir: Path, qapp: QApplication, timeout: float = 30
) -> Iterator[AppRig]:
    """Build and start the tray app on a new qasync loop; stop it and close the loop after."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    app = build_app(settings, data_dir, loop)
    r = AppRig(app, loop, timeout)
    try:
        r.run(app.start())
        yield r
    finally:
        r.run(app.stop(), timeout=20)
        app.window.close()
        app.deleteLater()
        loop.close()
        asyncio.set_event_loop(None)


# -- the tray app on a virtual X screen ---------------------------------------------------


def shots_folder(tmp_path: Path) -> Path:
    """An empty folder for a run's screenshots: ``TIDINGS_SHOTS`` if set (kept), else tmp_path."""
    shots = Path(os.environ.get("TIDINGS_SHOTS") or tmp_path / "shots")
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    return shots


@contextlib.contextmanager
def tray_app(
    settings: Path, data_dir: Path, log_path: Path, env: Mapping[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """The real tray app as a subprocess, its output in ``log_path``; stopped by its PID
    (SIGTERM, then SIGKILL after 15 s) however the block ends."""
    log: IO[bytes] = open(log_path, "wb")  # noqa: SIM115 - closed below
    app = subprocess.Popen(cli_args(settings, data_dir), env=dict(env), stdout=log, stderr=subprocess.STDOUT)
    try:
        yield app
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(timeout=15)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait(timeout=5)
        log.close()


class XRun:
    """xdotool, dunst and screenshots on a DesktopSession's display."""

    def __init__(self, desk: DesktopSession, shots: Path, repaint: float = 0.0) -> None:
        # repaint: a pause before each screenshot, so the last repaint reaches the X server
        self.desk, self.shots, self.repaint, self.step = desk, shots, repaint, 0

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, **self.desk.env},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return out.stdout.strip()

    def shot(self, name: str) -> Path:
        self.step += 1
        if self.repaint:
            time.sleep(self.repaint)
        return self.desk.screenshot(self.shots / f"{self.step:02d}-{name}.png")

    def bubbles(self, text: str) -> list[dict[str, Any]]:
        return [b for b in self.desk.notifications() if text in b["summary"]]

    def connected_to(self, gw: GatewayProcess, greeting: str = "hi") -> None:
        """Wait until the app is connected to the gateway: a coworker's message gets a bubble
        (a new client starts from "now", so keep saying something); then clear the screen."""
        for n in range(30):
            with contextlib.suppress(Exception):
                gw.say("lisa", "dm-lisa", f"{greeting} {n}")
            with contextlib.suppress(AssertionError):
                until(lambda: bool(self.bubbles("Lisa Chen")), "a chat bubble", timeout=2)
                break
        assert self.bubbles("Lisa Chen"), "the app never connected to the gateway"
        self.desk.close_all()
        until(lambda: self.desk.count("displayed") == 0, "a clean screen")

    def window(self, name: str) -> str:
        """The first visible window whose name matches ``name`` (a regex), or ""."""
        found = self.xdotool("search", "--onlyvisible", "--name", name).split()
        return found[0] if found else ""

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        """x, y, width, height of a window on the screen."""
        values = dict(
            line.split("=", 1) for line in self.xdotool("getwindowgeometry", "--shell", window).splitlines()
        )
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def focus(self, window: str) -> None:
        # No window manager: give the keyboard to the window directly (XSetInputFocus).
        self.xdotool("windowfocus", "--sync", window)

    def click(self, x: int, y: int, *modifiers: str) -> None:
        for key in modifiers:
            self.xdotool("keydown", key)
        self.xdotool("mousemove", "--sync", str(x), str(y), "click", "1")
        for key in modifiers:
            self.xdotool("keyup", key)


def approval_request(n: int) -> dict[str, Any]:
    """A gateway approval event (travel request ``A-n`` from Lisa), due in two days."""
    return {
        "approval": {
            "id": f"A-{n}",
            "title": f"Travel request {n}: Shanghai, 3 days",
            "requester": {"id": "lisa", "name": "Lisa Chen"},
            "fields": [{"label": "Amount", "value": "¥ 8,400"}],
            "deadline": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
            "urgency": "normal",
            "url": f"https://oa.example.com/approvals/A-{n}",
        }
    }
