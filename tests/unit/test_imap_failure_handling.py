"""The pure parts of IMAP failure handling (issue 7, items 9 and 13): how a failed LOGIN is
classified, and the two places an IDLE wake-up hides. Real sockets, no server."""

from __future__ import annotations

import imaplib
import select
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from imapclient.exceptions import LoginError

from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState
from desktop.sources.imap.connection import classify
from desktop.sources.imap.idle import has_buffered_input, take_announcements

ACCOUNT = MailAccount(name="work", host="mail.example.org", username="ann", security="tls")


def login_error(cause: BaseException) -> LoginError:
    """What imapclient raises: LoginError(str(e)) inside ``except IMAPClientError as e``."""
    err = LoginError(str(cause))
    err.__context__ = cause
    return err


@pytest.mark.parametrize(
    ("cause", "state"),
    [
        (imaplib.IMAP4.error(b"[AUTHENTICATIONFAILED] Authentication failed."), ConnectionState.AUTH_FAILED),
        (imaplib.IMAP4.error(b"Invalid credentials"), ConnectionState.AUTH_FAILED),
        (imaplib.IMAP4.abort("command: LOGIN => socket error: EOF"), ConnectionState.OFFLINE),
        (imaplib.IMAP4.error(b"[UNAVAILABLE] Temporary authentication failure."), ConnectionState.OFFLINE),
        (imaplib.IMAP4.error(b"[LIMIT] Too many connections"), ConnectionState.OFFLINE),
        (imaplib.IMAP4.error("LOGIN command error: BAD [b'Error in IMAP command']"), ConnectionState.OFFLINE),
        (
            imaplib.IMAP4.error(b"[PRIVACYREQUIRED] Plaintext authentication disallowed"),
            ConnectionState.ERROR,
        ),
    ],
    ids=["authfailed", "plain-no", "eof", "unavailable", "limit", "bad", "privacy"],
)
def test_only_a_tagged_no_to_login_is_a_wrong_password(cause: BaseException, state: ConnectionState) -> None:
    problem = classify(login_error(cause), ACCOUNT)
    assert problem.state is state
    assert "secret" not in problem.message


def test_a_login_error_without_a_server_answer_is_an_outage() -> None:
    err = LoginError("socket error")
    err.__context__ = ConnectionResetError(104, "Connection reset by peer")
    assert classify(err, ACCOUNT).state is ConnectionState.OFFLINE
    assert classify(LoginError("no context"), ACCOUNT).state is ConnectionState.OFFLINE


def test_refused_is_marked_so_the_worker_retries_soon() -> None:
    problem = classify(ConnectionRefusedError(111, "Connection refused"), ACCOUNT)
    assert problem.state is ConnectionState.OFFLINE and problem.refused
    assert not classify(TimeoutError("timed out"), ACCOUNT).refused


def fake_client(untagged: dict[str, list[bytes]] | None = None, sock: Any = None, file: Any = None) -> Any:
    imap = SimpleNamespace(untagged_responses=untagged or {}, file=file)
    return SimpleNamespace(_imap=imap, socket=lambda: sock)


def test_announcements_filed_with_other_answers_are_taken_once() -> None:
    untagged = {"EXISTS": [b"7"], "RECENT": [b"1"], "FLAGS": [b"(\\Seen)"]}
    client = fake_client(untagged)
    assert take_announcements(client) == (True, False)
    assert untagged == {"FLAGS": [b"(\\Seen)"]}  # what is not a change stays
    assert take_announcements(client) == (False, False)
    untagged["EXPUNGE"] = [b"3"]
    assert take_announcements(client) == (True, True)


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    a.settimeout(5.0)
    yield a, b
    a.close()
    b.close()


def test_bytes_read_along_with_idling_are_seen_though_select_says_nothing(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, server = pair
    reader = ours.makefile("rb")
    client = fake_client(sock=ours, file=reader)
    assert not has_buffered_input(client)  # nothing sent: returns at once, does not block
    server.sendall(b"+ idling\r\n* 8 EXISTS\r\n")
    assert reader.readline() == b"+ idling\r\n"  # imaplib reads the continuation...
    assert select.select([ours], [], [], 0)[0] == []  # ...and the EXISTS hides in its buffer
    assert has_buffered_input(client)
    assert ours.gettimeout() == 5.0  # the socket's timeout is left as it was
    assert reader.readline() == b"* 8 EXISTS\r\n"
    assert not has_buffered_input(client)
