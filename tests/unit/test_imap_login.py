"""Which IMAP command carries a password (the wire is tested against Dovecot in
tests/integration/test_imap_non_ascii_login.py): LOGIN for ASCII, AUTHENTICATE PLAIN beyond."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState
from desktop.sources.imap.connection import ImapProblem, _password_login


class Client:
    """Records the sign-in command; offers ``capabilities`` as a server would before login."""

    def __init__(self, *capabilities: bytes) -> None:
        self.caps = (b"IMAP4REV1", *capabilities)
        self.calls: list[tuple[str, str, str]] = []

    def capabilities(self) -> tuple[bytes, ...]:
        return self.caps

    def login(self, user: str, password: str) -> None:
        self.calls.append(("LOGIN", user, password))

    def plain_login(self, user: str, password: str) -> None:
        self.calls.append(("AUTHENTICATE PLAIN", user, password))


def account(username: str = "ann") -> MailAccount:
    return MailAccount(name="work", host="mail.example.org", username=username)


@pytest.mark.parametrize(
    ("username", "password", "command"),
    [
        ("ann", "s3cret!", "LOGIN"),  # unchanged for ASCII: every server takes LOGIN
        ("ann", "пароль", "AUTHENTICATE PLAIN"),
        ("张敏@example.cn", "s3cret!", "AUTHENTICATE PLAIN"),
    ],
)
def test_login_for_ascii_plain_beyond(username: str, password: str, command: str) -> None:
    client: Any = Client(b"AUTH=PLAIN")
    _password_login(client, account(username), password)
    assert client.calls == [(command, username, password)]


def test_a_server_without_plain_is_told_apart_from_a_wrong_password() -> None:
    client: Any = Client(b"AUTH=LOGIN")
    with pytest.raises(ImapProblem) as caught:
        _password_login(client, account(), "пароль")
    assert caught.value.state is ConnectionState.ERROR  # setup, not AUTH_FAILED: retyping won't help
    assert "mail.example.org" in caught.value.message and "ASCII" in caught.value.message
    assert "пароль" not in caught.value.message
    assert client.calls == []  # nothing sent that the server cannot read
