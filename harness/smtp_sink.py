"""An SMTP sink on loopback (aiosmtpd) that records what a relay hands it, for tests and benchmarks.

Dovecot's submission service relays to it, so a test can see exactly what went
out: envelope sender, recipients and the bytes. It can refuse chosen recipients
with a chosen reply, as a real mail server refuses an unknown user. Runs on
aiosmtpd's own thread; ``stop()`` ends it. No pytest import here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from harness.net import free_port


@dataclass(frozen=True, slots=True)
class Relayed:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return str(self.message.get("Message-ID", "")).strip()


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    # aiosmtpd calls its hooks positionally: (server, session, envelope, *arguments).
    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: list[str]
    ) -> str:
        refusal = self._sink.refusals.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode()
        self._sink._record(Relayed(str(envelope.mail_from), tuple(envelope.rcpt_tos), data))
        return "250 OK queued"


class SmtpSink:
    """``with SmtpSink() as sink: ...; sink.wait_for(lambda m: ...)``."""

    host = "127.0.0.1"

    def __init__(self, port: int | None = None, on_message: Callable[[Relayed], None] | None = None) -> None:
        self.port = port or free_port()
        self._on_message = on_message  # called on aiosmtpd's thread (the demo prints what was sent)
        self.refusals: dict[str, str] = {}  # lower-case address → full SMTP reply, e.g. "550 5.1.1 ..."
        self._messages: list[Relayed] = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    def refuse(self, address: str, reply: str = "550 5.1.1 Recipient address rejected: User unknown") -> None:
        self.refusals[address.lower()] = reply

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is not None:
            return
        # data_size_limit=None: size limits are the submission server's job in these tests.
        controller = Controller(_Handler(self), hostname=self.host, port=self.port, data_size_limit=None)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SmtpSink:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- observation ------------------------------------------------------------------------

    def _record(self, relayed: Relayed) -> None:
        with self._changed:
            self._messages.append(relayed)
            self._changed.notify_all()
        if self._on_message is not None:
            self._on_message(relayed)

    @property
    def messages(self) -> list[Relayed]:
        with self._changed:
            return list(self._messages)

    def with_message_id(self, message_id: str) -> list[Relayed]:
        return [m for m in self.messages if m.message_id == message_id]

    def wait_for(self, predicate: Callable[[Relayed], bool], timeout: float = 10.0) -> Relayed:
        """The first recorded message that matches, waiting for it to arrive if need be."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for m in self._messages:
                    if predicate(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no matching message in {timeout} s ({len(self._messages)} recorded)")
                self._changed.wait(left)
