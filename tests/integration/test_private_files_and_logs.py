"""The real `tidings -v` against real servers: no password or token in any output, and
every file it writes private (issue 7 items 12 and 15).

`tidings -v watch --json` runs once for the module against Dovecot and the reference
gateway (secrets from commands); the tray app runs against the same servers with its
secrets in a real Secret Service (gnome-keyring), offscreen. Its thread pool is the
standard library's, which logs no results: qasync's logged each one with its repr
("Setting Future result: ..."), a secret among them, redacted only by the log handler.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import queue
import shlex
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from desktop.config.settings import GatewaySettings, MailAccount, Settings, save
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess

pytestmark = [pytest.mark.dovecot, pytest.mark.gateway]

ROOT = Path(__file__).resolve().parents[2]
USER = "vera"
# Quotes and a backslash: repr and the IMAP quoting escape them. ASCII only, because
# LOGIN cannot carry anything else.
PASSWORD = "Kx7'q\"u\\z-pw%ab&Tidings"


def secret_forms(token: str) -> dict[str, str]:
    """The password and token as they would leak: as is, escaped, and in the base64 SASL
    blobs (AUTH PLAIN, XOAUTH2) and Basic credentials."""

    def b64(raw: str) -> str:
        return base64.b64encode(raw.encode()).decode()

    return {
        "password": PASSWORD,
        "password, repr": repr(PASSWORD)[1:-1],
        "password, IMAP-quoted": PASSWORD.replace("\\", "\\\\").replace('"', '\\"'),
        "password, AUTH PLAIN": b64(f"\0{USER}\0{PASSWORD}"),
        "password, Basic": b64(f"{USER}:{PASSWORD}"),
        "password, base64": b64(PASSWORD).rstrip("="),
        "token": token,
        "token, XOAUTH2": b64(f"user={USER}\x01auth=Bearer {token}\x01\x01"),
        "token, base64": b64(token).rstrip("="),
    }


def assert_no_secret(outputs: dict[str, str], token: str) -> None:
    leaks = [
        f"{what} in {where}"
        for where, text in outputs.items()
        for what, form in secret_forms(token).items()
        if form in text
    ]
    assert not leaks, leaks


def modes(folder: Path) -> dict[str, int]:
    """Every folder and file under ``folder`` (itself included) by relative path."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def assert_private(found: dict[str, int], folder: Path) -> None:
    loose = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (folder / name).is_dir() else 0o600)
    }
    assert not loose, loose


def raw_mail(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann Lee <ann@example.org>"
    msg["To"] = "vera@example.org"
    msg["Subject"] = subject
    msg.set_content("Hello there")
    return bytes(msg)


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


def tidings(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop.app.cli", *args]


class Output:
    """A subprocess's stdout and stderr, read on threads, kept whole."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.printed: list[dict[str, Any]] = []
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout, proc.stderr

        def read_out() -> None:
            for line in out:
                self.stdout.append(line)
                self.lines.put(line)

        self._threads = [
            threading.Thread(target=read_out, daemon=True),
            threading.Thread(target=lambda: self.stderr.extend(err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def wait(self, cond: Callable[[list[dict[str, Any]]], bool], what: str, timeout: float = 15) -> None:
        """Until ``cond`` holds for the JSON lines printed so far."""
        deadline = time.monotonic() + timeout
        while not cond(self.printed):
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no {what} within {timeout} s; stdout: {self.stdout}; stderr: {self.stderr[-20:]}"
                ) from None
            self.printed.append(json.loads(line))

    def join(self) -> None:
        for t in self._threads:
            t.join(timeout=10)


def stop(proc: subprocess.Popen[str]) -> int:
    """SIGTERM and wait; kill if it hangs (the test then fails on the exit code)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    return proc.returncode


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    gw = GatewayProcess(tmp_path_factory.mktemp("gateway") / "gateway.db")
    gw.start()
    try:
        gw.add_user(USER, "Vera")
        yield gw
    finally:
        gw.stop()


@pytest.fixture(scope="module")
def mail_user(dovecot: Dovecot) -> str:
    dovecot.add_user(USER, PASSWORD)
    return USER


def mail_account(dovecot: Dovecot, **kw: str) -> MailAccount:
    return MailAccount(
        name="work", host="127.0.0.1", username=USER, security="plain", port=dovecot.imap_port, **kw
    )


@dataclasses.dataclass
class WatchRun:
    token: str
    root: Path
    data: Path
    config: Path
    modes_running: dict[str, int]
    modes_after: dict[str, int]
    stdout: str
    stderr: str
    returncode: int

    def log_files(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.data)): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted((self.data / "logs").glob("tidings.log*"))
        }


@pytest.fixture(scope="module")
def watch_run(
    tmp_path_factory: pytest.TempPathFactory, dovecot: Dovecot, mail_user: str, gateway: GatewayProcess
) -> WatchRun:
    """`tidings -v watch --json` on a fresh data folder, with a mail and an approval
    arriving while it runs; secrets from commands, as a password manager gives them."""
    root = tmp_path_factory.mktemp("watch")
    token = gateway.issue_token(USER)
    oa = gateway.add_integration("oa-watch")
    settings = Settings(
        mail=[mail_account(dovecot, password_command=f"printf %s {shlex.quote(PASSWORD)}")],
        gateway=GatewaySettings(url=gateway.url, token_command=f"printf %s {shlex.quote(token)}"),
    )
    config = root / "config" / "settings.toml"
    save(settings, config)
    data = root / "data"
    proc = subprocess.Popen(
        tidings("-v", "--config", str(config), "--data-dir", str(data), "watch", "--json"),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
    )  # fmt: skip
    try:
        out = Output(proc)

        def online(printed: list[dict[str, Any]]) -> bool:
            up = {o["source"] for o in printed if o["event"] == "status" and o["state"] == "online"}
            return up >= {"mail:work", "gateway"}

        def new_from(source: str) -> Callable[[list[dict[str, Any]]], bool]:
            return lambda printed: any(o["event"] == "new" and o["source"] == source for o in printed)

        out.wait(online, "both sources online")
        dovecot.append(mail_user, raw_mail("Quarterly numbers"))
        out.wait(new_from("mail:work"), "the new mail")
        approval = {"approval": {"id": "P-1", "title": "Laptop", "requester": {"id": "li", "name": "Li"}}}
        gateway.post_event("oa-watch", oa, "approval.requested", approval, recipients=[USER])
        out.wait(new_from("gateway"), "the approval")
        running = modes(data)
    finally:
        returncode = stop(proc)
    out.join()
    return WatchRun(
        token=token,
        root=root,
        data=data,
        config=config,
        modes_running=running,
        modes_after=modes(data),
        stdout="".join(out.stdout),
        stderr="".join(out.stderr),
        returncode=returncode,
    )


def test_watch_keeps_every_folder_0700_and_every_file_0600(watch_run: WatchRun) -> None:
    assert watch_run.returncode == 0, watch_run.stderr[-3000:]
    running = watch_run.modes_running
    # what must be there while it runs: the database with its WAL and shared memory, the log
    assert {"inbox.sqlite3", "inbox.sqlite3-wal", "inbox.sqlite3-shm", "logs", "logs/tidings.log"} <= set(
        running
    )
    assert_private(running, watch_run.data)
    assert_private(watch_run.modes_after, watch_run.data)
    assert_private(modes(watch_run.config.parent), watch_run.config.parent)


def test_verbose_watch_never_outputs_the_password_or_the_token(watch_run: WatchRun) -> None:
    logs = watch_run.log_files()
    outputs = {"stdout": watch_run.stdout, "stderr": watch_run.stderr, **logs}
    assert_no_secret(outputs, watch_run.token)
    # -v was in effect and the lines that used to leak were written, redacted
    for where in ("stderr", "logs/tidings.log"):
        assert "websockets.client: > Authorization: Bearer [redacted]" in outputs[where]
        assert "imapclient.imaplib: > b'" in outputs[where]
        assert " LOGIN [redacted]" in outputs[where]


@pytest.mark.desktop
def test_the_tray_app_with_secrets_in_the_keyring_never_outputs_them(
    tmp_path: Path, dovecot: Dovecot, mail_user: str, gateway: GatewayProcess
) -> None:
    token = gateway.issue_token(USER)
    settings = Settings(mail=[mail_account(dovecot)], gateway=GatewaySettings(url=gateway.url))
    config = tmp_path / "config" / "settings.toml"
    save(settings, config)
    data = tmp_path / "data"
    home = tmp_path / "home"
    home.mkdir()
    with DesktopSession(keyring_password="session-keyring-pw") as desk:
        session = env(**desk.env, HOME=str(home), QT_QPA_PLATFORM="offscreen")
        # stored the way a user does it: `tidings ... set-password` reads stdin
        for args, secret in (
            (("account", "set-password", "work"), PASSWORD),
            (("gateway", "set-token"), token),
        ):
            done = subprocess.run(
                tidings("-v", "--config", str(config), *args),
                input=secret + "\n", cwd=ROOT, capture_output=True, text=True, env=session, timeout=60,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert_no_secret({f"{args} stdout": done.stdout, f"{args} stderr": done.stderr}, token)
        proc = subprocess.Popen(
            tidings("-v", "--config", str(config), "--data-dir", str(data)),
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=session,
        )  # fmt: skip
        log_file = data / "logs" / "tidings.log"
        # Both sources signed in with secrets from the keyring, handed back through
        # qasync's executor: the moments a secret used to reach the log.
        wanted = ("websockets.client: = connection is OPEN", "imapclient.imapclient: Logged in as vera")
        try:
            out = Output(proc)
            deadline = time.monotonic() + 30
            text = ""
            while time.monotonic() < deadline and proc.poll() is None:
                text = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
                if all(w in text for w in wanted):
                    break
                time.sleep(0.05)
            assert all(w in text for w in wanted), "".join(out.stderr)[-3000:]
        finally:
            returncode = stop(proc)
        out.join()
    outputs = {
        "stdout": "".join(out.stdout),
        "stderr": "".join(out.stderr),
        **{p.name: p.read_text(encoding="utf-8") for p in sorted(log_file.parent.glob("tidings.log*"))},
    }
    assert returncode == 0, outputs["stderr"][-3000:]
    assert_no_secret(outputs, token)
    # The keyring lookup came back through the app's thread pool, which does not log what
    # it hands back (qasync's executor did: desktop/ui/app.py event_loop).
    assert "Setting Future result" not in outputs["tidings.log"]
    assert "Authorization: Bearer [redacted]" in outputs["tidings.log"]
