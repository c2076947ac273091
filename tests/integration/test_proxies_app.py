"""The real app behind a proxy: `tidings watch --json` as a subprocess, configured with a
`[network]` table, against real Dovecot (IMAPS, certificate verified), the real gateway
(websocket) and real proxies (tinyproxy for HTTP CONNECT, pproxy for SOCKS5).

What each test shows, and how it could fail:
- mail and a gateway event arrive through each proxy, and the proxy's log shows both
  tunnels: a client that ignored the setting would connect directly and leave no line;
- a wrong proxy password is the source's status in the user's words, AUTH_FAILED, with
  one attempt per source, not a retry storm (counted in the proxy's log after a sentinel
  mail has come in on a second, direct account);
- ``proxy = "none"`` with proxy variables pointing at a dead port still connects;
- a company CA trusted by the OS store (``SSL_CERT_FILE``) with no ``ca_file`` connects;
- the proxy password never appears on stderr or in the log file, even with ``-v``.

Sending (the submission step the outbox drives) and OAuth discovery are called
in-process with the ``[network]`` set: through tinyproxy to Dovecot's submission service
and a sink, and to an HTTPS server with a private CA.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

import pytest

from desktop.config.settings import GatewaySettings, MailAccount, NetworkSettings, Settings, to_toml
from desktop.sources.net import network
from desktop.sources.oauth.client import OAuthClient
from desktop.sources.oauth.errors import OAuthSetupError
from desktop.sources.oauth.providers import OAuthProvider
from desktop.sources.smtp.outgoing import Outgoing
from desktop.sources.smtp.submit import FailureKind, Password, SendError, SmtpServer, submit
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess
from harness.net import free_port
from harness.proxies import HttpsServer, Pproxy, PrivateCA, ProxyServer, Tinyproxy
from harness.smtp_sink import SmtpSink

pytestmark = [pytest.mark.dovecot, pytest.mark.gateway]

ROOT = Path(__file__).resolve().parents[2]
PROXY_PASSWORD = "Prx-pw-7f3e-secret"
PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "ws_proxy",
    "wss_proxy",
    "imaps_proxy",
)


@pytest.fixture(scope="module")
def tinyproxy() -> Iterator[ProxyServer]:
    with Tinyproxy(user="tuser", password=PROXY_PASSWORD) as server:
        yield server


@pytest.fixture(scope="module")
def pproxy() -> Iterator[ProxyServer]:
    with Pproxy(user="suser", password=PROXY_PASSWORD) as server:
        yield server


@pytest.fixture(params=["tinyproxy", "pproxy"])
def proxy(request: pytest.FixtureRequest) -> ProxyServer:
    server: ProxyServer = request.getfixturevalue(request.param)
    return server


# -- helpers ---------------------------------------------------------------------------------


def raw_mail(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann Lee <ann@example.org>"
    msg["To"] = "me@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}.{time.monotonic_ns()}@example.org>"
    msg.set_content("Hello")
    return bytes(msg)


def imaps_account(dovecot: Dovecot, user: str, *, name: str = "work", ca_file: bool = True) -> MailAccount:
    """IMAPS to Dovecot by name ("localhost" is on its certificate), the certificate verified."""
    return MailAccount(
        name=name,
        host="localhost",
        username=user,
        security="tls",
        port=dovecot.imaps_port,
        ca_file=dovecot.ca_file if ca_file else "",
        password_command="printf pw",
    )


def clean_environ(**extra: str) -> dict[str, str]:
    """The test process's environment without the machine's proxy variables."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


class Watch:
    """`tidings watch --json` as a subprocess; its JSON lines read on a thread."""

    def __init__(
        self, settings: Settings, tmp_path: Path, env: dict[str, str], verbose: bool = False
    ) -> None:
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.config = tmp_path / "settings.toml"
        self.config.write_text(to_toml(settings), encoding="utf-8")
        self.data_dir = tmp_path / "data"
        args = [sys.executable, "-m", "desktop.app.cli", "--config", str(self.config)]
        args += ["--data-dir", str(self.data_dir), *(["-v"] if verbose else []), "watch", "--json"]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.q: queue.Queue[str] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        assert self.proc.stdout is not None and self.proc.stderr is not None
        out, err = self.proc.stdout, self.proc.stderr
        threading.Thread(target=lambda: [self.q.put(line) for line in out], daemon=True).start()
        threading.Thread(target=lambda: [self.stderr.append(line) for line in err], daemon=True).start()

    def next_matching(
        self, pred: Callable[[dict[str, Any]], bool], what: str, timeout: float = 30
    ) -> dict[str, Any]:
        for obj in self.seen:
            if pred(obj):
                return obj
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            obj = json.loads(line)
            self.seen.append(obj)
            if pred(obj):
                return obj
        raise AssertionError(
            f"no {what} within {timeout} s; saw {self.seen}\nstderr: {''.join(self.stderr)[-3000:]}"
        )

    def status(self, source: str, state: str, timeout: float = 30) -> dict[str, Any]:
        return self.next_matching(
            lambda o: o["event"] == "status" and o["source"] == source and o["state"] == state,
            f"{source} {state}",
            timeout,
        )

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(timeout=5)

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in (self.data_dir / "logs").glob("*.log*"))


@pytest.fixture
def watches() -> Iterator[list[Watch]]:
    """Every Watch a test starts is stopped, by its PID, whatever the test's outcome."""
    started: list[Watch] = []
    yield started
    for watch in started:
        watch.stop()


def approval(gw: GatewayProcess, integration_key: str, user: str, approval_id: str) -> None:
    body = {
        "approval": {
            "id": approval_id,
            "title": "Travel request",
            "requester": {"id": "lee", "name": "Lee Wei"},
        }
    }
    gw.post_event("oa", integration_key, "approval.requested", body, recipients=[user])


def tunnels(proxy: ProxyServer, port: int) -> int:
    """How many tunnels to 127.0.0.1/localhost:port the proxy's log shows."""
    if isinstance(proxy, Tinyproxy):
        return sum(
            proxy.log_text().count(f"CONNECT {host}:{port} HTTP/1.1") for host in ("localhost", "127.0.0.1")
        )
    return sum(proxy.log_text().count(f"{host}:{port}") for host in ("localhost", "127.0.0.1"))


# -- through each proxy ------------------------------------------------------------------------


def test_mail_and_a_gateway_event_arrive_through_the_proxy_and_its_password_is_never_logged(
    proxy: ProxyServer,
    dovecot: Dovecot,
    gateway_process: GatewayProcess,
    tmp_path: Path,
    watches: list[Watch],
) -> None:
    user = f"px{proxy.name}"
    dovecot.add_user(user, "pw")
    gw = gateway_process
    gw.add_user("dana", "Dana Demo")
    token = gw.issue_token("dana")
    oa = gw.add_integration("oa")
    settings = Settings(
        mail=[imaps_account(dovecot, user)],
        gateway=GatewaySettings(url=gw.url, token_command=f"printf %s {token}"),
        network=NetworkSettings(proxy=proxy.url),
    )
    watch = Watch(settings, tmp_path, clean_environ(), verbose=True)
    watches.append(watch)
    watch.status("mail:work", "online")
    watch.status("gateway", "online")

    dovecot.append(user, raw_mail("Through the proxy"))
    mail = watch.next_matching(lambda o: o["event"] == "new" and o["kind"] == "mail", "the mail")
    assert mail["title"] == "Through the proxy"
    approval(gw, oa, "dana", "A-1")
    event = watch.next_matching(lambda o: o["event"] == "new" and o["source"] == "gateway", "the approval")
    assert event["id"] == "gw:approval:A-1"

    assert tunnels(proxy, dovecot.imaps_port) >= 1, proxy.log_text()[-2000:]
    assert tunnels(proxy, gw.port) >= 1, proxy.log_text()[-2000:]

    assert watch.stop() == 0
    logged = "".join(watch.stderr) + watch.log_text()
    assert "route to imaps://localhost" in logged  # -v did log the routes...
    assert PROXY_PASSWORD not in logged  # ...and never the password
    assert proxy.url not in logged


def test_a_wrong_proxy_password_is_said_in_words_and_not_retried(
    tinyproxy: ProxyServer,
    dovecot: Dovecot,
    gateway_process: GatewayProcess,
    tmp_path: Path,
    watches: list[Watch],
) -> None:
    user, direct_user = "pxwrong", "pxdirect"
    dovecot.add_user(user, "pw")
    dovecot.add_user(direct_user, "pw")
    gw = gateway_process
    gw.add_user("dana", "Dana Demo")
    token = gw.issue_token("dana")
    # A second account goes direct (no_proxy "127.0.0.1"): its mail is the sentinel that
    # time has passed in which a retry storm would have shown in the proxy's log.
    direct = MailAccount(
        name="direct",
        host="127.0.0.1",
        username=direct_user,
        security="plain",
        port=dovecot.imap_port,
        password_command="printf pw",
    )
    settings = Settings(
        mail=[imaps_account(dovecot, user), direct],
        gateway=GatewaySettings(
            url=gw.url.replace("127.0.0.1", "localhost"), token_command=f"printf %s {token}"
        ),
        network=NetworkSettings(
            proxy=tinyproxy.url_with("tuser", "not-the-password"), no_proxy=["127.0.0.1"]
        ),
    )
    before = (tunnels(tinyproxy, dovecot.imaps_port), tunnels(tinyproxy, gw.port))
    watch = Watch(settings, tmp_path, clean_environ())
    watches.append(watch)

    mail_status = watch.status("mail:work", "auth_failed")
    assert "refused the user name or password" in mail_status["message"]
    assert "tuser" in mail_status["message"] and "not-the-password" not in mail_status["message"]
    gateway_status = watch.status("gateway", "auth_failed")
    assert "refused the user name or password" in gateway_status["message"]

    watch.status("mail:direct", "online")
    dovecot.append(direct_user, raw_mail("Sentinel"))
    watch.next_matching(lambda o: o["event"] == "new" and o["title"] == "Sentinel", "the sentinel mail")
    # One refused CONNECT per source (the mail account's folder, the gateway): no retries.
    after = (tunnels(tinyproxy, dovecot.imaps_port), tunnels(tinyproxy, gw.port))
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1), tinyproxy.log_text()[-3000:]
    states = [o["state"] for o in watch.seen if o["event"] == "status" and o["source"] == "mail:work"]
    assert states.count("connecting") == 1, states


def test_proxy_none_goes_direct_whatever_the_environment_says(
    dovecot: Dovecot, gateway_process: GatewayProcess, tmp_path: Path, watches: list[Watch]
) -> None:
    user = "pxnone"
    dovecot.add_user(user, "pw")
    gw = gateway_process
    gw.add_user("dana", "Dana Demo")
    token = gw.issue_token("dana")
    dead = f"http://127.0.0.1:{free_port()}"  # a proxy there could not carry anything
    env = clean_environ(HTTPS_PROXY=dead, HTTP_PROXY=dead, ALL_PROXY=dead, https_proxy=dead, http_proxy=dead)
    settings = Settings(
        mail=[imaps_account(dovecot, user)],
        gateway=GatewaySettings(url=gw.url, token_command=f"printf %s {token}"),
        network=NetworkSettings(proxy="none"),
    )
    watch = Watch(settings, tmp_path, env)
    watches.append(watch)
    watch.status("mail:work", "online")
    watch.status("gateway", "online")


def test_system_mode_follows_the_environment_proxy(
    tinyproxy: ProxyServer, dovecot: Dovecot, tmp_path: Path, watches: list[Watch]
) -> None:
    """The counterpart of the test above: the same variables, ``system``, go through them."""
    user = "pxsystem"
    dovecot.add_user(user, "pw")
    env = clean_environ(https_proxy=tinyproxy.url)
    before = tunnels(tinyproxy, dovecot.imaps_port)
    watch = Watch(Settings(mail=[imaps_account(dovecot, user)]), tmp_path, env)
    watches.append(watch)
    watch.status("mail:work", "online")
    assert tunnels(tinyproxy, dovecot.imaps_port) > before


def test_a_company_ca_in_the_os_trust_store_needs_no_ca_file(
    tinyproxy: ProxyServer, dovecot: Dovecot, tmp_path: Path, watches: list[Watch]
) -> None:
    """Dovecot's certificate stands for a company CA: trusted only through the OS store
    (OpenSSL's SSL_CERT_FILE, which truststore uses on Linux), through the proxy."""
    user = "pxosca"
    dovecot.add_user(user, "pw")
    settings = Settings(
        mail=[imaps_account(dovecot, user, ca_file=False)],
        network=NetworkSettings(proxy=tinyproxy.url),
    )
    trusted = Watch(settings, tmp_path / "trusted", clean_environ(SSL_CERT_FILE=dovecot.ca_file))
    watches.append(trusted)
    trusted.status("mail:work", "online")

    # Without it, the same settings fail on the certificate: the test can fail.
    untrusted = Watch(settings, tmp_path / "untrusted", clean_environ())
    watches.append(untrusted)
    error = untrusted.status("mail:work", "error")
    assert "not trusted" in error["message"]


# -- sending mail: the submission path the outbox drives ---------------------------------------


@pytest.fixture
def network_in_force() -> Iterator[Callable[[NetworkSettings], None]]:
    """Set the process's [network] for a test, and put the default back after it."""
    yield network.configure
    network.configure(NetworkSettings())


@pytest.fixture(scope="module")
def sending(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dovecot, SmtpSink]]:
    with SmtpSink() as sink, Dovecot(smtp_relay_port=sink.port) as server:
        server.add_user("sender", "pw")
        yield server, sink


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_submission_goes_through_the_proxy_and_a_wrong_password_stops_it(
    tinyproxy: ProxyServer,
    sending: tuple[Dovecot, SmtpSink],
    network_in_force: Callable[[NetworkSettings], None],
    security: Literal["starttls", "tls"],
) -> None:
    server, sink = sending
    port = server.submission_port if security == "starttls" else server.submissions_port
    smtp = SmtpServer("localhost", port, security=security, ca_file=server.ca_file, timeout=15)
    subject = f"Sent through the proxy ({security})"
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "sender@mail.test", "bob@example.org", subject
    msg["Message-ID"] = f"<{security}.proxy@mail.test>"
    msg.set_content("hello")
    outgoing = Outgoing(msg["Message-ID"], bytes(msg), "sender@mail.test", ("bob@example.org",))

    network_in_force(NetworkSettings(proxy=tinyproxy.url))
    before = tunnels(tinyproxy, port)
    submit(smtp, Password("sender", "pw"), outgoing)
    assert sink.wait_for(lambda m: m.message["Subject"] == subject).rcpt_tos == ("bob@example.org",)
    assert tunnels(tinyproxy, port) == before + 1

    network_in_force(NetworkSettings(proxy=tinyproxy.url_with("tuser", "wrong")))
    with pytest.raises(SendError) as refused:
        submit(smtp, Password("sender", "pw"), outgoing)
    assert refused.value.kind is FailureKind.AUTH  # the outbox stops, as for a refused sign-in
    assert "refused the user name or password" in refused.value.message


# -- sign-in: the OAuth client's HTTP requests ---------------------------------------------------


def test_oauth_discovery_goes_through_the_proxy_with_the_company_ca(
    tinyproxy: ProxyServer, tmp_path: Path, network_in_force: Callable[[NetworkSettings], None]
) -> None:
    """The provider's discovery over HTTPS (a private CA, given as the CA file) through the
    proxy; a wrong proxy password is a setup problem in the proxy's words, not an outage."""
    ca = PrivateCA(tmp_path / "pki")
    with HttpsServer(ca) as server:
        issuer = server.url("/idp", host="localhost")
        doc = {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/auth",
            "token_endpoint": issuer + "/token",
        }
        server.files["/idp/.well-known/openid-configuration"] = (json.dumps(doc).encode(), "application/json")
        provider = OAuthProvider("corp", "Corp", issuer, "tidings-desktop", ("openid",))

        def discover() -> str:
            client = OAuthClient(provider, save_refresh_token=lambda _token: None, ca_file=str(ca.ca_file))
            return client.metadata().token_endpoint

        network_in_force(NetworkSettings(proxy=tinyproxy.url))
        before = tunnels(tinyproxy, server.port)
        assert discover() == issuer + "/token"
        assert tunnels(tinyproxy, server.port) == before + 1

        network_in_force(NetworkSettings(proxy=tinyproxy.url_with("tuser", "wrong")))
        with pytest.raises(OAuthSetupError) as refused:
            discover()
        assert refused.value.reason == "proxy_auth"
        assert "refused the user name or password" in refused.value.message
