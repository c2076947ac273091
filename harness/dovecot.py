"""A throwaway Dovecot 2.3 IMAP server on loopback, for tests, the demo and benchmarks.

Everything lives in one temporary folder: config, self-signed certificate,
passwd-file users, maildirs and the log. The server is always stopped by its
PID. No pytest import here: the demo and benchmarks use it too.

Note: after a failed login Dovecot delays the next logins from the same IP
by 2, 4, 8... s (its anvil "auth penalty", not configurable) until one succeeds.
Rejected OAuth2 tokens count too: run bad-token tests last or on their own server.

``Dovecot(oauth2=OAuth2Validation(...))`` (see ``harness.idp.IdentityProvider.dovecot_validation``)
also accepts XOAUTH2 and OAUTHBEARER with a bearer token, checked by introspection (opaque
tokens) or locally (RS256 JWTs and the provider's public key); passwords keep working.

``Dovecot(smtp_relay_port=sink.port)`` also runs Dovecot's submission service (RFC 6409)
on ``submission_port`` (STARTTLS) and ``submissions_port`` (implicit TLS), relaying what it
accepts to an SMTP server on that loopback port (``harness.smtp_sink.SmtpSink``);
``submission_max_mail_size`` (e.g. "20k") sets the SIZE it announces and enforces.

Every user has SPECIAL-USE (RFC 6154) folders, created on first login: Sent, Drafts,
Archive, Trash and Junk.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from imapclient import IMAPClient

from harness.net import free_port

DOVECOT = "/usr/sbin/dovecot"
DH_FILE = "/usr/share/dovecot/dh.pem"


class DovecotError(RuntimeError):
    pass


@dataclass(frozen=True)
class OAuth2Validation:
    """How Dovecot's ``passdb oauth2`` checks bearer tokens from one provider.

    ``introspection``: opaque tokens, POSTed to ``introspection_url`` with the client's
    credentials (RFC 7662). ``local``: RS256 JWTs checked against ``public_key_pem`` (looked up
    by ``kid``) and ``issuer``, without asking the provider. Dovecot 2.3 has no audience
    setting: ``scope`` (the token's ``scope``, else its ``aud``) is what refuses a token that was
    issued for another resource.
    """

    issuer: str
    mode: Literal["introspection", "local"]
    scope: str = "mail"
    introspection_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    public_key_pem: str = ""
    kid: str = ""


class Dovecot:
    """``with Dovecot() as d: d.add_user("alice", "pw"); d.append("alice", raw)``."""

    host = "127.0.0.1"

    def __init__(
        self,
        root: Path | str | None = None,
        auth_failure_delay: str = "0",
        *,
        oauth2: OAuth2Validation | None = None,
        smtp_relay_port: int | None = None,
        submission_max_mail_size: str = "",
        imap_capability: str = "",
    ) -> None:
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="tidings-dovecot-"))
        # The mail processes run as the mail UID and must be able to walk into the folder.
        self.root.chmod(0o755)
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.auth_failure_delay = auth_failure_delay
        self.oauth2 = oauth2
        self.smtp_relay_port = smtp_relay_port
        self.submission_max_mail_size = submission_max_mail_size
        # The whole CAPABILITY list to announce instead of Dovecot's (e.g. one without MOVE,
        # to test a client's fallback); Dovecot still executes what it leaves out.
        self.imap_capability = imap_capability
        self.submission_port = free_port() if smtp_relay_port else 0
        self.submissions_port = free_port() if smtp_relay_port else 0
        self.log_path = self.root / "dovecot.log"
        self.conf_path = self.root / "dovecot.conf"
        # One passwd file per user: Dovecot re-reads a changed passwd file at most once a
        # second, so a user added right after a login would be unknown for up to a second.
        self.passwd_dir = self.root / "passwd.d"
        self.cert_path = self.root / "cert.pem"
        self.key_path = self.root / "key.pem"
        self._proc: subprocess.Popen[bytes] | None = None
        self._users: dict[str, str] = {}
        if os.geteuid() == 0:
            # Dovecot refuses mail UID 0; nobody/nogroup works.
            self.mail_uid, self.mail_gid = 65534, 65534
        else:
            self.mail_uid, self.mail_gid = os.getuid(), os.getgid()
        self._make_cert()
        self.passwd_dir.mkdir()
        self.passwd_dir.chmod(0o755)
        self._write_config()

    # -- setup ------------------------------------------------------------------

    @property
    def ca_file(self) -> str:
        """The self-signed certificate: trust it as a CA to verify the server."""
        return str(self.cert_path)

    def _make_cert(self) -> None:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", str(self.key_path), "-out", str(self.cert_path),
            ],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def _write_config(self) -> None:
        root = self.root
        lines = [
            f"base_dir = {root}/run",
            f"state_dir = {root}/state",
            f"log_path = {self.log_path}",
            f"info_log_path = {self.log_path}",
            "listen = 127.0.0.1",
            "protocols = imap",
            "ssl = yes",
            f"ssl_cert = <{self.cert_path}",
            f"ssl_key = <{self.key_path}",
            f"ssl_dh = <{DH_FILE}",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain login",
            "auth_verbose = yes",
            f"auth_failure_delay = {self.auth_failure_delay}",
            "mail_location = maildir:~/Maildir",
            # A throwaway server: no fsync per message (~20 ms each); a stopped and restarted
            # Dovecot still finds everything in the page cache.
            "mail_fsync = never",
            f"first_valid_uid = {min(self.mail_uid, 500)}",
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {self.passwd_dir}/%u",
            "}",
            "userdb {",
            "  driver = passwd-file",
            f"  args = username_format=%u {self.passwd_dir}/%u",
            "}",
            "protocol imap {",
            "  mail_max_userip_connections = 200",
            *([f"  imap_capability = {self.imap_capability}"] if self.imap_capability else []),
            "}",
            "service imap-login {",
            f"  inet_listener imap {{\n    port = {self.imap_port}\n  }}",
            f"  inet_listener imaps {{\n    port = {self.imaps_port}\n    ssl = yes\n  }}",
        ]
        if self.oauth2 is not None:
            lines = self._with_oauth2(lines, self.oauth2)
        lines = self._with_special_use(lines)
        if self.smtp_relay_port:
            lines = self._with_submission(lines, self.smtp_relay_port)
        if os.geteuid() != 0:
            user = pwd.getpwuid(os.getuid()).pw_name
            lines += ["  chroot =", "}", "service anvil {", "  chroot ="]
            lines = [
                f"default_internal_user = {user}",
                f"default_login_user = {user}",
                f"default_internal_group = {pwd.getpwuid(os.getuid()).pw_gid and user}",
                *lines,
            ]
        lines.append("}")
        self.conf_path.write_text("\n".join(lines) + "\n")

    def _with_oauth2(self, lines: list[str], oauth2: OAuth2Validation) -> list[str]:
        """The config lines plus a ``passdb oauth2`` for XOAUTH2 and OAUTHBEARER."""
        conf = self.root / "dovecot-oauth2.conf.ext"
        settings = [f"scope = {oauth2.scope}", "username_attribute = username"]
        if oauth2.mode == "introspection":
            if not oauth2.introspection_url.startswith("http://"):
                raise DovecotError("the harness Dovecot calls a loopback http:// introspection URL")
            # Dovecot authenticates to the introspection endpoint with credentials in the URL.
            url = oauth2.introspection_url.replace(
                "http://", f"http://{oauth2.client_id}:{oauth2.client_secret}@", 1
            )
            settings += [
                "introspection_mode = post",
                f"introspection_url = {url}",
                "active_attribute = active",
                "active_value = true",
            ]
        else:
            # Looked up as <azp or "default">/<alg>/<kid>; oidc-provider sets no azp.
            key_file = self.root / "oauth2-keys" / "default" / "RS256" / oauth2.kid
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(oauth2.public_key_pem)
            for path in (key_file, *key_file.parents):
                if path == self.root:
                    break
                path.chmod(0o755 if path.is_dir() else 0o644)
            settings += [
                "introspection_mode = local",
                f"local_validation_key_dict = fs:posix:prefix={self.root}/oauth2-keys/",
                f"issuers = {oauth2.issuer}",
            ]
        conf.write_text("\n".join(settings) + "\n")
        conf.chmod(0o600)
        out: list[str] = []
        for line in lines:
            if line.startswith("auth_mechanisms ="):
                line += " xoauth2 oauthbearer"
            if line == "userdb {":  # the oauth2 passdb goes after the password one
                out += [
                    "passdb {",
                    "  driver = oauth2",
                    "  mechanisms = xoauth2 oauthbearer",
                    f"  args = {conf}",
                    "}",
                ]
            out.append(line)
            if line == "  driver = passwd-file" and out[-2] == "passdb {":
                out.append("  mechanisms = plain login")
        return out

    @staticmethod
    def _with_special_use(lines: list[str]) -> list[str]:
        """The config lines plus SPECIAL-USE folders; Dovecot's default declares none."""
        folders = {
            "Sent": "\\Sent",
            "Drafts": "\\Drafts",
            "Archive": "\\Archive",
            "Trash": "\\Trash",
            "Junk": "\\Junk",
        }
        block = ["namespace inbox {", "  inbox = yes"]
        for name, flag in folders.items():
            block += [f"  mailbox {name} {{", f"    special_use = {flag}", "    auto = subscribe", "  }"]
        block.append("}")
        at = lines.index("protocol imap {")
        return [*lines[:at], *block, *lines[at:]]

    def _with_submission(self, lines: list[str], relay_port: int) -> list[str]:
        """The config lines plus the submission service, relaying to ``relay_port`` on loopback."""
        block = [
            "hostname = mail.test",
            f"submission_relay_host = {self.host}",
            f"submission_relay_port = {relay_port}",
            "submission_relay_trusted = yes",
        ]
        if self.submission_max_mail_size:
            block.append(f"submission_max_mail_size = {self.submission_max_mail_size}")
        block += [
            "service submission-login {",
            f"  inet_listener submission {{\n    port = {self.submission_port}\n  }}",
            f"  inet_listener submissions {{\n    port = {self.submissions_port}\n    ssl = yes\n  }}",
        ]
        if os.geteuid() != 0:
            block.append("  chroot =")
        block.append("}")
        out = ["protocols = imap submission" if line == "protocols = imap" else line for line in lines]
        at = out.index("protocol imap {")
        return [*out[:at], *block, *out[at:]]

    def home(self, user: str) -> Path:
        return self.root / "home" / user

    def add_user(self, name: str, password: str) -> None:
        """Add a user; works while the server is running."""
        home = self.home(name)
        home.mkdir(parents=True, exist_ok=True)
        os.chown(home, self.mail_uid, self.mail_gid)
        home.parent.chmod(0o755)
        if name in self._users:
            raise DovecotError(f"user {name} exists (a changed password would be seen only a second later)")
        if not name.replace("-", "").replace("_", "").isalnum():
            raise DovecotError(f"use a plain user name, not {name!r}")
        if any(c in password for c in ":\r\n"):
            raise DovecotError("a password here cannot hold ':' or a line break (passwd-file fields)")
        self._users[name] = password
        path = self.passwd_dir / name
        # UTF-8 whatever the locale: Dovecot compares the password's UTF-8 bytes (SASL PLAIN).
        path.write_text(
            f"{name}:{{PLAIN}}{password}:{self.mail_uid}:{self.mail_gid}::{home}\n", encoding="utf-8"
        )
        path.chmod(0o644)

    # -- process ----------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 15.0) -> None:
        if self.running:
            return
        log = self.log_path.open("ab")
        try:
            self._proc = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise DovecotError(f"dovecot exited with {self._proc.returncode}: {self.log_tail()}")
            if self._greets() and (not self.smtp_relay_port or self._submission_greets()):
                return
            time.sleep(0.05)
        self.stop()
        raise DovecotError(f"dovecot did not greet within {timeout} s: {self.log_tail()}")

    def _submission_greets(self) -> bool:
        try:
            with socket.create_connection((self.host, self.submission_port), timeout=1.0) as s:
                return s.recv(64).startswith(b"220")
        except OSError:
            return False

    def _greets(self) -> bool:
        try:
            with socket.create_connection((self.host, self.imap_port), timeout=1.0) as s:
                return s.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        # Children (imap, auth) are in the same session; make sure none outlive the master.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def restart(self) -> None:
        """Stop and start again on the same ports, keeping the maildirs."""
        self.stop()
        self.start()

    def cleanup(self) -> None:
        """Kill the server (the folder is thrown away: no need for Dovecot's orderly shutdown,
        which takes about a second) and remove the folder if it is ours."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # the master and its children, one session
            proc.wait(timeout=5)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()

    # -- mail -----------------------------------------------------------------

    def client(self, user: str, tls: bool = False) -> IMAPClient:
        """A logged-in IMAP connection (plaintext port unless ``tls``); the caller logs out."""
        if tls:
            ctx = ssl.create_default_context(cafile=self.ca_file)
            client = IMAPClient(self.host, self.imaps_port, ssl=True, ssl_context=ctx, timeout=10)
        else:
            client = IMAPClient(self.host, self.imap_port, ssl=False, timeout=10)
        # imaplib writes an APPEND's literal and its closing CRLF separately: with Nagle the
        # CRLF waits ~40 ms for the server's delayed ACK of the literal, every message.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        password = self._users[user]
        if user.isascii() and password.isascii():
            client.login(user, password)
        else:
            client.plain_login(user, password)  # LOGIN is ASCII only
        return client

    def append(self, user: str, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ()) -> int:
        """APPEND a message over IMAP; returns its UID (UIDPLUS)."""
        client = self.client(user)
        try:
            if folder.upper() != "INBOX" and not client.folder_exists(folder):
                client.create_folder(folder)
            resp = client.append(folder, raw, flags=tuple(flags))
        finally:
            with contextlib.suppress(Exception):
                client.logout()
        # b"[APPENDUID <uidvalidity> <uid>] Append completed."
        text = resp.decode() if isinstance(resp, bytes) else str(resp)
        try:
            return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))
        except (IndexError, ValueError):
            return 0

    def deliver_to_maildir(self, user: str, raw: bytes, folder: str = "INBOX") -> Path:
        """Drop a message straight into Maildir/new (works while the server is down)."""
        maildir = self.home(user) / "Maildir"
        if folder.upper() != "INBOX":
            maildir = maildir / f".{folder}"
        for sub in ("", "cur", "new", "tmp"):
            d = maildir / sub
            if not d.exists():
                d.mkdir(parents=True)
                os.chown(d, self.mail_uid, self.mail_gid)
        name = f"{time.time_ns()}.P{os.getpid()}Q{os.urandom(4).hex()}.tidings"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.mail_uid, self.mail_gid)
        target = maildir / "new" / name
        tmp.rename(target)
        return target

    # -- observation --------------------------------------------------------------

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def login_failures(self, user: str | None = None) -> int:
        """Failed password checks logged so far (auth_verbose), for "no retry storm" checks."""
        count = 0
        for line in self.log_text().splitlines():
            failed = "Password mismatch" in line or "unknown user" in line
            if failed and (user is None or f"({user}," in line):
                count += 1
        return count

    def login_successes(self, user: str | None = None) -> int:
        """Successful IMAP logins logged so far."""
        count = 0
        for line in self.log_text().splitlines():
            if "imap-login: Info: Login: user=<" in line and (user is None or f"user=<{user}>" in line):
                count += 1
        return count
