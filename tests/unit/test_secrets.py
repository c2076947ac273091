"""Secrets come from the keyring or a command, and errors say how to fix them."""

from __future__ import annotations

import pytest

from desktop.config import secrets
from tests.memory_keyring import MemoryKeyring


def test_keyring_round_trip(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret(secrets.mail_key("work"), "s3cret")
    assert secrets.get_secret(secrets.mail_key("work")) == "s3cret"
    secrets.delete_secret(secrets.mail_key("work"))
    with pytest.raises(secrets.SecretError, match="no password is stored for work"):
        secrets.get_secret(secrets.mail_key("work"))


def test_command_first_line_is_the_secret() -> None:
    assert secrets.get_secret("x", "printf 'pw with space\\nsecond'") == "pw with space"


def test_failing_command_reports_stderr_not_stdout() -> None:
    with pytest.raises(secrets.SecretError) as info:
        secrets.get_secret("x", "echo leaked-secret; echo 'store locked' >&2; exit 3")
    assert "store locked" in str(info.value)
    assert "leaked-secret" not in str(info.value)


def test_empty_and_hanging_commands() -> None:
    with pytest.raises(secrets.SecretError, match="printed nothing"):
        secrets.get_secret("x", "true")
    with pytest.raises(secrets.SecretError, match="did not finish"):
        secrets.run_command("sleep 5", "password", timeout=0.3)
