"""`tidings account login NAME [--device]`: sign in to an OAuth2 mail account.

The browser sign-in (or, with ``--device``, a code entered on another device) stores the
provider's refresh token in the keyring (``oauth.accounts``); one IMAP login then checks that
the mail server accepts it. No token is printed or logged. A running Tidings notices the new
sign-in within seconds and connects the account again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.config.secrets import SecretError
from desktop.config.settings import MailAccount, Settings
from desktop.core.events import ConnectionState
from desktop.sources import discovery
from desktop.sources.imap.connection import ImapProblem, close_quietly, connect
from desktop.sources.oauth import OAuthProblem
from desktop.sources.oauth.accounts import sign_ins

Say = Callable[[str], None]


def run(
    settings: Settings,
    name: str,
    *,
    device: bool,
    say: Say,
    warn: Say,
    browser_timeout: float = 300.0,
    check: bool = True,
) -> int:
    account = settings.account(name)
    if account is None:
        warn(f"no mail account called {name!r}")
        return 2
    if account.auth != "oauth2":
        warn(f'{name} signs in with a password: set auth = "oauth2" and oauth = "<provider>" first')
        return 2
    try:
        sign_in = sign_ins.for_account(account, settings)
        provider = sign_in.provider.display_name
        if device:
            client, code = sign_in.start_device_sign_in()
            say(f"On any device, open {code.verification_uri} and enter the code {code.user_code}")
            sign_in.finish_device_sign_in(client, code)
        else:
            say(f"Signing in to {provider} in the browser as {account.username}...")
            sign_in.sign_in_with_browser(timeout=browser_timeout, login_hint=account.username)
    except OAuthProblem as exc:
        warn(exc.message)
        return 1
    except SecretError as exc:
        warn(f"the sign-in could not be stored: {exc}")
        return 1
    if not check:
        say(f"Signed in to {provider}.")
        return 0
    try:
        client = connect(account, lambda force: sign_in.access_token(force_refresh=force), timeout=30.0)
    except ImapProblem as problem:
        if problem.state is ConnectionState.OFFLINE:
            say(f"Signed in to {provider}. The mail server could not be checked now: {problem.message}")
            return 0
        warn(f"signed in to {provider}, but the mail server refused: {problem.message}")
        return 1
    close_quietly(client)
    say(f"Signed in to {provider}; {account.host} accepts the sign-in for {account.username}.")
    return 0


# -- for the add-account dialog (the UI reaches sources only through desktop.app) ------------

__all__ = [
    "DiscoveryError",
    "Finding",
    "Lookups",
    "OAuthProblem",
    "browser_sign_in",
    "find_account",
    "provider_name",
    "run",
]

Finding = discovery.Finding
Lookups = discovery.Lookups
DiscoveryError = discovery.DiscoveryError


def find_account(address: str, lookups: Lookups | None = None) -> Finding:
    """Blocking: the settings found for ``address`` (``desktop.sources.discovery``)."""
    return discovery.find_account(address, lookups)


def provider_name(account: MailAccount, settings: Settings) -> str:
    """What the sign-in button names ("Microsoft 365"); OAuthProblem if it cannot be used."""
    return sign_ins.for_account(account, settings).provider.display_name


def browser_sign_in(
    account: MailAccount, settings: Settings, *, timeout: float = 300.0, cancel: threading.Event | None = None
) -> None:
    """Blocking: the browser sign-in for ``account``; the refresh token goes to the keyring."""
    sign_ins.for_account(account, settings).sign_in_with_browser(
        timeout=timeout, login_hint=account.username or None, cancel=cancel
    )
