"""HTTP endpoints for third-party systems: POST /v1/events (signed), GET /v1/health."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.protocol import H_INTEGRATION, H_SIGNATURE, H_TIMESTAMP, HTTP_ERRORS, PROTOCOL
from gateway.service import IngestRefused
from gateway.signing import verify

if TYPE_CHECKING:
    from gateway.app import Runtime


def http_error(code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=HTTP_ERRORS[code])


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "protocol": PROTOCOL})


async def ingest_events(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    name = request.headers.get(H_INTEGRATION, "")
    integration = await runtime.store.integration(name) if name else None
    if integration is None:
        return http_error("unknown_integration", f"unknown integration {name!r}")

    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_http_body_bytes:
        return http_error("too_large", f"bodies are limited to {settings.max_http_body_bytes} bytes")
    body = await request.body()
    if len(body) > settings.max_http_body_bytes:
        return http_error("too_large", f"bodies are limited to {settings.max_http_body_bytes} bytes")

    raw_ts = request.headers.get(H_TIMESTAMP, "")
    try:
        ts = int(raw_ts)
    except ValueError:
        return http_error("stale_timestamp", f"{H_TIMESTAMP} must be unix seconds")
    window = settings.signature_window_s
    if abs(time.time() - ts) > window:
        return http_error("stale_timestamp", f"timestamp outside the {window}s window (check the clock)")

    given = request.headers.get(H_SIGNATURE, "")
    if not given or not verify(integration.secret, raw_ts, body, given):
        return http_error("bad_signature", "signature does not match sha256=HMAC(secret, timestamp.body)")

    try:
        payload = json.loads(body)
    except ValueError as exc:
        return http_error("invalid", f"body is not JSON: {exc}")
    try:
        # The signature stays "seen" until the timestamp leaves the window, after which the
        # timestamp check alone refuses it.
        response = await runtime.service.ingest(integration, given.strip(), ts + window + 1, payload)
    except IngestRefused as exc:
        return http_error(exc.code, exc.message)
    return JSONResponse(response, status_code=202)
