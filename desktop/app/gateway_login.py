"""`tidings gateway login [--device]`: sign in to the gateway with the company's provider.

The browser sign-in (or, with ``--device``, a code entered on another device) stores the
provider's refresh token in the keyring; one exchange with the gateway then checks that the
sign-in opens a gateway session, and says as whom. No token is printed or logged.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from desktop.config.settings import GatewaySettings, Settings
from desktop.core.events import ConnectionState
from desktop.sources.gateway.connection import SessionEnd
from desktop.sources.gateway.sso import GatewaySignIn, make_oauth_client
from desktop.sources.oauth import OAuthProblem, OAuthSetupError, SignInRequired
from desktop.sources.oauth.accounts import sign_ins

Say = Callable[[str], None]


def run(everything: Settings, *, device: bool, say: Say, warn: Say, browser_timeout: float = 300.0) -> int:
    """With ``[gateway] oauth = NAME`` the sign-in is that provider's, shared with mail
    accounts that name it: it asks for both audiences, so it signs in mail too."""
    settings = everything.gateway
    if not settings.sso:
        warn('the gateway signs in with a token: set sign_in = "sso" (and issuer, client_id) in [gateway]')
        return 2
    if not settings.url:
        warn("no gateway address is set ([gateway] url)")
        return 2
    sign_ins.use(everything)
    try:
        if settings.oauth.strip():
            shared = sign_ins.for_gateway(everything)
            if device:
                client, code = shared.start_device_sign_in()
                say(f"On any device, open {code.verification_uri} and enter the code {code.user_code}")
                shared.finish_device_sign_in(client, code)
            else:
                say("Signing in with your company account in the browser...")
                shared.sign_in_with_browser(timeout=browser_timeout)
            client = shared.client()
        else:
            client = make_oauth_client(settings, None)
            if device:
                code = client.start_device_sign_in()
                say(f"On any device, open {code.verification_uri} and enter the code {code.user_code}")
                client.finish_device_sign_in(code)
            else:
                say("Signing in with your company account in the browser...")
                client.sign_in_with_browser(timeout=browser_timeout)
    except OAuthProblem as exc:
        warn(exc.message)
        return 1
    if not client.signed_in:
        warn("the provider gave no lasting sign-in (ask for the offline_access scope)")
        return 1
    try:
        session = asyncio.run(_check(settings))
    except SessionEnd as end:
        if end.outcome.state is ConnectionState.OFFLINE:
            say(f"Signed in. The gateway could not check it now ({end.outcome.message}); Tidings will.")
            return 0
        warn(end.outcome.message)
        return 1
    say(f"Signed in to the gateway as {session}.")
    return 0


def browser_sign_in(
    everything: Settings, *, timeout: float = 300.0, cancel: threading.Event | None = None
) -> None:
    """Blocking: the gateway's browser sign-in for the inbox's "Sign in…" (the UI reaches the
    sources only through desktop.app). The refresh token goes to the keyring, where the
    blocked GatewaySource finds it and connects again by itself. With ``[gateway] oauth =
    NAME`` it is the one sign-in of that provider, which signs mail in too."""
    settings = everything.gateway
    if not settings.sso:
        raise OAuthSetupError(
            'The gateway signs in with a token: set sign_in = "sso" in [gateway] to sign in in the browser.',
            reason="not_sso",
        )
    if settings.oauth.strip():
        sign_ins.use(everything)
        sign_ins.for_gateway(everything).sign_in_with_browser(timeout=timeout, cancel=cancel)
        return
    client = make_oauth_client(settings, None)
    client.sign_in_with_browser(timeout=timeout, cancel=cancel)
    if not client.signed_in:
        raise SignInRequired(
            "The provider gave no lasting sign-in (no refresh token): ask IT to allow offline_access "
            "for Tidings.",
            reason="no_refresh_token",
        )


async def _check(settings: GatewaySettings) -> str:
    sign_in = GatewaySignIn(settings)
    await sign_in.session_token()
    return sign_in.user or "?"
