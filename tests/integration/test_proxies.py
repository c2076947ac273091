"""The network layer against real proxies and real servers.

tinyproxy (HTTP CONNECT, Basic auth), pproxy (SOCKS5, password) and, as root, Dante
(SOCKS5 with a system account) carry: IMAPS and IMAP+STARTTLS to a real Dovecot
(certificate verified), SMTP submission (STARTTLS and implicit TLS) to Dovecot relaying to
a sink, a websocket to the real gateway, and an HTTPS GET to a server with a private CA.
Wrong passwords, dead proxies and unreachable servers give their own errors; ``no_proxy``,
``none`` and a PAC file served over HTTP choose between proxy and direct.

Where a test shows that a connection did NOT use a proxy, the proxy setting points at a
port where nothing listens: going through it could not have succeeded.
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage

import httpx
import pytest
from imapclient.imapclient import SocketTimeout
from websockets.asyncio.client import connect as ws_connect

from desktop.sources.net import pac
from desktop.sources.net.errors import (
    ProxyAuthError,
    ProxyError,
    ProxyTargetError,
    ProxyUnreachableError,
    classify,
    find_proxy_error,
)
from desktop.sources.net.http_client import async_http_client, http_client
from desktop.sources.net.imap import ProxiedIMAPClient
from desktop.sources.net.pac import PacCache
from desktop.sources.net.proxy import Credentials, Proxy, Route, parse_proxy_url, resolve
from desktop.sources.net.smtp import ProxiedSMTP, ProxiedSMTP_SSL
from desktop.sources.net.tls import client_context
from desktop.sources.net.tunnel import open_socket, open_socket_async
from desktop.sources.net.websocket import websocket_proxy
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess
from harness.net import free_port
from harness.proxies import Dante, FileServer, HttpsServer, Pproxy, PrivateCA, ProxyServer, Tinyproxy
from harness.smtp_sink import SmtpSink

pytestmark = [pytest.mark.dovecot, pytest.mark.gateway]

USER, PASSWORD = "alice", "imap-pw-1"
TIMEOUT = SocketTimeout(connect=15, read=15)

# -- servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tinyproxy() -> Iterator[ProxyServer]:
    with Tinyproxy(user="tuser", password="tpass-Secret1") as server:
        yield server


@pytest.fixture(scope="module")
def pproxy() -> Iterator[ProxyServer]:
    with Pproxy(user="suser", password="spass-Secret2") as server:
        yield server


@pytest.fixture(scope="module")
def dante() -> Iterator[ProxyServer]:
    if not Dante.available():
        pytest.skip("Dante checks passwords against system accounts: root only")
    with Dante(password="dpass-Secret3") as server:
        yield server


@pytest.fixture(params=["tinyproxy", "pproxy", "dante"])
def any_proxy(request: pytest.FixtureRequest) -> ProxyServer:
    """Each proxy in turn: HTTP CONNECT, SOCKS5 (pproxy), SOCKS5 (Dante)."""
    server: ProxyServer = request.getfixturevalue(request.param)
    return server


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        yield s


@pytest.fixture(scope="module")
def mail(sink: SmtpSink) -> Iterator[Dovecot]:
    with Dovecot(smtp_relay_port=sink.port) as d:
        d.add_user(USER, PASSWORD)
        yield d


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GatewayProcess, str]]:
    gw = GatewayProcess(tmp_path_factory.mktemp("gw") / "gateway.db")
    gw.add_user("alice", "Alice Liu")
    token = gw.issue_token("alice")
    gw.start()
    try:
        yield gw, token
    finally:
        gw.stop()


@pytest.fixture(scope="module")
def company_ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCA:
    return PrivateCA(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def https(company_ca: PrivateCA) -> Iterator[HttpsServer]:
    with HttpsServer(company_ca, {"/hello": (b"hello through the proxy", "text/plain")}) as server:
        yield server


@pytest.fixture
def dead_port() -> int:
    return free_port()


@pytest.fixture(autouse=True)
def no_environment_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own proxy variables stay out unless a test sets them."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ws_proxy", "wss_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def fresh_pac_cache() -> Iterator[None]:
    pac.set_default_cache(PacCache())
    yield
    pac.set_default_cache(PacCache())


def _route(proxy: ProxyServer, password: str | None = None) -> Route:
    url = proxy.url if password is None else proxy.url_with(proxy.user, password)
    return resolve(url, "imaps", "localhost", 993)


def _login_imaps(mail: Dovecot, route: Route | Proxy | None, host: str = "localhost") -> list[bytes]:
    client = ProxiedIMAPClient(
        host,
        mail.imaps_port,
        route=route,
        ssl=True,
        ssl_context=client_context(mail.ca_file),
        timeout=TIMEOUT,
    )
    try:
        client.login(USER, PASSWORD)
        folders = [name for _flags, _sep, name in client.list_folders()]
        return [f.encode() if isinstance(f, str) else f for f in folders]
    finally:
        client.logout()


def _connect_line(proxy: ProxyServer, host: str, port: int) -> str:
    """What each proxy logs for a tunnel to host:port."""
    if isinstance(proxy, Tinyproxy):
        return f"CONNECT {host}:{port} HTTP/1.1"
    if isinstance(proxy, Pproxy):
        return f"-> {host}:{port}"
    # Dante: "tcp/connect [: username%USER@client proxy -> 127.0.0.1.<out> 127.0.0.1.<port>"
    return f" 127.0.0.1.{port}\n"


# -- through each proxy ----------------------------------------------------------------------


def test_imaps_through_each_proxy_with_the_certificate_verified(
    any_proxy: ProxyServer, mail: Dovecot
) -> None:
    route = _route(any_proxy)
    assert route.proxy is not None and route.via == "setting"
    assert b"INBOX" in _login_imaps(mail, route)
    any_proxy.wait_for_log(_connect_line(any_proxy, "localhost", mail.imaps_port))


def test_imap_starttls_over_the_tunnel(tinyproxy: ProxyServer, mail: Dovecot) -> None:
    ctx = client_context(mail.ca_file)
    client = ProxiedIMAPClient(
        "localhost", mail.imap_port, route=_route(tinyproxy), ssl=False, timeout=TIMEOUT
    )
    try:
        client.starttls(ctx)
        assert isinstance(client.socket(), ssl.SSLSocket)
        client.login(USER, PASSWORD)
        assert client.select_folder("INBOX")[b"EXISTS"] >= 0
    finally:
        client.logout()
    tinyproxy.wait_for_log(f"CONNECT localhost:{mail.imap_port} HTTP/1.1")


def test_the_servers_certificate_is_checked_end_to_end(tinyproxy: ProxyServer, mail: Dovecot) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        ProxiedIMAPClient(
            "localhost",
            mail.imaps_port,
            route=_route(tinyproxy),
            ssl=True,
            ssl_context=client_context(),
            timeout=TIMEOUT,
        )


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "implicit-tls"])
def test_smtp_submission_through_each_proxy(
    any_proxy: ProxyServer, mail: Dovecot, sink: SmtpSink, implicit_tls: bool
) -> None:
    route = resolve(any_proxy.url, "smtp", "localhost", 587)
    ctx = client_context(mail.ca_file)
    message = EmailMessage()
    subject = f"via {any_proxy.name} {'tls' if implicit_tls else 'starttls'}"
    message["From"], message["To"], message["Subject"] = "alice@mail.test", "bob@example.org", subject
    message.set_content("hello")
    smtp: smtplib.SMTP
    if implicit_tls:
        smtp = ProxiedSMTP_SSL("localhost", mail.submissions_port, route=route, context=ctx, timeout=15)
    else:
        smtp = ProxiedSMTP("localhost", mail.submission_port, route=route, timeout=15)
        smtp.starttls(context=ctx)
    with smtp:
        smtp.login(USER, PASSWORD)
        smtp.send_message(message)
    assert sink.wait_for(lambda m: m.message["Subject"] == subject).rcpt_tos == ("bob@example.org",)


async def _hello(url: str, token: str, proxy: str | None) -> dict[str, object]:
    async with ws_connect(
        f"{url}/v1/stream?since=0",
        additional_headers={"Authorization": f"Bearer {token}"},
        proxy=proxy,
        open_timeout=15,
    ) as ws:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
        assert isinstance(frame, dict)
        return frame


def test_websocket_to_the_real_gateway_through_each_proxy(
    any_proxy: ProxyServer, gateway: tuple[GatewayProcess, str]
) -> None:
    gw, token = gateway
    route = resolve(any_proxy.url, "ws", gw.host, gw.port)
    frame = asyncio.run(_hello(gw.url, token, websocket_proxy(route)))
    assert frame["type"] == "hello" and frame["user"] == "alice"
    any_proxy.wait_for_log(_connect_line(any_proxy, gw.host, gw.port))


def test_https_with_a_private_ca_through_each_proxy(
    any_proxy: ProxyServer, company_ca: PrivateCA, https: HttpsServer
) -> None:
    with http_client(any_proxy.url, ca_file=str(company_ca.ca_file), timeout=15) as client:
        response = client.get(https.url("/hello", host="localhost"))
    assert response.status_code == 200 and response.text == "hello through the proxy"
    any_proxy.wait_for_log(_connect_line(any_proxy, "localhost", https.port))
    # and without the CA file the proxy changes nothing: the certificate is refused
    with (
        http_client(any_proxy.url, timeout=15) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE"),
    ):
        client.get(https.url("/hello", host="localhost"))


def test_async_socket_and_async_http_through_socks(
    pproxy: ProxyServer, mail: Dovecot, company_ca: PrivateCA, https: HttpsServer
) -> None:
    async def run() -> tuple[bytes, str]:
        sock = await open_socket_async(parse_proxy_url(pproxy.url), "localhost", mail.imaps_port, timeout=15)
        reader, writer = await asyncio.open_connection(
            sock=sock, ssl=client_context(mail.ca_file), server_hostname="localhost"
        )
        greeting = await asyncio.wait_for(reader.readline(), 15)
        writer.close()
        async with async_http_client(pproxy.url, ca_file=str(company_ca.ca_file), timeout=15) as client:
            text = (await client.get(https.url("/hello", host="localhost"))).text
        return greeting, text

    greeting, text = asyncio.run(run())
    assert greeting.startswith(b"* OK") and text == "hello through the proxy"


# -- failures, each in its own words ----------------------------------------------------------


def test_a_wrong_proxy_password_is_a_credential_error_everywhere(
    any_proxy: ProxyServer,
    mail: Dovecot,
    gateway: tuple[GatewayProcess, str],
    company_ca: PrivateCA,
    https: HttpsServer,
) -> None:
    route = _route(any_proxy, password="wrong-password")
    with pytest.raises(ProxyAuthError, match="refused the user name or password") as raw:
        open_socket(route, "localhost", mail.imaps_port, timeout=15)
    assert "wrong-password" not in str(raw.value)

    with pytest.raises(ProxyAuthError):
        _login_imaps(mail, route)

    with pytest.raises(ProxyAuthError):
        ProxiedSMTP("localhost", mail.submission_port, route=route, timeout=15)

    gw, token = gateway
    with pytest.raises(Exception) as ws_failure:
        asyncio.run(_hello(gw.url, token, websocket_proxy(route)))
    assert isinstance(classify(ws_failure.value, route.proxy, gw.host, gw.port), ProxyAuthError)

    wrong = any_proxy.url_with(any_proxy.user, "wrong-password")
    with (
        http_client(wrong, ca_file=str(company_ca.ca_file), timeout=15) as client,
        pytest.raises(httpx.HTTPError) as http_failure,
    ):
        client.get(https.url("/hello", host="localhost"))
    assert isinstance(find_proxy_error(http_failure.value), ProxyAuthError)
    assert "refused the user name or password" in str(http_failure.value)


def test_tinyproxy_without_credentials_asks_for_them(tinyproxy: ProxyServer, mail: Dovecot) -> None:
    anonymous = resolve(tinyproxy.url_with("", ""), "imaps", "localhost", mail.imaps_port)
    with pytest.raises(ProxyAuthError, match="requires a user name and password"):
        open_socket(anonymous, "localhost", mail.imaps_port, timeout=15)


def test_a_dead_proxy_is_unreachable(dead_port: int, mail: Dovecot) -> None:
    for scheme in ("http", "socks5"):
        route = resolve(f"{scheme}://u:p@127.0.0.1:{dead_port}", "imaps", "localhost", 993)
        with pytest.raises(ProxyUnreachableError, match="cannot be reached"):
            _login_imaps(mail, route)


@pytest.mark.parametrize("name", ["tinyproxy", "dante"])
def test_a_server_the_proxy_cannot_reach(name: str, request: pytest.FixtureRequest, dead_port: int) -> None:
    proxy: ProxyServer = request.getfixturevalue(name)
    with pytest.raises(ProxyTargetError, match=f"could not reach 127.0.0.1:{dead_port}"):
        open_socket(_route(proxy), "127.0.0.1", dead_port, timeout=15)


def test_a_proxy_failure_is_an_oserror_for_code_that_knows_no_better(dead_port: int) -> None:
    with pytest.raises(OSError) as caught:
        open_socket(resolve(f"http://127.0.0.1:{dead_port}", "https", "h", 443), "localhost", 443, timeout=15)
    assert isinstance(caught.value, ProxyError)


# -- choosing: no_proxy, none, PAC -----------------------------------------------------------


def test_no_proxy_bypasses_the_environment_proxy(
    monkeypatch: pytest.MonkeyPatch, mail: Dovecot, dead_port: int
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{dead_port}")
    with pytest.raises(ProxyUnreachableError):  # without no_proxy: through the (dead) proxy
        _login_imaps(mail, resolve("system", "imaps", "localhost", mail.imaps_port))
    monkeypatch.setenv("no_proxy", "example.com, .localhost, localhost:1, 10.0.0.0/8, localhost")
    route = resolve("system", "imaps", "localhost", mail.imaps_port)
    assert route == Route(None, "no_proxy")
    assert b"INBOX" in _login_imaps(mail, route)


def test_the_no_proxy_setting_bypasses_an_explicit_proxy(mail: Dovecot, dead_port: int) -> None:
    route = resolve(
        f"http://127.0.0.1:{dead_port}", "imaps", "localhost", mail.imaps_port, no_proxy="localhost"
    )
    assert route.direct and b"INBOX" in _login_imaps(mail, route)


def test_none_means_none_even_with_proxy_variables(
    monkeypatch: pytest.MonkeyPatch, mail: Dovecot, gateway: tuple[GatewayProcess, str], dead_port: int
) -> None:
    dead = f"http://127.0.0.1:{dead_port}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, dead)
    route = resolve("none", "imaps", "localhost", mail.imaps_port)
    assert route.direct
    assert b"INBOX" in _login_imaps(mail, route)
    with ProxiedSMTP(
        "localhost", mail.submission_port, route=resolve("none", "smtp", "localhost", 587)
    ) as smtp:
        assert smtp.ehlo()[0] == 250

    gw, token = gateway
    ws_route = resolve("none", "ws", gw.host, gw.port)
    assert asyncio.run(_hello(gw.url, token, websocket_proxy(ws_route)))["type"] == "hello"
    # Why callers must pass proxy= explicitly: websockets' default reads the variables.
    with pytest.raises(OSError):
        asyncio.run(asyncio.wait_for(_hello_default_proxy(gw.url, token), 30))

    with http_client("none", timeout=15) as client:
        assert client.get(f"{gw.http_url}/v1/health").status_code == 200


async def _hello_default_proxy(url: str, token: str) -> None:
    async with ws_connect(
        f"{url}/v1/stream?since=0", additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=15
    ):
        pass


@pytest.mark.usefixtures("fresh_pac_cache")
def test_a_pac_file_over_http_picks_proxy_or_direct_per_host(tinyproxy: ProxyServer, mail: Dovecot) -> None:
    script = (
        "function FindProxyForURL(url, host) {\n"
        f'  if (host == "localhost") return "PROXY {tinyproxy.address}";\n'
        '  return "DIRECT";\n'
        "}\n"
    ).encode()
    with FileServer({"/proxy.pac": (script, "application/x-ns-proxy-autoconfig")}) as web:
        setting = f"pac+{web.url('/proxy.pac')}"
        creds = Credentials(tinyproxy.user, tinyproxy.password)
        proxied = resolve(setting, "imaps", "localhost", mail.imaps_port, credentials=creds)
        direct = resolve(setting, "imaps", "127.0.0.1", mail.imaps_port, credentials=creds)
        assert web.requests == ["/proxy.pac"]  # fetched once, then cached
    assert proxied.proxy is not None and proxied.proxy.port == tinyproxy.port
    assert direct.direct and direct.via.endswith("DIRECT") and not direct.warning

    assert b"INBOX" in _login_imaps(mail, direct, host="127.0.0.1")
    assert b"INBOX" in _login_imaps(mail, proxied, host="localhost")
    log = tinyproxy.wait_for_log(f"CONNECT localhost:{mail.imaps_port} HTTP/1.1")  # the later one is logged,
    assert f"CONNECT 127.0.0.1:{mail.imaps_port}" not in log  # so the direct one would be too


@pytest.mark.usefixtures("fresh_pac_cache")
def test_a_pac_file_over_https_is_verified_with_the_company_ca(
    company_ca: PrivateCA, tinyproxy: ProxyServer
) -> None:
    script = f'function FindProxyForURL(url, host) {{ return "PROXY {tinyproxy.address}"; }}'.encode()
    with HttpsServer(company_ca, {"/wpad.dat": (script, "application/x-ns-proxy-autoconfig")}) as web:
        setting = f"pac+{web.url('/wpad.dat', host='localhost')}"
        # the OS store alone does not know the company CA: the PAC file is refused, direct
        refused = resolve(setting, "https", "example.com", 443)
        assert refused.direct and "CERTIFICATE_VERIFY_FAILED" in refused.warning
        pac.set_default_cache(PacCache(ssl_context=client_context(company_ca.ca_file)))
        route = resolve(setting, "https", "example.com", 443)
    assert route.proxy == Proxy("http", "127.0.0.1", tinyproxy.port) and not route.warning


@pytest.mark.usefixtures("fresh_pac_cache")
def test_a_pac_server_that_does_not_answer_means_direct_with_a_warning(mail: Dovecot, dead_port: int) -> None:
    route = resolve(f"pac+http://127.0.0.1:{dead_port}/proxy.pac", "imaps", "localhost", mail.imaps_port)
    assert route.direct and "cannot be used" in route.warning and "connecting directly" in route.warning
    assert b"INBOX" in _login_imaps(mail, route)


def test_passwords_stay_out_of_reprs(tinyproxy: ProxyServer) -> None:
    route = _route(tinyproxy)
    assert tinyproxy.password not in repr(route)
    assert tinyproxy.password not in (route.proxy.display if route.proxy else "")
