"""Sign-in round trip against the harness identity provider: browser launch to tokens.

    .venv/bin/python benchmarks/bench_sign_in.py              # 5 runs of each
    .venv/bin/python benchmarks/bench_sign_in.py --runs 10

Everything real and on loopback: oidc-provider (harness/idp.py), Debian's Chromium driven by
Playwright through a ``BROWSER`` script (harness/signin_browser.py), Dovecot checking tokens.
Per run, a new ``OAuthClient`` calls ``sign_in_with_browser()``; measured from just before the
call:
- "open() returned": ``webbrowser.open`` came back (the BROWSER script started its driver);
- "driver started": the Playwright driver process logged its start (Python start-up);
- "callback": the loopback listener had the code (a timing wrapper around its ``wait``);
- "tokens": the call returned (code exchanged, refresh token handed to the saver).
"cold" launches a new headless Chromium per run (a user whose browser was closed); "warm"
opens a new window in a Chromium that is already running. The person at the browser is a
script: it types and clicks at once, so a human adds their own seconds. Also: discovery,
a refresh, and IMAP logins with the token (OAUTHBEARER; introspection and local JWT).
Figures only; every process is stopped by its PID.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import webbrowser  # noqa: E402

from imapclient import IMAPClient  # noqa: E402

import desktop.sources.oauth.client as oauth_client  # noqa: E402
from benchmarks._common import summary  # noqa: E402
from desktop.sources.oauth import OAuthClient, custom, imap_login  # noqa: E402
from desktop.sources.oauth.loopback import Callback, LoopbackListener  # noqa: E402
from harness.dovecot import Dovecot  # noqa: E402
from harness.idp import RESOURCE_IMAP, RESOURCE_IMAP_JWT, IdentityProvider  # noqa: E402
from harness.signin_browser import SignInBrowser  # noqa: E402

CALLBACKS: list[float] = []


class TimedListener(LoopbackListener):
    """The production listener, noting when the code arrived (no hook in the client)."""

    def wait(self, timeout: float, cancel: object = None) -> Callback:
        result = super().wait(timeout, cancel)  # type: ignore[arg-type]
        CALLBACKS.append(time.time())
        return result


def client(idp: IdentityProvider, resource: str, saved: list[str]) -> OAuthClient:
    provider = custom(
        "harness",
        issuer=idp.issuer,
        client_id=idp.client_id,
        scopes=["openid", "offline_access", "mail"],
        resource=resource,
    )
    return OAuthClient(provider, save_refresh_token=saved.append)


def sign_in_once(
    idp: IdentityProvider, browser: SignInBrowser, launch: bool, resource: str
) -> tuple[dict[str, float], OAuthClient]:
    saved: list[str] = []
    c = client(idp, resource, saved)
    c.metadata()  # discovery is measured on its own
    os.environ["BROWSER"] = str(browser.browser_script("consent", "alice", launch=launch))
    webbrowser._tryorder = None  # BROWSER is read once per process
    opened: list[float] = []

    def open_browser(url: str) -> bool:
        ok = webbrowser.open(url)
        opened.append(time.time())
        return ok

    t0 = time.time()
    c.sign_in_with_browser(timeout=60, open_browser=open_browser)
    t_tokens = time.time()
    done = browser.wait_drivers()[-1]
    if done["event"] != "done" or not saved:
        raise SystemExit(f"sign-in failed: {done}\n{browser.driver_output()[-2000:]}")
    started = [e for e in browser.events() if e["event"] == "start"][-1]
    return {
        "open": (opened[0] - t0) * 1000,
        "driver": (float(str(started["time"])) - t0) * 1000,
        "callback": (CALLBACKS[-1] - t0) * 1000,
        "tokens": (t_tokens - t0) * 1000,
    }, c


def imap_login_ms(server: Dovecot, token: str) -> float:
    imap = IMAPClient(server.host, server.imap_port, ssl=False, timeout=20)
    try:
        t0 = time.perf_counter()
        imap_login(imap, "alice", token)
        return (time.perf_counter() - t0) * 1000
    finally:
        imap.logout()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("DISPLAY", None)  # only the BROWSER script may open a browser
    oauth_client.LoopbackListener = TimedListener  # type: ignore[misc]

    idp = IdentityProvider()
    browser = SignInBrowser()
    servers: list[Dovecot] = []
    try:
        t = time.perf_counter()
        idp.start()
        print(f"provider ready in {(time.perf_counter() - t) * 1000:.0f} ms (node {idp.pid})")
        t = time.perf_counter()
        browser.start()
        print(f"shared Chromium ready in {(time.perf_counter() - t) * 1000:.0f} ms")
        for mode in ("introspection", "local"):
            server = Dovecot(oauth2=idp.dovecot_validation(mode))  # type: ignore[arg-type]
            server.add_user("alice", "unused")
            server.start()
            servers.append(server)

        discovery = []
        for _ in range(args.runs):
            t = time.perf_counter()
            client(idp, RESOURCE_IMAP, []).metadata()
            discovery.append((time.perf_counter() - t) * 1000)
        print(f"\ndiscovery (ms)                {summary(discovery)}")

        last: OAuthClient | None = None
        for label, launch in (("cold: Chromium launched", True), ("warm: Chromium running", False)):
            figures: dict[str, list[float]] = {"open": [], "driver": [], "callback": [], "tokens": []}
            for _ in range(args.runs):
                run, last = sign_in_once(idp, browser, launch, RESOURCE_IMAP)
                for key, value in run.items():
                    figures[key].append(value)
            print(f"\nbrowser sign-in, {label} (ms from the call)")
            print(f"  open() returned             {summary(figures['open'])}")
            print(f"  driver started              {summary(figures['driver'])}")
            print(f"  code at the loopback        {summary(figures['callback'])}")
            print(f"  tokens in hand              {summary(figures['tokens'])}")

        assert last is not None
        refresh = []
        for _ in range(args.runs):
            t = time.perf_counter()
            last.access_token(force_refresh=True)
            refresh.append((time.perf_counter() - t) * 1000)
        print(f"\nrefresh (rotating) (ms)       {summary(refresh)}")

        token = last.access_token()
        logins = [imap_login_ms(servers[0], token) for _ in range(args.runs)]
        print(f"IMAP OAUTHBEARER, introspection (ms) {summary(logins)}")
        _, jwt_client = sign_in_once(idp, browser, False, RESOURCE_IMAP_JWT)
        jwt = jwt_client.access_token()
        logins = [imap_login_ms(servers[1], jwt) for _ in range(args.runs)]
        print(f"IMAP OAUTHBEARER, local JWT (ms)     {summary(logins)}")
    finally:
        for server in servers:
            server.cleanup()
        browser.cleanup()
        idp.cleanup()


if __name__ == "__main__":
    main()
