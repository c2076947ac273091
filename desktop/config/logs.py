"""Logging: stderr and a rotating file in the data folder, with secrets redacted at the handler.

Redaction works on the fully formatted text of a record (message with its
arguments, exception, stack), in the formatter of every handler Tidings
installs, so a library's debug line cannot slip past it: websockets logs the
upgrade request's ``Authorization`` header with ``-v``, and qasync's executor
logs the repr of every result it hands back ("Setting Future result"), which
for the keyring lookup is the token itself.

Two mechanisms together:

- the secrets this process has loaded (``register_secret``, called by
  ``desktop.config.secrets``), matched literally and in the escaped forms that
  repr, JSON, URLs and base64 give them, including inside SASL blobs;
- patterns for what needs no registration: ``Authorization``/``Cookie``
  headers, ``Bearer`` tokens, ``token=``/``password=``-style pairs, IMAP
  ``LOGIN``/``AUTHENTICATE`` and SMTP ``AUTH`` arguments, SASL PLAIN and
  XOAUTH2/OAUTHBEARER blobs.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import logging.handlers
import re
import sys
import threading
import types
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import IO

from desktop.config import paths

REDACTED = "[redacted]"
#: Shorter secrets are still covered by the patterns; matching one or two characters
#: literally would blank out ordinary words all over the log.
MIN_SECRET_LENGTH = 4
#: Tokens are renewed (OAuth, every hour or so): the oldest, long expired, are let go.
MAX_SECRETS = 100

LOG_FILE = "tidings.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger(__name__)

_NOT_REDACTED = rf"(?!{re.escape(REDACTED)})"
_SCHEME = r"(?:bearer|basic|digest|negotiate|token)"
_KEY = r"[\w.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|credential)s?[\w-]*"
# A value: single-quoted, double-quoted or bare; the empty groups say which one matched.
_VALUE = rf"(?:'(?:[^'\\\n]|\\.)*'()|\"(?:[^\"\\\n]|\\.)*\"()|{_NOT_REDACTED}[^\s&,;)}}\]'\"<>]+)"


def _keep(*groups: int) -> Callable[[re.Match[str]], str]:
    """Keep these groups (a header's name, a command), redact the rest of the match."""
    return lambda m: "".join(m.group(g) or "" for g in groups) + REDACTED


def _keep_quotes(name: int, single: int) -> Callable[[re.Match[str]], str]:
    """Keep ``name=`` and the value's quotes; ``single`` is the group that marks a
    single-quoted value, the next one a double-quoted one."""

    def replace(m: re.Match[str]) -> str:
        quote = "'" if m.group(single) is not None else '"' if m.group(single + 1) is not None else ""
        return f"{m.group(name)}{quote}{REDACTED}{quote}"

    return replace


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # Authorization: Bearer x / ('Authorization', 'Basic x') / "Cookie": "s=x"
    (
        re.compile(
            r"(?i)\b((?:proxy-)?authorization|cookie|set-cookie)((?>['\"]?\s*[:=,]\s*['\"]?))"
            rf"(?!(?:{_SCHEME}\s+)?{re.escape(REDACTED)})({_SCHEME}\s+)?[^'\"\r\n]+"
        ),
        _keep(1, 2, 3),
    ),
    (re.compile(rf"(?i)\b(bearer\s+){_NOT_REDACTED}[A-Za-z0-9\-._~+/]+=*"), _keep(1)),
    # token=x (URLs, reprs, keyword arguments)
    (re.compile(rf"(?i)(?<![\w-])({_KEY}\s*=\s*){_VALUE}"), _keep_quotes(1, 2)),
    # 'password': 'x' (dicts, JSON)
    (re.compile(rf"(?i)((['\"]){_KEY}\2\s*:\s*){_VALUE}"), _keep_quotes(1, 3)),
    # scheme://user:password@host (proxy URLs, a gateway URL with credentials)
    (re.compile(rf"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@'\"]*:){_NOT_REDACTED}[^\s/@'\"]+(?=@)"), _keep(1)),
    # OAuth codes and signatures in query strings
    (re.compile(rf"(?i)([?&](?:code|sig|signature)=){_NOT_REDACTED}[^&\s'\"#]+"), _keep(1)),
    # qasync's executor logs the repr of whatever a worker thread returned: a keyring
    # lookup, an OAuth refresh. Secrets not registered (yet) must not ride along.
    (re.compile(rf"(Setting Future result: ){_NOT_REDACTED}.+"), _keep(1)),
    # IMAP (imaplib's debug lines) and SMTP commands carry credentials as arguments;
    # upper case only, so "login failed" in prose stays.
    (re.compile(rf"\b(LOGIN\s+){_NOT_REDACTED}[^\r\n]+"), _keep(1)),
    (re.compile(rf"\b((?:AUTHENTICATE|AUTH)\s+[A-Z0-9_-]+\s+){_NOT_REDACTED}[^\s'\"]+"), _keep(1)),
)

# Runs that may be base64 (SASL responses, Basic credentials); decoded and checked.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{8,}={0,2}(?![A-Za-z0-9+/=_-])")
_SASL_PLAIN = re.compile(rb"[^\x00]*\x00[^\x00]+\x00[^\x00]+")


class Redactor:
    """Registered secrets plus the fixed patterns. Thread-safe: sources register
    secrets from worker threads while the loop thread logs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, None] = {}  # insertion-ordered: the oldest first
        # Replaced whole (one assignment), so a reader never sees half an update.
        self._literal: re.Pattern[str] | None = None
        self._secret_bytes: tuple[bytes, ...] = ()

    def add(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if secret in self._secrets:
                return
            self._secrets[secret] = None
            if len(self._secrets) > MAX_SECRETS:
                del self._secrets[next(iter(self._secrets))]
            forms = {form for s in self._secrets for form in _forms(s) if len(form) >= MIN_SECRET_LENGTH}
            self._literal = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
            self._secret_bytes = tuple(_utf8(s) for s in self._secrets)

    def redact(self, text: str) -> str:
        literal = self._literal
        if literal is not None:
            text = literal.sub(REDACTED, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return _BASE64_RUN.sub(self._redact_blob, text)

    def _redact_blob(self, match: re.Match[str]) -> str:
        run = match.group(0)
        decoded = _b64decode(run)
        if decoded is None:
            return run
        if (
            _SASL_PLAIN.fullmatch(decoded)
            or b"auth=Bearer " in decoded  # XOAUTH2, OAUTHBEARER
            or any(s in decoded for s in self._secret_bytes)
        ):
            return REDACTED
        return run


def _utf8(secret: str) -> bytes:
    """UTF-8, keeping a lone surrogate (a pasted half of an emoji) instead of failing on it:
    such a secret must still be redacted, not crash the code that registers it."""
    return secret.encode("utf-8", "surrogatepass")


def _forms(secret: str) -> set[str]:
    """The ways a secret shows up in text: as is, and as repr, JSON, URLs and base64 write it."""
    raw = _utf8(secret)
    forms = {
        secret,
        repr(secret)[1:-1],
        repr(raw)[2:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        urllib.parse.quote(raw, safe=""),
        urllib.parse.quote_plus(raw),
    }
    forms |= {repr(f)[1:-1] for f in list(forms)}  # a repr of a repr: a message inside an error
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        encoded = encode(raw).decode("ascii")
        forms |= {encoded, encoded.rstrip("=")}
    return forms


def _b64decode(run: str) -> bytes | None:
    data = run.rstrip("=")
    data += "=" * (-len(data) % 4)
    try:
        if "-" in data or "_" in data:
            return base64.urlsafe_b64decode(data)
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


_redactor = Redactor()
_current_file: Path | None = None  # the log file ``setup`` opened, for diagnostics


def register_secret(secret: str) -> None:
    """Never log ``secret`` from now on (in any handler Tidings installs)."""
    _redactor.add(secret)


def redact(text: str) -> str:
    return _redactor.redact(text)


class RedactingFormatter(logging.Formatter):
    """Redacts the whole text: message with its arguments, exception, stack."""

    def format(self, record: logging.LogRecord) -> str:
        # Formatted once per record: the file handler formats twice (its size check and
        # the write) and stderr once more, and -v can mean thousands of lines a second.
        cached = record.__dict__.get("_tidings_text")
        if cached is not None and cached[0] is self:
            return str(cached[1])
        text = redact(super().format(record))
        record.__dict__["_tidings_text"] = (self, text)
        return text


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stderr
            if stream is not None:
                stream.write(self.format(record) + "\n")
                stream.flush()
        except RecursionError:
            raise
        except Exception:
            pass  # stderr is gone (a closed pipe): nowhere left to say so

    def handleError(self, record: logging.LogRecord) -> None:
        """Never logging's default: it prints the record's unredacted message and arguments."""


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Files created 0600; a write that fails (a full disk, a read-only folder) turns
    the handler off and says so once, on the remaining handlers."""

    def __init__(self, path: Path) -> None:
        self._failed = False
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")

    def _open(self) -> IO[str]:  # type: ignore[override]  # typeshed types it as TextIOWrapper
        return open(
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=paths.private_opener,
        )

    def emit(self, record: logging.LogRecord) -> None:
        if not self._failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        # Never logging's default: it prints the record's unredacted message and arguments.
        if self._failed:
            return
        self._failed = True
        error = sys.exc_info()[1]
        with contextlib.suppress(Exception):  # closing a stream that just failed may fail again
            self.close()
        reason = getattr(error, "strerror", None) or error
        log.warning("cannot write the log file %s (%s): logging to stderr only", self.baseFilename, reason)


def current_file() -> Path | None:
    """The log file this process writes, if any (diagnostics copy its last lines)."""
    return _current_file


def _is_ours(handler: logging.Handler) -> bool:
    return isinstance(handler, _StderrHandler | PrivateRotatingFileHandler)


def setup(*, verbose: bool, log_dir: Path | None = None) -> Path | None:
    """Send the root logger to stderr and, with ``log_dir``, to ``log_dir/tidings.log``
    (1 MB, 3 old files kept); INFO, or DEBUG when ``verbose``. Calling it again
    replaces what an earlier call installed. Returns the log file, or None when there
    is none (not asked for, or it cannot be written: then stderr says so once)."""
    global _current_file
    _current_file = None
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _is_ours(h)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = RedactingFormatter(FORMAT)
    stderr = _StderrHandler()
    stderr.setFormatter(formatter)
    root.addHandler(stderr)
    # Warnings and uncaught exceptions go through the handlers too, so they are redacted
    # and reach the helpdesk's log file.
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    if log_dir is None:
        return None
    path = log_dir / LOG_FILE
    try:
        paths.private_dir(log_dir.parent)  # the data folder: private from its creation on
        paths.private_dir(log_dir, ours=True)
        for old in sorted(log_dir.glob(LOG_FILE + "*")):  # written by an older Tidings
            paths.tighten_file(old)
        file_handler = PrivateRotatingFileHandler(path)
    except OSError as exc:
        log.warning("cannot write the log file %s (%s): logging to stderr only", path, exc.strerror or exc)
        return None
    file_handler.setFormatter(formatter)
    root.addHandler(file_handler)
    _current_file = path
    return path


def _log_uncaught(kind: type[BaseException], value: BaseException, tb: types.TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.critical("uncaught exception", exc_info=(kind, value, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    log.error("uncaught exception in thread %s", name, exc_info=args.exc_value)
