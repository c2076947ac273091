"""The settings: every option declared once, on the dataclass field that holds it.

Each field carries its kind of value, title and description (``options.Declared``);
``OPTIONS`` is the table made from them. The loader (here, merging ``layers``), the
settings dialog and docs/settings.md (``python -m desktop.config.reference``) read
that table. Secrets never appear here: a password comes from the keyring or from the
account's ``password_command``.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from desktop.config import oauth_providers, paths
from desktop.config.layers import Layer, Preset, merge, read_toml
from desktop.config.oauth_providers import OAuthProviderSettings
from desktop.config.options import (
    AccountName,
    Boolean,
    Choice,
    ConfigError,
    Declared,
    FilePath,
    Integer,
    MailAddress,
    Option,
    ProxyAddress,
    QuietHours,
    Template,
    Text,
    TextList,
    WebSocketUrl,
    options_of,
)
from desktop.core.i18n import QT_TRANSLATE_NOOP

__all__ = [
    "AUTH_CHOICES",
    "DEFAULT_PORTS",
    "OPTIONS",
    "PREVIEW_CHOICES",
    "SECURITY_CHOICES",
    "SMTP_SECURITY_CHOICES",
    "ConfigError",
    "GatewaySettings",
    "GeneralSettings",
    "Layer",
    "MailAccount",
    "NetworkSettings",
    "NotificationSettings",
    "Option",
    "Preset",
    "Settings",
    "blank_account",
    "load",
    "load_layers",
    "option",
    "parse",
    "save",
    "to_toml",
]

log = logging.getLogger(__name__)

SECURITY_CHOICES = ("tls", "starttls", "plain")
#: How a mail account signs in: a password (LOGIN), or a token from a provider (OAuth2).
AUTH_CHOICES = ("password", "oauth2")
#: What a notification shows: everything, who and what about, or only that something came.
PREVIEW_CHOICES = ("full", "sender", "hidden")
#: How Tidings signs in to the gateway: an administrator's token, or the company's provider.
GATEWAY_SIGN_IN_CHOICES = ("token", "sso")
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "plain": 143}
SMTP_SECURITY_CHOICES = ("starttls", "tls")
SMTP_DEFAULT_PORTS = {"starttls": 587, "tls": 465}


@dataclasses.dataclass(slots=True)
class MailAccount:
    name: Annotated[
        str,
        Declared(
            AccountName(),
            QT_TRANSLATE_NOOP("Settings", "Name"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "What Tidings calls the account; it also names its password in the system keyring.",
            ),
        ),
    ]
    host: Annotated[
        str,
        Declared(
            Text(required=True),
            QT_TRANSLATE_NOOP("Settings", "Server"),
            QT_TRANSLATE_NOOP("Settings", "The IMAP server's name, e.g. imap.example.com."),
        ),
    ]
    username: Annotated[
        str,
        Declared(
            Text(required=True),
            QT_TRANSLATE_NOOP("Settings", "User name"),
            QT_TRANSLATE_NOOP("Settings", "The name to sign in with, often the mail address."),
        ),
    ]
    auth: Annotated[
        str,
        Declared(
            Choice(*AUTH_CHOICES),
            QT_TRANSLATE_NOOP("Settings", "Sign-in"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "password: the account's password (keyring or password command); oauth2: sign in "
                "with the provider named in oauth, in the browser (Microsoft 365, Google, a company "
                "provider).",
            ),
        ),
    ] = "password"
    oauth: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Sign-in provider"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "With auth = oauth2: microsoft, google, or the name of an [oauth.NAME] table that "
                "declares the company's provider.",
            ),
        ),
    ] = ""
    security: Annotated[
        str,
        Declared(
            Choice(*SECURITY_CHOICES),
            QT_TRANSLATE_NOOP("Settings", "Security"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "tls: encrypted from the first byte; starttls: encryption negotiated on the plain port; "
                "plain: no encryption, so the password crosses the network in clear text.",
            ),
        ),
    ] = "tls"
    port: Annotated[
        int,
        Declared(
            Integer(1, 65535, default_means="the usual port for the security"),
            QT_TRANSLATE_NOOP("Settings", "Port"),
            QT_TRANSLATE_NOOP(
                "Settings", "The server's port; 0 uses the usual one: 993 for tls, 143 otherwise."
            ),
        ),
    ] = 0
    ca_file: Annotated[
        str,
        Declared(
            FilePath(),
            QT_TRANSLATE_NOOP("Settings", "CA file"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A PEM file with your organisation's certificate authority, for a server whose "
                "certificate the system does not trust. Certificates are always verified.",
            ),
        ),
    ] = ""
    folders: Annotated[
        list[str],
        Declared(
            TextList(at_least_one=True),
            QT_TRANSLATE_NOOP("Settings", "Folders"),
            QT_TRANSLATE_NOOP("Settings", "The folders watched for new mail."),
        ),
    ] = dataclasses.field(default_factory=lambda: ["INBOX"])
    password_command: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Password command"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A command that prints the password, e.g. pass show mail/work; "
                "empty: the password stored in the system keyring.",
            ),
            sensitive=True,
        ),
    ] = ""
    webmail_url: Annotated[
        str,
        Declared(
            Template("{message_id}"),
            QT_TRANSLATE_NOOP("Settings", "Webmail URL"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "For “Open in mail client”: a webmail address in which {message_id} is replaced "
                "by the message's id; empty: the system's mail client.",
            ),
        ),
    ] = ""

    sender_name: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Your name"),
            QT_TRANSLATE_NOOP(
                "Settings", "The name recipients see on mail you send from this account, e.g. Li Lei."
            ),
        ),
    ] = ""
    address: Annotated[
        str,
        Declared(
            MailAddress(),
            QT_TRANSLATE_NOOP("Settings", "Mail address"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "The address you send from; empty: the user name, when it is a mail address.",
            ),
        ),
    ] = ""
    smtp_host: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Sending server"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "The SMTP submission server, e.g. smtp.example.com; empty: the IMAP server's name "
                "with imap. replaced by smtp. (or the same name). It uses the same user name and password.",
            ),
        ),
    ] = ""
    smtp_security: Annotated[
        str,
        Declared(
            Choice(*SMTP_SECURITY_CHOICES),
            QT_TRANSLATE_NOOP("Settings", "Sending security"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "starttls: port 587, encryption negotiated first; tls: port 465, encrypted from the "
                "first byte. Mail is never sent without encryption.",
            ),
        ),
    ] = "starttls"
    smtp_port: Annotated[
        int,
        Declared(
            Integer(1, 65535, default_means="the usual port for the sending security"),
            QT_TRANSLATE_NOOP("Settings", "Sending port"),
            QT_TRANSLATE_NOOP(
                "Settings", "The sending server's port; 0 uses the usual one: 587 for starttls, 465 for tls."
            ),
        ),
    ] = 0
    sent_folder: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Sent folder"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Where a copy of sent mail goes when the server marks no folder as Sent "
                "(SPECIAL-USE); empty: Sent.",
            ),
        ),
    ] = ""
    archive_folder: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Archive folder"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Where Archive moves mail when the server marks no folder as Archive; empty: Archive.",
            ),
        ),
    ] = ""
    trash_folder: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Trash folder"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Where Delete moves mail when the server marks no folder as Trash; empty: Trash.",
            ),
        ),
    ] = ""

    @property
    def source_id(self) -> str:
        return f"mail:{self.name}"

    @property
    def sender_address(self) -> str:
        """The address mail is sent from: the one set, else the user name if it is an address."""
        if self.address:
            return self.address
        return self.username if "@" in self.username else ""

    @property
    def effective_smtp_host(self) -> str:
        """The sending server: the one set, else imap.x → smtp.x, else the IMAP server itself."""
        if self.smtp_host:
            return self.smtp_host
        host = self.host.strip()
        return "smtp." + host[5:] if host.lower().startswith("imap.") else host

    @property
    def effective_smtp_port(self) -> int:
        return self.smtp_port or SMTP_DEFAULT_PORTS.get(self.smtp_security, 587)

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.security, 993)

    def problems(self) -> list[str]:
        """What is wrong with the account, one clause per option, in the user's language."""
        out = []
        for opt in MAIL_OPTIONS:
            problem = opt.check(getattr(self, opt.key), opt.translated_title())
            if problem:
                out.append(problem)
        return out


@dataclasses.dataclass(slots=True)
class GatewaySettings:
    url: Annotated[
        str,
        Declared(
            WebSocketUrl(),
            QT_TRANSLATE_NOOP("Settings", "Gateway URL"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "The company's message gateway for chat, approvals, tasks and announcements, "
                "e.g. wss://gateway.example.com; empty: Tidings is for mail only.",
            ),
        ),
    ] = ""
    token_command: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Token command"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A command that prints the gateway token; empty: the token stored in the system keyring.",
            ),
            sensitive=True,
        ),
    ] = ""
    ca_file: Annotated[
        str,
        Declared(
            FilePath(),
            QT_TRANSLATE_NOOP("Settings", "CA file"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A PEM file with the certificate authority of the gateway's certificate, "
                "if the system does not trust it. Certificates are always verified.",
            ),
        ),
    ] = ""
    sign_in: Annotated[
        str,
        Declared(
            Choice(*GATEWAY_SIGN_IN_CHOICES),
            QT_TRANSLATE_NOOP("Settings", "Gateway sign-in"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "token: a token from the gateway's administrator; sso: sign in with your company "
                "account in the browser (tidings gateway login), renewed without asking.",
            ),
        ),
    ] = "token"
    oauth: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Sign-in provider for the gateway"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "With sso: the [oauth.NAME] provider to sign in with, the one your mail uses, so "
                "one browser sign-in serves both; empty: the issuer and client id below.",
            ),
        ),
    ] = ""
    issuer: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Sign-in provider"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "With sso: the company's OpenID Connect issuer, e.g. "
                "https://login.microsoftonline.com/TENANT/v2.0.",
            ),
        ),
    ] = ""
    client_id: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Client id"),
            QT_TRANSLATE_NOOP(
                "Settings", "With sso: the id of the company's registration of Tidings at the provider."
            ),
        ),
    ] = ""
    audience: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Gateway audience"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "With sso: the gateway's resource at the provider (its --oidc-audience), asked for "
                "as a resource indicator; empty: the provider's tokens name the gateway by scope.",
            ),
        ),
    ] = ""
    scopes: Annotated[
        list[str],
        Declared(
            TextList(),
            QT_TRANSLATE_NOOP("Settings", "Sign-in scopes"),
            QT_TRANSLATE_NOOP(
                "Settings", "With sso: the scopes asked for; offline_access keeps the sign-in."
            ),
        ),
    ] = dataclasses.field(default_factory=lambda: ["openid", "offline_access"])

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def sso(self) -> bool:
        return self.sign_in == "sso"


@dataclasses.dataclass(slots=True)
class NotificationSettings:
    enabled: Annotated[
        bool,
        Declared(
            Boolean(),
            QT_TRANSLATE_NOOP("Settings", "Show notifications"),
            QT_TRANSLATE_NOOP(
                "Settings", "Show a notification for each new item (a burst becomes one summary)."
            ),
        ),
    ] = True
    quiet_hours: Annotated[
        str,
        Declared(
            QuietHours(),
            QT_TRANSLATE_NOOP("Settings", "Quiet hours"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A daily time without notifications, e.g. 19:00-08:00 (it may span midnight); empty: off.",
            ),
        ),
    ] = ""
    vip_senders: Annotated[
        list[str],
        Declared(
            TextList(),
            QT_TRANSLATE_NOOP("Settings", "VIP senders"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Names or mail addresses whose items are notified even while notifications "
                "are paused or in quiet hours.",
            ),
        ),
    ] = dataclasses.field(default_factory=list)
    muted_sources: Annotated[
        list[str],
        Declared(
            TextList(),
            QT_TRANSLATE_NOOP("Settings", "Muted sources"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Sources that never notify, e.g. mail:work or gateway; their items still reach the inbox.",
            ),
        ),
    ] = dataclasses.field(default_factory=list)
    urgent_breaks_through: Annotated[
        bool,
        Declared(
            Boolean(),
            QT_TRANSLATE_NOOP("Settings", "Urgent items break through quiet hours"),
            QT_TRANSLATE_NOOP(
                "Settings", "Urgent items are notified even while notifications are paused or in quiet hours."
            ),
        ),
    ] = True
    previews: Annotated[
        str,
        Declared(
            Choice(*PREVIEW_CHOICES),
            QT_TRANSLATE_NOOP("Settings", "Notification previews"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "What a notification shows, for shared screens and screen sharing: full: sender, "
                "subject and the start of the text; sender: sender and subject only; hidden: only "
                "“New message”.",
            ),
        ),
    ] = "full"


@dataclasses.dataclass(slots=True)
class GeneralSettings:
    allow_add_accounts: Annotated[
        bool,
        Declared(
            Boolean(),
            QT_TRANSLATE_NOOP("Settings", "Users may add mail accounts"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "false: the Settings dialog offers no “Add…”; only the accounts in the "
                "organisation's policy and the settings file are used. Meant for a policy.",
            ),
        ),
    ] = True
    autostart: Annotated[
        bool,
        Declared(
            Boolean(),
            QT_TRANSLATE_NOOP("Settings", "Start Tidings in the tray when I log in"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Meant for a policy: enforced, the login entry is made (or removed) at every start; "
                "a default applies at the first start only. Set nowhere, the entry is the user's "
                "own choice in Settings.",
            ),
        ),
    ] = False
    enter_sends: Annotated[
        bool,
        Declared(
            Boolean(),
            QT_TRANSLATE_NOOP("Settings", "Enter sends a chat reply"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "true: Enter sends and Shift+Enter starts a new line, as in chat apps; false: Enter "
                "starts a new line and Ctrl+Enter sends, as in mail.",
            ),
        ),
    ] = True


@dataclasses.dataclass(slots=True)
class NetworkSettings:
    proxy: Annotated[
        str,
        Declared(
            ProxyAddress(),
            QT_TRANSLATE_NOOP("Settings", "Proxy"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "How mail, the gateway and sign-in reach the network. system: the proxy variables "
                "(https_proxy, all_proxy, no_proxy), else on Windows and macOS the system's proxy "
                "settings; none: always direct; http://host:port or socks5://host:port: that proxy; "
                "pac+https://host/proxy.pac: the PAC file decides (a PAC file that cannot be used "
                "means direct, with a warning).",
            ),
        ),
    ] = "system"
    no_proxy: Annotated[
        list[str],
        Declared(
            TextList(),
            QT_TRANSLATE_NOOP("Settings", "Bypass the proxy for"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Servers reached directly whatever the proxy setting: names (example.com also "
                "covers every name below it), IP addresses or blocks (10.0.0.0/8), host:port, or * for all.",
            ),
        ),
    ] = dataclasses.field(default_factory=list)
    proxy_username: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Proxy user name"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "The user name for a proxy that asks for one; its password is kept in the system "
                "keyring (tidings proxy set-password). Empty: the user name in the proxy URL, if any.",
            ),
        ),
    ] = ""
    pac_ca_file: Annotated[
        str,
        Declared(
            FilePath(),
            QT_TRANSLATE_NOOP("Settings", "PAC file CA"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A PEM file with the certificate authority of the server the PAC file comes from, "
                "if the system does not trust it already. Certificates are always verified.",
            ),
        ),
    ] = ""


@dataclasses.dataclass(slots=True)
class Settings:
    mail: list[MailAccount] = dataclasses.field(default_factory=list)
    gateway: GatewaySettings = dataclasses.field(default_factory=GatewaySettings)
    notifications: NotificationSettings = dataclasses.field(default_factory=NotificationSettings)
    general: GeneralSettings = dataclasses.field(default_factory=GeneralSettings)
    network: NetworkSettings = dataclasses.field(default_factory=NetworkSettings)
    #: [oauth.NAME]: the sign-in providers mail accounts name (desktop.config.oauth_providers)
    oauth: dict[str, OAuthProviderSettings] = dataclasses.field(default_factory=dict)
    path: Path | None = dataclasses.field(default=None, compare=False)
    #: provider name -> key -> what the user's [oauth.NAME] falls back to; and enforced keys
    oauth_inherited: dict[str, dict[str, Any]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    oauth_enforced: dict[str, set[str]] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: option path ("gateway.url", "mail.security") -> the value an administrator enforces
    enforced: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: option path -> the value the user's file falls back to (an administrator's default
    #: or the built-in one); saving writes only what differs from it
    inherited: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: account name -> the organisation's template it comes from (it cannot be removed)
    presets: dict[str, Preset] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: scope ("" or an account name) -> option path -> the user's value an enforced one overrides
    ignored: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: what was left out of the organisation's policy, and why (English, naming the file)
    policy_problems: list[str] = dataclasses.field(default_factory=list, compare=False, repr=False)

    def account(self, name: str) -> MailAccount | None:
        return next((a for a in self.mail if a.name == name), None)

    @property
    def nothing_to_watch(self) -> bool:
        """No mail account and no gateway: the first start shows the welcome window."""
        return not self.mail and not self.gateway.enabled

    def is_enforced(self, path: str, account: str = "") -> bool:
        """Is ``path`` ("notifications.quiet_hours", or "mail.host" of ``account``) set by
        the organisation? Then the dialog shows it greyed out and the user's file cannot
        change it."""
        return path in self.enforced_for(account)

    def enforced_for(self, account: str = "") -> dict[str, Any]:
        """Option path -> enforced value, for the tables or for one mail account (the
        values enforced for every account plus those of its template)."""
        preset = self.presets.get(account) if account else None
        if preset is None:
            return dict(self.enforced)
        return {**self.enforced, **{f"mail.{k}": v for k, v in preset.enforced.items()}}

    def inherited_for(self, path: str, account: str = "") -> Any:
        """What ``path`` falls back to when the user's file does not set it."""
        opt = option(path)
        preset = self.presets.get(account) if account else None
        if preset is not None and opt.key in preset.inherited:
            return preset.inherited[opt.key]
        return self.inherited.get(path, opt.default)

    def origin(self, path: str, account: str = "") -> str:
        """Where the value in force comes from: "policy (enforced)", "user", "policy
        (default)" or "built-in" (for diagnostics). A user's value equal to the one
        inherited counts as inherited: it is not saved either."""
        if self.is_enforced(path, account):
            return "policy (enforced)"
        section, key = path.split(".")
        holder = self.account(account) if section == "mail" else getattr(self, section)
        fallback = self.inherited_for(path, account)
        if holder is None or getattr(holder, key) != fallback:
            return "user"
        return "built-in" if fallback == option(path).default else "policy (default)"


MAIL_OPTIONS = options_of(MailAccount, "mail")
GATEWAY_OPTIONS = options_of(GatewaySettings, "gateway")
NOTIFICATION_OPTIONS = options_of(NotificationSettings, "notifications")
GENERAL_OPTIONS = options_of(GeneralSettings, "general")
NETWORK_OPTIONS = options_of(NetworkSettings, "network")
#: Every option, in the order of the reference. ``mail`` options apply per account.
OPTIONS: tuple[Option, ...] = (
    *MAIL_OPTIONS,
    *GATEWAY_OPTIONS,
    *NOTIFICATION_OPTIONS,
    *GENERAL_OPTIONS,
    *NETWORK_OPTIONS,
)
_TABLES: dict[str, Sequence[Option]] = {
    "gateway": GATEWAY_OPTIONS,
    "notifications": NOTIFICATION_OPTIONS,
    "general": GENERAL_OPTIONS,
    "network": NETWORK_OPTIONS,
}


def option(path: str) -> Option:
    """The declaration of ``path``, e.g. ``option("gateway.url")``."""
    for opt in OPTIONS:
        if opt.path == path:
            return opt
    raise KeyError(path)


def blank_account(settings: Settings) -> MailAccount:
    """A new account's starting values: enforced ones, else the organisation's or the
    built-in defaults; required fields start empty."""
    values: dict[str, Any] = {}
    for opt in MAIL_OPTIONS:
        value = settings.enforced.get(opt.path, settings.inherited.get(opt.path, opt.default))
        values[opt.key] = "" if value is dataclasses.MISSING else copy.deepcopy(value)
    return MailAccount(**values)


def load_layers(layers: Sequence[Layer], path: Path | None = None, user: str | None = None) -> Settings:
    """Settings merged from ``layers`` (see ``desktop.config.layers``); ``path`` is the
    user's file, where ``save`` writes; ``user`` fills ``{user}`` in account templates
    (default: the login name)."""
    layers, oauth_tables = oauth_providers.split(layers)
    oauth_problems: list[str] = []
    oauth, oauth_inherited, oauth_enforced = oauth_providers.merge(oauth_tables, oauth_problems)
    merged = merge(layers, _TABLES, ("mail", MAIL_OPTIONS), user=user)
    accounts = [MailAccount(**values) for values in merged.accounts]
    origin = next((layer.origin for layer in layers if layer.user), "")
    seen: set[str] = set()
    for account in accounts:
        if account.name in seen:
            raise ConfigError(f"{origin}: two mail accounts are called {account.name!r}")
        seen.add(account.name)
        if account.security == "plain":
            log.warning(
                "mail account %r uses an unencrypted connection: its password crosses the network in clear",
                account.name,
            )
    return Settings(
        mail=accounts,
        gateway=GatewaySettings(**merged.tables["gateway"]),
        notifications=NotificationSettings(**merged.tables["notifications"]),
        general=GeneralSettings(**merged.tables["general"]),
        network=NetworkSettings(**merged.tables["network"]),
        oauth=oauth,
        oauth_inherited=oauth_inherited,
        oauth_enforced=oauth_enforced,
        path=path,
        enforced=merged.enforced,
        inherited=merged.inherited,
        presets=merged.presets,
        ignored=merged.ignored,
        policy_problems=[*merged.problems, *oauth_problems],
    )


def parse(data: dict[str, Any], origin: str = "settings") -> Settings:
    """Settings from one parsed TOML document, the user's."""
    return load_layers([Layer(origin, data, user=True)])


def load(path: Path, policy: Sequence[Layer] = ()) -> Settings:
    """Read the user's settings file (a missing file gives empty settings), under the
    administrator's ``policy`` layers if any (``layers.policy_layers``)."""
    return load_layers([Layer(str(path), read_toml(path), user=True), *policy], path)


def to_toml(settings: Settings) -> str:
    """The user's file: what differs from the value inherited, never an enforced value."""

    def table(obj: Any, options: Sequence[Option], account: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        preset = account in settings.presets
        for opt in options:
            if settings.is_enforced(opt.path, account):
                continue
            value = getattr(obj, opt.key)
            if (opt.required and not preset) or value != settings.inherited_for(opt.path, account):
                out[opt.key] = value
        if preset and out:
            out = {"name": account, **out}  # names the template the changes apply to
        return out

    data: dict[str, Any] = {}
    # A preset account the user did not change is the template's alone: not written.
    accounts = [t for t in (table(a, MAIL_OPTIONS, a.name) for a in settings.mail) if t]
    if accounts:
        data["mail"] = accounts
    for section, options in _TABLES.items():
        values = table(getattr(settings, section), options)
        if values:
            data[section] = values
    oauth = oauth_providers.user_tables(settings.oauth, settings.oauth_inherited, settings.oauth_enforced)
    if oauth:
        data["oauth"] = oauth
    import tomli_w  # only when settings are written

    return tomli_w.dumps(data)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, so a crash or a full disk never leaves half a file: a 0600 temp
    file in the same folder (created so, never chmod'ed afterwards), fsync, rename."""
    target = path or settings.path
    if target is None:
        raise ConfigError("no settings file to write to")
    text = to_toml(settings)
    tmp: Path | None = None
    try:
        paths.private_dir(target.parent)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        tmp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(target)
        tmp = None
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself survives a power cut
        finally:
            os.close(dir_fd)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot save the settings to {target}: {exc.strerror or exc}") from exc
