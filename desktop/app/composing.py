"""Replies, reply-alls and forwards from the inbox: drafts kept in the store while the user
types, and a send that queues the rendered message in the outbox exactly once.

The compose window edits a :class:`ComposeDraft` (recipients as typed, plain text). It is
saved while typing (``save``) and offered back when the same reply is opened again or at
start (``saved``, ``all_saved``). ``send`` renders it to bytes once, with the Message-ID
fixed when the draft was made, and stores the outbox entry, the item that shows the
outgoing mail in the list, and the draft's removal in one transaction. The IMAP source's
sender delivers it. No Qt.
"""

from __future__ import annotations

import base64
import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any

from desktop.app.actions import ActionError
from desktop.app.pipeline import Pipeline
from desktop.config.settings import MailAccount, Settings
from desktop.core.i18n import translate
from desktop.core.item import Action, Item, Kind, from_timestamp
from desktop.sources.base import Source
from desktop.sources.smtp import compose
from desktop.sources.smtp.compose import ComposeError, Draft, Identity, Original

MODES = ("reply", "reply_all", "forward")
PREVIEW_CHARS = 200


@dataclasses.dataclass(frozen=True, slots=True)
class Texts:
    """The lines a draft gets in the user's language (the window passes them through tr())."""

    attribution: str = compose.ATTRIBUTION
    undated: str = compose.ATTRIBUTION_UNDATED
    forward_header: str = compose.FORWARD_HEADER


@dataclasses.dataclass(frozen=True, slots=True)
class ComposeDraft:
    """What the compose window shows and edits. ``key`` names it in the store."""

    account: str
    item_id: str  # the mail answered or forwarded
    mode: str  # reply | reply_all | forward
    message_id: str  # fixed for the draft's whole life: Sent is searched for it
    sender: str  # "Name <address>", the account's identity (shown, not edited)
    to: str = ""
    cc: str = ""
    subject: str = ""
    body: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    saved_at: float = 0.0  # when it was last saved (0: never)

    @property
    def key(self) -> str:
        return draft_key(self.item_id, self.mode)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("saved_at")
        data["references"] = list(self.references)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], saved_at: float = 0.0) -> ComposeDraft:
        fields = {f.name for f in dataclasses.fields(cls)} - {"saved_at", "references"}
        values = {k: str(data.get(k) or "") for k in fields}
        refs = data.get("references") or []
        return cls(
            **values,
            references=tuple(str(r) for r in refs if isinstance(r, str)),
            saved_at=saved_at,
        )


def draft_key(item_id: str, mode: str) -> str:
    return f"{mode}:{item_id}"


def outgoing_item_id(account: str, message_id: str) -> str:
    """The list item of a mail the user sent: not an IMAP id, so no folder takes its actions."""
    return f"out:{account}:{message_id.strip().removeprefix('<').removesuffix('>')}"


def is_outgoing(item: Item) -> bool:
    return bool(item.payload.get("outgoing"))


def identity_of(account: MailAccount) -> Identity:
    address = account.sender_address
    if not address:
        raise ActionError(
            translate(
                "Compose",
                "The account {0} has no mail address to send from: set it in Settings (Mail address).",
            ).format(account.name)
        )
    return Identity(account.sender_name, address)


class Composer:
    def __init__(
        self,
        pipeline: Pipeline,
        settings: Callable[[], Settings],
        sources: Callable[[], dict[str, Source]],
    ) -> None:
        self._pipeline = pipeline
        self._store = pipeline.store
        self._settings = settings
        self._sources = sources

    def _account(self, item: Item) -> MailAccount:
        name = str(item.payload.get("account") or item.source.removeprefix("mail:"))
        account = self._settings().account(name)
        if account is None:
            raise ActionError(translate("Compose", "The account {0} is no longer set up.").format(name))
        return account

    def _mail(self, item_id: str) -> Item:
        item = self._store.get_item(item_id)
        if item is None:
            raise ActionError(translate("Compose", "This mail no longer exists."))
        if item.kind is not Kind.MAIL or not item.source.startswith("mail:") or is_outgoing(item):
            raise ActionError(translate("Compose", "Only received mail can be answered or forwarded."))
        return item

    # -- drafts -----------------------------------------------------------------------------

    def saved(self, item_id: str, mode: str) -> ComposeDraft | None:
        found = self._store.draft(draft_key(item_id, mode))
        return None if found is None else ComposeDraft.from_json(found[0], found[1])

    def all_saved(self) -> list[ComposeDraft]:
        return [ComposeDraft.from_json(data, at) for _key, data, at in self._store.drafts()]

    def save(self, draft: ComposeDraft) -> None:
        self._store.save_draft(draft.key, draft.account, draft.item_id, draft.to_json())

    def discard(self, key: str) -> None:
        self._store.delete_draft(key)

    def start(self, item_id: str, mode: str, original: Original, texts: Texts = Texts()) -> ComposeDraft:
        """A new draft answering (or forwarding) ``item_id``, from its fetched original."""
        if mode not in MODES:
            raise ValueError(f"not a compose mode: {mode!r}")
        item = self._mail(item_id)
        account = self._account(item)
        identity = identity_of(account)
        try:
            if mode == "reply":
                d = compose.reply(original, identity, texts.attribution, texts.undated)
            elif mode == "reply_all":
                d = compose.reply_all(original, identity, texts.attribution, texts.undated)
            else:
                d = compose.forward(original, identity, texts.forward_header)
        except ComposeError as exc:
            raise ActionError(str(exc)) from exc
        return ComposeDraft(
            account=account.name,
            item_id=item.id,
            mode=mode,
            message_id=d.message_id,
            sender=str(identity.mailbox),
            to=", ".join(str(m) for m in d.to),
            cc=", ".join(str(m) for m in d.cc),
            subject=d.subject,
            body=d.body,
            in_reply_to=d.in_reply_to,
            references=d.references,
        )

    # -- sending ------------------------------------------------------------------------------

    def send(self, draft: ComposeDraft) -> str:
        """Queue the message once; the outbox entry id. Raises ActionError (what to fix)."""
        account = self._settings().account(draft.account)
        if account is None:
            raise ActionError(
                translate("Compose", "The account {0} is no longer set up.").format(draft.account)
            )
        identity = identity_of(account)
        try:
            to = compose.parse_recipients(draft.to, "To")
            cc = compose.parse_recipients(draft.cc, "Cc")
            out = compose.render(
                Draft(
                    identity=identity,
                    message_id=draft.message_id,
                    to=to,
                    cc=cc,
                    subject=draft.subject,
                    body=draft.body,
                    in_reply_to=draft.in_reply_to,
                    references=draft.references,
                )
            )
        except ComposeError as exc:
            raise ActionError(str(exc)) from exc
        # The entry id is derived from the Message-ID: a double click or a second window on
        # the same draft queues nothing twice.
        entry_id = uuid.uuid5(uuid.NAMESPACE_URL, f"tidings-send:{account.name}:{out.message_id}").hex
        names = ", ".join(m.name or m.address for m in (*to, *cc))
        item = Item(
            id=outgoing_item_id(account.name, out.message_id),
            source=account.source_id,
            kind=Kind.MAIL,
            sender=translate("Compose", "To {0}").format(names),
            title=draft.subject,
            preview=" ".join(draft.body.split())[:PREVIEW_CHARS],
            time=from_timestamp(time.time()),
            unread=False,
            state="sending",
            actions=(Action.OPEN,),
            payload={
                "account": account.name,
                "outgoing": True,
                "message_id": out.message_id,
                "from": str(identity.mailbox),
                "to": ", ".join(str(m) for m in to),
                "cc": ", ".join(str(m) for m in cc),
                "text": draft.body,
                "answers": draft.item_id,
            },
        )
        payload = {
            "message_id": out.message_id,
            "data": base64.b64encode(out.data).decode("ascii"),
            "mail_from": out.mail_from,
            "recipients": list(out.recipients),
            "phase": "queued",
        }
        if self._store.queue_send(entry_id, item, payload, draft.key):
            stored = self._store.get_item(item.id)
            self._pipeline.announce(added=[stored or item], quiet=True)
            source = self._sources().get(account.source_id)
            if source is not None:
                source.outbox_changed()
        return entry_id
