"""The one place Authlib is imported (it ships no type hints, so this is where types stop).

Authlib 1.9 prefers ``httpx2`` (Pydantic's fork of httpx) and warns once at import when it
falls back to ``httpx``, which Tidings already pins (the gateway uses it too). The fallback is
supported throughout 1.9.x (pinned), so the warning is silenced here and nowhere else; moving
to httpx2 is a project-wide choice for later.
"""

from __future__ import annotations

import warnings

from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE

AuthlibOAuthError = OAuthError

__all__ = ["DEVICE_CODE_GRANT_TYPE", "AuthlibOAuthError", "OAuth2Client"]
