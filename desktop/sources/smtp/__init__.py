"""Sending mail: compose a reply or forward, submit it over SMTP once, file it in Sent. No Qt.

``compose`` builds the message (a :class:`Draft`, then :func:`render` to bytes, once);
``submit`` hands stored bytes to the submission server; ``sent`` finds and fills the
Sent folder over IMAP; ``delivery`` is the state machine the outbox drives so that a
message is never lost and never sent twice.
"""

from __future__ import annotations

from desktop.sources.smtp.compose import (
    ComposeError,
    Draft,
    Identity,
    Mailbox,
    Original,
    forward,
    parse_recipients,
    render,
    reply,
    reply_all,
)
from desktop.sources.smtp.delivery import Delivery, Outcome, Phase, Step, next_step
from desktop.sources.smtp.outgoing import Outgoing
from desktop.sources.smtp.sent import SentFolder, SentFolderError, find_sent_folder
from desktop.sources.smtp.submit import (
    Credentials,
    FailureKind,
    OAuthToken,
    Password,
    SendError,
    SmtpServer,
    submit,
)

__all__ = [
    "ComposeError",
    "Credentials",
    "Delivery",
    "Draft",
    "FailureKind",
    "Identity",
    "Mailbox",
    "OAuthToken",
    "Original",
    "Outcome",
    "Outgoing",
    "Password",
    "Phase",
    "SendError",
    "SentFolder",
    "SentFolderError",
    "SmtpServer",
    "Step",
    "find_sent_folder",
    "forward",
    "next_step",
    "parse_recipients",
    "render",
    "reply",
    "reply_all",
    "submit",
]
