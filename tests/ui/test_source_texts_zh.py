"""The sources' status and error sentences in a Chinese UI (issue 10), end to end and one by one.

End to end: "Test connection" against a real Dovecot (a wrong password, a closed port, a good
sign-in) and the Add-account dialog's finding from a real autoconfig file over HTTPS, both
shown in Chinese. One by one: every sentence the shared network describer, the SMTP refusals,
the proxy and the OAuth classifiers can produce has a translation in the shipped .qm, parts
and all; and the English a log or ``tidings watch`` sees is unchanged.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator
from typing import get_args

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from desktop import resources
from desktop.app.account_login import Lookups
from desktop.config.settings import MailAccount, Settings
from desktop.core import i18n
from desktop.core.i18n import Text, localized
from desktop.sources.imap.connection import AUTH_FAILED_TEXT, classify
from desktop.sources.net import errors as proxy_errors
from desktop.sources.net.failures import TEMPLATES, Kind, describe
from desktop.sources.oauth.errors import from_oauth_error
from desktop.sources.smtp.submit import REFUSALS, FailureKind, SendError, SmtpServer, _broken, _refusal
from desktop.sources.tls import ACCOUNT_CA_FILE, describe_certificate_problem
from desktop.ui.add_account import AddAccountDialog
from desktop.ui.app import install_translations
from desktop.ui.settings_dialog import AccountDialog
from desktop.ui.status_text import status_message
from harness.dns_server import DnsServer
from harness.dovecot import Dovecot
from harness.net import free_port
from harness.proxies import HttpsServer, PrivateCA

CJK = re.compile(r"[\u4e00-\u9fff]")
ACCOUNT = MailAccount(name="work", host="imap.example.com", username="li.lei", port=993)


@pytest.fixture
def zh_cn(qapp: QApplication) -> Iterator[None]:
    install_translations(qapp, QLocale("zh_CN"))
    try:
        yield
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
        i18n.install(None)


@pytest.fixture(scope="module")
def shipped() -> QTranslator:
    """The .qm that ships, loaded on its own (not through the app's locale lookup)."""
    translator = QTranslator()
    folder = resources.folder(resources.TRANSLATIONS)
    assert folder is not None and translator.load(str(folder / "tidings_zh_CN.qm"))
    return translator


def templates(text: object) -> Iterator[tuple[str, str]]:
    """(context, template) of ``text`` and of every translatable part inside it."""
    if isinstance(text, Text):
        yield text.context, text.template
        for part in text.parts:
            yield from templates(part)


def assert_all_translated(shipped: QTranslator, text: object) -> None:
    found = list(templates(text))
    assert found, f"not a translatable Text: {text!r}"
    for context, template in found:
        assert shipped.translate(context, template), f"no zh_CN translation for {template!r}"


# -- one by one ---------------------------------------------------------------------------------


def cert_error(code: int) -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_code = code
    exc.verify_message = "unable to get local issuer certificate"
    return exc


#: One exception for every way :func:`describe` words a failure.
NETWORK_FAILURES: dict[str, BaseException] = {
    "certificate": cert_error(20),
    "tls": ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
    "unknown_host": socket.gaierror(-2, "Name or service not known"),
    "refused": ConnectionRefusedError(111, "Connection refused"),
    "timeout": TimeoutError("timed out"),
    "closed": EOFError(),
    "broken": ConnectionResetError(104, "Connection reset by peer"),
}


def test_every_network_failure_the_describer_words_is_translated(shipped: QTranslator) -> None:
    assert set(NETWORK_FAILURES) == set(get_args(Kind))  # a new kind needs its case here
    used: set[str] = set()
    for kind, exc in NETWORK_FAILURES.items():
        failure = describe(
            exc, "imap.example.com", 993, ca_setting=ACCOUNT_CA_FILE, security_setting=ACCOUNT_CA_FILE
        )
        assert failure is not None and failure.kind == kind
        assert_all_translated(shipped, failure.message)
        used.update(template for _, template in templates(failure.message))
    # Every sentence it declares was produced above (the certificate ones come from tls.py).
    assert {t.template for t in TEMPLATES} <= used


@pytest.mark.parametrize("code", [9, 10, 18, 62, 99])
def test_every_certificate_problem_is_translated(shipped: QTranslator, code: int) -> None:
    assert_all_translated(
        shipped, describe_certificate_problem(cert_error(code), "h.example", ACCOUNT_CA_FILE)
    )


def test_every_smtp_refusal_and_broken_connection_is_translated(shipped: QTranslator) -> None:
    server = SmtpServer("smtp.example.com")
    for template in REFUSALS:
        assert shipped.translate(template.context, template.template)
    cases = [(535, "auth"), (454, "auth"), (530, "auth"), (550, "auth"), (421, "MAIL"), (554, "greeting")]
    cases += [(550, "EHLO"), (530, "MAIL"), (552, "DATA"), (550, "DATA")]
    for code, stage in cases:
        error = _refusal(code, b"5.7.1 no", stage, server)
        assert_all_translated(shipped, error.message)
    for exc in NETWORK_FAILURES.values():
        assert_all_translated(shipped, _broken(exc, server, uncertain=True).message)


def test_every_proxy_failure_is_translated(shipped: QTranslator) -> None:
    for code in range(1, 10):
        error = proxy_errors.target_error(
            "proxy.corp:3128",
            "imap.example.com:993",
            proxy_errors._SOCKS_REPLIES.get(code, proxy_errors._SOCKS_ERROR.format(code)),
            code,
        )
        assert_all_translated(shipped, error.message)
    assert_all_translated(
        shipped, proxy_errors.auth_error("proxy.corp:3128", proxy_errors.SOCKS_AUTH_FAILED).message
    )
    assert_all_translated(
        shipped, proxy_errors.unreachable_error("proxy.corp:3128", proxy_errors.REFUSED).message
    )


@pytest.mark.parametrize(
    "code", ["invalid_grant", "access_denied", "server_error", "invalid_client", "invalid_scope", "odd"]
)
def test_every_oauth_error_is_translated(shipped: QTranslator, code: str) -> None:
    assert_all_translated(shipped, from_oauth_error("Contoso", code, "Token revoked").message)


def test_logs_and_watch_keep_the_english(zh_cn: None) -> None:
    """The translator is installed (as in the tray app), yet the str a log line or ``tidings
    watch`` prints is English: only the window translates."""
    problem = classify(ConnectionRefusedError(111, "Connection refused"), ACCOUNT)
    assert problem.message == "imap.example.com refused the connection on port 993."
    assert (
        f"{problem.message}"
        == "%s" % problem.message  # noqa: UP031  # as logging formats it
        == "imap.example.com refused the connection on port 993."
    )
    assert status_message(problem.message) == "imap.example.com 拒绝了端口 993 上的连接。"
    assert localized(problem.message) == "imap.example.com 拒绝了端口 993 上的连接。"


def test_without_a_translator_everything_is_english() -> None:
    error = _broken(TimeoutError(), SmtpServer("smtp.example.com"), uncertain=True)
    assert isinstance(error, SendError) and error.kind is FailureKind.TRANSIENT
    expected = (
        "smtp.example.com did not answer in time. The server may have taken the message; "
        "Tidings checks before sending it again."
    )
    assert str(error) == localized(error.message) == status_message(error.message) == expected


def test_a_sentence_inside_a_sentence_is_translated_whole(zh_cn: None) -> None:
    """The gateway's retry line wraps the reason; both are translated, order per language."""
    reason = classify(socket.gaierror(-2, "unknown"), ACCOUNT).message
    retry = i18n.lazy.translate("Status", "{0}; retrying in {1} s").format(reason, 5)
    assert status_message(retry) == "找不到服务器名称 imap.example.com。；5 秒后重试"
    assert not CJK.search(str(retry))


# -- end to end ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with Dovecot() as server:
        server.add_user("meimei", "right-pw")
        yield server


def account_form(qtbot, dovecot: Dovecot, port: int, password: str) -> AccountDialog:  # type: ignore[no-untyped-def]
    from desktop.app.facade import test_account

    form = AccountDialog(None, set(), test_account)
    qtbot.addWidget(form)
    form.name.setText("Work")
    form.host.setText("localhost")
    form.port.setValue(port)
    form.security.setCurrentIndex(form.security.findData("tls"))
    form.username.setText("meimei")
    form.password.setText(password)
    form.ca_file.setText(dovecot.ca_file)
    return form


def connection_test_result(qtbot, form: AccountDialog) -> str:  # type: ignore[no-untyped-def]
    form.test_button.click()
    qtbot.waitUntil(lambda: form.test_result.text()[:1] in ("✔", "✘"), timeout=20_000)
    return form.test_result.text()


def test_test_connection_failures_are_shown_in_chinese(qtbot, zh_cn: None, dovecot: Dovecot) -> None:  # type: ignore[no-untyped-def]
    wrong = account_form(qtbot, dovecot, dovecot.imaps_port, "wrong-pw")
    assert connection_test_result(qtbot, wrong) == "✘ 服务器拒绝了用户名或密码"
    assert dovecot.login_failures("meimei") >= 1  # the real server said no

    closed_port = free_port()
    closed = account_form(qtbot, dovecot, closed_port, "right-pw")
    assert connection_test_result(qtbot, closed) == f"✘ localhost 拒绝了端口 {closed_port} 上的连接。"

    good = account_form(qtbot, dovecot, dovecot.imaps_port, "right-pw")
    assert (
        connection_test_result(qtbot, good)
        == "✔ 已以 meimei 的身份连接到 localhost。INBOX：0 封邮件，0 封未读。"
    )


def test_test_connection_stays_english_without_the_translator(dovecot: Dovecot) -> None:
    from desktop.app.facade import test_account

    account = MailAccount(
        name="w", host="localhost", username="meimei", port=dovecot.imaps_port, ca_file=dovecot.ca_file
    )
    assert test_account(account, "wrong-pw") == (False, str(AUTH_FAILED_TEXT))


AUTOCONFIG = "/autoconfig.example.test/mail/config-v1.1.xml"


def autoconfig(host: str) -> bytes:
    return f"""<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test">
  <domain>example.test</domain><displayName>Example Mail</displayName>
  <incomingServer type="imap"><hostname>{host}</hostname><port>993</port>
    <socketType>SSL</socketType><username>%EMAILADDRESS%</username>
    <authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>""".encode()


@pytest.fixture
def discovery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HttpsServer, Lookups]]:
    ca = PrivateCA(tmp_path_factory.mktemp("ca"))
    # The domain's mail goes to this machine: servers named "localhost" count as its own.
    with DnsServer({("example.test", "MX"): ["10 localhost."]}) as dns, HttpsServer(ca) as https:
        lookups = Lookups(
            nameserver=dns.host,
            nameserver_port=dns.port,
            autoconfig_base=https.url(""),
            ca_file=str(ca.ca_file),
            proxy="none",
            timeout=5.0,
        )
        yield https, lookups


def find(qtbot, lookups: Lookups) -> AddAccountDialog:  # type: ignore[no-untyped-def]
    dialog = AddAccountDialog(Settings(), set(), lookups=lookups)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Work")
    dialog.address.setText("han.meimei@example.test")
    dialog.next_button.click()
    return dialog


def test_the_add_account_finding_is_shown_in_chinese(qtbot, zh_cn: None, discovery) -> None:  # type: ignore[no-untyped-def]
    https, lookups = discovery
    https.files[AUTOCONFIG] = (autoconfig("imap.example.test"), "application/xml")
    dialog = find(qtbot, lookups)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.PAGE_FOUND, timeout=20_000)
    first = dialog.found_summary.text().splitlines()[0]
    assert first == f"查找来源：example.test 发布的设置（{https.url(AUTOCONFIG)}）"


def test_a_refused_finding_is_explained_in_chinese(qtbot, zh_cn: None, discovery) -> None:  # type: ignore[no-untyped-def]
    https, lookups = discovery
    https.files[AUTOCONFIG] = (autoconfig("imap.attacker.test"), "application/xml")
    dialog = find(qtbot, lookups)
    qtbot.waitUntil(lambda: "imap.attacker.test" in dialog.status.text(), timeout=20_000)
    assert dialog.status.text().startswith(
        "example.test 的自动配置文件所发布的设置指向另一个域的服务器（imap.attacker.test）"
    )
    assert dialog.pages.currentIndex() == dialog.PAGE_ADDRESS


def test_the_window_shows_a_source_status_in_chinese(qtbot, zh_cn: None, runtime, facade, bridge) -> None:  # type: ignore[no-untyped-def]
    """A classified IMAP failure, through the pipeline and the facade to the window's banner."""
    from desktop.core.events import ConnectionState, SourceStatus
    from desktop.ui.window import InboxWindow

    window = InboxWindow(facade, bridge)
    qtbot.addWidget(window)
    window.show()
    problem = classify(cert_error(10), ACCOUNT)
    runtime.pipeline.handle(SourceStatus("mail:work", problem.state, problem.message))
    assert problem.state is ConnectionState.ERROR
    assert window.banner.isVisible()
    assert "imap.example.com 的证书已过期" in window.banner.label.text()


def test_the_compose_title_is_one_sentence_per_mode(zh_cn: None) -> None:
    from desktop.ui.compose import window_title

    assert window_title("reply", "午餐？") == "回复：午餐？"
    assert window_title("reply_all", "Q3 plan") == "全部回复：Q3 plan"
    assert window_title("forward", "{0} braces stay") == "转发：{0} braces stay"
