"""Proxy URLs, the proxy setting, no_proxy matching and route resolution (no network)."""

from __future__ import annotations

import ipaddress
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.config.logs import redact
from desktop.sources.net.errors import ProxyConfigError
from desktop.sources.net.proxy import (
    Credentials,
    NoProxy,
    Proxy,
    Route,
    parse_proxy_url,
    parse_setting,
    resolve,
)
from desktop.sources.net.websocket import websocket_proxy

LABEL = st.from_regex(r"[a-z]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)  # all-digit names are IPs
DOMAIN = st.lists(LABEL, min_size=1, max_size=4).map(".".join)
IPV4 = st.integers(0, 2**32 - 1).map(lambda n: ipaddress.IPv4Address(n))

# -- proxy URLs ---------------------------------------------------------------------------------


def test_a_full_url_gives_scheme_host_port_and_decoded_credentials() -> None:
    proxy = parse_proxy_url("http://us%40er:p%3Ass%2Fw@Proxy.Corp.example:3128/")
    assert proxy == Proxy("http", "proxy.corp.example", 3128, "us@er", "p:ss/w")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("proxy.corp:3128", Proxy("http", "proxy.corp", 3128)),  # https_proxy=proxy:3128
        ("http://proxy.corp", Proxy("http", "proxy.corp", 80)),
        ("socks5://10.0.0.1", Proxy("socks5", "10.0.0.1", 1080)),
        ("socks5h://u:p@h:1", Proxy("socks5", "h", 1, "u", "p")),
        ("socks://h:1080", Proxy("socks5", "h", 1080)),
        ("http://a:b:c@h:1", Proxy("http", "h", 1, "a", "b:c")),  # only the first ':' splits
        ("http://[::1]:8080", Proxy("http", "::1", 8080)),
    ],
)
def test_the_forms_proxies_are_written_in(text: str, expected: Proxy) -> None:
    assert parse_proxy_url(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("ftp://h:21", "unknown scheme 'ftp'"),
        ("https://h:443", "over TLS (https://) is not supported"),
        ("socks4://h:1080", "SOCKS4 proxies are not supported"),
        ("http://:3128", "no host name"),
        ("http://h:0", "invalid port"),
        ("http://h:70000", "invalid port"),
        ("http://h:port", "invalid port"),
        ("http://h:1/some/path", "only scheme://host:port"),
        ("http://h:1?x=1", "only scheme://host:port"),
        ("http://h:1 extra", "spaces or control characters"),
        ("http://h\n:1", "spaces or control characters"),
        ("http://under_score-.bad-:1", "invalid host name"),
        ("http://u%3Ax:p@h:1", "cannot contain ':'"),
    ],
)
def test_bad_proxy_urls_get_a_clear_error(text: str, words: str) -> None:
    with pytest.raises(
        ProxyConfigError, match=words.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")
    ):
        parse_proxy_url(text)


def test_errors_never_repeat_the_password() -> None:
    for text in (
        "http://user:s3cretpass@h:99999",
        "http://user:s3cretpass@h:1/path",
        "gopher://u:s3cretpass@h",
    ):
        with pytest.raises(ProxyConfigError) as caught:
            parse_proxy_url(text)
        assert "s3cretpass" not in str(caught.value)


def test_the_password_is_never_shown_and_is_redacted_from_logs() -> None:
    proxy = parse_proxy_url("http://alice:Pr0xyPassw0rd@proxy.corp:3128")
    assert "Pr0xyPassw0rd" not in repr(proxy)
    assert proxy.display == "http://alice@proxy.corp:3128"
    assert "Pr0xyPassw0rd" not in redact(f"connecting via {proxy.url()} with Pr0xyPassw0rd")
    Credentials("bob", "KeyringSecret42")
    assert redact("oops KeyringSecret42") == "oops [redacted]"


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)


@given(user=TEXT.filter(lambda u: ":" not in u), password=TEXT, scheme=st.sampled_from(["http", "socks5"]))
def test_url_round_trip_for_any_credentials(user: str, password: str, scheme: str) -> None:
    proxy = Proxy(scheme, "proxy.example", 3128, user, password)  # type: ignore[arg-type]
    assert parse_proxy_url(proxy.url()) == proxy
    assert proxy.display == f"{scheme}://{urllib.parse.quote(user, safe='')}@proxy.example:3128"


@given(st.text(max_size=60))
def test_any_text_parses_or_gets_a_config_error(text: str) -> None:
    try:
        parse_setting(text)
    except ProxyConfigError as exc:
        assert str(exc)


# -- the setting -------------------------------------------------------------------------------


def test_setting_kinds() -> None:
    assert parse_setting("").kind == "system"
    assert parse_setting(None).kind == "system"
    assert parse_setting(" System ").kind == "system"
    assert parse_setting("none").kind == "none"
    assert parse_setting("DIRECT").kind == "none"
    pac = parse_setting("pac+https://wpad.corp.example/proxy.pac")
    assert (pac.kind, pac.pac_url) == ("pac", "https://wpad.corp.example/proxy.pac")
    assert parse_setting("pac+file:///etc/tidings/proxy.pac").pac_url == "file:///etc/tidings/proxy.pac"
    explicit = parse_setting("socks5://u:p@h:1080")
    assert explicit.kind == "proxy" and explicit.proxy == Proxy("socks5", "h", 1080, "u", "p")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pac+ftp://h/p.pac", "must start with pac\\+https://"),
        ("pac+https:///p.pac", "no host name"),
        ("pac+https://h/p p.pac", "spaces or control characters"),
    ],
)
def test_bad_pac_settings(text: str, words: str) -> None:
    with pytest.raises(ProxyConfigError, match=words):
        parse_setting(text)


# -- no_proxy ----------------------------------------------------------------------------------


@given(domain=DOMAIN, prefix=st.lists(LABEL, max_size=3), form=st.sampled_from(["{}", ".{}", "*.{}"]))
def test_a_domain_entry_covers_the_domain_and_every_name_below_it(
    domain: str, prefix: list[str], form: str
) -> None:
    rules = NoProxy.parse("other.example, " + form.format(domain))
    host = ".".join([*prefix, domain])
    assert rules.matches(host, 993)
    assert rules.matches(host.upper() + ".", 443)  # case and a trailing dot do not matter


@given(entry=DOMAIN, host=DOMAIN)
def test_a_domain_entry_matches_only_at_label_boundaries(entry: str, host: str) -> None:
    expected = host == entry or host.endswith("." + entry)
    assert NoProxy.parse(entry).matches(host, 443) is expected


@given(address=IPV4, prefix=st.integers(0, 32), base=IPV4)
def test_cidr_entries_match_the_addresses_inside(
    address: ipaddress.IPv4Address, prefix: int, base: ipaddress.IPv4Address
) -> None:
    network = ipaddress.ip_network(f"{base}/{prefix}", strict=False)
    assert NoProxy.parse(f"example.com,{base}/{prefix}").matches(str(address), 993) is (address in network)


def test_ip_ipv6_and_port_entries() -> None:
    rules = NoProxy.parse("10.1.2.3  ::1, [fd00::]/8 ,intranet.example:8443,[fe80::1]:993")
    assert rules.matches("10.1.2.3")
    assert not rules.matches("10.1.2.4")
    assert rules.matches("[::1]") and rules.matches("::1")
    assert rules.matches("fd12::5")
    assert rules.matches("intranet.example", 8443)
    assert not rules.matches("intranet.example", 443)
    assert rules.matches("fe80::1", 993) and not rules.matches("fe80::1", 143)
    assert not rules.matches("10.1.2.3.example")  # a name is never compared with an IP entry


def test_star_bypasses_everything_and_junk_is_ignored_not_fatal() -> None:
    assert NoProxy.parse("*").matches("anything.example", 1)
    rules = NoProxy.parse("10.0.0.0/33, bad host!, :99, [::1, example.com")
    assert rules.matches("www.example.com")
    assert {"10.0.0.0/33", "host!", ":99", "[::1"} <= set(rules.ignored)
    assert not NoProxy.parse("").matches("example.com")


@given(st.text(max_size=80), st.text(max_size=40), st.integers(0, 70000))
def test_no_proxy_never_raises(rules: str, host: str, port: int) -> None:
    NoProxy.parse(rules).matches(host, port)


# -- resolution --------------------------------------------------------------------------------


def test_none_ignores_the_environment() -> None:
    env = {"https_proxy": "http://env-proxy:3128", "ALL_PROXY": "socks5://env:1080"}
    assert resolve("none", "imaps", "mail.example.com", 993, environ=env) == Route(None, "setting: none")


def test_an_explicit_proxy_wins_over_the_environment_and_ignores_its_no_proxy() -> None:
    env = {"https_proxy": "http://env-proxy:3128", "no_proxy": "example.com"}
    route = resolve("http://corp-proxy:8080", "imaps", "mail.example.com", 993, environ=env)
    assert route.proxy == Proxy("http", "corp-proxy", 8080)
    bypassed = resolve("http://corp-proxy:8080", "imaps", "mail.example.com", 993, no_proxy="example.com")
    assert bypassed.direct and bypassed.via == "no_proxy setting"


@pytest.mark.parametrize(
    ("scheme", "env", "expected"),
    [
        ("https", {"https_proxy": "h1:1", "http_proxy": "h2:2"}, "h1"),
        ("wss", {"HTTPS_PROXY": "h1:1", "all_proxy": "h3:3"}, "h1"),
        ("http", {"https_proxy": "h1:1", "http_proxy": "h2:2"}, "h2"),
        ("ws", {"http_proxy": "h2:2"}, "h2"),
        ("imaps", {"https_proxy": "h1:1", "all_proxy": "h3:3"}, "h3"),
        ("imaps", {"https_proxy": "h1:1"}, "h1"),  # one proxy for everything
        ("smtp", {"smtp_proxy": "h4:4", "all_proxy": "h3:3"}, "h4"),
        ("https", {"https_proxy": "lower:1", "HTTPS_PROXY": "upper:2"}, "lower"),
    ],
)
def test_system_proxy_from_the_environment(scheme: str, env: dict[str, str], expected: str) -> None:
    route = resolve("system", scheme, "server.example", 443, environ=env)
    assert route.proxy is not None and route.proxy.host == expected


def test_system_no_proxy_and_nothing_set() -> None:
    env = {"https_proxy": "http://p:1", "NO_PROXY": ".corp.example,127.0.0.0/8"}
    assert resolve("system", "imaps", "mail.corp.example", 993, environ=env).via == "no_proxy"
    assert resolve("system", "imaps", "127.0.0.1", 993, environ=env).direct
    assert resolve("system", "http", "example.com", 80, environ=env).direct  # no http_proxy
    assert resolve("", "https", "example.com", 443, environ={}).direct


def test_credentials_fill_in_what_the_url_lacks() -> None:
    creds = Credentials("alice", "KeyringPw1")
    assert resolve("http://p:1", "https", "h", 443, credentials=creds).proxy == Proxy(
        "http", "p", 1, "alice", "KeyringPw1"
    )
    with_user = resolve("http://bob@p:1", "https", "h", 443, credentials=creds).proxy
    assert with_user == Proxy("http", "p", 1, "bob", "KeyringPw1")
    full = resolve("http://bob:UrlPw123@p:1", "https", "h", 443, credentials=creds).proxy
    assert full == Proxy("http", "p", 1, "bob", "UrlPw123")
    env_route = resolve("system", "https", "h", 443, credentials=creds, environ={"https_proxy": "p:1"})
    assert env_route.proxy == Proxy("http", "p", 1, "alice", "KeyringPw1")


def test_a_bad_environment_proxy_names_the_variable() -> None:
    with pytest.raises(ProxyConfigError, match="The https_proxy environment variable"):
        resolve("system", "https", "h", 443, environ={"https_proxy": "ftp://x:1"})


def test_websockets_gets_the_proxy_url_or_none() -> None:
    assert websocket_proxy(None) is None
    assert websocket_proxy(Route(None, "setting: none")) is None
    assert websocket_proxy(Proxy("http", "p", 3128, "u", "p w")) == "http://u:p%20w@p:3128"
    # socks5h: the proxy resolves the server's name, as everywhere else
    assert websocket_proxy(Proxy("socks5", "p", 1080)) == "socks5h://p:1080"
