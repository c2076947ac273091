"""The settings dialog: mail accounts, the gateway, notifications.

Secrets never enter ``Settings``: passwords and the gateway token typed here
are written to the OS keyring (``secrets.set_secret``) when OK is pressed.
``result_settings()`` gives the new settings; the caller saves them and applies them.

Labels, tooltips and checks come from the settings table (``desktop.config.settings``),
the same declarations the settings file is read with; an option the organisation
enforces is shown greyed out with a note.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.app import autostart
from desktop.app.facade import AccountTester, test_account
from desktop.config import secrets
from desktop.config.settings import (
    DEFAULT_PORTS,
    MailAccount,
    Settings,
    blank_account,
    option,
)
from desktop.ui.background import run_in_background
from desktop.ui.status_text import status_message

if TYPE_CHECKING:
    from desktop.app.account_login import Lookups
    from desktop.ui.add_account import AddAccountDialog

ERROR_COLOR = "#D64545"
OK_COLOR = "#2E9E6A"
WARN_COLOR = "#B8661B"

# (account, password) -> (ok, message); runs on a worker thread.
ConnectionTester = AccountTester


def _sentence(clause: str) -> str:
    """A problem clause from the settings table as a sentence (Chinese ends it with 。)."""
    return QCoreApplication.translate("Settings", "{0}.").format(clause[:1].upper() + clause[1:])


def declared_row(
    form: QFormLayout,
    path: str,
    widget: QWidget,
    enforced: Mapping[str, Any],
    labelled: bool = True,
    ignored: Mapping[str, Any] | None = None,
) -> None:
    """A form row for a declared option: its title and description from the table, and
    greyed out with a note when the organisation enforces it (saying so when the user's
    file had another value, which is ``ignored``)."""
    declared = option(path)
    widget.setToolTip(declared.translated_description())
    if labelled:
        form.addRow(
            QCoreApplication.translate("Settings", "{0}:").format(declared.translated_title()), widget
        )
    else:
        form.addRow(widget)
    if path in enforced:
        widget.setEnabled(False)
        text = QCoreApplication.translate("Settings", "Set by your organisation")
        if ignored and path in ignored:
            text = QCoreApplication.translate(
                "Settings", "Set by your organisation; your own value is ignored"
            )
        # Not word-wrapped: a wrapped label in a form row gets too little height and is cut off.
        note = QLabel(text)
        note.setObjectName("enforcedNote")
        note.setEnabled(False)  # the disabled palette: greyed like the field it explains
        form.addRow("", note)


def _colored(label: QLabel, text: str, color: str) -> None:
    label.setText(text)
    label.setStyleSheet(f"color: {color};" if color else "")
    label.setVisible(bool(text))


class FileField(QWidget):
    """A path line edit with a Browse… button."""

    changed = Signal()

    def __init__(self, title: str, name_filter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("Optional: the system's certificates are used"))
        self.edit.textChanged.connect(self.changed)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)
        self._title = title
        self._filter = name_filter

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self._title, self.edit.text(), self._filter)
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:
        self.edit.setText(text)


class AccountDialog(QDialog):
    """Add or edit one mail account; OK stays disabled while the account has problems."""

    def __init__(
        self,
        account: MailAccount | None,
        taken_names: set[str],
        tester: ConnectionTester | None,
        has_stored_password: bool = False,
        parent: QWidget | None = None,
        settings: Settings | None = None,
        keyring_state: str = "",
    ) -> None:
        """``keyring_state`` "no-keyring": there is no system keyring to store a password in."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit mail account") if account else self.tr("Add mail account"))
        settings = settings or Settings()
        self.setMinimumWidth(520)
        self._original = account
        self._taken = taken_names
        self._tester = tester
        self._test_generation = 0

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Work"))
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("imap.example.com"))
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("Default"))
        self.security = QComboBox()
        self.security.addItem(self.tr("TLS (recommended)"), "tls")
        self.security.addItem(self.tr("STARTTLS"), "starttls")
        self.security.addItem(self.tr("None — unencrypted"), "plain")
        self.plain_warning = QLabel(
            self.tr("Without encryption your password and mail cross the network in clear text.")
        )
        self.plain_warning.setWordWrap(True)
        self.plain_warning.setStyleSheet(f"color: {WARN_COLOR};")
        self.username = QLineEdit()
        # Sign-in: a password, or the browser (OAuth2) with a provider: the presets, and the
        # company providers the settings declare ([oauth.NAME]); another name can be typed.
        self._settings = settings
        self.auth = QComboBox()
        self.auth.addItem(self.tr("Password"), "password")
        self.auth.addItem(self.tr("Browser (OAuth2)"), "oauth2")
        self.oauth = QComboBox()
        self.oauth.setEditable(True)
        company = [name for name in settings.oauth if name not in ("microsoft", "google")]
        for name in (*company, "microsoft", "google"):
            self.oauth.addItem(name)
        self.oauth.setAccessibleName(self.tr("Sign-in provider"))
        self.sign_in_button = QPushButton(self.tr("Sign in…"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in in the browser"))
        self.sign_in_button.clicked.connect(self.sign_in)
        self.sign_in_result = QLabel()
        self.sign_in_result.setWordWrap(True)
        self.sign_in_result.setTextFormat(Qt.TextFormat.PlainText)  # the provider's words
        self.sign_in_result.hide()
        self._sign_in_generation = 0
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # Claim only what is true: a stored password, a keyring to store one, or neither.
        if keyring_state == "no-keyring":
            self.password.setPlaceholderText(self.tr("No system keyring: use a password command"))
        elif has_stored_password:
            self.password.setPlaceholderText(self.tr("Unchanged (stored in the system keyring)"))
        else:
            self.password.setPlaceholderText(self.tr("Will be stored in the system keyring"))
        self.password.setAccessibleName(self.tr("Password"))
        self.keyring_note = QLabel(
            self.tr(
                "No system keyring (Secret Service) to keep a password in: enter a password "
                "command below, or start a keyring such as GNOME Keyring or KWallet."
            )
        )
        self.keyring_note.setWordWrap(True)
        # Its whole height, also in a tall form: a squeezed warning would be cut off.
        self.keyring_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.keyring_note.setStyleSheet(f"color: {WARN_COLOR};")
        self.keyring_note.setVisible(keyring_state == "no-keyring")
        self.password_command = QLineEdit()
        self.password_command.setPlaceholderText(self.tr("Optional, e.g. pass show mail/work"))
        self.ca_file = FileField(
            self.tr("Choose a CA certificate"), self.tr("Certificates (*.pem *.crt *.cer);;All files (*)")
        )
        self.folders = QLineEdit()
        self.folders.setPlaceholderText(self.tr("Folders to watch, separated by commas"))
        self.webmail = QLineEdit()
        self.webmail.setPlaceholderText("https://mail.example.com/#search/{message_id}")
        # Sending (replies, forwards) and the folders Archive / Delete / Sent use.
        self.sender_name = QLineEdit()
        self.sender_name.setPlaceholderText(self.tr("e.g. Li Lei"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("Default: the user name, if it is an address"))
        self.smtp_host = QLineEdit()
        self.smtp_security = QComboBox()
        self.smtp_security.addItem(self.tr("STARTTLS, port 587 (recommended)"), "starttls")
        self.smtp_security.addItem(self.tr("TLS, port 465"), "tls")
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(0, 65535)
        self.smtp_port.setSpecialValueText(self.tr("Default"))
        self.sent_folder = QLineEdit()
        self.archive_folder = QLineEdit()
        self.trash_folder = QLineEdit()
        for edit, usual in (
            (self.sent_folder, "Sent"),
            (self.archive_folder, "Archive"),
            (self.trash_folder, "Trash"),
        ):
            edit.setPlaceholderText(self.tr("The server's own, else {0}").format(usual))

        form = QFormLayout()
        # An account from the organisation's template has its own enforced values (and name).
        scope = account.name if account is not None else ""
        enforced = settings.enforced_for(scope)
        ignored = settings.ignored.get(scope, {}) if scope else {}
        declared_row(form, "mail.name", self.name, enforced, ignored=ignored)
        declared_row(form, "mail.host", self.host, enforced, ignored=ignored)
        declared_row(form, "mail.port", self.port, enforced, ignored=ignored)
        declared_row(form, "mail.security", self.security, enforced, ignored=ignored)
        form.addRow("", self.plain_warning)
        declared_row(form, "mail.username", self.username, enforced, ignored=ignored)
        declared_row(form, "mail.auth", self.auth, enforced, ignored=ignored)
        declared_row(form, "mail.oauth", self.oauth, enforced, ignored=ignored)
        sign_in_row = QHBoxLayout()
        sign_in_row.addWidget(self.sign_in_button)
        sign_in_row.addWidget(self.sign_in_result, 1)
        form.addRow("", sign_in_row)
        self.password_label = QLabel(self.tr("Password:"))
        form.addRow(self.password_label, self.password)
        form.addRow("", self.keyring_note)
        declared_row(form, "mail.password_command", self.password_command, enforced, ignored=ignored)
        declared_row(form, "mail.ca_file", self.ca_file, enforced, ignored=ignored)
        declared_row(form, "mail.folders", self.folders, enforced, ignored=ignored)
        declared_row(form, "mail.webmail_url", self.webmail, enforced, ignored=ignored)
        for key in (
            "sender_name",
            "address",
            "smtp_host",
            "smtp_security",
            "smtp_port",
            "sent_folder",
            "archive_folder",
            "trash_folder",
        ):
            declared_row(form, f"mail.{key}", getattr(self, key), enforced, ignored=ignored)

        self._form = form
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.hide()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)

        # A new account starts from the defaults (the organisation's, where it has some).
        start = account if account is not None else blank_account(settings)
        self._oauth = start.oauth  # kept while the account signs in with a password
        self.auth.setCurrentIndex(max(0, self.auth.findData(start.auth)))
        if start.oauth:
            self.oauth.setCurrentText(start.oauth)
        elif start.address.partition("@")[2].lower() in ("gmail.com", "googlemail.com"):
            self.oauth.setCurrentText("google")
        self.name.setText(start.name)
        self.host.setText(start.host)
        self.port.setValue(start.port)
        self.security.setCurrentIndex(max(0, self.security.findData(start.security)))
        self.username.setText(start.username)
        self.password_command.setText(start.password_command)
        self.ca_file.setText(start.ca_file)
        self.folders.setText(", ".join(start.folders))
        self.webmail.setText(start.webmail_url)
        self.sender_name.setText(start.sender_name)
        self.address.setText(start.address)
        self.smtp_host.setText(start.smtp_host)
        self.smtp_security.setCurrentIndex(max(0, self.smtp_security.findData(start.smtp_security)))
        self.smtp_port.setValue(start.smtp_port)
        self.sent_folder.setText(start.sent_folder)
        self.archive_folder.setText(start.archive_folder)
        self.trash_folder.setText(start.trash_folder)
        self._smtp_placeholder()
        self.host.textChanged.connect(self._smtp_placeholder)
        for edit in (self.name, self.host, self.username, self.password_command, self.folders, self.webmail):
            edit.textChanged.connect(self._validate)
        for edit in (
            self.sender_name,
            self.address,
            self.smtp_host,
            self.sent_folder,
            self.archive_folder,
            self.trash_folder,
        ):
            edit.textChanged.connect(self._validate)
        self.smtp_port.valueChanged.connect(self._validate)
        self.smtp_security.currentIndexChanged.connect(self._validate)
        self.password.textChanged.connect(self._validate)
        self.port.valueChanged.connect(self._validate)
        self.security.currentIndexChanged.connect(self._validate)
        self.ca_file.changed.connect(self._validate)
        self.auth.currentIndexChanged.connect(self._validate)
        self.oauth.currentTextChanged.connect(self._validate)
        # A new, empty form is not wrong yet: problems show from the first change on.
        self._quiet = account is None
        self._validate()
        self._quiet = False

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def account(self) -> MailAccount:
        folders = [f.strip() for f in self.folders.text().split(",") if f.strip()]
        return MailAccount(
            name=self.name.text().strip(),
            host=self.host.text().strip(),
            username=self.username.text().strip(),
            security=str(self.security.currentData()),
            port=self.port.value(),
            ca_file=self.ca_file.text(),
            folders=folders,
            password_command=self.password_command.text().strip(),
            webmail_url=self.webmail.text().strip(),
            sender_name=self.sender_name.text().strip(),
            address=self.address.text().strip(),
            smtp_host=self.smtp_host.text().strip(),
            smtp_security=str(self.smtp_security.currentData()),
            smtp_port=self.smtp_port.value(),
            sent_folder=self.sent_folder.text().strip(),
            archive_folder=self.archive_folder.text().strip(),
            trash_folder=self.trash_folder.text().strip(),
            auth=self._auth_choice(),
            oauth=self.oauth.currentText().strip() if self._auth_choice() == "oauth2" else self._oauth,
        )

    def _auth_choice(self) -> str:
        return str(self.auth.currentData())

    def _smtp_placeholder(self) -> None:
        """The sending server that an empty field means, derived from the IMAP server."""
        derived = MailAccount(name="x", host=self.host.text().strip(), username="").effective_smtp_host
        self.smtp_host.setPlaceholderText(
            self.tr("Default: {0}").format(derived) if derived else self.tr("smtp.example.com")
        )

    def typed_password(self) -> str:
        """The password typed here; empty means keep the stored one (or use the command), and
        always for OAuth2, whose sign-in is in the keyring."""
        if self.password_command.text().strip() or self._auth_choice() == "oauth2":
            return ""
        return self.password.text()

    def problems(self) -> list[str]:
        account = self.account()
        problems = account.problems()  # the table's checks, named by the field titles
        if account.name in self._taken:
            problems.append(self.tr("another account already has this name"))
        if account.auth == "oauth2" and not account.oauth:
            problems.append(self.tr("choose the provider to sign in with in the browser"))
        return problems

    def _validate(self) -> None:
        security = str(self.security.currentData())
        self.plain_warning.setVisible(security == "plain")
        self.port.setSpecialValueText(self.tr("Default ({0})").format(DEFAULT_PORTS.get(security, 993)))
        oauth2 = self._auth_choice() == "oauth2"
        self.password.setEnabled(not self.password_command.text().strip())
        # OAuth2: no password here (the sign-in is kept, not a password); the browser sign-in
        # is its check, and the password command, if any, gives its refresh token.
        self.password.setVisible(not oauth2)
        self.password_label.setVisible(not oauth2)
        provider_label = self._form.labelForField(self.oauth)
        for widget in (self.oauth, provider_label, self.sign_in_button):
            if widget is not None:
                widget.setVisible(oauth2)
        self.sign_in_result.setVisible(oauth2 and bool(self.sign_in_result.text()))
        self.test_button.setVisible(not oauth2)
        self.test_result.setVisible(not oauth2 and bool(self.test_result.text()))
        problems = self.problems()
        # Problems are short clauses from MailAccount.problems(); shown as one sentence each.
        text = "\n".join(_sentence(p) for p in problems)
        _colored(self.problems_label, "" if self._quiet else text, ERROR_COLOR)
        self.ok_button.setEnabled(not problems)

    # -- browser sign-in (OAuth2) -------------------------------------------------------------

    def sign_in(self) -> None:
        """“Sign in…”: the browser sign-in for the account as it stands in the form, off the
        GUI thread; the refresh token goes to the keyring (nothing is kept in this dialog)."""
        account = self.account()
        if account.auth != "oauth2" or not account.oauth:
            return
        # Imported here: the sign-in brings the OAuth client, which a password account never needs.
        from desktop.app import account_login

        settings = self._settings
        self._sign_in_generation += 1
        generation = self._sign_in_generation
        self.sign_in_button.setEnabled(False)
        _colored(self.sign_in_result, self.tr("Waiting for the sign-in in your browser…"), "")
        run_in_background(
            lambda: account_login.browser_sign_in(account, settings),
            lambda _none: self._signed_in(generation, None),
            lambda exc: self._signed_in(generation, exc),
        )

    def _signed_in(self, generation: int, exc: BaseException | None) -> None:
        if generation != self._sign_in_generation:
            return
        self.sign_in_button.setEnabled(True)
        if exc is None:
            _colored(self.sign_in_result, "✔ " + self.tr("Signed in."), OK_COLOR)
            return
        text = status_message(getattr(exc, "message", "") or str(exc))  # an OAuthProblem's words
        _colored(self.sign_in_result, "✘ " + text, ERROR_COLOR)

    # -- connection test -------------------------------------------------------------------

    def test_connection(self) -> None:
        if self._tester is None:
            _colored(self.test_result, self.tr("Connection testing is not available."), ERROR_COLOR)
            return
        account = self.account()
        typed = self.typed_password()
        original = self._original.name if self._original is not None else ""
        tester = self._tester
        self._test_generation += 1
        generation = self._test_generation

        no_password = self.tr("Enter the password first.")

        def work() -> tuple[bool, str]:
            if account.password_command:
                password = secrets.get_secret("", account.password_command)
            elif typed:
                password = typed
            elif original:
                password = secrets.get_secret(secrets.mail_key(original))
            else:
                return False, no_password
            return tester(account, password)

        self.test_button.setEnabled(False)
        _colored(self.test_result, self.tr("Connecting to {0}…").format(account.host), "")
        run_in_background(
            work,
            lambda result: self._tested(generation, result),
            lambda exc: self._tested(generation, (False, str(exc))),
        )

    def _tested(self, generation: int, result: tuple[bool, str]) -> None:
        if generation != self._test_generation:
            return
        self.test_button.setEnabled(True)
        ok, text = result
        if ok:
            _colored(self.test_result, "✔ " + text, OK_COLOR)
        else:
            _colored(self.test_result, "✘ " + text, ERROR_COLOR)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        connection_tester: ConnectionTester | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tidings Settings"))
        self.resize(560, 480)
        self._settings = copy.deepcopy(settings)
        self._tester = connection_tester if connection_tester is not None else test_account
        self._accounts: list[MailAccount] = [
            dataclasses.replace(a, folders=list(a.folders)) for a in settings.mail
        ]
        self._original_names = {
            id(a): a.name for a in self._accounts
        }  # for moving a renamed account's password
        self._passwords: dict[int, str] = {}  # id(account) -> password typed, written on OK
        #: where “Add…” looks an address up; None: DNS and HTTPS as usual (tests set local ones)
        self.discovery_lookups: Lookups | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._mail_tab(), self.tr("Mail accounts"))
        self.tabs.addTab(self._gateway_tab(), self.tr("Chat and approvals"))
        self.tabs.addTab(self._notifications_tab(), self.tr("General"))
        self.tabs.addTab(self._network_tab(), self.tr("Network"))

        # What the organisation's policy got wrong: the user cannot fix it, but should be
        # able to tell the helpdesk (the messages name the file and the value).
        self.policy_label = QLabel()
        self.policy_label.setObjectName("policyProblems")
        self.policy_label.setWordWrap(True)
        self.policy_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problems = settings.policy_problems
        heading = self.tr("Parts of your organisation's policy could not be used; tell your helpdesk:")
        _colored(self.policy_label, "\n".join([heading, *problems]) if problems else "", WARN_COLOR)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.policy_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._refresh_accounts()
        self._validate()

    # -- tabs --------------------------------------------------------------------------------

    def _mail_tab(self) -> QWidget:
        page = QWidget()
        self.account_list = QListWidget()
        self.account_list.itemDoubleClicked.connect(lambda _item: self.edit_account())
        self.account_list.currentRowChanged.connect(lambda _row: self._update_account_buttons())
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.add_button.clicked.connect(self.find_account)
        self.edit_button.clicked.connect(self.edit_account)
        self.remove_button.clicked.connect(self.remove_account)
        buttons = QVBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        if not self._settings.general.allow_add_accounts:
            self.add_button.setEnabled(False)
            self.add_button.setToolTip(self.tr("Set by your organisation"))
        row = QHBoxLayout()
        row.addWidget(self.account_list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        note = QLabel(self.tr("Passwords are kept in the system keyring, never in the settings file."))
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
        return page

    def _gateway_tab(self) -> QWidget:
        page = QWidget()
        gw = self._settings.gateway
        self.gateway_url = QLineEdit(gw.url)
        self.gateway_url.setPlaceholderText("wss://gateway.example.com")
        self.gateway_token = QLineEdit()
        self.gateway_token.setEchoMode(QLineEdit.EchoMode.Password)
        token = secrets.stored_state(secrets.GATEWAY_KEY) if gw.url and not gw.token_command else ""
        if token == "stored":
            self.gateway_token.setPlaceholderText(self.tr("Unchanged (stored in the system keyring)"))
        elif token == "no-keyring":
            self.gateway_token.setPlaceholderText(self.tr("No system keyring: use a token command"))
        else:
            self.gateway_token.setPlaceholderText(self.tr("Paste the token your administrator gave you"))
        self.gateway_token_command = QLineEdit(gw.token_command)
        self.gateway_token_command.setPlaceholderText(self.tr("Optional: a command that prints the token"))
        self.gateway_ca = FileField(
            self.tr("Choose a CA certificate"), self.tr("Certificates (*.pem *.crt *.cer);;All files (*)")
        )
        self.gateway_ca.setText(gw.ca_file)
        form = QFormLayout(page)
        enforced, ignored = self._settings.enforced, self._settings.ignored.get("", {})
        declared_row(form, "gateway.url", self.gateway_url, enforced, ignored=ignored)
        form.addRow(self.tr("Token:"), self.gateway_token)
        declared_row(form, "gateway.token_command", self.gateway_token_command, enforced, ignored=ignored)
        declared_row(form, "gateway.ca_file", self.gateway_ca, enforced, ignored=ignored)
        hint = QLabel(self.tr("Leave the URL empty to use Tidings for mail only."))
        hint.setEnabled(False)
        hint.setWordWrap(True)
        form.addRow("", hint)
        for edit in (self.gateway_url, self.gateway_token_command):
            edit.textChanged.connect(self._validate)
        self.gateway_ca.changed.connect(self._validate)
        return page

    def _network_tab(self) -> QWidget:
        page = QWidget()
        net = self._settings.network
        self.network_proxy = QLineEdit(net.proxy)
        self.network_proxy.setPlaceholderText("system")
        self.network_no_proxy = QPlainTextEdit("\n".join(net.no_proxy))
        self.network_no_proxy.setPlaceholderText(self.tr("One per line, e.g. intranet.example.com"))
        self.network_no_proxy.setMaximumHeight(80)
        self.network_proxy_user = QLineEdit(net.proxy_username)
        self.network_proxy_password = QLineEdit()
        self.network_proxy_password.setEchoMode(QLineEdit.EchoMode.Password)
        # The keyring is asked only where a proxy user is set: most users have no proxy.
        stored = secrets.stored_state(secrets.PROXY_KEY) if net.proxy_username else ""
        if stored == "stored":
            self.network_proxy_password.setPlaceholderText(
                self.tr("Unchanged (stored in the system keyring)")
            )
        elif stored == "no-keyring":
            self.network_proxy_password.setPlaceholderText(self.tr("No system keyring to keep it in"))
        self.network_pac_ca = FileField(
            self.tr("Choose a CA certificate"), self.tr("Certificates (*.pem *.crt *.cer);;All files (*)")
        )
        self.network_pac_ca.setText(net.pac_ca_file)
        form = QFormLayout(page)
        enforced, ignored = self._settings.enforced, self._settings.ignored.get("", {})
        declared_row(form, "network.proxy", self.network_proxy, enforced, ignored=ignored)
        declared_row(form, "network.no_proxy", self.network_no_proxy, enforced, ignored=ignored)
        declared_row(form, "network.proxy_username", self.network_proxy_user, enforced, ignored=ignored)
        form.addRow(self.tr("Proxy password:"), self.network_proxy_password)
        declared_row(form, "network.pac_ca_file", self.network_pac_ca, enforced, ignored=ignored)
        hint = QLabel(
            self.tr(
                "system: the proxy your system or environment sets. Certificates are checked with "
                "the system's trust store, so a company certificate authority installed on this "
                "computer needs no setting."
            )
        )
        hint.setEnabled(False)
        hint.setWordWrap(True)
        form.addRow("", hint)
        for edit in (self.network_proxy, self.network_proxy_user):
            edit.textChanged.connect(self._validate)
        self.network_no_proxy.textChanged.connect(self._validate)
        self.network_pac_ca.changed.connect(self._validate)
        return page

    def _notifications_tab(self) -> QWidget:
        page = QWidget()
        n = self._settings.notifications
        self.notify_enabled = QCheckBox(option("notifications.enabled").translated_title())
        self.notify_enabled.setChecked(n.enabled)
        self.quiet_hours = QLineEdit(n.quiet_hours)
        self.quiet_hours.setPlaceholderText(self.tr("e.g. 19:00-08:00 (empty: off)"))
        self.vip_senders = QPlainTextEdit("\n".join(n.vip_senders))
        self.vip_senders.setPlaceholderText(self.tr("One name or address per line"))
        self.urgent_breaks = QCheckBox(option("notifications.urgent_breaks_through").translated_title())
        self.urgent_breaks.setChecked(n.urgent_breaks_through)
        self.previews = QComboBox()
        self.previews.addItem(self.tr("Sender, subject and text"), "full")
        self.previews.addItem(self.tr("Sender and subject only"), "sender")
        self.previews.addItem(self.tr("Hidden: only “New message”"), "hidden")
        self.previews.setCurrentIndex(max(0, self.previews.findData(n.previews)))
        form = QFormLayout(page)
        enforced, ignored = self._settings.enforced, self._settings.ignored.get("", {})
        declared_row(
            form, "notifications.enabled", self.notify_enabled, enforced, labelled=False, ignored=ignored
        )
        declared_row(form, "notifications.previews", self.previews, enforced, ignored=ignored)
        declared_row(form, "notifications.quiet_hours", self.quiet_hours, enforced, ignored=ignored)
        declared_row(form, "notifications.vip_senders", self.vip_senders, enforced, ignored=ignored)
        declared_row(
            form,
            "notifications.urgent_breaks_through",
            self.urgent_breaks,
            enforced,
            labelled=False,
            ignored=ignored,
        )
        self.enter_sends = QCheckBox(option("general.enter_sends").translated_title())
        self.enter_sends.setChecked(self._settings.general.enter_sends)
        declared_row(form, "general.enter_sends", self.enter_sends, enforced, labelled=False)
        # Applied on OK like everything else; the login entry itself is the state.
        self.autostart = QCheckBox(self.tr("Start Tidings in the tray when I log in"))
        # The login entry is the state, unless the organisation enforces it.
        forced = self._settings.is_enforced("general.autostart")
        self.autostart.setChecked(self._settings.general.autostart if forced else autostart.is_enabled())
        declared_row(form, "general.autostart", self.autostart, enforced, labelled=False, ignored=ignored)
        self.quiet_hours.textChanged.connect(self._validate)
        return page

    # -- accounts ------------------------------------------------------------------------------

    def _refresh_accounts(self, select: int = -1) -> None:
        self.account_list.clear()
        for account in self._accounts:
            entry = QListWidgetItem(f"{account.name}  —  {account.username} @ {account.host}")
            entry.setToolTip(", ".join(account.folders))
            self.account_list.addItem(entry)
        if self._accounts:
            self.account_list.setCurrentRow(select if 0 <= select < len(self._accounts) else 0)
        self._update_account_buttons()

    def _update_account_buttons(self) -> None:
        row = self.account_list.currentRow()
        has = 0 <= row < len(self._accounts)
        # An account from the organisation's template comes back at the next start: it
        # cannot be removed here, only changed where the template allows.
        preset = has and self._accounts[row].name in self._settings.presets
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has and not preset)
        self.remove_button.setToolTip(self.tr("Set by your organisation") if preset else "")

    def _account_dialog(self, account: MailAccount | None) -> AccountDialog:
        """Built separately so tests can drive the form without a modal loop."""
        taken = {a.name for a in self._accounts if a is not account}
        original = self._original_names.get(id(account)) if account is not None else None
        typed = account is not None and bool(self._passwords.get(id(account)))
        # Asked of the keyring, not assumed: an account from a policy file has no password yet.
        state = secrets.stored_state(secrets.mail_key(original or "?"))
        return AccountDialog(
            account,
            taken,
            self._tester,
            has_stored_password=typed or (original is not None and state == "stored"),
            parent=self,
            settings=self._settings,
            keyring_state=state,
        )

    def find_account(self) -> None:
        """“Add…”: name and address first, the settings found for them (add_account.py)."""
        from desktop.ui.add_account import AddAccountDialog

        dialog = AddAccountDialog(
            self._settings, {a.name for a in self._accounts}, parent=self, lookups=self.discovery_lookups
        )
        dialog.accepted.connect(lambda: self._add_found(dialog))
        dialog.manual_requested.connect(self._add_manually)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.account_form = dialog
        dialog.open()

    def _add_found(self, dialog: AddAccountDialog) -> None:
        account = dialog.account()
        self._accounts.append(account)
        password = dialog.typed_password()
        if password:
            self._passwords[id(account)] = password
        self._refresh_accounts(len(self._accounts) - 1)
        self._validate()

    def _add_manually(self, name: str, address: str) -> None:
        """“Configure manually”: the full form, with what was typed so far."""
        self.add_account()
        form = self.account_form
        if isinstance(form, AccountDialog):
            form.name.setText(name)
            form.address.setText(address)
            form.username.setText(address)

    def add_account(self) -> None:
        """The full form for a new account (“Configure manually”)."""
        self._open_account_dialog(None)

    def edit_account(self) -> None:
        row = self.account_list.currentRow()
        if 0 <= row < len(self._accounts):
            self._open_account_dialog(self._accounts[row])

    def _open_account_dialog(self, account: MailAccount | None) -> None:
        # open(), not exec(): a nested event loop would re-enter qasync's task runner.
        dialog = self._account_dialog(account)
        dialog.accepted.connect(lambda: self.apply_account_dialog(dialog, account))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.account_form = dialog  # the open form, for tests and focus handling
        dialog.open()

    def apply_account_dialog(self, dialog: AccountDialog, existing: MailAccount | None) -> None:
        new = dialog.account()
        if existing is None:
            self._accounts.append(new)
            row = len(self._accounts) - 1
        else:
            # Keep identity: the original name (for the keyring) is keyed by the object.
            row = self._accounts.index(existing)
            for field in dataclasses.fields(MailAccount):
                setattr(existing, field.name, getattr(new, field.name))
            new = existing
        password = dialog.typed_password()
        if password:
            self._passwords[id(new)] = password
        self._refresh_accounts(row)
        self._validate()

    def remove_account(self) -> None:
        row = self.account_list.currentRow()
        if 0 <= row < len(self._accounts):
            removed = self._accounts.pop(row)
            self._passwords.pop(id(removed), None)
            self._refresh_accounts(min(row, len(self._accounts) - 1))
            self._validate()

    def focus_source(self, source_id: str) -> None:
        """Open at the place to fix ``source_id`` ("mail:work", "gateway")."""
        if source_id == "gateway":
            self.tabs.setCurrentIndex(1)
            self.gateway_token.setFocus()
            return
        self.tabs.setCurrentIndex(0)
        for row, account in enumerate(self._accounts):
            if account.source_id == source_id:
                self.account_list.setCurrentRow(row)

    # -- validation and result -------------------------------------------------------------------

    def edited_values(self) -> dict[str, Any]:
        """Option path -> the value in the form, as it would be saved."""
        values = {
            "gateway.url": self.gateway_url.text(),
            "gateway.token_command": self.gateway_token_command.text(),
            "gateway.ca_file": self.gateway_ca.text(),
            "notifications.enabled": self.notify_enabled.isChecked(),
            "notifications.quiet_hours": self.quiet_hours.text(),
            "notifications.vip_senders": self.vip_senders.toPlainText().splitlines(),
            "notifications.muted_sources": list(self._settings.notifications.muted_sources),
            "notifications.urgent_breaks_through": self.urgent_breaks.isChecked(),
            "notifications.previews": str(self.previews.currentData()),
            "general.allow_add_accounts": self._settings.general.allow_add_accounts,  # policy's, not shown
            # The checkbox writes the login entry, not the file (apply_autostart in cli.py).
            "general.autostart": self._settings.general.autostart,
            "general.enter_sends": self.enter_sends.isChecked(),
            "network.proxy": self.network_proxy.text(),
            "network.no_proxy": self.network_no_proxy.toPlainText().splitlines(),
            "network.proxy_username": self.network_proxy_user.text(),
            "network.pac_ca_file": self.network_pac_ca.text(),
        }
        return {path: option(path).kind.normalize(value) for path, value in values.items()}

    def problems(self) -> list[str]:
        out: list[str] = []
        for path, value in self.edited_values().items():
            declared = option(path)
            problem = declared.check(value, declared.translated_title())
            if problem:
                out.append(_sentence(problem))
        for account in self._accounts:
            for problem in account.problems():
                out.append(self.tr("Mail account “{0}”: {1}.").format(account.name, problem))
        return out

    def _validate(self) -> None:
        problems = self.problems()
        _colored(self.error_label, "\n".join(problems), ERROR_COLOR)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    def result_settings(self) -> Settings:
        """The settings as edited. Contains no secret: those go to the keyring on OK."""
        sections: dict[str, dict[str, Any]] = {
            "gateway": {},
            "notifications": {},
            "general": {},
            "network": {},
        }
        for path, value in self.edited_values().items():
            section, key = path.split(".")
            sections[section][key] = value
        # Each table starts from the loaded one, so an option this dialog has no field for
        # ([gateway] sign_in, issuer, scopes...) is kept as it was, not reset to its default.
        loaded = self._settings
        return Settings(
            mail=[dataclasses.replace(a, folders=list(a.folders)) for a in self._accounts],
            gateway=dataclasses.replace(copy.deepcopy(loaded.gateway), **sections["gateway"]),
            notifications=dataclasses.replace(
                copy.deepcopy(loaded.notifications), **sections["notifications"]
            ),
            general=dataclasses.replace(copy.deepcopy(loaded.general), **sections["general"]),
            network=dataclasses.replace(copy.deepcopy(loaded.network), **sections["network"]),
            # [oauth.NAME] has no page here either: the file or the organisation's policy
            oauth=copy.deepcopy(self._settings.oauth),
            oauth_inherited=self._settings.oauth_inherited,
            oauth_enforced=self._settings.oauth_enforced,
            path=self._settings.path,
            enforced=self._settings.enforced,
            inherited=self._settings.inherited,
            presets=self._settings.presets,
            ignored=self._settings.ignored,
            policy_problems=self._settings.policy_problems,
        )

    def store_secrets(self) -> None:
        """Write typed passwords and the token to the keyring; move a renamed account's password."""
        for account in self._accounts:
            key = secrets.mail_key(account.name)
            typed = self._passwords.get(id(account))
            if typed and not account.password_command:
                secrets.set_secret(key, typed)
                continue
            old_name = self._original_names.get(id(account))
            if old_name and old_name != account.name and not account.password_command:
                # Nothing stored under the old name: the user is asked at connect time.
                with contextlib.suppress(secrets.SecretError):
                    secrets.set_secret(key, secrets.get_secret(secrets.mail_key(old_name)))
        token = self.gateway_token.text()
        if token and not self.gateway_token_command.text().strip():
            secrets.set_secret(secrets.GATEWAY_KEY, token)
        proxy_password = self.network_proxy_password.text()
        if proxy_password:
            secrets.set_secret(secrets.PROXY_KEY, proxy_password)

    def accept(self) -> None:
        if self.problems():
            return
        try:
            self.store_secrets()
        except secrets.KeyringUnavailable:
            _colored(
                self.error_label,
                self.tr(
                    "Could not save the password: there is no system keyring (Secret Service). "
                    "Use a password or token command instead, or install and start a keyring such "
                    "as GNOME Keyring or KWallet."
                ),
                ERROR_COLOR,
            )
            return
        except secrets.SecretError as exc:
            _colored(self.error_label, self.tr("Could not save the password: {0}").format(exc), ERROR_COLOR)
            return
        if self.autostart.isChecked() != autostart.is_enabled():
            try:
                autostart.set_enabled(self.autostart.isChecked())
            except autostart.AutostartError as exc:
                _colored(self.error_label, str(exc), ERROR_COLOR)
                return
        super().accept()
