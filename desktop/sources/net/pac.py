"""PAC files: fetched directly, evaluated by pypac (dukpy's JavaScript engine), cached.

Decision: **a PAC file that cannot be fetched, parsed or run means DIRECT, with a
warning**, as browsers do. The usual reason is a laptop outside the company network,
where the intranet PAC address does not answer and going direct is exactly right; inside
it, the direct connection then fails and its error carries the warning
(:attr:`Route.warning`), so the user learns the real cause. A failure is remembered for
:data:`FAILURE_TTL` seconds (one warning, no download per connection), a good file for
:data:`SUCCESS_TTL`.

- The PAC file itself is fetched without any proxy (it is what says which proxy to use),
  with certificate verification (``desktop.sources.net.tls``), a timeout and a size cap.
- Of the answer (``"PROXY a:3128; SOCKS b:1080; DIRECT"``) the first entry Tidings can
  use is taken: ``DIRECT``, ``PROXY``/``HTTP``, ``SOCKS``/``SOCKS5``. Fail-over to later
  entries is not done. ``HTTPS`` and ``SOCKS4`` entries are skipped.
- dukpy has no time limit: a PAC script that loops forever blocks the thread resolving
  it. PAC files come from the organisation's IT; this is accepted, not defended against.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.core.i18n import lazy
from desktop.sources.net.errors import ProxyConfigError
from desktop.sources.net.proxy import Proxy, Route, _host_for_url, parse_proxy_url

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 10.0
MAX_BYTES = 1_000_000
SUCCESS_TTL = 30 * 60.0
FAILURE_TTL = 60.0


class PacError(Exception):
    """The PAC file could not be fetched, parsed or run; the message says which."""


@dataclass
class _Loaded:
    expires: float
    pac: Any = None  # pypac.parser.PACFile (untyped)
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)  # dukpy contexts are not thread-safe


class PacCache:
    """PAC files by URL. Thread-safe: IMAP workers and the loop resolve routes at once."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = FETCH_TIMEOUT,
        success_ttl: float = SUCCESS_TTL,
        failure_ttl: float = FAILURE_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ssl_context = ssl_context
        self._timeout = timeout
        self._success_ttl = success_ttl
        self._failure_ttl = failure_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded: dict[str, _Loaded] = {}

    def clear(self) -> None:
        with self._lock:
            self._loaded.clear()

    def route(self, pac_url: str, scheme: str, host: str, port: int) -> Route:
        """The route the PAC file gives ``scheme://host:port``; DIRECT with a warning when
        the PAC file fails (see the module's docstring)."""
        loaded = self._get(pac_url)
        via = f"PAC {pac_url}"
        if loaded.error:
            return Route(None, via + " (failed: direct)", warning=loaded.error)
        url = f"{scheme}://{_host_for_url(host)}:{port}/"
        try:
            with loaded.lock:
                answer = loaded.pac.find_proxy_for_url(url, host)
        except Exception as exc:  # dukpy.JSRuntimeError and whatever the script throws
            warning = lazy.translate(
                "Status", "The PAC file {0} failed for {1} ({2}): connecting directly."
            ).format(pac_url, host, exc)
            log.warning("%s", warning)
            return Route(None, via + " (failed: direct)", warning=warning)
        return _choose(answer, pac_url, host, via)

    def _get(self, pac_url: str) -> _Loaded:
        with self._lock:
            now = self._clock()
            loaded = self._loaded.get(pac_url)
            if loaded is not None and loaded.expires > now:
                return loaded
            # Loading under the lock: threads asking meanwhile wait for this one download.
            try:
                loaded = _Loaded(now + self._success_ttl, pac=self._load(pac_url))
            except PacError as exc:
                message = lazy.translate(
                    "Status", "The PAC file {0} cannot be used ({1}): connecting directly."
                ).format(pac_url, exc)
                log.warning("%s", message)
                loaded = _Loaded(now + self._failure_ttl, error=message)
            self._loaded[pac_url] = loaded
            return loaded

    def _load(self, pac_url: str) -> Any:
        return parse_pac(fetch_pac(pac_url, ssl_context=self._ssl_context, timeout=self._timeout))


def fetch_pac(url: str, *, ssl_context: ssl.SSLContext | None = None, timeout: float = FETCH_TIMEOUT) -> str:
    """The PAC file's text, fetched without a proxy; :class:`PacError` on any failure."""
    if ssl_context is None:
        from desktop.sources.net.tls import client_context

        ssl_context = client_context()
    # urllib.request brings http.client: imported when a PAC file is fetched, not at start.
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ssl_context)
    )
    try:
        with opener.open(url, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise PacError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise PacError(str(exc.reason)) from None
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs
        raise PacError(str(exc) or type(exc).__name__) from None
    if len(data) > MAX_BYTES:
        raise PacError(f"larger than {MAX_BYTES} bytes")
    try:
        return str(data.decode("utf-8"))
    except UnicodeDecodeError:
        return str(data.decode("latin-1"))


def parse_pac(text: str) -> Any:
    """A ``pypac.parser.PACFile``; :class:`PacError` when the script is not a PAC file."""
    try:
        from pypac.parser import MalformedPacError, PACFile
    except ImportError as exc:  # pragma: no cover - pypac is a dependency
        raise PacError(f"PAC support is not installed ({exc})") from None
    try:
        return PACFile(text)
    except MalformedPacError as exc:
        raise PacError(f"not a valid PAC file: {exc}") from None
    except Exception as exc:  # dukpy raises its own errors for syntax it cannot compile
        raise PacError(f"not a valid PAC file: {exc}") from None


def _choose(answer: object, pac_url: str, host: str, via: str) -> Route:
    if not isinstance(answer, str):
        warning = lazy.translate(
            "Status", "The PAC file {0} gave no answer for {1}: connecting directly."
        ).format(pac_url, host)
        log.warning("%s", warning)
        return Route(None, via + " (no answer: direct)", warning=warning)
    for element in answer.split(";"):
        words = element.split()
        if not words:
            continue
        keyword = words[0].upper()
        if keyword == "DIRECT" and len(words) == 1:
            return Route(None, via + ": DIRECT")
        proxy = _proxy(keyword, words) if len(words) == 2 else None
        if proxy is not None:
            return Route(proxy, f"{via}: {keyword}")
    warning = lazy.translate(
        "Status", "The PAC file {0} gave no usable proxy for {1} ({2}): connecting directly."
    ).format(pac_url, host, repr(answer))
    log.warning("%s", warning)
    return Route(None, via + " (nothing usable: direct)", warning=warning)


def _proxy(keyword: str, words: list[str]) -> Proxy | None:
    scheme = {"PROXY": "http", "HTTP": "http", "SOCKS": "socks5", "SOCKS5": "socks5"}.get(keyword)
    if scheme is None:
        return None
    try:
        return parse_proxy_url(f"{scheme}://{words[1]}", what="The PAC file's answer")
    except ProxyConfigError:
        return None


_default_lock = threading.Lock()
_default: PacCache | None = None


def default_cache() -> PacCache:
    """The process's PAC cache: ``resolve()`` uses it. By default HTTPS PAC addresses are
    verified with the OS trust store only; :func:`set_default_cache` adds a CA file."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PacCache()
        return _default


def set_default_cache(cache: PacCache) -> None:
    """E.g. ``set_default_cache(PacCache(ssl_context=client_context(ca_file)))`` at start-up."""
    global _default
    with _default_lock:
        _default = cache
