"""Turn UIDs into list items: headers, flags and a short text preview, never a whole mail."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import ProtocolError

from desktop.core.item import Action, Item, Kind, Urgency, sender_address
from desktop.sources.imap import structure
from desktop.sources.imap.ids import item_id
from desktop.sources.imap.parse import listing_from_message, parse_header_bytes, preview_from_part

SEEN = b"\\Seen"
PREVIEW_BYTES = 4096  # enough encoded text for a 200-character preview, even in base64
FETCH_BATCH = 100
MAIL_ACTIONS = (Action.MARK_READ, Action.OPEN_EXTERNAL, Action.OPEN)


def batches(values: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


@dataclasses.dataclass(frozen=True, slots=True)
class Mailbox:
    """Which folder, as what, under which UIDVALIDITY: everything an item id needs; and the
    account's own address, so mail the user sent is known as theirs."""

    source_id: str
    account: str
    folder: str
    uidvalidity: int
    own_address: str = ""  # lower case, as sender_address() gives it; empty: not known


def fetch_items(client: IMAPClient, box: Mailbox, uids: Sequence[int]) -> list[Item]:
    items: list[Item] = []
    for chunk in batches(list(uids), FETCH_BATCH):
        wanted = ["FLAGS", "INTERNALDATE", "BODYSTRUCTURE", "BODY.PEEK[HEADER]"]
        try:
            data = client.fetch(chunk, wanted)
        except ProtocolError:
            # A structure imapclient cannot parse: list the mail without a preview.
            data = client.fetch(chunk, ["FLAGS", "INTERNALDATE", "BODY.PEEK[HEADER]"])
        previews = _previews(client, data)
        for uid in chunk:
            if uid in data:
                items.append(_item(box, uid, data[uid], previews.get(uid, "")))
    return items


def _previews(client: IMAPClient, data: dict[int, dict[bytes, Any]]) -> dict[int, str]:
    """Fetch the first few KB of each mail's text part: never an attachment, never \\Seen."""
    groups: dict[str, list[tuple[int, structure.Part]]] = {}
    for uid, fields in data.items():
        part = structure.text_part(structure.parts(fields.get(b"BODYSTRUCTURE")))
        if part is not None:
            groups.setdefault(part.spec, []).append((uid, part))
    out: dict[int, str] = {}
    for spec, members in groups.items():
        try:
            resp = client.fetch([uid for uid, _ in members], [f"BODY.PEEK[{spec}]<0.{PREVIEW_BYTES}>"])
        except ProtocolError:
            continue
        key = f"BODY[{spec}]<0>".encode()
        for uid, part in members:
            raw = resp.get(uid, {}).get(key)
            if isinstance(raw, bytes):
                out[uid] = preview_from_part(raw, part.ctype, part.charset, part.encoding)
    return out


def _item(box: Mailbox, uid: int, fields: dict[bytes, Any], preview: str) -> Item:
    header = fields.get(b"BODY[HEADER]") or b""
    internal = fields.get(b"INTERNALDATE")
    internal = internal if isinstance(internal, datetime) else None
    listing = listing_from_message(parse_header_bytes(header), internal, preview_text=preview)
    parts = structure.parts(fields.get(b"BODYSTRUCTURE"))
    flags = fields.get(b"FLAGS") or ()
    # The user's own mail (a Bcc to themselves, a list echoing their post) is listed but never
    # notified (core.rules), like their own chat messages.
    own = bool(box.own_address) and sender_address(listing.sender) == box.own_address
    return Item(
        id=item_id(box.account, box.folder, box.uidvalidity, uid),
        source=box.source_id,
        kind=Kind.MAIL,
        sender=listing.sender,
        title=listing.title,
        preview=listing.preview,
        time=listing.time,
        unread=SEEN not in flags,
        actions=MAIL_ACTIONS,
        urgency=Urgency.URGENT if listing.urgent else Urgency.NORMAL,
        payload={
            "account": box.account,
            "folder": box.folder,
            "uidvalidity": box.uidvalidity,
            "uid": uid,
            "message_id": listing.message_id,
            "to": listing.to,
            "has_attachments": bool(structure.attachments(parts)) or listing.has_attachments,
            "own": own,
        },
    )
