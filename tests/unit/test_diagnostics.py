"""`tidings diagnostics`: everything the helpdesk needs, and not one secret."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from desktop.app import diagnostics
from desktop.app.cli import main
from desktop.config import logs
from desktop.config.settings import load
from desktop.core.events import ConnectionState, SourceStatus

PASSWORD = "Hunter2-mail-pw"
COMMAND_PASSWORD = "cmd-S3cret-pw"
TOKEN = "gw-tok-9f8e7d6c5b4a"
GATEWAY_PASSWORD = "gw-url-pw-771"
PROXY_PASSWORD = "Pr0xy-pass-42"
KEYRING_TOKEN = "keyring-refresh-7a7a7a"
SECRETS = (PASSWORD, COMMAND_PASSWORD, TOKEN, GATEWAY_PASSWORD, PROXY_PASSWORD, KEYRING_TOKEN)

SETTINGS = f"""
[[mail]]
name = "work"
host = "imap.example.com"
username = "ann"
password_command = "echo {COMMAND_PASSWORD}"

[gateway]
url = "wss://ann:{GATEWAY_PASSWORD}@gw.example.com"
token_command = "printf {TOKEN}"
"""

XOAUTH2 = base64.b64encode(f"user=ann\x01auth=Bearer {TOKEN}\x01\x01".encode()).decode()

# Lines an older Tidings, or a library at -v, might have left in the log file.
LOG = f"""\
2026-01-01 10:00:00,000 INFO desktop.sources.imap: connected to imap.example.com
2026-01-01 10:00:01,000 DEBUG imapclient: > b'a1 LOGIN ann {PASSWORD}'
2026-01-01 10:00:02,000 DEBUG websockets: > Authorization: Bearer {TOKEN}
2026-01-01 10:00:03,000 DEBUG httpx: proxy http://bob:{PROXY_PASSWORD}@proxy.corp:3128 password={PROXY_PASSWORD}
2026-01-01 10:00:04,000 DEBUG qasync: Setting Future result: '{KEYRING_TOKEN}'
2026-01-01 10:00:05,000 DEBUG auth: AUTHENTICATE XOAUTH2 {XOAUTH2}
2026-01-01 10:00:06,000 WARNING desktop.sources.gateway: gateway: sign-in refused
"""


def forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, base64.b64encode(raw).decode().rstrip("="), repr(secret)[1:-1]]


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        for form in forms(secret):
            assert form not in text, f"{secret!r} leaked as {form!r}"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config = tmp_path / "settings.toml"
    config.write_text(SETTINGS)
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "tidings.log.1").write_text("2025-12-31 23:59:59,000 INFO old: rotated line\n")
    (data / "logs" / "tidings.log").write_text(LOG)
    monkeypatch.setenv("HTTPS_PROXY", f"http://bob:{PROXY_PASSWORD}@proxy.corp:3128")
    monkeypatch.setenv("TIDINGS_POLICY", str(tmp_path / "no-policy.toml"))
    logs.register_secret(KEYRING_TOKEN)  # loaded from the keyring by this process
    return config, data


def test_the_cli_report_has_what_the_helpdesk_needs_and_no_secret(
    setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, data = setup
    assert main(["diagnostics", "--config", str(config), "--data-dir", str(data)]) == 0
    text = capsys.readouterr().out
    assert_no_secret(text)
    for expected in (
        "Tidings 0.1.0",
        "Python ",
        "pyside6-essentials ",
        "imapclient ",
        'host = "imap.example.com"    # user',
        "password_command = <set, not shown>    # user",
        "token_command = <set, not shown>    # user",
        'url = "wss://ann:[redacted]@gw.example.com"    # user',
        'previews = "full"    # built-in',
        "HTTPS_PROXY=http://bob:[redacted]@proxy.corp:3128",
        "configured: mail:work",
        "Copy diagnostics",  # where the live states are
        "rotated line",  # the rotated file's lines come first
        "gateway: sign-in refused",
    ):
        assert expected in text, expected
    assert text.index("rotated line") < text.index("sign-in refused")


def test_the_report_file_is_private(setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    config, data = setup
    out = data / "diagnostics.txt"
    assert main(["diagnostics", "--config", str(config), "--data-dir", str(data), "--output", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert_no_secret(out.read_text())


def test_the_app_report_has_the_live_states(setup: tuple[Path, Path]) -> None:
    config, data = setup
    settings = load(config)
    statuses = {
        "mail:work": SourceStatus("mail:work", ConnectionState.AUTH_FAILED, f"wrong password {PASSWORD}"),
        "gateway": SourceStatus("gateway", ConnectionState.ONLINE),
    }
    logs.register_secret(PASSWORD)  # the source loaded it to sign in
    context = diagnostics.Context(
        data_dir=data,
        log_file=data / "logs" / "tidings.log",
        statuses=statuses,
        names={"mail:work": "Work mail"},
        extra_versions={"Qt": "6.11.3"},
        producer="the tray app",
    )
    text = diagnostics.report(settings, context)
    assert_no_secret(text)
    assert "Work mail: auth_failed — wrong password [redacted]" in text
    assert "gateway: online" in text and "Qt 6.11.3" in text and "from the tray app" in text


def test_a_policy_shows_in_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(
        "[enforced.notifications]\npreviews = 'hidden'\n[defaults.gateway]\nurl = 'wss://gw.corp'\n"
        "[enforced.general]\nallow_add_accounts = 'no'\n"
    )
    (tmp_path / "settings.toml").write_text("[notifications]\npreviews = 'full'\n")
    from desktop.config import policy

    settings = load(tmp_path / "settings.toml", policy.read(policy_file))
    text = diagnostics.report(settings, diagnostics.Context(policy_explicit=policy_file))
    assert f"read from: {policy_file} (in use)" in text
    assert 'previews = "hidden"    # policy (enforced)' in text
    assert 'url = "wss://gw.corp"    # policy (default)' in text
    assert "ignored in the user's file (enforced): notifications.previews" in text
    assert "problem: " in text and "allow_add_accounts must be true or false" in text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:p4ss@h:1/x", "http://u:[redacted]@h:1/x"),
        ("socks5://u@h", "socks5://u@h"),
        ("wss://h/p?q=1", "wss://h/p?q=1"),
        ("not a url", "not a url"),
    ],
)
def test_scrub_url(url: str, shown: str) -> None:
    assert diagnostics.scrub_url(url) == shown
