"""What a start costs (issue 9): the tray app and its sources import neither the OAuth
client nor SMTP's modules, and an account's sender thread starts only once it has mail to
send. Figures are in benchmarks/bench_idle.py and bench_startup.py, not asserted here."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

from desktop.config.settings import MailAccount
from desktop.sources.imap import ImapSource
from desktop.store import Store
from harness.net import free_port

ROOT = Path(__file__).resolve().parents[2]

#: Loaded on first use only: an OAuth2 account or SSO, a reply or a send, a mail body
#: opened or an HTML part read.
ON_USE = (
    "httpx",
    "authlib",
    "joserfc",
    "cryptography",
    "desktop.sources.oauth.client",
    "desktop.sources.gateway.sso",
    "desktop.app.composing",
    "desktop.sources.smtp",
    "smtplib",
    "desktop.sources.imap.body",
    "nh3",
)

PROBE = f"""
import sys
import desktop.app.cli, desktop.ui.app
from desktop.app.runtime import Runtime
from desktop.sources.imap import ImapSource
from desktop.sources.gateway import GatewaySource
print(",".join(m for m in {ON_USE!r} if m in sys.modules))
"""


def test_the_tray_app_and_its_sources_import_no_oauth_client_and_no_smtp() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


LINECACHE_PROBE = """
import linecache, sys
import desktop.app.cli, desktop.ui.app
from desktop.sources.imap import ImapSource
from desktop.sources.gateway import GatewaySource
feature = sys.modules["shibokensupport.feature"]
print(getattr(feature._mod_uses_pyside, "tidings", False))
print(",".join(sorted(linecache.cache)))
print(feature.pyside_feature_dict["desktop.ui.bridge"], feature.pyside_feature_dict["desktop.store"])
"""


def test_pyside_keeps_no_copy_of_the_modules_source() -> None:
    # PYSIDE-2029's scan read every module's source through linecache (~9 MB at idle);
    # desktop.ui replaces it with a read of the file that caches nothing.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", LINECACHE_PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    installed, cached, marks = done.stdout.splitlines()
    assert installed == "True"
    assert cached == ""
    # PySide's answer is unchanged: 0 = the module uses PySide6, -1 = PySide ignores it.
    assert marks == "0 -1"


def sender_threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"smtp:{name}" and t.is_alive()]


def test_the_sender_thread_starts_when_mail_is_queued_not_before(tmp_path: Path) -> None:
    # Nothing listens on the port: the folder worker retries quietly, which is all it does here.
    account = MailAccount(
        name="lazy",
        host="127.0.0.1",
        port=free_port(),
        security="plain",
        username="u",
        password_command="echo x",
    )
    store = Store(tmp_path / "inbox.sqlite3")
    source = ImapSource(account, store, backoff_first=5.0, backoff_cap=5.0, timeout=2.0)
    try:
        source.start(lambda _event: None)
        assert sender_threads("lazy") == []
        store.enqueue(
            source.id, "send", {"message_id": "<m@example.org>"}, item_id="out:lazy:<m@example.org>"
        )
        source.outbox_changed()  # what the composer does after queuing a mail
        assert len(sender_threads("lazy")) == 1
        source.outbox_changed()  # a second mail: the same thread
        assert len(sender_threads("lazy")) == 1
    finally:
        asyncio.run(source.stop())
        store.close()


def test_mail_left_queued_by_the_last_run_starts_the_sender_at_once(tmp_path: Path) -> None:
    account = MailAccount(
        name="left",
        host="127.0.0.1",
        port=free_port(),
        security="plain",
        username="u",
        password_command="echo x",
    )
    store = Store(tmp_path / "inbox.sqlite3")
    source = ImapSource(account, store, backoff_first=5.0, backoff_cap=5.0, timeout=2.0)
    store.enqueue(source.id, "send", {"message_id": "<m@example.org>"}, item_id="out:left:<m@example.org>")
    try:
        source.start(lambda _event: None)
        assert len(sender_threads("left")) == 1
    finally:
        asyncio.run(source.stop())
        store.close()
