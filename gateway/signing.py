"""HMAC-SHA256 request signing, used for ingestion (verify) and callbacks (sign)."""

from __future__ import annotations

import hashlib
import hmac
import time

from gateway.protocol import H_INTEGRATION, H_SIGNATURE, H_TIMESTAMP


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(
    integration: str, secret: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        H_INTEGRATION: integration,
        H_TIMESTAMP: ts,
        H_SIGNATURE: signature(secret, ts, body),
        "Content-Type": "application/json",
    }


def verify(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    # compare_digest: no timing oracle on the signature.
    return hmac.compare_digest(signature(secret, timestamp, body), given.strip())
