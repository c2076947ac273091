"""Sending one message exactly once: the phases the outbox stores, and the step between them.

The outbox stores the rendered bytes (``Outgoing``) and a :class:`Phase`. Each
phase is recorded *before* the step that leaves it, through the ``record``
callback, which must be durable (a committed SQLite write) when it returns:

    QUEUED ──submit──▶ SUBMITTING ──250──▶ ACCEPTED ──APPEND──▶ SENT
       ▲                  │  │ refused (5xx)
       └── 4xx, offline ──┘  └──────────▶ FAILED (the server's words)

A process that dies in SUBMITTING does not know whether the server took the
message. Before sending again it looks for the Message-ID in Sent (a server that
files submissions itself, or an APPEND that ran before the crash, shows it there)
and only sends if it is absent. ACCEPTED is recorded the moment the server says
250, so the one window left for a double is a crash in the milliseconds between
that reply and the write; a message found in Sent is never sent twice.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Callable
from typing import Protocol

from desktop.sources.smtp.outgoing import Outgoing
from desktop.sources.smtp.sent import SentFolderError
from desktop.sources.smtp.submit import FailureKind, SendError

log = logging.getLogger(__name__)


class Phase(enum.StrEnum):
    QUEUED = "queued"  # stored; the server has certainly not taken it
    SUBMITTING = "submitting"  # handed to the server; whether it took it is not known yet
    ACCEPTED = "accepted"  # the server took it; a copy still has to go to Sent
    SENT = "sent"  # taken and filed in Sent: finished
    FAILED = "failed"  # refused for good; the reason is on the item, nothing is retried


class Step(enum.Enum):
    SUBMIT = "submit"
    CHECK_SENT = "check Sent, then submit if it is not there"
    SAVE_TO_SENT = "save to Sent"
    NOTHING = "nothing"


def next_step(phase: Phase) -> Step:
    """What a delivery attempt does first, for a message stored in ``phase``."""
    return {
        Phase.QUEUED: Step.SUBMIT,
        Phase.SUBMITTING: Step.CHECK_SENT,
        Phase.ACCEPTED: Step.SAVE_TO_SENT,
        Phase.SENT: Step.NOTHING,
        Phase.FAILED: Step.NOTHING,
    }[phase]


class Submitter(Protocol):
    def __call__(self, message: Outgoing) -> str: ...


class SentStore(Protocol):
    def contains(self, message_id: str) -> bool: ...

    def save(self, message: Outgoing) -> bool: ...


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """Where an attempt left the message, and why it stopped there (None when it went well)."""

    phase: Phase
    error: SendError | SentFolderError | None = None
    submitted: bool = False  # this attempt handed the message to the server and it said 250
    found_in_sent: bool = False  # an earlier attempt's message was found in Sent: not sent again

    @property
    def retry_later(self) -> bool:
        """Worth another attempt after a backoff (offline, 4xx, Sent unreachable)."""
        if self.phase in (Phase.SENT, Phase.FAILED):
            return False
        return not isinstance(self.error, SendError) or self.error.kind is FailureKind.TRANSIENT

    @property
    def needs_user(self) -> bool:
        """Stopped until the user signs in again or fixes the account's settings."""
        return isinstance(self.error, SendError) and self.error.kind in (FailureKind.AUTH, FailureKind.SETUP)


class Delivery:
    """Moves one stored message as far toward SENT as it can go now. Blocking: a worker thread.

    ``sent`` is None for an account without a Sent folder to file into (then a
    message in SUBMITTING is sent again: nothing can show it went).
    """

    def __init__(self, submit: Submitter, sent: SentStore | None) -> None:
        self._submit = submit
        self._sent = sent

    def run(self, message: Outgoing, phase: Phase, record: Callable[[Phase], None]) -> Outcome:
        step = next_step(phase)
        if step is Step.NOTHING:
            return Outcome(phase)
        if step is Step.CHECK_SENT and self._sent is not None:
            try:
                found = self._sent.contains(message.message_id)
            except SentFolderError as exc:
                # Unknown whether it went: sending again could double it. Wait for Sent.
                return Outcome(phase, exc)
            if found:
                log.info("%s is already in Sent: not sending it again", message.message_id)
                record(Phase.SENT)
                return Outcome(Phase.SENT, found_in_sent=True)
        submitted = False
        if step in (Step.SUBMIT, Step.CHECK_SENT):
            record(Phase.SUBMITTING)
            try:
                self._submit(message)
            except SendError as exc:
                if exc.uncertain:
                    return Outcome(Phase.SUBMITTING, exc)  # the next attempt checks Sent first
                after = Phase.FAILED if exc.kind is FailureKind.PERMANENT else Phase.QUEUED
                record(after)
                return Outcome(after, exc)
            record(Phase.ACCEPTED)
            submitted = True
        if self._sent is None:
            record(Phase.SENT)
            return Outcome(Phase.SENT, submitted=submitted)
        try:
            self._sent.save(message)
        except SentFolderError as exc:
            # Sent, but not filed: retry the APPEND later, never the sending.
            return Outcome(Phase.ACCEPTED, exc, submitted=submitted)
        record(Phase.SENT)
        return Outcome(Phase.SENT, submitted=submitted)
