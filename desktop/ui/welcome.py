"""The first start: nothing is configured, so say what Tidings is and offer the two ways in.

Shown as a window of its own (not only a tray icon: a desktop without a tray would
show nothing at all). "Add a mail account" opens the address-first add-account dialog
(in the Settings dialog), "Connect to your company" the gateway page. Where the
organisation's policy says ``general.allow_add_accounts = false`` the first is greyed
out and says who manages accounts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui import icons


class WelcomeWindow(QWidget):
    #: "Add a mail account"
    add_mail_requested = Signal()
    #: "Connect to your company" (the gateway for chat and approvals)
    connect_company_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, tray: bool = True, allow_add_accounts: bool = True
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Welcome to Tidings"))
        self.setWindowIcon(icons.app_icon())
        self.setObjectName("welcome")
        icon = QLabel()
        icon.setPixmap(icons.app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icon.setAccessibleName(self.tr("Tidings"))
        title = QLabel(self.tr("Welcome to Tidings"))
        font = QFont(title.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro = QLabel(
            self.tr(
                "Tidings brings new mail, chat, approval requests and tasks into one inbox and "
                "tells you when something arrives. Start with your mail, your company's "
                "messages, or both."
            )
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_mail_button = QPushButton(self.tr("Add a mail account"))
        self.add_mail_button.setDefault(True)
        self.add_mail_button.setAccessibleDescription(
            self.tr("Type your mail address; Tidings finds the server and the sign-in")
        )
        self.managed_note = QLabel(self.tr("Your organisation manages the mail accounts."))
        self.managed_note.setWordWrap(True)
        self.managed_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.managed_note.setEnabled(False)
        self.managed_note.setVisible(not allow_add_accounts)
        if not allow_add_accounts:
            self.add_mail_button.setEnabled(False)
            self.add_mail_button.setDefault(False)
            self.add_mail_button.setToolTip(self.managed_note.text())
        self.company_button = QPushButton(self.tr("Connect to your company"))
        self.company_button.setAccessibleDescription(
            self.tr("Chat, approvals and tasks through your company's message gateway")
        )
        for button in (self.add_mail_button, self.company_button):
            button.setMinimumHeight(button.sizeHint().height() + 12)
        hint = QLabel(self.tr("Tidings keeps running in the tray when you close its windows."))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setEnabled(False)
        hint.setVisible(tray)  # without a tray, closing the last window is not "in the tray"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 28, 36, 24)
        layout.setSpacing(14)
        layout.addWidget(icon)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.add_mail_button)
        layout.addWidget(self.managed_note)
        layout.addWidget(self.company_button)
        layout.addStretch(1)
        layout.addWidget(hint)
        self.add_mail_button.clicked.connect(self._add_mail)
        self.company_button.clicked.connect(self._connect_company)
        self.setMinimumWidth(420)
        self.resize(480, 420)

    def _add_mail(self) -> None:
        self.hide()
        self.add_mail_requested.emit()

    def _connect_company(self) -> None:
        self.hide()
        self.connect_company_requested.emit()
