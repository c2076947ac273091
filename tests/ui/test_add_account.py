"""“Add account” (desktop/ui/add_account.py): name and address, the settings found for them
shown before anything is sent, then the password or the browser sign-in. The lookups go to a
local DNS server and an HTTPS server with a private CA; the OAuth test signs in with the
harness provider in headless Chromium and receives a mail from Dovecot (passdb oauth2)."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from desktop.app.account_login import Lookups
from desktop.config import secrets
from desktop.config.layers import Layer, policy_layers_from
from desktop.config.settings import Settings, load_layers
from desktop.core.events import ConnectionState, ItemsArrived, SourceStatus
from desktop.sources.imap import ImapSource
from desktop.sources.oauth.accounts import sign_ins
from desktop.store import Store
from desktop.ui.add_account import AddAccountDialog
from desktop.ui.settings_dialog import AccountDialog, SettingsDialog
from harness.dns_server import DnsServer
from harness.proxies import HttpsServer, PrivateCA

XML = "application/xml"
CONFIG = "/autoconfig.example.test/mail/config-v1.1.xml"


def config_xml(
    host: str, port: int = 993, auth: str = "password-cleartext", name: str = "Example Mail"
) -> bytes:
    return f"""<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test">
  <domain>example.test</domain><displayName>{name}</displayName>
  <incomingServer type="imap"><hostname>{host}</hostname><port>{port}</port>
    <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    <authentication>{auth}</authentication></incomingServer>
  <outgoingServer type="smtp"><hostname>{host}</hostname><port>587</port>
    <socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username>
    <authentication>{auth}</authentication></outgoingServer>
</emailProvider></clientConfig>""".encode()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCA:
    return PrivateCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def https(ca: PrivateCA) -> Iterator[HttpsServer]:
    with HttpsServer(ca) as server:
        yield server


@pytest.fixture
def dns() -> Iterator[DnsServer]:
    # The domain's mail goes to this machine: servers named "localhost" count as its own.
    with DnsServer({("example.test", "MX"): ["10 localhost."]}) as server:
        yield server


def lookups(dns: DnsServer, https: HttpsServer, ca: PrivateCA) -> Lookups:
    return Lookups(
        nameserver=dns.host,
        nameserver_port=dns.port,
        autoconfig_base=https.url(""),
        ca_file=str(ca.ca_file),
        proxy="none",
        timeout=5.0,
    )


def start(qtbot, dialog: AddAccountDialog, name: str = "Work", address: str = "li.lei@example.test") -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText(name)
    dialog.address.setText(address)
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()


def test_a_password_account_found_by_autoconfig(qtbot, memory_keyring, dns, https, ca) -> None:  # type: ignore[no-untyped-def]
    https.files[CONFIG] = (config_xml("imap.example.test"), XML)
    settings_dialog = SettingsDialog(Settings())
    qtbot.addWidget(settings_dialog)
    settings_dialog.discovery_lookups = lookups(dns, https, ca)
    settings_dialog.show()
    settings_dialog.add_button.click()
    dialog = settings_dialog.account_form
    assert isinstance(dialog, AddAccountDialog)
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.PAGE_FOUND, timeout=20_000)
    summary = dialog.found_summary.text()
    assert "imap.example.test, port 993, TLS" in summary and "User name: li.lei" in summary
    assert "Sign-in: password" in summary and "Nothing has been sent" in summary
    dialog.next_button.click()  # “Use these settings”
    assert dialog.pages.currentIndex() == dialog.PAGE_SECRET and dialog.password.isVisible()
    assert not dialog.next_button.isEnabled()  # no password yet
    dialog.password.setText("s3cret-pw")
    dialog.next_button.click()  # “Add account”
    [account] = settings_dialog._accounts
    assert (account.name, account.host, account.port, account.security) == (
        "Work",
        "imap.example.test",
        993,
        "tls",
    )
    assert (account.username, account.address, account.auth) == ("li.lei", "li.lei@example.test", "password")
    assert (account.smtp_host, account.smtp_port, account.smtp_security) == (
        "imap.example.test",
        587,
        "starttls",
    )
    assert memory_keyring.data == {}  # the password is written on OK, like the manual form's
    settings_dialog.store_secrets()
    assert secrets.get_secret(secrets.mail_key("Work")) == "s3cret-pw"


def test_a_file_naming_another_domains_server_is_refused_and_nothing_is_added(
    qtbot, memory_keyring, dns, https, ca
) -> None:  # type: ignore[no-untyped-def]
    https.files[CONFIG] = (config_xml("imap.attacker.test"), XML)
    settings_dialog = SettingsDialog(Settings())
    qtbot.addWidget(settings_dialog)
    settings_dialog.discovery_lookups = lookups(dns, https, ca)
    settings_dialog.add_button.click()
    dialog = settings_dialog.account_form
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: "another domain" in dialog.status.text(), timeout=20_000)
    assert "imap.attacker.test" in dialog.status.text()
    assert dialog.pages.currentIndex() == dialog.PAGE_ADDRESS
    dialog.reject()
    assert settings_dialog._accounts == [] and memory_keyring.data == {}


def test_markup_in_a_found_file_is_shown_as_text(qtbot, dns, https, ca) -> None:  # type: ignore[no-untyped-def]
    https.files[CONFIG] = (config_xml("imap.example.test", name="&lt;b&gt;Bold&lt;/b&gt;"), XML)
    dialog = AddAccountDialog(Settings(), set(), lookups=lookups(dns, https, ca))
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.PAGE_FOUND, timeout=20_000)
    from PySide6.QtCore import Qt

    assert dialog.found_summary.textFormat() == Qt.TextFormat.PlainText


def test_configure_manually_opens_the_full_form_with_what_was_typed(qtbot, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    settings_dialog = SettingsDialog(Settings())
    qtbot.addWidget(settings_dialog)
    settings_dialog.add_button.click()
    finder = settings_dialog.account_form
    finder.name.setText("Work")
    finder.address.setText("li.lei@example.test")
    finder.manual_button.click()
    form = settings_dialog.account_form
    assert isinstance(form, AccountDialog)
    assert (form.name.text(), form.address.text(), form.username.text()) == (
        "Work",
        "li.lei@example.test",
        "li.lei@example.test",
    )
    form.reject()


def test_a_taken_name_is_said_before_any_lookup(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AddAccountDialog(
        Settings(), {"Work"}, lookups=Lookups(nameserver="127.0.0.1", nameserver_port=9)
    )
    qtbot.addWidget(dialog)
    dialog.name.setText("Work")
    dialog.address.setText("li.lei@example.test")
    assert not dialog.next_button.isEnabled()


def test_an_oauth_finding_without_a_client_id_says_to_ask_it(qtbot, dns, https, ca) -> None:  # type: ignore[no-untyped-def]
    https.files[CONFIG] = (config_xml("outlook.office365.com", auth="OAuth2"), XML)
    dialog = AddAccountDialog(Settings(), set(), lookups=lookups(dns, https, ca))
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.PAGE_FOUND, timeout=20_000)
    assert "in the browser" in dialog.found_summary.text()
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == dialog.PAGE_FOUND
    assert "client id" in dialog.status.text() and "IT" in dialog.status.text()


# -- OAuth end to end -----------------------------------------------------------------------


def mail(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann Example <ann@example.com>"
    msg["To"] = "alice@example.test"
    msg["Subject"] = subject
    msg.set_content("hello")
    return msg.as_bytes()


@pytest.mark.dovecot
def test_an_oauth_account_added_through_the_dialog_receives_mail(  # type: ignore[no-untyped-def]
    qtbot, memory_keyring, dns, https, ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.dovecot import Dovecot
    from harness.idp import RESOURCE_IMAP, IdentityProvider
    from harness.signin_browser import SignInBrowser

    with (
        IdentityProvider(tmp_path / "idp") as idp,
        SignInBrowser(tmp_path / "browser") as browser,
        Dovecot(oauth2=idp.dovecot_validation("introspection")) as dovecot,
    ):
        dovecot.add_user("alice", "unused-password")
        https.files[CONFIG] = (
            config_xml("localhost", dovecot.imaps_port, auth="OAuth2", name="Example Corp"),
            XML,
        )
        # The organisation's policy: its provider, and its CA for the mail server.
        policy = {
            "defaults": {"mail": {"ca_file": dovecot.ca_file}},
            "enforced": {
                "oauth": {
                    "corp": {
                        "issuer": idp.issuer,
                        "client_id": idp.client_id,
                        "scopes": ["openid", "offline_access", "mail"],
                        "resource": RESOURCE_IMAP,
                    }
                }
            },
        }
        settings = load_layers([Layer("settings.toml", {}, user=True), *policy_layers_from(policy, "policy")])
        sign_ins.clear()
        monkeypatch.setenv("BROWSER", str(browser.browser_script("consent", "alice")))
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.setattr(webbrowser, "_tryorder", None)

        dialog = AddAccountDialog(settings, set(), lookups=lookups(dns, https, ca), sign_in_timeout=60)
        start(qtbot, dialog, "Work", "alice@example.test")
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.PAGE_FOUND, timeout=20_000)
        assert "Sign-in: in the browser, with Example Corp" in dialog.found_summary.text()
        assert dovecot.login_successes() == 0  # found, shown, nothing sent yet
        dialog.next_button.click()
        assert dialog.sign_in_button.isVisible() and not dialog.password.isVisible()
        assert not dialog.next_button.isEnabled()
        dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: dialog.signed_in, timeout=60_000)
        dialog.next_button.click()
        account = dialog.account()
        assert (account.auth, account.oauth, account.host, account.username) == (
            "oauth2",
            "corp",
            "localhost",
            "alice",
        )
        assert secrets.get_secret(secrets.oauth_key(idp.issuer, idp.client_id))

        settings.mail.append(account)
        sign_ins.use(settings)
        store = Store(tmp_path / "db.sqlite3")
        events: list[object] = []
        lock = threading.Lock()

        def emit(event: object) -> None:
            with lock:
                events.append(event)

        source = ImapSource(account, store, timeout=10.0, sign_in=lambda: sign_ins.for_account(account))
        source.start(emit)  # type: ignore[arg-type]
        try:

            def online() -> bool:
                with lock:
                    return any(
                        isinstance(e, SourceStatus) and e.state is ConnectionState.ONLINE for e in events
                    )

            qtbot.waitUntil(online, timeout=30_000)
            dovecot.append("alice", mail("Welcome to Example Corp"))

            def arrived() -> bool:
                with lock:
                    return any(
                        isinstance(e, ItemsArrived)
                        and any(i.title == "Welcome to Example Corp" for i in e.items)
                        for e in events
                    )

            qtbot.waitUntil(arrived, timeout=30_000)
        finally:
            stop = threading.Thread(target=lambda: __import__("asyncio").run(source.stop()))
            stop.start()
            stop.join(30)
            store.close()
            sign_ins.clear()
        assert "method=OAUTHBEARER" in dovecot.log_text()
