"""The sending state machine and the Sent-folder lookup, as pure logic with stand-ins.

The real servers are in tests/integration/test_smtp_send.py; here every branch of
Delivery.run is driven on purpose, including failures a real server rarely gives.
"""

from __future__ import annotations

from typing import Any

import pytest

from desktop.sources.smtp import (
    Delivery,
    FailureKind,
    Outgoing,
    Phase,
    SendError,
    SentFolderError,
    Step,
    find_sent_folder,
    next_step,
)
from desktop.sources.smtp.sent import SENT

MESSAGE = Outgoing("<m.1@example.com>", b"Subject: x\r\n\r\nx\r\n", "me@example.com", ("bob@example.org",))


class FakeServer:
    """Counts submissions; raises what it is told to."""

    def __init__(self, error: SendError | None = None) -> None:
        self.error = error
        self.sent: list[Outgoing] = []

    def __call__(self, message: Outgoing) -> str:
        if self.error is not None:
            raise self.error
        self.sent.append(message)
        return "250 2.0.0 OK"


class FakeSent:
    def __init__(self, has: bool = False, broken: bool = False) -> None:
        self.ids: list[str] = [MESSAGE.message_id] if has else []
        self.broken = broken

    def contains(self, message_id: str) -> bool:
        if self.broken:
            raise SentFolderError("Cannot reach the mail server to check Sent: refused")
        return message_id in self.ids

    def save(self, message: Outgoing) -> bool:
        if self.broken:
            raise SentFolderError("The Sent folder could not be used: timeout")
        if message.message_id in self.ids:
            return False
        self.ids.append(message.message_id)
        return True


class Record(list[Phase]):
    def __call__(self, phase: Phase) -> None:
        self.append(phase)


def test_each_phase_has_one_next_step() -> None:
    assert [next_step(p) for p in Phase] == [
        Step.SUBMIT,
        Step.CHECK_SENT,
        Step.SAVE_TO_SENT,
        Step.NOTHING,
        Step.NOTHING,
    ]


def test_a_queued_message_is_sent_filed_and_each_phase_recorded_before_the_next_step() -> None:
    server, sent, record = FakeServer(), FakeSent(), Record()
    outcome = Delivery(server, sent).run(MESSAGE, Phase.QUEUED, record)
    assert outcome.phase is Phase.SENT and outcome.submitted and outcome.error is None
    assert record == [Phase.SUBMITTING, Phase.ACCEPTED, Phase.SENT]
    assert server.sent == [MESSAGE] and sent.ids == [MESSAGE.message_id]


def test_submitting_and_found_in_sent_is_not_sent_again() -> None:
    server, record = FakeServer(), Record()
    outcome = Delivery(server, FakeSent(has=True)).run(MESSAGE, Phase.SUBMITTING, record)
    assert outcome.phase is Phase.SENT and outcome.found_in_sent and not outcome.submitted
    assert server.sent == [] and record == [Phase.SENT]


def test_submitting_and_absent_from_sent_is_sent() -> None:
    server, sent = FakeServer(), FakeSent()
    outcome = Delivery(server, sent).run(MESSAGE, Phase.SUBMITTING, Record())
    assert outcome.phase is Phase.SENT and server.sent == [MESSAGE]


def test_submitting_with_sent_unreachable_waits_rather_than_risk_a_double() -> None:
    server, record = FakeServer(), Record()
    outcome = Delivery(server, FakeSent(broken=True)).run(MESSAGE, Phase.SUBMITTING, record)
    assert outcome.phase is Phase.SUBMITTING and outcome.retry_later
    assert isinstance(outcome.error, SentFolderError)
    assert server.sent == [] and record == []


def test_accepted_is_only_filed() -> None:
    server, sent, record = FakeServer(), FakeSent(), Record()
    outcome = Delivery(server, sent).run(MESSAGE, Phase.ACCEPTED, record)
    assert outcome.phase is Phase.SENT and not outcome.submitted
    assert server.sent == [] and sent.ids == [MESSAGE.message_id] and record == [Phase.SENT]


def test_accepted_with_sent_unreachable_stays_accepted_and_is_never_resent() -> None:
    server, record = FakeServer(), Record()
    outcome = Delivery(server, FakeSent(broken=True)).run(MESSAGE, Phase.QUEUED, record)
    assert outcome.phase is Phase.ACCEPTED and outcome.submitted and outcome.retry_later
    assert record == [Phase.SUBMITTING, Phase.ACCEPTED]
    later = Delivery(server, FakeSent()).run(MESSAGE, outcome.phase, record)
    assert later.phase is Phase.SENT and len(server.sent) == 1


@pytest.mark.parametrize(
    ("error", "phase", "retry", "needs_user"),
    [
        (SendError(FailureKind.PERMANENT, "refused", 550), Phase.FAILED, False, False),
        (SendError(FailureKind.AUTH, "sign in again", 535), Phase.QUEUED, False, True),
        (SendError(FailureKind.SETUP, "certificate"), Phase.QUEUED, False, True),
        (SendError(FailureKind.TRANSIENT, "offline"), Phase.QUEUED, True, False),
    ],
)
def test_failures_end_in_the_phase_their_kind_calls_for(
    error: SendError, phase: Phase, retry: bool, needs_user: bool
) -> None:
    record = Record()
    outcome = Delivery(FakeServer(error), FakeSent()).run(MESSAGE, Phase.QUEUED, record)
    assert outcome.phase is phase and outcome.error is error
    assert outcome.retry_later is retry and outcome.needs_user is needs_user
    assert record == [Phase.SUBMITTING, phase]


def test_an_uncertain_failure_stays_submitting_so_sent_is_checked_next_time() -> None:
    error = SendError(FailureKind.TRANSIENT, "connection broke after the body", uncertain=True)
    record = Record()
    outcome = Delivery(FakeServer(error), FakeSent()).run(MESSAGE, Phase.QUEUED, record)
    assert outcome.phase is Phase.SUBMITTING and outcome.retry_later
    assert record == [Phase.SUBMITTING]
    assert next_step(outcome.phase) is Step.CHECK_SENT


def test_without_a_sent_folder_a_sent_message_is_done() -> None:
    outcome = Delivery(FakeServer(), None).run(MESSAGE, Phase.QUEUED, Record())
    assert outcome.phase is Phase.SENT


@pytest.mark.parametrize("phase", [Phase.SENT, Phase.FAILED])
def test_finished_messages_are_left_alone(phase: Phase) -> None:
    server, record = FakeServer(), Record()
    assert Delivery(server, FakeSent()).run(MESSAGE, phase, record).phase is phase
    assert server.sent == [] and record == []


def test_outgoing_refuses_what_cannot_be_looked_up_or_sent() -> None:
    for bad in (
        dict(message_id="no-brackets@x"),
        dict(message_id='<a"b@x>'),
        dict(message_id="<a b@x>"),
        dict(recipients=()),
        dict(recipients=("bob@example.org\r\nRCPT TO:<eve@x>",)),
        dict(mail_from="<me@example.com>"),
    ):
        fields: dict[str, Any] = {
            "message_id": MESSAGE.message_id,
            "data": MESSAGE.data,
            "mail_from": MESSAGE.mail_from,
            "recipients": MESSAGE.recipients,
            **bad,
        }
        with pytest.raises(ValueError):
            Outgoing(**fields)


# -- which folder is Sent ---------------------------------------------------------------------------


class FakeImap:
    def __init__(self, folders: list[tuple[tuple[bytes, ...], str]], usual: str | None = None) -> None:
        self.folders = folders
        self.usual = usual
        self.created: list[str] = []

    def list_folders(self) -> list[tuple[tuple[bytes, ...], bytes, str]]:
        return [(flags, b"/", name) for flags, name in self.folders]

    def folder_exists(self, name: str) -> bool:
        return any(n == name for _f, n in self.folders) or name in self.created

    def create_folder(self, name: str) -> None:
        self.created.append(name)

    def subscribe_folder(self, name: str) -> None:
        pass

    def find_special_folder(self, flag: bytes) -> str | None:
        return self.usual


def test_special_use_wins_over_the_configured_name() -> None:
    client = FakeImap([((b"\\HasNoChildren",), "INBOX"), ((SENT,), "Gesendete Objekte")])
    assert find_sent_folder(client, configured="Sent") == "Gesendete Objekte"
    assert client.created == []


def test_then_the_configured_name_created_if_missing() -> None:
    client = FakeImap([((), "INBOX")], usual="Sent Items")
    assert find_sent_folder(client, configured="Outbox/Sent") == "Outbox/Sent"
    assert client.created == ["Outbox/Sent"]


def test_then_a_usual_name_then_sent_created() -> None:
    assert find_sent_folder(FakeImap([((), "INBOX")], usual="Sent Items")) == "Sent Items"
    bare = FakeImap([((), "INBOX")])
    assert find_sent_folder(bare) == "Sent" and bare.created == ["Sent"]
