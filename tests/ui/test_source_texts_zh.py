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
from desktop.config import secrets
from desktop.config.settings import MailAccount, NetworkSettings, Settings
from desktop.core import i18n
from desktop.core.i18n import Text, localized
from desktop.sources.imap.connection import AUTH_FAILED_TEXT, classify
from desktop.sources.net import ProxyConfigError, network
from desktop.sources.net import errors as proxy_errors
from desktop.sources.net.failures import TEMPLATES, Kind, describe
from desktop.sources.net.proxy import parse_setting, resolve
from desktop.sources.oauth import providers
from desktop.sources.oauth.errors import OAuthSetupError, from_oauth_error
from desktop.sources.smtp.compose import ComposeError, parse_recipients
from desktop.sources.smtp.submit import REFUSALS, FailureKind, SendError, SmtpServer, _broken, _refusal
from desktop.sources.tls import ACCOUNT_CA_FILE, describe_certificate_problem
from desktop.ui.add_account import AddAccountDialog
from desktop.ui.app import install_translations
from desktop.ui.settings_dialog import AccountDialog, SettingsDialog
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


#: A bad value for each way the proxy parser says what is wrong.
BAD_PROXY_SETTINGS = [
    "http://proxy.example.com:3128/path",  # passes the settings' shape check; fails here
    "https://proxy.example.com:3128",
    "socks4://proxy.example.com:1080",
    "ftp://proxy.example.com",
    "http://:3128",
    "http://proxy.example.com:99999",
    "http://proxy.example.com:0",
    "http://a%3Ab@proxy.example.com:3128",
    "http://bad_host!.example.com:3128",
    "http://[::1:3128",
    "pac+ftp://example.com/proxy.pac",
    "pac+https:///proxy.pac",
    "pac+https://example.com/a b.pac",
]


def proxy_error(value: str) -> str:
    with pytest.raises(ProxyConfigError) as caught:
        parse_setting(value)
    return str(caught.value)


@pytest.mark.parametrize("value", BAD_PROXY_SETTINGS)
def test_every_proxy_setting_error_is_translated(shipped: QTranslator, value: str) -> None:
    message = proxy_error(value)
    assert_all_translated(shipped, message)


@pytest.mark.usefixtures("zh_cn")
def test_a_bad_proxy_variable_is_named_in_chinese() -> None:
    environ = {"https_proxy": "http://proxy.example.com:3128/path"}
    with pytest.raises(ProxyConfigError) as caught:
        resolve("system", "imaps", "imap.example.com", 993, environ=environ)
    message = str(caught.value)
    assert message == (
        "The https_proxy environment variable must be only scheme://host:port "
        "(it has a path, query or fragment)."
    )
    assert (
        status_message(message)
        == "https_proxy 环境变量只能是 scheme://host:port 的形式（其中含有路径、查询或片段）。"
    )


@pytest.mark.usefixtures("zh_cn")
def test_proxy_errors_say_the_same_in_english() -> None:
    """The log and ``tidings watch`` keep the English wording the parser always had."""
    assert proxy_error("ftp://proxy.example.com") == (
        "The proxy setting has the unknown scheme 'ftp': use http://, socks5://, pac+https://, "
        "'system' or 'none'."
    )
    assert status_message(proxy_error("ftp://proxy.example.com")) == (
        "代理设置使用了未知的协议 'ftp'：请使用 http://、socks5://、pac+https://、“system”或“none”。"
    )
    assert status_message(proxy_error("https://proxy.example.com:3128")) == (
        "代理设置：不支持通过 TLS（https://）连接的代理；请使用它的 http:// 地址。"
    )


@pytest.fixture
def bad_proxy() -> Iterator[str]:
    """The process's [network] proxy set to a URL with a path (the settings' shape check lets
    it through; the parser does not)."""
    value = "http://proxy.example.com:3128/path"
    network.configure(NetworkSettings(proxy=value))
    try:
        yield value
    finally:
        network.configure(NetworkSettings())


@pytest.mark.usefixtures("zh_cn", "bad_proxy")
def test_a_bad_proxy_url_is_a_chinese_source_status(qtbot, runtime, facade, bridge) -> None:  # type: ignore[no-untyped-def]
    """The IMAP source's connect fails on the proxy setting; its status reaches the window's
    banner in Chinese."""
    from desktop.core.events import ConnectionState, SourceStatus
    from desktop.sources.imap.connection import ImapProblem, connect
    from desktop.ui.window import InboxWindow

    window = InboxWindow(facade, bridge)
    qtbot.addWidget(window)
    window.show()
    with pytest.raises(ImapProblem) as caught:
        connect(ACCOUNT, "pw", timeout=5)
    problem = caught.value
    assert problem.state is ConnectionState.ERROR
    assert str(problem.message) == (
        "The proxy setting must be only scheme://host:port (it has a path, query or fragment)."
    )
    runtime.pipeline.handle(SourceStatus("mail:work", problem.state, problem.message))
    assert window.banner.isVisible()
    assert (
        "代理设置只能是 scheme://host:port 的形式（其中含有路径、查询或片段）。" in window.banner.label.text()
    )


@pytest.mark.usefixtures("zh_cn")
def test_a_bad_proxy_url_in_settings_is_explained_in_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The Settings dialog's own check of the proxy field (the settings' shape check)."""
    dialog = SettingsDialog(Settings(), None, connection_tester=lambda account, password: (True, ""))
    qtbot.addWidget(dialog)
    dialog.network_proxy.setText("ftp://proxy.example.com")
    assert dialog.error_label.text().startswith("代理服务器必须是 system、none、代理服务器地址")
    assert not CJK.search(proxy_error("ftp://proxy.example.com"))  # what a log line says


@pytest.mark.usefixtures("zh_cn")
def test_the_incomplete_account_list_is_one_chinese_sentence() -> None:
    from desktop.sources.imap import test_connection

    account = MailAccount(name="w", host="", username="", port=993)
    assert test_connection(account, "pw") == (False, "设置不完整：服务器不能为空；用户名不能为空。")


@pytest.mark.usefixtures("zh_cn")
def test_a_compose_error_names_cc_in_chinese() -> None:
    with pytest.raises(ComposeError) as caught:
        parse_recipients("li.lei@", "Cc")
    assert str(caught.value) == "抄送：'li.lei@' 不是有效的电子邮件地址列表。"
    with pytest.raises(ComposeError) as caught:
        parse_recipients("Li Lei <li.lei@exa mple.com>", "To")
    assert str(caught.value).startswith("收件人：")


def test_compose_errors_stay_english_without_the_translator() -> None:
    with pytest.raises(ComposeError) as caught:
        parse_recipients("li.lei@", "Cc")
    assert str(caught.value) == "Cc: 'li.lei@' is not a list of email addresses."


@pytest.mark.usefixtures("zh_cn")
def test_keyring_and_command_errors_are_translated(shipped: QTranslator) -> None:
    """The secret's failure as an outbox note shows it (``localized``) and as a status."""
    for command in ("exit 3", "true", "/nonexistent/tidings-secret-tool"):
        with pytest.raises(secrets.SecretError) as caught:
            secrets.run_command(command, "proxy password", timeout=10)
        assert_all_translated(shipped, caught.value.args[0])
    assert_all_translated(shipped, secrets.KeyringUnavailable("locked").args[0])

    with pytest.raises(secrets.SecretError) as caught:
        secrets.run_command("echo locked >&2; exit 3", "password", timeout=10)
    assert str(caught.value) == "the password command failed: locked"
    note = i18n.lazy.translate("Status", "Not sent yet: {0}").format(caught.value.args[0])
    assert localized(note) == "尚未发送：密码命令失败：locked"
    # The gateway puts the exception itself in its sentence.
    status = i18n.lazy.translate("Status", "No gateway token: {0}").format(caught.value)
    assert status_message(status) == "没有网关令牌：密码命令失败：locked"


@pytest.mark.usefixtures("zh_cn")
def test_oauth_url_errors_name_the_address_in_chinese(shipped: QTranslator) -> None:
    with pytest.raises(OAuthSetupError) as caught:
        providers.custom("corp", issuer="http://login.corp.example", client_id="x", scopes=["openid"])
    message = caught.value.message
    assert_all_translated(shipped, message)
    assert str(message).startswith("The issuer of corp http://login.corp.example uses plain http://")
    assert status_message(message).startswith(
        "corp 的颁发者地址 http://login.corp.example 使用未加密的 http://"
    )
    with pytest.raises(OAuthSetupError) as caught:
        providers.check_url("ftp://x.example", providers.VERIFICATION_ADDRESS)
    assert status_message(caught.value.message) == "验证地址 'ftp://x.example' 不是 https:// 地址。"
    with pytest.raises(OAuthSetupError) as caught:
        providers.google(None)
    assert_all_translated(shipped, caught.value.message)


@pytest.mark.usefixtures("zh_cn")
def test_logs_and_watch_keep_the_english() -> None:
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


@pytest.mark.usefixtures("zh_cn")
def test_a_sentence_inside_a_sentence_is_translated_whole() -> None:
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


@pytest.mark.usefixtures("zh_cn")
def test_test_connection_failures_are_shown_in_chinese(qtbot, dovecot: Dovecot) -> None:  # type: ignore[no-untyped-def]
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


@pytest.mark.usefixtures("zh_cn")
def test_the_add_account_finding_is_shown_in_chinese(qtbot, discovery) -> None:  # type: ignore[no-untyped-def]
    https, lookups = discovery
    https.files[AUTOCONFIG] = (autoconfig("imap.example.test"), "application/xml")
    dialog = find(qtbot, lookups)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.PAGE_FOUND, timeout=20_000)
    first = dialog.found_summary.text().splitlines()[0]
    assert first == f"查找来源：example.test 发布的设置（{https.url(AUTOCONFIG)}）"


@pytest.mark.usefixtures("zh_cn")
def test_a_refused_finding_is_explained_in_chinese(qtbot, discovery) -> None:  # type: ignore[no-untyped-def]
    https, lookups = discovery
    https.files[AUTOCONFIG] = (autoconfig("imap.attacker.test"), "application/xml")
    dialog = find(qtbot, lookups)
    qtbot.waitUntil(lambda: "imap.attacker.test" in dialog.status.text(), timeout=20_000)
    assert dialog.status.text().startswith(
        "example.test 的自动配置文件所发布的设置指向另一个域的服务器（imap.attacker.test）"
    )
    assert dialog.pages.currentIndex() == dialog.PAGE_ADDRESS


@pytest.mark.usefixtures("zh_cn")
def test_the_window_shows_a_source_status_in_chinese(qtbot, runtime, facade, bridge) -> None:  # type: ignore[no-untyped-def]
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


@pytest.mark.usefixtures("zh_cn")
def test_the_compose_title_is_one_sentence_per_mode() -> None:
    from desktop.ui.compose import window_title

    assert window_title("reply", "午餐？") == "回复：午餐？"
    assert window_title("reply_all", "Q3 plan") == "全部回复：Q3 plan"
    assert window_title("forward", "{0} braces stay") == "转发：{0} braces stay"


@pytest.mark.usefixtures("zh_cn")
def test_a_missing_ca_file_stays_translatable_through_str(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.sources.net import CaFileError, client_context

    missing = tmp_path / "company-ca.pem"
    with pytest.raises(CaFileError) as raised:
        client_context(missing)
    # What the gateway's sign-in and the sources pass on is str(exc): still a Text.
    assert str(raised.value) == f"The CA file {missing} does not exist."
    assert status_message(str(raised.value)) == f"CA 文件 {missing} 不存在。"
