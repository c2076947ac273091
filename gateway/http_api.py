"""HTTP endpoints for third-party systems: POST /v1/events (signed), GET /v1/health."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Final

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from gateway import validate as v
from gateway.protocol import H_INTEGRATION, H_SIGNATURE, H_TIMESTAMP, HTTP_ERRORS, PROTOCOL
from gateway.service import IngestRefused
from gateway.signing import verify

if TYPE_CHECKING:
    from gateway.app import Runtime

# Unix seconds in ASCII digits; 12 digits reach the year 33658, and a bounded length keeps
# int() and the float arithmetic of the window check from overflowing.
_UNIX_SECONDS: Final = re.compile(r"[0-9]{1,12}")
# Checked before comparing: hmac.compare_digest refuses str with non-ASCII characters.
_SIGNATURE: Final = re.compile(r"sha256=[0-9a-f]{64}")


def http_error(code: str, message: str, *, close: bool = False) -> JSONResponse:
    headers = {"Connection": "close"} if close else None
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=HTTP_ERRORS[code], headers=headers
    )


def _refuse_unread(request: Request, limit: int, code: str, message: str) -> JSONResponse:
    """A refusal before the body was read. A body declared within the limit is left to the server
    to discard, so the connection stays usable and the client surely reads the answer; a longer
    or chunked one closes the connection rather than receive what was refused (a client still
    sending may then see the connection reset before it reads the answer)."""
    declared = request.headers.get("content-length", "")
    return http_error(code, message, close=not (declared.isdigit() and int(declared) <= limit))


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "protocol": PROTOCOL})


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, read as it streams in; None as soon as it exceeds limit (nothing more is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def ingest_events(request: Request) -> JSONResponse:
    """Cheap header checks first; then at most max_http_body_bytes of body; then the signature,
    the JSON and the schema. Every refusal is a documented 4xx."""
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    name = request.headers.get(H_INTEGRATION, "")
    integration = await runtime.store.integration(name) if name else None
    limit = settings.max_http_body_bytes
    if integration is None:
        return _refuse_unread(request, limit, "unknown_integration", f"unknown integration {name[:100]!r}")

    raw_ts = request.headers.get(H_TIMESTAMP, "")
    if _UNIX_SECONDS.fullmatch(raw_ts) is None:
        return _refuse_unread(request, limit, "stale_timestamp", f"{H_TIMESTAMP} must be unix seconds")
    ts = int(raw_ts)
    window = settings.signature_window_s
    if abs(time.time() - ts) > window:
        message = f"timestamp outside the {window}s window (check the clock)"
        return _refuse_unread(request, limit, "stale_timestamp", message)

    try:
        body = await _read_body(request, limit)
    except ClientDisconnect:
        return http_error("invalid", "the client went away before the body was complete")
    if body is None:
        return http_error("too_large", f"bodies are limited to {limit} bytes", close=True)

    given = request.headers.get(H_SIGNATURE, "")
    if _SIGNATURE.fullmatch(given) is None or not verify(integration.secret, raw_ts, body, given):
        return http_error("bad_signature", "signature does not match sha256=HMAC(secret, timestamp.body)")

    try:
        payload = v.parse_json(body)
        v.check_ingest(payload, integration.name)
    except v.BadJson as exc:
        return http_error("invalid", f"body is not JSON the gateway accepts: {exc}")
    except v.Invalid as exc:
        return http_error("invalid", str(exc))
    try:
        # The signature stays "seen" until the timestamp leaves the window, after which the
        # timestamp check alone refuses it.
        response = await runtime.service.ingest(integration, given, ts + window + 1, payload)
    except IngestRefused as exc:
        return http_error(exc.code, exc.message)
    return JSONResponse(response, status_code=202)
