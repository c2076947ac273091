"""The demo (`python -m harness.demo`) headless, as `bash scripts/demo.sh` runs it on a server:
"Sign in with your company account" against the harness provider, scripted in headless
Chromium, signs mail (Dovecot's passdb oauth2) and the gateway (sso) in with one browser
sign-in; the office's mail, chat and approvals then arrive. Screenshots are saved."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.desktop, pytest.mark.dovecot, pytest.mark.gateway]

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(240)
def test_the_headless_demo_signs_in_once_for_mail_and_the_gateway(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.demo",
            "--duration",
            "30",
            "--until-shown",  # done once mail, chat and an approval arrived and the window was shot
            "--interval",
            "2",
            "--data-dir",
            str(data),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=220,
        check=False,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    # The terminal says what to type on the provider's page, then that one sign-in did both.
    assert "user name: demo" in out and "password:" in out
    assert "signed in for mail and the gateway" in out, out
    drivers = [json.loads(line) for line in (data / "browser" / "drivers.log").read_text().splitlines()]
    assert [d["event"] for d in drivers] == ["start", "done"]  # one browser sign-in
    settings = (data / "settings.toml").read_text()
    assert 'auth = "oauth2"' in settings and 'sign_in = "sso"' in settings and "[oauth.demo]" in settings
    assert "password_command" not in settings and "token_command" not in settings

    log = (data / "tidings.log").read_text(errors="replace")
    assert "gateway session" in log and "Sign in again" not in log, log[-3000:]
    with sqlite3.connect(f"file:{data / 'app' / 'inbox.sqlite3'}?mode=ro", uri=True) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM items")]
    assert any(i.startswith("mail:") for i in ids) and any(i.startswith("gw:msg:") for i in ids)
    assert any(i.startswith("gw:approval:") for i in ids)
    assert (data / "screenshot.png").stat().st_size > 10_000
    # The sign-in went to the demo's keyring file, private, and into no log or terminal.
    keyring = data / "keyring" / "keyring.json"
    assert keyring.stat().st_mode & 0o777 == 0o600
    for token in json.loads(keyring.read_text()).values():
        assert token not in log and token not in out
