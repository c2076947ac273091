"""Secrets come from the keyring or a command, and errors say how to fix them."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend

from desktop.config import secrets


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


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
