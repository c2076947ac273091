"""The loopback redirect of a native app's browser sign-in (RFC 8252 §7.3).

A one-shot HTTP listener on ``127.0.0.1`` and an ephemeral port receives the provider's
redirect at ``/callback``. The first request there decides the outcome: a matching ``state``
with a ``code`` is a success, anything else ends the attempt with the reason in words, both in
the browser tab and for the caller. The request line (which carries the authorization code)
is never logged.
"""

from __future__ import annotations

import hmac
import html
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from desktop.core.i18n import lazy
from desktop.sources.oauth.errors import OAuthProblem, SignInRequired, from_oauth_error

CALLBACK_PATH = "/callback"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:4em auto;max-width:34em;line-height:1.5}}</style>
</head><body><h1>{title}</h1><p>{text}</p></body></html>
"""


@dataclass(frozen=True)
class Callback:
    code: str = field(repr=False)
    iss: str | None = None


class LoopbackListener:
    """``with LoopbackListener(state, provider_name) as lb: ...open lb.redirect_uri...; lb.wait(t)``."""

    def __init__(self, state: str, provider_name: str, *, expected_iss: str | None = None) -> None:
        self._state = state
        self._provider = provider_name
        self._expected_iss = expected_iss
        self._done = threading.Event()
        self._result: Callback | OAuthProblem | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="oauth-loopback",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> Callback:
        """The authorization code, or the :class:`OAuthProblem` that ended the attempt."""
        deadline = time.monotonic() + timeout
        while not self._done.wait(max(0.0, min(0.2, deadline - time.monotonic()))):
            if cancel is not None and cancel.is_set():
                self._finish(
                    SignInRequired(
                        lazy.translate("Status", "The sign-in was cancelled; nothing was saved."),
                        reason="cancelled",
                    )
                )
            elif time.monotonic() >= deadline:
                self._finish(
                    SignInRequired(
                        lazy.translate(
                            "Status",
                            "No answer came back from the browser within {0} s, so the sign-in to {1} was stopped. Nothing was saved; sign in again.",
                        ).format(round(timeout), self._provider),
                        reason="timeout",
                    )
                )
        result = self._result
        if isinstance(result, OAuthProblem):
            raise result
        assert result is not None
        return result

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the request ------------------------------------------------------------------

    def _finish(self, result: Callback | OAuthProblem) -> bool:
        """Record the outcome once; False if an earlier request already decided it."""
        with self._lock:
            if self._done.is_set():
                return False
            self._result = result
            self._done.set()
            return True

    def _decide(self, query: dict[str, list[str]]) -> Callback | OAuthProblem:
        def one(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values and len(values) == 1 else None

        state = one("state") or ""
        if not hmac.compare_digest(state.encode(), self._state.encode()):
            return SignInRequired(
                lazy.translate(
                    "Status",
                    "The answer that reached Tidings does not belong to the sign-in it started (wrong state), so it was ignored and nothing was saved. Start the sign-in again.",
                ),
                reason="state_mismatch",
            )
        iss = one("iss")
        if self._expected_iss is not None and iss != self._expected_iss:
            # RFC 9207: an answer from another provider (mix-up attack) is not trusted.
            return SignInRequired(
                lazy.translate(
                    "Status",
                    "The answer did not come from {0} (issuer {1}), so it was ignored and nothing was saved. Start the sign-in again.",
                ).format(self._provider, repr(iss)),
                reason="issuer_mismatch",
            )
        error = one("error")
        if error is not None:
            return from_oauth_error(self._provider, error, one("error_description"))
        code = one("code")
        if not code:
            return SignInRequired(
                lazy.translate(
                    "Status", "The provider's answer had no authorization code. Start the sign-in again."
                ),
                reason="no_code",
            )
        return Callback(code=code, iss=iss)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Tidings"
            sys_version = ""

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != CALLBACK_PATH:
                    # The browser also asks for /favicon.ico; that must not end the sign-in.
                    self._page(404, "Not found", "This address is only for Tidings' sign-in.")
                    return
                outcome = listener._decide(parse_qs(url.query, keep_blank_values=True))
                if not listener._finish(outcome):
                    self._page(
                        409, "Already finished", "This sign-in has already finished; you can close this tab."
                    )
                elif isinstance(outcome, Callback):
                    self._page(200, "Signed in", "Signed in. You can close this tab and return to Tidings.")
                else:
                    self._page(400, "Not signed in", outcome.message)

            def _page(self, status: int, title: str, text: str) -> None:
                body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                # The request line holds the authorization code: never logged.
                return

        return Handler
