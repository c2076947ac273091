"""The [network] settings in force (desktop.sources.net.network): routes, the proxy
password from the keyring, the PAC warning, and `tidings proxy set-password`."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app import runtime as runtime_mod
from desktop.app.cli import main
from desktop.app.runtime import Runtime
from desktop.config import secrets
from desktop.config.settings import GatewaySettings, MailAccount, NetworkSettings, Settings, parse
from desktop.core.events import ConnectionState
from desktop.sources.base import Emit
from desktop.sources.gateway.connection import SessionEnd, open_stream
from desktop.sources.imap.connection import ImapProblem
from desktop.sources.imap.connection import connect as imap_connect
from desktop.sources.net import ProxyAuthError, ProxyConfigError, Route, network, pac
from harness.net import free_port
from tests.memory_keyring import MemoryKeyring

NO_ENV: dict[str, str] = {}


@pytest.fixture(autouse=True)
def default_network() -> Iterator[None]:
    yield
    network.configure(NetworkSettings())


def test_the_settings_table_reads_network() -> None:
    s = parse(
        {
            "network": {
                "proxy": "socks5://proxy.corp:1080",
                "no_proxy": ["intranet.corp"],
                "proxy_username": "li",
            }
        }
    )
    assert s.network == NetworkSettings("socks5://proxy.corp:1080", ["intranet.corp"], "li")
    assert parse({}).network.proxy == "system"


@pytest.mark.parametrize(
    "value", ["ftp://proxy:21", "http://", "pac+ftp://x/p.pac", "http://proxy:99999", "a b"]
)
def test_a_proxy_setting_of_the_wrong_shape_is_refused_when_read(value: str) -> None:
    with pytest.raises(Exception, match="proxy must be system, none"):
        parse({"network": {"proxy": value}})


def test_none_is_direct_and_never_asks_the_keyring(memory_keyring: MemoryKeyring) -> None:
    net = network.Network(proxy="none", proxy_username="li")
    assert network.route("imaps", "imap.corp", 993, network=net, environ={"https_proxy": "http://p:1"}).direct
    assert network.credentials(net) is None


def test_the_proxy_password_comes_from_the_keyring_for_the_proxy_user(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret(secrets.PROXY_KEY, "kr-secret")
    net = network.Network(proxy="http://proxy.corp:3128", proxy_username="li")
    route = network.route("imaps", "imap.corp", 993, network=net, environ=NO_ENV)
    assert route.proxy is not None
    assert (route.proxy.username, route.proxy.password) == ("li", "kr-secret")
    assert "kr-secret" not in repr(route)
    credentials = network.credentials(net)
    assert credentials is not None and credentials.password == "kr-secret"


def test_a_password_in_the_url_wins_and_the_keyring_is_not_asked(memory_keyring: MemoryKeyring) -> None:
    net = network.Network(proxy="http://li:url-pw@proxy.corp:3128", proxy_username="other")
    route = network.route("smtp", "smtp.corp", 587, network=net, environ=NO_ENV)
    assert route.proxy is not None and route.proxy.password == "url-pw"
    assert network.credentials(net) is None  # httpx takes them from the URL


def test_a_missing_proxy_password_is_an_auth_error_that_says_what_to_do(
    memory_keyring: MemoryKeyring,
) -> None:
    net = network.Network(proxy="http://proxy.corp:3128", proxy_username="li")
    with pytest.raises(ProxyAuthError, match="tidings proxy set-password"):
        network.route("imaps", "imap.corp", 993, network=net, environ=NO_ENV)
    assert network.credentials(net) is None  # the proxy will refuse, and say so


def test_a_proxy_without_a_user_needs_no_password(memory_keyring: MemoryKeyring) -> None:
    net = network.Network(proxy="http://proxy.corp:3128")
    route = network.route("wss", "gw.corp", 443, network=net, environ=NO_ENV)
    assert route.proxy is not None and route.proxy.password == ""


def test_the_bypass_list_sends_those_servers_direct() -> None:
    net = network.Network.from_settings(
        NetworkSettings("http://proxy.corp:3128", ["corp.example", "10.0.0.0/8"])
    )
    assert network.route("imaps", "imap.corp.example", 993, network=net, environ=NO_ENV).direct
    assert network.route("imaps", "10.1.2.3", 993, network=net, environ=NO_ENV).direct
    assert not network.route("imaps", "imap.other.example", 993, network=net, environ=NO_ENV).direct


def test_a_bad_setting_raises_a_config_error() -> None:
    with pytest.raises(ProxyConfigError):
        network.route("imaps", "imap.corp", 993, network=network.Network(proxy="https://proxy:3128"))


def test_configure_sets_the_network_in_force_and_a_pac_cache_for_the_pac_ca_file(tmp_path: Path) -> None:
    before = pac.default_cache()
    network.configure(NetworkSettings(proxy="none", no_proxy=["a.example", "b.example"]))
    assert network.current() == network.Network("none", "a.example,b.example", "")
    assert pac.default_cache() is before  # the same PAC CA file: the cache (and what it holds) stays
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate")
    network.configure(NetworkSettings(pac_ca_file=str(junk)))  # unusable: a warning, the OS store only
    assert pac.default_cache() is not before


def test_the_pac_warning_is_added_only_to_a_direct_route() -> None:
    warned = Route(None, "PAC (failed: direct)", warning="The PAC file https://wpad/p.pac cannot be used.")
    assert network.with_warning("imap.corp did not answer in time.", warned) == (
        "imap.corp did not answer in time. (The PAC file https://wpad/p.pac cannot be used.)"
    )
    assert network.with_warning("x.", Route(None, "setting: none")) == "x."
    assert network.with_warning("x.", None) == "x."


def test_tidings_proxy_set_password_stores_it_in_the_keyring(
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('[network]\nproxy = "http://proxy.corp:3128"\nproxy_username = "li"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-proxy\n"))
    assert main(["proxy", "set-password", "--config", str(config), "--data-dir", str(tmp_path / "d")]) == 0
    assert secrets.get_secret(secrets.PROXY_KEY) == "s3cret-proxy"
    assert "s3cret-proxy" not in capsys.readouterr().out


class _Fake:
    def __init__(self, source_id: str, log: list[str]) -> None:
        self.id, self.display_name, self._log = source_id, source_id, log

    def start(self, emit: Emit) -> None:
        self._log.append(f"start {self.id}")

    async def stop(self) -> None:
        self._log.append(f"stop {self.id}")

    def reconnect_now(self) -> None: ...
    def outbox_changed(self) -> None: ...


def test_a_changed_network_reopens_every_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    log: list[str] = []
    monkeypatch.setattr(runtime_mod, "make_mail_source", lambda a, store: _Fake(a.source_id, log))
    monkeypatch.setattr(runtime_mod, "make_gateway_source", lambda s, store: _Fake("gateway", log))
    account = MailAccount(name="a", host="imap.example.com", username="u")
    gateway = GatewaySettings(url="wss://gw.example.com")
    rt = Runtime(Settings(mail=[account], gateway=gateway), tmp_path)

    async def run() -> None:
        rt.start(asyncio.get_running_loop())
        assert network.current().proxy == "system"
        log.clear()
        proxied = NetworkSettings(proxy="http://proxy.corp:3128")
        await rt.apply_settings(Settings(mail=[account], gateway=gateway, network=proxied))
        assert network.current().proxy == "http://proxy.corp:3128"
        assert log == ["stop mail:a", "start mail:a", "stop gateway", "start gateway"]
        log.clear()
        await rt.apply_settings(Settings(mail=[account], gateway=gateway, network=proxied))
        assert log == []  # nothing changed: nothing reopened
        await rt.stop()

    asyncio.run(run())


@pytest.fixture
def unusable_pac() -> Iterator[str]:
    """A [network] whose PAC file cannot be fetched (nothing listens there): direct, warned."""
    pac_url = f"http://127.0.0.1:{free_port()}/proxy.pac"
    network.configure(NetworkSettings(proxy=f"pac+{pac_url}"))
    pac.set_default_cache(pac.PacCache())
    yield pac_url
    pac.set_default_cache(pac.PacCache())


def test_a_failed_direct_imap_connection_names_the_pac_file(unusable_pac: str) -> None:
    account = MailAccount(name="a", host="127.0.0.1", username="u", security="plain", port=free_port())
    with pytest.raises(ImapProblem) as failed:
        imap_connect(account, "pw", timeout=5)
    assert failed.value.state is ConnectionState.OFFLINE  # retried: the network, not the user
    assert "refused the connection" in failed.value.message
    assert f"The PAC file {unusable_pac} cannot be used" in failed.value.message


def test_a_failed_direct_gateway_connection_names_the_pac_file(unusable_pac: str) -> None:
    async def run() -> None:
        async with open_stream(f"ws://127.0.0.1:{free_port()}", "t", None, open_timeout=5, ping_interval=20):
            pass

    with pytest.raises(SessionEnd) as failed:
        asyncio.run(run())
    assert failed.value.outcome.state is ConnectionState.OFFLINE
    assert f"The PAC file {unusable_pac} cannot be used" in failed.value.outcome.message
