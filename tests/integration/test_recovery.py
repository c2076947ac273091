"""After Dovecot was down, the mail delivered meanwhile reaches both fronts soon after it is back
(issue 7, item 14): `tidings watch --json` as a subprocess and the tray app on its qasync loop.

Dovecot is down long enough for the reconnect backoff to grow past the wait below (1, 2, 4,
8 s... up to a minute). Timings themselves are printed by benchmarks/bench_recovery.py;
here the only bound is the wait for the mail after Dovecot greets again.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from desktop.config.settings import MailAccount, Settings, to_toml
from desktop.core.events import ConnectionState
from desktop.ui.app import build_app
from harness.dovecot import Dovecot

pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.timeout(180),
    # offscreen has no window manager: raise() and size hints are no-ops it warns about
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

ROOT = Path(__file__).resolve().parents[2]
USER = "back"
# About 7 refused attempts fit in DOWN_S (each wait capped at 3 s): uncapped, the next wait
# would be up to a minute, beyond WAIT_S four times in five.
DOWN_S = 10.0
WAIT_S = 12.0  # after Dovecot greets again; the reconnect itself is due within 3 s


def mail(title: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann <ann@example.org>"
    msg["To"] = "me@example.org"
    msg["Subject"] = title
    msg.set_content("delivered while the server was down")
    return msg.as_bytes()


@pytest.fixture
def server() -> Iterator[Dovecot]:
    with Dovecot() as dovecot:  # its own: the test stops and restarts it
        dovecot.add_user(USER, "pw")
        yield dovecot


def settings_for(dovecot: Dovecot) -> Settings:
    account = MailAccount(
        name="work", host="127.0.0.1", username=USER, security="plain", port=dovecot.imap_port,
        password_command="printf pw",
    )  # fmt: skip
    return Settings(mail=[account])


def outage(dovecot: Dovecot, title: str) -> None:
    dovecot.stop()
    time.sleep(DOWN_S / 2)  # the outage itself, not a wait for an event
    dovecot.deliver_to_maildir(USER, mail(title))
    time.sleep(DOWN_S / 2)
    dovecot.start()


def test_watch_shows_mail_from_the_outage_soon_after_the_server_is_back(
    server: Dovecot, tmp_path: Path
) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(to_toml(settings_for(server)), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.app.cli", "--config", str(config), "--data-dir", str(tmp_path / "d"),
         "watch", "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines: queue.Queue[dict[str, Any]] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: [lines.put(json.loads(line)) for line in stdout], daemon=True).start()

    def next_matching(pred: Callable[[dict[str, Any]], bool], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if pred(lines.get(timeout=max(0.01, deadline - time.monotonic()))):
                    return
            except queue.Empty:
                break
        raise AssertionError(f"no {what} within {timeout} s")

    try:
        next_matching(lambda o: o["event"] == "status" and o["state"] == "online", "online status", 30)
        outage(server, "Sent during the outage")
        next_matching(
            lambda o: o["event"] == "new" and o["title"] == "Sent during the outage", "the mail", WAIT_S
        )
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_tray_app_shows_mail_from_the_outage_soon_after_the_server_is_back(
    server: Dovecot, tmp_path: Path, qapp: QApplication
) -> None:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    app = build_app(settings_for(server), tmp_path / "data", loop)
    titles: list[str] = []
    app.bridge.items_added.connect(lambda items, quiet: titles.extend(i.title for i in items))

    async def until(cond: Callable[[], bool], what: str, timeout: float) -> None:
        try:
            async with asyncio.timeout(timeout):
                while not cond():
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None

    async def scenario() -> None:
        await app.start()
        status = app.runtime.pipeline.statuses
        await until(
            lambda: getattr(status.get("mail:work"), "state", None) is ConnectionState.ONLINE, "online", 30
        )
        await asyncio.to_thread(outage, server, "Sent during the outage")
        await until(lambda: "Sent during the outage" in titles, "the mail in the tray app", WAIT_S)

    try:
        loop.run_until_complete(asyncio.wait_for(scenario(), 120))
    finally:
        loop.run_until_complete(app.stop())
        app.window.close()
        app.deleteLater()
        loop.close()
        asyncio.set_event_loop(None)
