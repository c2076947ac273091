"""“Add account”: name and address first, the settings found for it, then the password or
the browser sign-in (like Thunderbird). “Configure manually” opens the full form instead.

Three pages: (1) name and address; (2) what was found and where from, for the user to
confirm; (3) the password, or “Sign in with …” in the browser. Nothing is sent to a server
found from the address before the user confirmed it; the lookups themselves only read
public DNS records and the domain's autoconfig file. The lookup and the sign-in run off the
GUI thread (``run_in_background``); a result that arrives after the user moved on is dropped.
"""

from __future__ import annotations

import re
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.app import account_login
from desktop.app.account_login import DiscoveryError, Finding, Lookups, OAuthProblem
from desktop.config.settings import MailAccount, Settings, blank_account
from desktop.ui.background import run_in_background
from desktop.ui.status_text import status_message

ERROR_COLOR = "#D64545"
OK_COLOR = "#2E9E6A"
_NAME_RE = re.compile(r"^[\w.@+-][\w .@+-]{0,63}$")


def _colored(label: QLabel, text: str, color: str) -> None:
    label.setStyleSheet(f"color: {color};" if color else "")
    label.setText(text)


class AddAccountDialog(QDialog):
    """Emits ``manual_requested(name, address)`` for “Configure manually”; on accept,
    ``account()`` is the new account and ``typed_password()`` its password (empty for
    OAuth2, whose sign-in is already stored in the keyring)."""

    manual_requested = Signal(str, str)

    PAGE_ADDRESS, PAGE_FOUND, PAGE_SECRET = range(3)

    def __init__(
        self,
        settings: Settings,
        taken_names: set[str],
        parent: QWidget | None = None,
        *,
        lookups: Lookups | None = None,
        sign_in_timeout: float = 300.0,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add mail account"))
        self.setMinimumWidth(520)
        self._settings = settings
        self._taken = taken_names
        self._lookups = lookups
        self._sign_in_timeout = sign_in_timeout
        self._finding: Finding | None = None
        self._generation = 0  # bumped whenever the user moves on: stale results are dropped
        self._cancel: threading.Event | None = None
        self.signed_in = False

        self.pages = QStackedWidget()
        self.pages.addWidget(self._address_page())
        self.pages.addWidget(self._found_page())
        self.pages.addWidget(self._secret_page())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what servers said

        self.manual_button = QPushButton(self.tr("Configure manually"))
        self.manual_button.clicked.connect(self._manual)
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton(self.tr("Continue"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.manual_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.name.textChanged.connect(self._update)
        self.address.textChanged.connect(self._update)
        self.password.textChanged.connect(self._update)
        self.finished.connect(lambda _result: self._stop_sign_in())
        self._show(self.PAGE_ADDRESS)

    # -- pages ---------------------------------------------------------------------------------

    def _address_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel(
            self.tr("Enter your name for the account and your mail address; Tidings looks up the rest.")
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Work"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("name@example.com"))
        form.addRow(self.tr("Account name"), self.name)
        form.addRow(self.tr("Mail address"), self.address)
        return page

    def _found_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.found_summary = QLabel()
        self.found_summary.setWordWrap(True)
        # The provider's name and the servers come from the network: never rich text.
        self.found_summary.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.found_summary)
        box.addStretch(1)
        return page

    def _secret_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.secret_intro = QLabel()
        self.secret_intro.setWordWrap(True)
        box.addWidget(self.secret_intro)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label = QLabel(self.tr("Password"))
        form.addRow(self.password_label, self.password)
        box.addLayout(form)
        self.sign_in_button = QPushButton()
        self.sign_in_button.clicked.connect(self.sign_in)
        box.addWidget(self.sign_in_button)
        box.addStretch(1)
        return page

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.back_button.setVisible(page != self.PAGE_ADDRESS)
        oauth = self._finding is not None and self._finding.auth == "oauth2"
        labels = {
            self.PAGE_ADDRESS: self.tr("Continue"),
            self.PAGE_FOUND: self.tr("Use these settings"),
            self.PAGE_SECRET: self.tr("Add account"),
        }
        self.next_button.setText(labels[page])
        if page == self.PAGE_SECRET:
            self.password.setVisible(not oauth)
            self.password_label.setVisible(not oauth)
            self.sign_in_button.setVisible(oauth)
        self._update()

    def _update(self) -> None:
        page = self.pages.currentIndex()
        if page == self.PAGE_ADDRESS:
            self.next_button.setEnabled(not self._name_problem() and "@" in self.address.text())
        elif page == self.PAGE_SECRET:
            oauth = self._finding is not None and self._finding.auth == "oauth2"
            self.next_button.setEnabled(self.signed_in if oauth else bool(self.password.text()))
        else:
            self.next_button.setEnabled(self._finding is not None)

    def _name_problem(self) -> str:
        name = self.name.text().strip()
        if not _NAME_RE.match(name):
            return self.tr("The account name must be 1-64 letters, digits, spaces or . @ + - _")
        if name in self._taken:
            return self.tr("Another account already has this name.")
        return ""

    # -- steps ---------------------------------------------------------------------------------

    def _next(self) -> None:
        page = self.pages.currentIndex()
        if page == self.PAGE_ADDRESS:
            self.find()
        elif page == self.PAGE_FOUND:
            self._confirm()
        else:
            self.accept()

    def _back(self) -> None:
        self._generation += 1
        self._stop_sign_in()
        _colored(self.status, "", "")
        self._show(max(self.PAGE_ADDRESS, self.pages.currentIndex() - 1))

    def _manual(self) -> None:
        self._generation += 1
        self.manual_requested.emit(self.name.text().strip(), self.address.text().strip())
        self.reject()

    def find(self) -> None:
        """Look the address up (off the GUI thread) and show what was found."""
        problem = self._name_problem()
        if problem:
            _colored(self.status, problem, ERROR_COLOR)
            return
        address = self.address.text().strip()
        self._generation += 1
        generation = self._generation
        lookups = self._lookups
        self.next_button.setEnabled(False)
        _colored(self.status, self.tr("Looking up the settings for {0}…").format(address), "")
        run_in_background(
            lambda: account_login.find_account(address, lookups),
            lambda finding: self._found(generation, finding),
            lambda exc: self._not_found(generation, exc),
        )

    def _found(self, generation: int, finding: Finding) -> None:
        if generation != self._generation:
            return
        self._finding = finding
        self.found_summary.setText(self.describe(finding))
        _colored(self.status, "", "")
        self._show(self.PAGE_FOUND)

    def _not_found(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        text = exc.message if isinstance(exc, DiscoveryError) else str(exc)
        _colored(self.status, text, ERROR_COLOR)
        self._update()

    def describe(self, finding: Finding) -> str:
        """The finding in words, shown for the user to confirm."""
        lines = [
            self.tr("Found from {0}:").format(finding.how),
            self.tr("Incoming (IMAP): {0}, port {1}, {2}").format(
                finding.imap.host, finding.imap.port, finding.imap.security.upper()
            ),
        ]
        if finding.smtp is not None:
            lines.append(
                self.tr("Outgoing (SMTP): {0}, port {1}, {2}").format(
                    finding.smtp.host, finding.smtp.port, finding.smtp.security.upper()
                )
            )
        lines.append(self.tr("User name: {0}").format(finding.username))
        if finding.auth == "oauth2":
            lines.append(
                self.tr("Sign-in: in the browser, with {0}").format(finding.provider_name or finding.oauth)
            )
        else:
            lines.append(self.tr("Sign-in: password"))
        lines.append(self.tr("Nothing has been sent to these servers yet. Continue only if they look right."))
        return "\n".join(lines)

    def _oauth_name(self, finding: Finding) -> str:
        """The settings' provider for an OAuth2 finding: the preset, else the one company
        provider the organisation declared."""
        if finding.oauth:
            return finding.oauth
        company = [name for name in self._settings.oauth if name not in ("microsoft", "google")]
        return company[0] if len(company) == 1 else ""

    def _confirm(self) -> None:
        finding = self._finding
        if finding is None:
            return
        if finding.auth == "oauth2":
            try:
                name = account_login.provider_name(self.account(), self._settings)
            except OAuthProblem as exc:
                _colored(self.status, status_message(exc.message), ERROR_COLOR)
                return
            if not finding.oauth and finding.provider_name:
                # A company provider's settings key ("corp") means nothing to its users; the
                # name the domain's own file gives (already shown on the last page) does.
                name = finding.provider_name
            self.secret_intro.setText(
                self.tr(
                    "Sign in with {0} in your browser. Tidings keeps the sign-in, not your password."
                ).format(name)
            )
            self.sign_in_button.setText(self.tr("Sign in with {0}").format(name))
        else:
            self.secret_intro.setText(
                self.tr("The password for {0}; it is kept in the system keyring.").format(finding.username)
            )
        _colored(self.status, "", "")
        self._show(self.PAGE_SECRET)

    def sign_in(self) -> None:
        """The browser sign-in, off the GUI thread; the refresh token goes to the keyring."""
        account = self.account()
        settings = self._settings
        self._stop_sign_in()
        cancel = threading.Event()
        self._cancel = cancel
        self._generation += 1
        generation = self._generation
        timeout = self._sign_in_timeout
        self.sign_in_button.setEnabled(False)
        _colored(self.status, self.tr("Waiting for the sign-in in your browser…"), "")
        run_in_background(
            lambda: account_login.browser_sign_in(account, settings, timeout=timeout, cancel=cancel),
            lambda _none: self._signed_in(generation),
            lambda exc: self._sign_in_failed(generation, exc),
        )

    def _signed_in(self, generation: int) -> None:
        if generation != self._generation:
            return
        self.signed_in = True
        self.sign_in_button.setEnabled(True)
        _colored(self.status, self.tr("Signed in. Add the account to start receiving mail."), OK_COLOR)
        self._update()

    def _sign_in_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.sign_in_button.setEnabled(True)
        text = status_message(exc.message) if isinstance(exc, OAuthProblem) else str(exc)
        _colored(self.status, text, ERROR_COLOR)

    def _stop_sign_in(self) -> None:
        if self._cancel is not None:
            self._cancel.set()  # the loopback listener stops waiting for the browser
            self._cancel = None

    # -- result --------------------------------------------------------------------------------

    def account(self) -> MailAccount:
        """The account as found (with the organisation's defaults for the rest)."""
        account = blank_account(self._settings)
        account.name = self.name.text().strip()
        account.address = self.address.text().strip()
        finding = self._finding
        if finding is None:
            return account
        account.host = finding.imap.host
        account.port = finding.imap.port
        account.security = finding.imap.security
        account.username = finding.username
        if finding.smtp is not None:
            account.smtp_host = finding.smtp.host
            account.smtp_port = finding.smtp.port
            account.smtp_security = finding.smtp.security
        if finding.auth == "oauth2":
            account.auth = "oauth2"
            account.oauth = self._oauth_name(finding)
        return account

    def typed_password(self) -> str:
        oauth = self._finding is not None and self._finding.auth == "oauth2"
        return "" if oauth else self.password.text()
