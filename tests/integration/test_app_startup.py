"""The tray app's mail logins start before Qt is imported (issue 9): what that must not change.

- The real app (`tidings`, a subprocess on a virtual X screen with a tray and dunst) logs
  in, lists the mail that was there (quietly) and shows a new mail's bubble.
- A second launch on the same data folder hands over to the first (its inbox comes up)
  and opens no IMAP connection: a relay in front of Dovecot counts them.
- The events of a login that happened before the loop ran reach the UI once the loop runs,
  each exactly once (in process: the runtime started the way `tidings` starts it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from desktop.app.runtime import Runtime
from desktop.config.settings import MailAccount, Settings
from desktop.core.events import ConnectionState, ItemsArrived, SourceStatus
from harness.cutting_proxy import CuttingProxy
from harness.demo import _mail
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from tests.integration.apprun import AppRig, XRun, cli_args, shots_folder, tray_app, until

pytestmark = [
    pytest.mark.dovecot,
    # offscreen windows: no size hints, no raise()
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

PASSWORD = "early-pw"
OLD_MAILS = 3
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def user(dovecot: Dovecot, request: pytest.FixtureRequest) -> str:
    """A user of this test alone (the Dovecot is shared by the module), with mail waiting."""
    name = "early" + request.node.name.split("_")[-1]
    dovecot.add_user(name, PASSWORD)
    for n in range(OLD_MAILS):
        dovecot.append(
            name, _mail("Priya <priya@example.com>", f"Old mail {n}", "there before", datetime.now(UTC))
        )
    return name


def account(port: int, user: str) -> MailAccount:
    return MailAccount(
        name="work",
        host="127.0.0.1",
        port=port,
        username=user,
        security="plain",
        password_command=f"printf %s {PASSWORD}",
    )


def write_settings(path: Path, port: int, user: str) -> None:
    path.write_text(
        f"""[[mail]]
name = "work"
host = "127.0.0.1"
port = {port}
security = "plain"
username = "{user}"
password_command = "printf %s {PASSWORD}"
""",
        encoding="utf-8",
    )


@pytest.mark.desktop
def test_the_app_logs_in_shows_mail_and_a_second_launch_hands_over(
    dovecot: Dovecot, user: str, tmp_path: Path
) -> None:
    data, config, log = tmp_path / "data", tmp_path / "settings.toml", tmp_path / "tidings.log"
    with (
        CuttingProxy("127.0.0.1", dovecot.imap_port) as relay,
        DesktopSession(tray=True) as desk,
    ):
        write_settings(config, relay.port, user)
        env = {**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb"}
        r = XRun(desk, shots_folder(tmp_path))
        with tray_app(config, data, log, env) as first:
            # Logged in and synced: the mail that was there is listed, quietly.
            until(lambda: _stored(data) == OLD_MAILS, "the mail that was there, stored", timeout=60)
            until(lambda: "notifications:" in _log(data), "the UI started")
            assert r.bubbles("Old mail") == []
            dovecot.append(user, _mail("Omar Haddad <omar@example.com>", "Fresh from the server", "New."))
            until(lambda: bool(r.bubbles("Fresh from the server")), "the new mail's bubble")
            assert first.poll() is None

            assert not r.window("^Tidings$")  # in the tray, no window yet
            before = relay.stats.connections
            second = subprocess.run(
                cli_args(config, data), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
            )
            assert second.returncode == 0, second.stderr
            assert "already running" in second.stderr
            # A connection of ours as a sentinel: the relay accepts in arrival order, so
            # once it has been accepted, one the second launch opened would have been too.
            with socket.create_connection(("127.0.0.1", relay.port), timeout=10):
                assert relay.wait_connections(before + 1, timeout=10)
            assert relay.stats.connections == before + 1, "the second launch connected to IMAP"
            until(lambda: bool(r.window("^Tidings$")), "the first instance's inbox window")
            assert first.poll() is None


def _stored(data: Path) -> int:
    """Items in the app's store (written on its loop: the early events were delivered)."""
    db = data / "inbox.sqlite3"
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT count(*) FROM items WHERE source = 'mail:work'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the app is still creating its tables


def _log(data: Path) -> str:
    path = data / "logs" / "tidings.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@pytest.fixture
def early_runtime(dovecot: Dovecot, user: str, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime started as `tidings` starts it: mail sources first, no loop yet."""
    runtime = Runtime(Settings(mail=[account(dovecot.imap_port, user)]), tmp_path / "data")
    runtime.start_mail()
    try:
        yield runtime
    finally:
        if runtime.sources:  # the test ended before the app stopped it
            asyncio.run(runtime.stop())


def test_a_login_before_the_loop_reaches_the_ui_once(
    early_runtime: Runtime, dovecot: Dovecot, user: str, qapp: QApplication, tmp_path: Path
) -> None:
    from desktop.ui.app import build_app

    pipeline = early_runtime.pipeline

    def kept() -> list[object]:
        with pipeline._bind_lock:
            return list(pipeline._early)

    # Logged in, synced and ONLINE with no loop: the events are kept, nothing is stored yet.
    until(
        lambda: SourceStatus("mail:work", ConnectionState.ONLINE) in kept(),
        "the account online before any loop",
    )
    first_sync = [e for e in kept() if isinstance(e, ItemsArrived)]
    assert sum(len(e.items) for e in first_sync) == OLD_MAILS
    assert early_runtime.store.unread_count() == 0
    source = early_runtime.sources["mail:work"]

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    app = build_app(early_runtime.settings, tmp_path / "data", loop, early_runtime)
    rig = AppRig(app, loop)
    told: list[tuple[str, bool]] = []
    app.bridge.items_added.connect(lambda items, quiet: told.extend((i.id, quiet) for i in items))
    try:
        rig.run(app.start())
        rig.until(lambda: len(told) >= OLD_MAILS, "the first sync in the UI")
        assert rig.state() is ConnectionState.ONLINE
        rig.until(lambda: app.tray.unread_count == OLD_MAILS, "the unread badge")
        # A mail after the loop runs, as a sentinel: told after the early ones, and notified.
        dovecot.append(user, _mail("Omar Haddad <omar@example.com>", "After the loop", "New."))
        rig.until(lambda: bool(rig.new_items), "the new mail")
        assert [i.title for i in rig.new_items] == ["After the loop"]
        quiet = [item_id for item_id, q in told if q]
        assert len(quiet) == OLD_MAILS and len(set(quiet)) == OLD_MAILS  # each once
        assert told[-1] == (rig.new_items[0].id, False)
        assert early_runtime.store.unread_count() == OLD_MAILS + 1
        # The app runs the source started before the loop: no second session.
        assert app.runtime.sources == {"mail:work": source}
    finally:
        rig.run(app.stop(), timeout=20)
        app.deleteLater()
        loop.close()
        asyncio.set_event_loop(None)
