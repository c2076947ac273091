"""Names on the wire, declared once. Tests check that each of them has a schema in
docs/protocol/schemas and is listed in the AsyncAPI/OpenAPI documents, so docs cannot drift."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any, Final

log = logging.getLogger(__name__)

PROTOCOL: Final = 1

# Server -> client frame types.
SERVER_FRAME_TYPES: Final = ("hello", "event", "result", "error")
# Client -> server action types.
ACTION_TYPES: Final = ("chat.send", "approval.decide", "item.read", "task.complete")
# Event types (inside an "event" frame).
EVENT_TYPES: Final = (
    "chat.message",
    "approval.requested",
    "approval.resolved",
    "task.assigned",
    "announcement",
    "item.read",
    "task.completed",
)
# Event types a third-party system may push over POST /v1/events.
INGEST_EVENT_TYPES: Final = (
    "approval.requested",
    "approval.resolved",
    "task.assigned",
    "announcement",
    "chat.message",
    "task.completed",  # completed in the integration's own system
)

# Codes of "error" frames; the connection always stays up after one.
FRAME_ERROR_CODES: Final = ("bad_json", "bad_frame", "frame_too_large", "unknown_type")
# Codes of failed "result" frames.
RESULT_ERROR_CODES: Final = ("invalid", "not_found", "already_resolved", "unknown_type", "internal")
# HTTP error codes -> status.
HTTP_ERRORS: Final = {
    "bad_signature": 401,
    "stale_timestamp": 401,
    "unknown_integration": 401,
    "forbidden": 403,  # an integration naming a chat sender, or a conversation it was not added to
    "replayed": 409,
    "invalid": 422,
    "too_large": 413,
}

# POST /v1/sessions (sign-in with the company's OpenID Connect provider): error code -> status.
# A separate table from HTTP_ERRORS (the ingest endpoint's), each documented with its endpoint.
SESSION_ERRORS: Final = {
    "invalid": 422,  # a body that is not JSON or not schemas/session-request.json
    "too_large": 413,
    "invalid_token": 401,  # not a JWT, a bad signature, an unknown key, no exp/iat, not yet valid
    "wrong_issuer": 401,
    "wrong_audience": 401,
    "token_expired": 401,
    "stale_token": 401,  # issued too long ago: renewals must bring a token fresh from the provider
    "session_ended": 401,  # renewing a session that was revoked (or never existed)
    "unknown_user": 403,  # no such user (and no --oidc-create-users), or no user claim
    "sso_disabled": 404,  # this gateway was started without --oidc-issuer
    "provider_unavailable": 503,  # the provider's discovery document or keys cannot be fetched
}

# Websocket close codes.
# missing, unknown, revoked or expired token or session (also when that happens mid-session)
CLOSE_UNAUTHORIZED: Final = 4401
CLOSE_BAD_REQUEST: Final = 4400  # bad upgrade parameters (e.g. since=abc); never for bad frames
CLOSE_TOO_SLOW: Final = 4408  # client did not read fast enough; reconnect and resume with since

# Header names for signed HTTP in both directions.
H_INTEGRATION: Final = "X-Tidings-Integration"
H_TIMESTAMP: Final = "X-Tidings-Timestamp"
H_SIGNATURE: Final = "X-Tidings-Signature"


def now_iso() -> str:
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def hello_frame(user: str, seq: int, reset: bool = False) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "hello", "protocol": PROTOCOL, "user": user, "seq": seq}
    if reset:
        # The client's (since, at) is not in this stream (a restored backup): the whole stream follows.
        frame["reset"] = True
    return frame


def event_frame(seq: int, event: dict[str, Any]) -> dict[str, Any]:
    return {"type": "event", "seq": seq, "event": event}


def result_ok(action_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "result", "id": action_id, "ok": True, "data": data}


def result_error(
    action_id: str, code: str, message: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "result",
        "id": action_id,
        "ok": False,
        "error": {"code": code, "message": message},
    }
    if data is not None:
        frame["data"] = data
    return frame


def error_frame(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"code": code, "message": message}}


_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def frame_text(frame: dict[str, Any]) -> str:
    """The JSON text of a server frame, always valid UTF-8.

    Input with lone surrogates is refused since protocol checks were added, but a database
    written before then may hold such events; sending one would fail the socket on every
    resume. Those are repaired here (a lone surrogate becomes U+FFFD) rather than skipped,
    so the recipient still gets the event and its seq."""
    text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
    if text.isascii() or _LONE_SURROGATE.search(text) is None:
        return text
    event = frame.get("event")
    log.warning(
        "%s frame (seq %s, event %s) held invalid Unicode; sent with U+FFFD in its place",
        frame.get("type"),
        frame.get("seq"),
        event.get("id") if isinstance(event, dict) else None,
    )
    # Through UTF-16: a stored high+low pair becomes its character, a lone half U+FFFD.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
