"""A preset desktop starts configured: the organisation's policy names the account (the
user name from the login name), the user adds only the password, and the real
`tidings watch` signs in to a real Dovecot with it. A malformed policy beside it is
reported and does not stop the start."""

from __future__ import annotations

import getpass
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from harness.dovecot import Dovecot

ROOT = Path(__file__).resolve().parents[2]


def start_watch(
    tmp_path: Path, policy: Path, user_file: str
) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    config = tmp_path / "settings.toml"
    config.write_text(user_file, encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "desktop.app.cli",
            "--config",
            str(config),
            "--data-dir",
            str(tmp_path / "d"),
            "watch",
            "--json",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "TIDINGS_POLICY": str(policy),
            # An empty keyring: nothing stored yet, as on a freshly installed desktop.
            "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring",
        },
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    return proc, lines


def next_status(lines: queue.Queue[str], timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            obj = json.loads(lines.get(timeout=max(0.01, deadline - time.monotonic())))
        except queue.Empty:
            break
        seen.append(obj)
        if obj["event"] == "status" and obj["state"] in ("online", "auth_failed", "error"):
            return obj
    raise AssertionError(f"no settled status within {timeout} s; saw {seen}")


def stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
    assert proc.stderr is not None
    return proc.stderr.read()


def test_a_preset_account_connects_once_the_user_gives_the_password(dovecot: Dovecot, tmp_path: Path) -> None:
    login = getpass.getuser()
    dovecot.add_user(f"{login}-preset", "pw")
    policy = tmp_path / "policy.toml"
    policy.write_text(
        "[[enforced.mail]]\n"
        'name = "work"\n'
        'host = "127.0.0.1"\n'
        f"port = {dovecot.imap_port}\n"
        'security = "plain"\n'
        'username = "{user}-preset"\n'
        "[enforced.notifications]\n"
        'previews = "nonsense"\n',  # a mistake: reported, and the rest still applies
        encoding="utf-8",
    )
    # Before the user signs in: the account is there, and says what it needs.
    proc, lines = start_watch(tmp_path, policy, "")
    try:
        status = next_status(lines)
    finally:
        err = stop(proc)
    assert status["source"] == "mail:work" and status["state"] == "auth_failed"
    assert "no password is stored for work" in status["message"]
    assert "previews must be one of full, sender, hidden; it is ignored" in err and str(policy) in err

    # The user adds only the personal part; the enforced host in their file is ignored.
    proc, lines = start_watch(
        tmp_path,
        policy,
        '[[mail]]\nname = "work"\nhost = "evil.example"\npassword_command = "printf pw"\n',
    )
    try:
        status = next_status(lines)
    finally:
        err = stop(proc)
    assert status == {"event": "status", "source": "mail:work", "state": "online", "message": ""}
    assert "host is set by your organisation" in err
