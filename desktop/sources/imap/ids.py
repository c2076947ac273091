"""Stable ids of mail items and the sync-state keys of a folder.

An item id names exactly one message for ever: ``mail:<account>:<folder>:<uidvalidity>:<uid>``.
"""

from __future__ import annotations


def item_id(account: str, folder: str, uidvalidity: int, uid: int) -> str:
    return f"mail:{account}:{folder}:{uidvalidity}:{uid}"


def folder_prefix(account: str, folder: str) -> str:
    """The prefix of every item id of a folder, whatever its UIDVALIDITY."""
    return f"mail:{account}:{folder}:"


def parse_item_id(account: str, value: str) -> tuple[str, int, int] | None:
    """``mail:<account>:<folder>:<uidvalidity>:<uid>`` → (folder, uidvalidity, uid)."""
    prefix = f"mail:{account}:"
    if not value.startswith(prefix):
        return None
    try:
        folder, uidvalidity, uid = value[len(prefix) :].rsplit(":", 2)
        return folder, int(uidvalidity), int(uid)
    except ValueError:
        return None


def uid_of(value: str) -> int | None:
    """The UID at the end of an item id, or None for an id that has none."""
    try:
        return int(value.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def state_key(folder: str, name: str) -> str:
    """A folder's key in the source's sync state: ``<folder>.uidvalidity``, ``.last_uid``, ``.modseq``."""
    return f"{folder}.{name}"
