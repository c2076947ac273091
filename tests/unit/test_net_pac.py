"""PAC files from disk (file://): evaluation per host, answers Tidings can and cannot use,
failures falling back to DIRECT with a warning, and the cache. Over HTTP, with real
proxies: tests/integration/test_proxies.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.sources.net import pac
from desktop.sources.net.pac import PacCache
from desktop.sources.net.proxy import Credentials, Proxy, resolve

PAC = """
function FindProxyForURL(url, host) {
    if (dnsDomainIs(host, ".intranet.example") || isPlainHostName(host)) return "DIRECT";
    if (shExpMatch(url, "imaps:*")) return "SOCKS socks.corp:1080";
    if (host == "odd.example") return "HTTPS tls.corp:443; SOCKS4 old.corp:1080; PROXY fallback.corp:3128";
    if (host == "junk.example") return "PROXY bad host name; NONSENSE";
    if (host == "nothing.example") return undefined;
    if (host == "throws.example") throw new Error("boom");
    return "PROXY proxy.corp:3128; DIRECT";
}
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pac_file(tmp_path: Path) -> Path:
    path = tmp_path / "proxy.pac"
    path.write_text(PAC, encoding="utf-8")
    return path


@pytest.fixture
def fresh_default() -> Iterator[None]:
    pac.set_default_cache(PacCache())
    yield
    pac.set_default_cache(PacCache())


def test_the_pac_file_decides_per_destination(pac_file: Path) -> None:
    cache = PacCache()
    url = pac_file.as_uri()
    assert cache.route(url, "https", "login.example.com", 443).proxy == Proxy("http", "proxy.corp", 3128)
    assert cache.route(url, "imaps", "mail.example.com", 993).proxy == Proxy("socks5", "socks.corp", 1080)
    intranet = cache.route(url, "https", "wiki.intranet.example", 443)
    assert intranet.direct and intranet.via.endswith("DIRECT") and not intranet.warning
    assert cache.route(url, "https", "plainhost", 443).direct


def test_unusable_entries_are_skipped(pac_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = PacCache()
    url = pac_file.as_uri()
    assert cache.route(url, "https", "odd.example", 443).proxy == Proxy("http", "fallback.corp", 3128)
    with caplog.at_level(logging.WARNING):
        for host in ("junk.example", "nothing.example", "throws.example"):
            route = cache.route(url, "https", host, 443)
            assert route.direct and host in route.warning and "connecting directly" in route.warning
    assert "boom" in caplog.text


@pytest.mark.usefixtures("fresh_default")
def test_resolve_applies_caller_credentials_to_pac_proxies(pac_file: Path) -> None:
    route = resolve(
        f"pac+{pac_file.as_uri()}", "https", "x.example", 443, credentials=Credentials("al", "PacPw123")
    )
    assert route.proxy == Proxy("http", "proxy.corp", 3128, "al", "PacPw123")
    assert route.via.startswith("PAC file://")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("this is not javascript {", "not a valid PAC file"),
        ("var x = 1;", "not a valid PAC file"),  # no FindProxyForURL
    ],
)
def test_a_broken_pac_file_means_direct_with_a_warning(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "broken.pac"
    path.write_text(content, encoding="utf-8")
    route = PacCache().route(path.as_uri(), "https", "example.com", 443)
    assert route.direct and words in route.warning and "connecting directly" in route.warning


def test_a_missing_or_huge_pac_file_means_direct(tmp_path: Path) -> None:
    assert (
        "connecting directly" in PacCache().route((tmp_path / "nope.pac").as_uri(), "https", "h", 443).warning
    )
    huge = tmp_path / "huge.pac"
    huge.write_bytes(b"//" + b"x" * pac.MAX_BYTES + b"\n")
    assert "larger than" in PacCache().route(huge.as_uri(), "https", "h", 443).warning


def test_failures_and_successes_are_cached_for_their_ttl(tmp_path: Path, pac_file: Path) -> None:
    clock = Clock()
    cache = PacCache(clock=clock, failure_ttl=60, success_ttl=600)
    path = tmp_path / "later.pac"
    url = path.as_uri()
    assert cache.route(url, "https", "h.example", 443).warning  # not there yet
    path.write_text(PAC, encoding="utf-8")
    clock.now += 59
    assert cache.route(url, "https", "h.example", 443).warning  # the failure is remembered
    clock.now += 2
    assert cache.route(url, "https", "h.example", 443).proxy == Proxy("http", "proxy.corp", 3128)
    path.write_text('function FindProxyForURL(u, h) { return "DIRECT"; }', encoding="utf-8")
    clock.now += 599
    assert not cache.route(url, "https", "h.example", 443).direct  # still the cached file
    clock.now += 2
    assert cache.route(url, "https", "h.example", 443).direct
