"""A password beyond ASCII against Dovecot's submission service: sending signs in with AUTH
PLAIN in UTF-8 (RFC 4616) and the message reaches the sink; a wrong one is the usual wrong
password; one that cannot be encoded is refused before anything is sent. The password is in
no error text and no log record (the IMAP bug logged it in an exception's repr)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator

import pytest

from desktop.sources.smtp import (
    Draft,
    FailureKind,
    Identity,
    Mailbox,
    Outgoing,
    Password,
    SendError,
    SmtpServer,
    render,
    submit,
)
from harness.dovecot import Dovecot
from harness.smtp_sink import SmtpSink
from tests.integration.polling import until

pytestmark = pytest.mark.dovecot

PASSWORD = "пароль-密码-ü"  # Cyrillic, Chinese, a Latin-1 letter: UTF-8 of 2 and 3 bytes
WRONG = "пароль-密码-u"  # one letter off, still beyond ASCII

_n = itertools.count(1)


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        yield s


@pytest.fixture(scope="module")
def server(sink: SmtpSink) -> Iterator[Dovecot]:
    """No failed sign-in on this one: each costs later logins a growing delay (auth penalty)."""
    with Dovecot(smtp_relay_port=sink.port) as d:
        yield d


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record at every level, as they are before the handlers' redaction."""
    caplog.set_level(logging.DEBUG)
    return caplog


def new_user(d: Dovecot, password: str = PASSWORD) -> str:
    user = f"utf{next(_n)}"
    d.add_user(user, password)
    return user


def message() -> Outgoing:
    n = next(_n)
    return render(
        Draft(Identity("", "me@example.com"), f"<utf.{n}@example.com>", to=(Mailbox("", "bob@example.org"),))
    )


def port(d: Dovecot, security: str) -> SmtpServer:
    number = d.submissions_port if security == "tls" else d.submission_port
    return SmtpServer("localhost", number, security, ca_file=d.ca_file, timeout=10)  # type: ignore[arg-type]


def wait_for(cond: Callable[[], object], what: str) -> None:
    """Dovecot's log lines come within a second or two: 15 s only guards against a hang."""
    until(cond, what, timeout=15.0, interval=0.02)


def refusal(d: Dovecot, user: str, password: str) -> SendError:
    with pytest.raises(SendError) as caught:
        submit(port(d, "starttls"), Password(user, password), message())
    return caught.value


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_non_ascii_password_sends_and_the_message_arrives(
    server: Dovecot, sink: SmtpSink, records: pytest.LogCaptureFixture, security: str
) -> None:
    user = new_user(server)
    out = message()
    assert submit(port(server, security), Password(user, PASSWORD), out).startswith("2.0.0")
    relayed = sink.wait_for(lambda m: m.message_id == out.message_id)
    assert relayed.rcpt_tos == ("bob@example.org",)
    # AUTH PLAIN with the password's UTF-8 bytes (Dovecot compares those), not smtplib's ASCII
    wait_for(
        lambda: f"submission-login: Info: Login: user=<{user}>, method=PLAIN" in server.log_text(),
        "Dovecot's sign-in line",
    )
    assert PASSWORD not in records.text


def test_a_wrong_non_ascii_password_is_the_usual_wrong_password(
    sink: SmtpSink, records: pytest.LogCaptureFixture
) -> None:
    with Dovecot(smtp_relay_port=sink.port) as d:
        utf, ascii_user = new_user(d), new_user(d, "right")
        wrong_utf = refusal(d, utf, WRONG)
        wrong_ascii = refusal(d, ascii_user, "wrong")
        failures = d.login_failures(utf), d.login_failures(ascii_user)

    assert wrong_utf.kind is FailureKind.AUTH and wrong_utf.code == 535
    # The same verdict and sentence as for an ASCII password: sending stops, "sign in again"
    assert (wrong_utf.kind, wrong_utf.code, str(wrong_utf)) == (
        wrong_ascii.kind,
        wrong_ascii.code,
        str(wrong_ascii),
    )
    assert "sign in again" in str(wrong_utf)
    assert failures == (1, 1)  # checked by Dovecot once each: PLAIN, no LOGIN retry
    for secret in (WRONG, PASSWORD, "wrong"):
        assert secret not in str(wrong_utf) + repr(wrong_utf) + records.text


@pytest.mark.parametrize(
    "password",
    ["пароль-\udcff", "пароль\0admin"],  # a lone surrogate (no UTF-8); a NUL (PLAIN's separator)
    ids=["lone-surrogate", "nul"],
)
def test_a_password_that_cannot_be_encoded_is_refused_before_sending_it(
    server: Dovecot, records: pytest.LogCaptureFixture, password: str
) -> None:
    user = new_user(server)
    aborted = "submission-login: Info: Disconnected: Aborted login by logging out (no auth attempts"
    before = server.log_text().count(aborted)
    error = refusal(server, user, password)

    assert error.kind is FailureKind.AUTH and error.code is None  # enter it again; not retried
    assert str(error) == (
        "The user name or password holds a character that cannot be sent to localhost "
        "(a NUL character or broken Unicode text): enter them again."
    )
    # Dovecot saw the session end with no AUTH at all, and no password check
    wait_for(lambda: server.log_text().count(aborted) == before + 1, "the session's end without AUTH")
    assert server.login_failures(user) == 0
    # Not even the error's cause may hold it: UnicodeEncodeError's repr has the whole string
    cause = error.__cause__ or error.__context__
    for text in (str(error), repr(error), repr(cause), records.text):
        assert "пароль" not in text and "\udcff" not in text
