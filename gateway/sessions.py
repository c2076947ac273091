"""POST /v1/sessions: a token from the company's OpenID Connect provider becomes a gateway session.

The desktop signs in at the provider (browser or device flow), asks it for a token for the
gateway's audience and sends it here; the answer is a session token for the websocket upgrade,
which expires (``--session-ttl``) unless renewed. A renewal is the same request with the
current session token in ``Authorization``: it needs a provider token issued moments ago
(``OidcVerifier.max_age_s``), so every renewal goes through the provider, and a user disabled
there loses access at the next one. The session keeps its id across renewals, so its open
connections stay up; ``tidings-gateway session revoke USER`` ends all of a user's sessions
(4401 on their connections, and no renewal).

Why a provider *access token for the gateway's audience* rather than the ID token: an ID token
is addressed to the client that asked for it and says who signed in there; access tokens are
what a resource server is meant to receive (OAuth 2.0 bearer usage, RFC 9068), and a resource
indicator (RFC 8707) gives the gateway its own audience, so neither a mail server's token nor
another application's ID token is accepted here. Providers that cannot issue JWT access tokens
for a third party (Google) can still be used with their ID token by setting the audience to the
desktop's client id; the checks are the same.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from gateway import validate as v
from gateway.oidc import OidcVerifier, ProviderUnavailable, TokenRefused
from gateway.protocol import SESSION_ERRORS, iso
from gateway.storage.base import SessionIdentity
from gateway.storage.sqlite import hash_token

if TYPE_CHECKING:
    from gateway.app import Runtime

log = logging.getLogger(__name__)

# A provider token is at most 8 KiB; the body around it needs little more.
MAX_BODY_BYTES = 16 * 1024
# The gateway's user names (as gateway.admin checks them): a claim that is not one cannot be a user.
_USER_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")


def session_error(code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if SESSION_ERRORS[code] == 401 else None
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=SESSION_ERRORS[code], headers=headers
    )


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _valid_user_name(name: str) -> bool:
    return _USER_NAME.fullmatch(name) is not None


async def create_session(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    verifier: OidcVerifier | None = runtime.oidc
    if verifier is None:
        return session_error(
            "sso_disabled", "this gateway does not accept sign-in with a provider (no --oidc-issuer)"
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return session_error("too_large", f"bodies are limited to {MAX_BODY_BYTES} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return session_error("too_large", f"bodies are limited to {MAX_BODY_BYTES} bytes")
    except ClientDisconnect:
        return session_error("invalid", "the client went away before the body was complete")
    try:
        payload = v.parse_json(bytes(body))
        v.check_session_request(payload)
    except v.BadJson as exc:
        return session_error("invalid", f"body is not JSON the gateway accepts: {exc}")
    except v.Invalid as exc:
        return session_error("invalid", str(exc))

    try:
        identity = await verifier.verify(payload["provider_token"])
    except TokenRefused as exc:
        log.info("sign-in refused: %s (%s)", exc.code, exc.message)
        return session_error(exc.code, exc.message)
    except ProviderUnavailable as exc:
        log.warning("cannot check a sign-in: the provider %s is unavailable: %s", verifier.issuer, exc)
        return session_error(
            "provider_unavailable", "the gateway cannot reach the sign-in provider; try again shortly"
        )
    if not _valid_user_name(identity.user):
        return session_error(
            "unknown_user",
            f"the {verifier.user_claim!r} claim is not a user name this gateway can use "
            "(letters, digits, . _ @ -, at most 128 characters)",
        )

    settings = runtime.settings
    token = "tgs_" + secrets.token_urlsafe(32)
    ttl = settings.session_ttl_s
    expires_at = time.time() + ttl
    current = _bearer(request)
    if current is not None:
        session_id = await runtime.store.renew_session(
            hash_token(current), identity.user, hash_token(token), expires_at
        )
        if session_id is None:
            return session_error(
                "session_ended", "this session was ended (or is not this user's): sign in again"
            )
        status = 200
    else:
        who = SessionIdentity(identity.user, identity.subject, identity.display_name)
        session_id = await runtime.store.start_session(
            who, hash_token(token), expires_at, create_user=settings.oidc_create_users
        )
        if session_id is None:
            return session_error(
                "unknown_user",
                f"there is no gateway user {identity.user!r}; ask the administrator to add one",
            )
        status = 201
    log.info("%s session %s for %s", "renewed" if status == 200 else "started", session_id, identity.user)
    return JSONResponse(
        {
            "session_token": token,
            "session_id": session_id,
            "user": identity.user,
            "token_type": "Bearer",
            "expires_in": ttl,
            "expires_at": iso(datetime.fromtimestamp(expires_at, UTC)),
            "renewed": status == 200,
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
