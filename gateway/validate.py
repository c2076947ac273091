"""Field checks for client actions and ingested events. Each helper reads one key, fills a
documented default when it is optional and absent, and raises Invalid with the field's path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

_MISSING: Any = object()


class Invalid(ValueError):
    pass


def obj(parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = parent.get(key, _MISSING)
    if not isinstance(value, dict):
        raise Invalid(f"{path}{key}: expected an object")
    return value


def string(
    parent: dict[str, Any],
    key: str,
    path: str = "",
    *,
    default: Any = _MISSING,
    nullable: bool = False,
    non_empty: bool = True,
    max_len: int = 10_000,
) -> str | None:
    if key not in parent and default is not _MISSING:
        parent[key] = default
        return default  # type: ignore[no-any-return]
    value = parent.get(key, _MISSING)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{path}{key}: expected a string" + (" or null" if nullable else ""))
    if non_empty and not value.strip():
        raise Invalid(f"{path}{key}: must not be empty")
    if len(value) > max_len:
        raise Invalid(f"{path}{key}: longer than {max_len} characters")
    return value


def req_str(parent: dict[str, Any], key: str, path: str = "", max_len: int = 10_000) -> str:
    value = string(parent, key, path, max_len=max_len)
    assert value is not None
    return value


def enum(
    parent: dict[str, Any], key: str, values: tuple[str, ...], path: str = "", default: Any = _MISSING
) -> str:
    if key not in parent and default is not _MISSING:
        parent[key] = default
        return str(default)
    value = parent.get(key)
    if value not in values:
        raise Invalid(f"{path}{key}: one of {', '.join(values)}")
    return str(value)


def timestamp(
    parent: dict[str, Any], key: str, path: str = "", *, nullable: bool = False, default: Any = _MISSING
) -> None:
    if key not in parent and default is not _MISSING:
        parent[key] = default
        return
    value = parent.get(key, _MISSING)
    if value is None and nullable:
        return
    if not isinstance(value, str):
        raise Invalid(f"{path}{key}: expected an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{path}{key}: expected an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise Invalid(f"{path}{key}: the time needs a UTC offset (e.g. Z)")


def person(parent: dict[str, Any], key: str, path: str) -> None:
    who = obj(parent, key, path)
    req_str(who, "id", f"{path}{key}.", 200)
    req_str(who, "name", f"{path}{key}.", 500)


def event_data(event_type: str, data: dict[str, Any], integration: str, now: str) -> None:
    """Check an ingested event's data in place, filling the optional fields' defaults so the
    desktop always sees every documented field."""
    if event_type == "chat.message":
        conv = obj(data, "conversation", "data.")
        req_str(conv, "id", "data.conversation.", 200)
        req_str(conv, "title", "data.conversation.", 500)
        enum(conv, "kind", ("direct", "group"), "data.conversation.", default="group")
        msg = obj(data, "message", "data.")
        req_str(msg, "id", "data.message.", 200)
        person(msg, "sender", "data.message.")
        req_str(msg, "text", "data.message.", 32_000)
        timestamp(msg, "time", "data.message.", default=now)
    elif event_type == "approval.requested":
        a = obj(data, "approval", "data.")
        p = "data.approval."
        req_str(a, "id", p, 200)
        string(a, "integration", p, default=integration, max_len=200)
        req_str(a, "title", p, 1000)
        person(a, "requester", p)
        fields = a.setdefault("fields", [])
        if not isinstance(fields, list):
            raise Invalid(f"{p}fields: expected a list")
        for i, field in enumerate(fields):
            if not isinstance(field, dict):
                raise Invalid(f"{p}fields[{i}]: expected an object")
            req_str(field, "label", f"{p}fields[{i}].", 500)
            string(field, "value", f"{p}fields[{i}].", non_empty=False)
        timestamp(a, "deadline", p, nullable=True, default=None)
        enum(a, "urgency", ("normal", "urgent"), p, default="normal")
        string(a, "url", p, nullable=True, default=None, max_len=4000)
    elif event_type == "approval.resolved":
        a = obj(data, "approval", "data.")
        req_str(a, "id", "data.approval.", 200)
        enum(data, "state", ("approved", "rejected", "withdrawn"), "data.")
        person(data, "by", "data.")
        string(data, "comment", "data.", default="", non_empty=False)
        enum(data, "via", ("desktop", "integration"), "data.", default="integration")
    elif event_type == "task.assigned":
        t = obj(data, "task", "data.")
        p = "data.task."
        req_str(t, "id", p, 200)
        req_str(t, "title", p, 1000)
        string(t, "text", p, default="", non_empty=False)
        string(t, "url", p, nullable=True, default=None, max_len=4000)
        timestamp(t, "due", p, nullable=True, default=None)
        string(t, "project", p, nullable=True, default=None, max_len=500)
    elif event_type == "announcement":
        a = obj(data, "announcement", "data.")
        p = "data.announcement."
        req_str(a, "id", p, 200)
        req_str(a, "title", p, 1000)
        string(a, "text", p, default="", non_empty=False)
        string(a, "url", p, nullable=True, default=None, max_len=4000)
        enum(a, "urgency", ("normal", "urgent"), p, default="normal")
    else:
        raise Invalid(f"type: unsupported event type {event_type!r}")
