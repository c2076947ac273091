"""Sending against real servers: Dovecot's submission service relaying to an aiosmtpd sink,
and Dovecot's IMAP for the Sent folder.

Each test shows one promise of issue 10: the reply arrives as composed, it is filed in Sent
once, a resend after a crash does not send it twice, and every refusal is classified with
the server's own words.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import itertools
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

from desktop.sources.smtp import (
    Delivery,
    Draft,
    FailureKind,
    Identity,
    Mailbox,
    OAuthToken,
    Original,
    Outgoing,
    Password,
    Phase,
    SendError,
    SentFolder,
    SmtpServer,
    find_sent_folder,
    forward,
    render,
    reply_all,
    submit,
)
from harness.dovecot import Dovecot
from harness.net import free_port
from harness.smtp_sink import Relayed, SmtpSink

pytestmark = pytest.mark.dovecot

SIZE_LIMIT = 64 * 1024
REFUSED = "nobody@example.org"
_users = itertools.count(1)


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        s.refuse(REFUSED, "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown")
        yield s


@pytest.fixture(scope="module")
def server(sink: SmtpSink) -> Iterator[Dovecot]:
    """One Dovecot with submission for the module; tests that fail a login get their own."""
    with Dovecot(smtp_relay_port=sink.port, submission_max_mail_size=f"{SIZE_LIMIT // 1024}k") as d:
        yield d


def new_user(d: Dovecot, password: str = "pw") -> str:
    user = f"s{next(_users)}"
    d.add_user(user, password)
    return user


def starttls(d: Dovecot) -> SmtpServer:
    return SmtpServer("localhost", d.submission_port, "starttls", ca_file=d.ca_file, timeout=10)


def sent_folder(d: Dovecot, user: str) -> SentFolder:
    return SentFolder(functools.partial(d.client, user, True))


def in_sent(d: Dovecot, user: str, message_id: str) -> list[int]:
    client = d.client(user)
    try:
        client.select_folder("Sent", readonly=True)
        return list(client.search(["HEADER", "Message-ID", message_id]))
    finally:
        client.logout()


class Phases(list[Phase]):
    """The ``record`` callback: what the outbox would have written, in order."""

    def __call__(self, phase: Phase) -> None:
        self.append(phase)


def sentinel(d: Dovecot, sink: SmtpSink, user: str) -> None:
    """Send a marker after the thing that must not be relayed, and wait for it: once the
    marker is in the sink, anything sent before it would be there too."""
    me = Identity("Sentinel", f"{user}@example.com")
    out = render(Draft(me, f"<sentinel.{next(_users)}@example.com>", to=(Mailbox("", "m@example.org"),)))
    submit(starttls(d), Password(user, "pw"), out)
    sink.wait_for(lambda m: m.message_id == out.message_id)


ORIGINAL = (
    b"From: =?GB2312?B?1cXI/Q==?= <zhang@example.cn>\r\n"
    b"To: Team <team@example.com>, =?UTF-8?B?5p2O5Zub?= <li@example.org>\r\n"
    b"Cc: ME@example.com, carol@example.net, li@example.org\r\n"
    b"Subject: =?GB2312?B?u9i4tDogsai82w==?=\r\n"
    b"Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n"
    b"Message-ID: <quote.42@example.cn>\r\n"
    b"References: <root.1@example.cn>\r\n"
    b"Content-Type: text/plain; charset=GB2312\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "报价如下：\r\n第二行\r\n".encode("gb2312")
)


def test_reply_all_goes_out_as_composed_and_is_filed_in_sent_once(server: Dovecot, sink: SmtpSink) -> None:
    user = new_user(server)
    me = Identity("Me Myself", "me@example.com")
    server.append(user, ORIGINAL)
    client = server.client(user)
    try:
        client.select_folder("INBOX", readonly=True)
        (uid,) = client.search(["ALL"])
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    finally:
        client.logout()

    draft = reply_all(Original.from_bytes(raw), me)
    # what the user types in the compose window: a line on top, and a Bcc (envelope only)
    draft = dataclasses.replace(draft, body="好的。" + draft.body, bcc=(Mailbox("", "boss@example.com"),))
    out = render(draft, date=datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    phases = Phases()
    outcome = Delivery(
        functools.partial(submit, starttls(server), Password(user, "pw")), sent_folder(server, user)
    ).run(out, Phase.QUEUED, phases)

    assert outcome.phase is Phase.SENT and outcome.submitted and outcome.error is None
    assert phases == [Phase.SUBMITTING, Phase.ACCEPTED, Phase.SENT]
    relayed = sink.wait_for(lambda m: m.message_id == out.message_id)
    assert relayed.mail_from == "me@example.com"
    assert sorted(relayed.rcpt_tos) == sorted(
        ["zhang@example.cn", "team@example.com", "li@example.org", "carol@example.net", "boss@example.com"]
    )
    msg = relayed.message
    assert msg["Subject"] == "Re: 报价"
    assert msg["From"] == "Me Myself <me@example.com>"
    assert msg["In-Reply-To"] == "<quote.42@example.cn>"
    assert msg["References"].split() == ["<root.1@example.cn>", "<quote.42@example.cn>"]
    assert "boss@example.com" not in relayed.data.decode("ascii")  # Bcc never in the headers
    assert "me@example.com" not in (msg["To"] + msg["Cc"]).lower()
    assert msg["Cc"] == "carol@example.net"
    body = msg.get_content().replace("\r\n", "\n")  # base64 of CRLF lines, as sent
    assert body.startswith("好的。\n\nOn ")
    assert "张三 <zhang@example.cn> wrote:\n> 报价如下：\n> 第二行\n" in body
    assert relayed.data.isascii()  # 7bit on the wire: passes any relay unchanged
    # Filed once, read, byte for byte what was sent
    uids = in_sent(server, user, out.message_id)
    assert len(uids) == 1
    client = server.client(user)
    try:
        client.select_folder("Sent", readonly=True)
        data = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"])[uids[0]]
    finally:
        client.logout()
    assert b"\\Seen" in data[b"FLAGS"]
    assert data[b"BODY[]"] == out.data


def test_a_resend_after_a_crash_finds_it_in_sent_and_does_not_send_again(
    server: Dovecot, sink: SmtpSink
) -> None:
    user = new_user(server)
    me = Identity("Me", "me@example.com")
    out = render(Draft(me, "<crash.1@example.com>", to=(Mailbox("Bob", "bob@example.org"),), body="once"))
    delivery = Delivery(
        functools.partial(submit, starttls(server), Password(user, "pw")), sent_folder(server, user)
    )
    assert delivery.run(out, Phase.QUEUED, Phases()).phase is Phase.SENT
    # The process died before "sent" was written: the outbox still says SUBMITTING.
    phases = Phases()
    again = delivery.run(out, Phase.SUBMITTING, phases)

    assert again.phase is Phase.SENT and again.found_in_sent and not again.submitted
    assert phases == [Phase.SENT]
    sentinel(server, sink, user)
    assert len(sink.with_message_id(out.message_id)) == 1
    assert len(in_sent(server, user, out.message_id)) == 1


def test_accepted_but_not_yet_filed_is_filed_once_and_never_resent(server: Dovecot, sink: SmtpSink) -> None:
    user = new_user(server)
    me = Identity("Me", "me@example.com")
    out = render(Draft(me, "<crash.2@example.com>", to=(Mailbox("", "bob@example.org"),), body="x"))
    submit(starttls(server), Password(user, "pw"), out)  # then the crash, with ACCEPTED recorded
    refusing = Delivery(_must_not_submit, sent_folder(server, user))

    first = refusing.run(out, Phase.ACCEPTED, Phases())
    # ...and a crash after the APPEND but before SENT was written: the copy is not doubled
    second = refusing.run(out, Phase.ACCEPTED, Phases())

    assert first.phase is second.phase is Phase.SENT
    assert len(in_sent(server, user, out.message_id)) == 1
    sentinel(server, sink, user)
    assert len(sink.with_message_id(out.message_id)) == 1


def _must_not_submit(message: Outgoing) -> str:
    raise AssertionError(f"{message.message_id} was submitted again")


def test_a_refused_recipient_fails_the_message_with_the_servers_words(
    server: Dovecot, sink: SmtpSink
) -> None:
    user = new_user(server)
    me = Identity("Me", "me@example.com")
    to = (Mailbox("", "bob@example.org"), Mailbox("Nobody", REFUSED))
    out = render(Draft(me, "<refused.1@example.com>", to=to, body="x"))
    phases = Phases()
    outcome = Delivery(
        functools.partial(submit, starttls(server), Password(user, "pw")), sent_folder(server, user)
    ).run(out, Phase.QUEUED, phases)

    assert outcome.phase is Phase.FAILED and phases == [Phase.SUBMITTING, Phase.FAILED]
    error = outcome.error
    assert isinstance(error, SendError) and error.kind is FailureKind.PERMANENT
    assert not outcome.retry_later and not outcome.needs_user
    assert list(error.refused) == [REFUSED] and error.refused[REFUSED][0] == 550
    assert "User unknown" in str(error) and REFUSED in str(error)
    # Nobody got it, not even the accepted recipient: no half-sent message
    sentinel(server, sink, user)
    assert sink.with_message_id(out.message_id) == []
    assert in_sent(server, user, out.message_id) == []


def test_a_message_over_the_size_limit_fails_before_upload(server: Dovecot, sink: SmtpSink) -> None:
    user = new_user(server)
    me = Identity("Me", "me@example.com")
    body = "A line of a long report, repeated until it is bigger than the server allows.\n" * 2000
    out = render(Draft(me, "<big.1@example.com>", to=(Mailbox("", "bob@example.org"),), body=body))
    assert len(out.data) > SIZE_LIMIT
    outcome = Delivery(functools.partial(submit, starttls(server), Password(user, "pw")), None).run(
        out, Phase.QUEUED, Phases()
    )

    assert outcome.phase is Phase.FAILED
    error = outcome.error
    assert isinstance(error, SendError) and error.kind is FailureKind.PERMANENT and error.code == 552
    assert "size exceeds" in error.server_text.lower()
    sentinel(server, sink, user)
    assert sink.with_message_id(out.message_id) == []


def test_implicit_tls_on_the_submissions_port(server: Dovecot, sink: SmtpSink) -> None:
    user = new_user(server)
    me = Identity("Me", "me@example.com")
    out = render(Draft(me, "<tls.1@example.com>", to=(Mailbox("", "bob@example.org"),), body="x"))
    tls = SmtpServer("localhost", server.submissions_port, "tls", ca_file=server.ca_file, timeout=10)
    assert submit(tls, Password(user, "pw"), out).startswith("2.0.0")
    sink.wait_for(lambda m: m.message_id == out.message_id)


def test_an_untrusted_certificate_is_a_setup_problem_and_nothing_is_sent(server: Dovecot) -> None:
    user = new_user(server)
    out = render(
        Draft(Identity("", "me@example.com"), "<ca.1@example.com>", to=(Mailbox("", "b@example.org"),))
    )
    for port, security in ((server.submission_port, "starttls"), (server.submissions_port, "tls")):
        with pytest.raises(SendError) as caught:
            submit(SmtpServer("localhost", port, security), Password(user, "pw"), out)  # type: ignore[arg-type]
        assert caught.value.kind is FailureKind.SETUP
        assert "not trusted" in str(caught.value)


def test_no_password_in_clear_unless_loopback_is_allowed_explicitly(server: Dovecot, sink: SmtpSink) -> None:
    user = new_user(server)
    out = render(
        Draft(Identity("", "me@example.com"), "<clear.1@example.com>", to=(Mailbox("", "b@example.org"),))
    )
    logins_before = server.log_text().count("submission-login: Info: Login:")
    # Dovecot would accept AUTH in clear from 127.0.0.1; the refusal has to be the client's.
    with pytest.raises(SendError) as caught:
        submit(SmtpServer("127.0.0.1", server.submission_port, "plain"), Password(user, "pw"), out)
    assert caught.value.kind is FailureKind.SETUP and "without encryption" in str(caught.value)
    allowed = SmtpServer("127.0.0.1", server.submission_port, "plain", allow_plaintext_on_loopback=True)
    submit(allowed, Password(user, "pw"), out)
    sink.wait_for(lambda m: m.message_id == out.message_id)
    # exactly one sign-in reached the server: the allowed one
    assert server.log_text().count("submission-login: Info: Login:") == logins_before + 1


def test_a_token_mechanism_the_server_lacks_is_a_setup_problem(server: Dovecot) -> None:
    user = new_user(server)
    out = render(
        Draft(Identity("", "me@example.com"), "<tok.1@example.com>", to=(Mailbox("", "b@example.org"),))
    )
    asked: list[bool] = []

    def token() -> str:
        asked.append(True)
        return "t"

    with pytest.raises(SendError) as caught:
        submit(starttls(server), OAuthToken(user, token, "XOAUTH2"), out)
    assert caught.value.kind is FailureKind.SETUP and "XOAUTH2" in str(caught.value)
    assert asked == []  # no token fetched (or leaked) for a server that cannot take it


def test_sent_is_found_by_special_use(server: Dovecot) -> None:
    user = new_user(server)
    client = server.client(user)
    try:
        assert find_sent_folder(client, configured="Elsewhere") == "Sent"
        assert not client.folder_exists("Elsewhere")
    finally:
        client.logout()


# -- servers of their own: a failed login delays later ones; a missing relay -------------------


def test_a_wrong_password_is_an_auth_error_after_one_attempt(sink: SmtpSink) -> None:
    with Dovecot(smtp_relay_port=sink.port) as d:
        user = new_user(d, "right")
        out = render(
            Draft(Identity("", "me@example.com"), "<pw.1@example.com>", to=(Mailbox("", "b@example.org"),))
        )
        phases = Phases()
        outcome = Delivery(functools.partial(submit, starttls(d), Password(user, "wrong")), None).run(
            out, Phase.QUEUED, phases
        )
        failures = d.login_failures(user)

    assert outcome.phase is Phase.QUEUED and phases == [Phase.SUBMITTING, Phase.QUEUED]
    assert outcome.needs_user and not outcome.retry_later
    error = outcome.error
    assert isinstance(error, SendError) and error.kind is FailureKind.AUTH and error.code == 535
    assert "sign in again" in str(error) and "wrong" not in str(error)
    assert failures == 1  # one mechanism tried, not PLAIN then LOGIN (each failure costs a penalty)


def test_relay_down_is_transient_and_the_message_stays_queued() -> None:
    with Dovecot(smtp_relay_port=free_port()) as d:  # nothing listens there
        user = new_user(d)
        out = render(
            Draft(Identity("", "me@example.com"), "<down.1@example.com>", to=(Mailbox("", "b@example.org"),))
        )
        outcome = Delivery(functools.partial(submit, starttls(d), Password(user, "pw")), None).run(
            out, Phase.QUEUED, Phases()
        )
    assert outcome.phase is Phase.QUEUED and outcome.retry_later
    error = outcome.error
    assert isinstance(error, SendError) and error.kind is FailureKind.TRANSIENT
    assert error.code in (421, 451) and "relay" in error.server_text.lower()


def test_server_gone_is_transient() -> None:
    out = render(
        Draft(Identity("", "me@example.com"), "<gone.1@example.com>", to=(Mailbox("", "b@example.org"),))
    )
    closed = SmtpServer("127.0.0.1", free_port(), "starttls", timeout=5)
    with pytest.raises(SendError) as caught:
        submit(closed, Password("u", "pw"), out)
    assert caught.value.kind is FailureKind.TRANSIENT and not caught.value.uncertain
    assert "refused the connection" in str(caught.value)


# -- a server that takes the body and never answers: the outcome is unknown ----------------------


class _Silent:
    """Takes the whole message, then never says 250: the reply is lost, as in a crash."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        await asyncio.sleep(30)
        return "250 OK"


def test_no_answer_after_the_body_leaves_it_submitting_so_sent_is_checked_first() -> None:
    controller = Controller(
        _Silent(),
        hostname="127.0.0.1",
        port=free_port(),
        auth_require_tls=False,
        authenticator=lambda *args: AuthResult(success=True),
    )
    controller.start()
    try:
        out = render(
            Draft(Identity("", "me@example.com"), "<lost.1@example.com>", to=(Mailbox("", "b@example.org"),))
        )
        slow = SmtpServer(
            "127.0.0.1", controller.port, "plain", timeout=1.5, allow_plaintext_on_loopback=True
        )
        phases = Phases()
        outcome = Delivery(functools.partial(submit, slow, Password("u", "pw")), None).run(
            out, Phase.QUEUED, phases
        )
    finally:
        controller.stop()
    assert outcome.phase is Phase.SUBMITTING and phases == [Phase.SUBMITTING]
    error = outcome.error
    assert isinstance(error, SendError) and error.uncertain and error.kind is FailureKind.TRANSIENT
    assert outcome.retry_later


def test_forward_keeps_the_thread_and_arrives(server: Dovecot, sink: SmtpSink) -> None:
    user = new_user(server)
    original = Original.from_bytes(ORIGINAL)
    draft = forward(original, Identity("Me", "me@example.com"))
    draft = dataclasses.replace(draft, to=(Mailbox("", "dora@example.org"),), body="FYI" + draft.body)
    out = render(draft)
    submit(starttls(server), Password(user, "pw"), out)
    relayed: Relayed = sink.wait_for(lambda m: m.message_id == out.message_id)
    msg = relayed.message
    assert msg["Subject"] == "Fwd: 回复: 报价"
    assert msg["In-Reply-To"] is None
    assert msg["References"].split() == ["<root.1@example.cn>", "<quote.42@example.cn>"]
    assert "报价如下：\r\n第二行" in msg.get_content()


# -- a server that announces SIZE but does not check MAIL's SIZE= --------------------------------


class _SizeBlindSMTP(SMTP):
    async def smtp_MAIL(self, arg: str) -> None:
        await super().smtp_MAIL(re.sub(r"\s+SIZE=\d+", "", arg or "", flags=re.IGNORECASE))


class _SizeBlindController(Controller):
    def factory(self) -> SMTP:
        return _SizeBlindSMTP(self.handler, **self.SMTP_kwargs)


class _Recorder:
    def __init__(self) -> None:
        self.delivered: list[bytes] = []
        self.ehlo_names: list[str] = []

    async def handle_DATA(self, server: object, session: Any, envelope: Any) -> str:
        self.delivered.append(bytes(envelope.original_content or envelope.content))
        self.ehlo_names.append(str(session.host_name))
        return "250 OK"


def test_the_announced_size_is_checked_before_upload_even_if_mail_from_passes() -> None:
    handler = _Recorder()
    controller = _SizeBlindController(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        data_size_limit=2000,
        auth_require_tls=False,
        authenticator=lambda *args: AuthResult(success=True),
    )
    controller.start()
    try:
        server = SmtpServer(
            "127.0.0.1", controller.port, "plain", timeout=5, allow_plaintext_on_loopback=True
        )
        me = Identity("", "me@example.com")
        big = render(Draft(me, "<blind.1@example.com>", to=(Mailbox("", "b@example.org"),), body="x" * 5000))
        with pytest.raises(SendError) as caught:
            submit(server, Password("u", "pw"), big)
        small = render(Draft(me, "<blind.2@example.com>", to=(Mailbox("", "b@example.org"),), body="x"))
        submit(server, Password("u", "pw"), small)  # the same server still takes what fits
    finally:
        controller.stop()
    assert caught.value.kind is FailureKind.PERMANENT and caught.value.code == 552
    assert "accepts at most 2 KB" in str(caught.value)
    assert len(handler.delivered) == 1 and b"blind.2" in handler.delivered[0]
    assert handler.ehlo_names == ["[127.0.0.1]"]  # an address literal, not this machine's name
