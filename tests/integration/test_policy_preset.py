"""A preset desktop starts configured: the organisation's policy names the account (the
user name from the login name), the user adds only the password, and the real
`tidings watch` signs in to a real Dovecot with it. A malformed policy beside it is
reported and does not stop the start."""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path
from typing import Any

from harness.dovecot import Dovecot
from tests.integration import apprun
from tests.integration.apprun import JsonLines


def watch_with_policy(
    tmp_path: Path, policy: Path, user_file: str
) -> tuple[subprocess.Popen[str], JsonLines]:
    config = tmp_path / "settings.toml"
    config.write_text(user_file, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "TIDINGS_POLICY": str(policy),
        # An empty keyring: nothing stored yet, as on a freshly installed desktop.
        "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring",
    }
    proc = apprun.start_watch(config, tmp_path / "d", env)
    return proc, JsonLines(proc)


def next_status(lines: JsonLines, timeout: float = 15) -> dict[str, Any]:
    return lines.next_matching(
        lambda o: o["event"] == "status" and o["state"] in ("online", "auth_failed", "error"),
        "settled status",
        timeout,
    )


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
    proc, lines = watch_with_policy(tmp_path, policy, "")
    try:
        status = next_status(lines)
    finally:
        err = stop(proc)
    assert status["source"] == "mail:work" and status["state"] == "auth_failed"
    assert "no password is stored for work" in status["message"]
    assert "previews must be one of full, sender, hidden; it is ignored" in err and str(policy) in err

    # The user adds only the personal part; the enforced host in their file is ignored.
    proc, lines = watch_with_policy(
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
