"""Logs never carry a secret: redaction at Tidings' handlers, the rotating private log file."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import logs, secrets
from desktop.config.logs import REDACTED, redact, register_secret

TOKEN = "tgw_Zq9x-TOKEN_7fK2mPw"
PASSWORD = "Kx7'q\"u\\z-Ünï pw%ab"


@pytest.fixture
def tidings_logging() -> Iterator[None]:
    """Whatever setup() installs is taken out again, so other tests see the usual logging."""
    root = logging.getLogger()
    level, hooks = root.level, (sys.excepthook, threading.excepthook)
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if logs._is_ours(h)]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        sys.excepthook, threading.excepthook = hooks
        logging.captureWarnings(False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- patterns: no registration needed --------------------------------------------------


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        # websockets' header lines with -v
        ("> Authorization: Bearer abc.DEF-123_xyz", "abc.DEF-123_xyz"),
        ("> Proxy-Authorization: Basic dXNlcjpwdw==", "dXNlcjpwdw"),
        ("> Cookie: session=0123456789abcdef", "0123456789abcdef"),
        # headers as a dict or a list of pairs (an exception's repr, a library's debug)
        ("{'Authorization': 'Bearer abcdef42', 'User-Agent': 'Tidings'}", "abcdef42"),
        ("[('Authorization', 'Basic dXNlcjpwdw=='), ('Host', 'x')]", "dXNlcjpwdw"),
        ("sent bearer abcdef4242 upstream", "abcdef4242"),
        # query strings and key-value pairs
        ("GET /v1/stream?since=3&token=s3cr3tTok&x=1 HTTP/1.1", "s3cr3tTok"),
        ("http://127.0.0.1/callback?code=Zx81kQ&state=s1", "Zx81kQ"),
        ("GatewaySettings(url='ws://x', token_command='printf %s \"tok42\"')", "tok42"),
        ('{"password": "hunter22", "user": "bob"}', "hunter22"),
        ("{'access_token': 'ya29.AAA', 'expires_in': 3600}", "ya29.AAA"),
        ("refresh_token=r3fr3sh&client_id=tidings", "r3fr3sh"),
        # imaplib's debug lines (imapclient's own redaction covers LOGIN only) and SMTP
        ("> b'FDBB3 LOGIN bob \"hunter22\"'", "hunter22"),
        ("> b'AB12 AUTHENTICATE PLAIN AGJvYgBodW50ZXIyMg=='", "AGJvYgBodW50ZXIyMg"),
        ("send: 'AUTH PLAIN AGJvYgBodW50ZXIyMg==\\r\\n'", "AGJvYgBodW50ZXIyMg"),
        # SASL blobs on their own line: PLAIN (\0user\0password) and XOAUTH2
        ("> b'AGJvYgBodW50ZXIyMg=='", "AGJvYgBodW50ZXIyMg"),
        # passwords in URLs: a proxy, a gateway URL with credentials
        ("connecting through http://bob:Pr0xy-pw@proxy.corp:3128", "Pr0xy-pw"),
        ("proxy='socks5://bob:p%40ss@10.0.0.1:1080'", "p%40ss"),
        # qasync's executor: an OAuth access token nobody registered
        ("Setting Future result: ('opaque43charsAccessTokenFromTheProvider', 3600)", "opaque43"),
        (
            "> b'" + base64.b64encode(b"user=bob\x01auth=Bearer tok123\x01\x01").decode() + "'",
            base64.b64encode(b"user=bob\x01auth=Bearer tok123\x01\x01").decode()[:20],
        ),
    ],
)
def test_patterns_redact_credentials_nobody_registered(line: str, secret: str) -> None:
    out = redact(line)
    assert secret not in out
    assert REDACTED in out


@pytest.mark.parametrize(
    "line",
    [
        "The server rejected the user name or password",
        "No gateway token: the gateway token command failed: exit code 1",
        "the login failed; Authentication failed. token: missing",
        "state=auth_failed id=gw:msg:123 AUTH_FAILED",
        "> b'IAJM3 SELECT \"INBOX\"'",
        '< TEXT \'{"type":"hello","protocol":1,"user":"vera","seq":0}\' [51 bytes]',
        "connecting to wss://gw.example.com:443/v1/stream via http://proxy.corp:3128",
        "mail from bob@example.com to http://example.com/a:b@c",
    ],
)
def test_ordinary_lines_stay_readable(line: str) -> None:
    assert redact(line) == line


def test_redacting_twice_changes_nothing() -> None:
    once = redact("> Authorization: Bearer abc.DEF-123_xyz token=abc password='x'")
    assert redact(once) == once
    assert "Authorization: Bearer [redacted]" in once


# -- registered secrets, in every form text gives them -------------------------------------


def test_registered_secret_is_redacted_in_its_escaped_forms() -> None:
    register_secret(PASSWORD)
    raw = PASSWORD.encode()
    forms = {
        "as is": PASSWORD,
        "repr": repr(PASSWORD),
        "bytes repr": repr(raw),
        "repr of a repr": repr(repr(PASSWORD)),
        "JSON": json.dumps({"a": [PASSWORD]}),
        "JSON, non-ASCII kept": json.dumps(PASSWORD, ensure_ascii=False),
        "URL": "https://x/?q=" + urllib.parse.quote(PASSWORD, safe=""),
        "form": urllib.parse.quote_plus(PASSWORD),
        "base64": base64.b64encode(raw).decode(),
        "AUTH PLAIN blob": base64.b64encode(b"\0bob\0" + raw).decode(),
        "qasync's debug line": f"Setting Future result: {(PASSWORD, 1)}",
    }
    for what, text in forms.items():
        out = redact(f"x {text} y")
        assert "Kx7" not in out and "q\\" not in out, what
        assert REDACTED in out, what


def test_a_secret_with_a_lone_surrogate_is_registered_and_redacted() -> None:
    secret = "Zq9\udc80Wm4"  # half an emoji pasted: no strict UTF-8 form
    register_secret(secret)  # used to raise UnicodeEncodeError, and with it the secret
    for text in (secret, repr(secret), json.dumps(secret), repr(secret.encode("utf-8", "surrogatepass"))):
        out = redact(f"x {text} y")
        assert "Zq9" not in out and REDACTED in out, text


def test_very_short_secrets_are_left_to_the_patterns() -> None:
    register_secret("pw")
    assert redact("pwd is a command") == "pwd is a command"


# -- the handlers ----------------------------------------------------------------------


@pytest.mark.usefixtures("tidings_logging")
def test_stderr_and_file_redact_the_whole_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = logs.setup(verbose=True, log_dir=tmp_path / "data" / "logs")
    assert path == tmp_path / "data" / "logs" / "tidings.log"
    secrets.run_command(f"printf %s {TOKEN}", "gateway token")  # registers it, as the app does
    # a library's debug lines: websockets' headers, qasync's executor result
    logging.getLogger("websockets.client").debug("> %s: %s", "Authorization", f"Bearer {TOKEN}")
    logging.getLogger("qasync._QThreadWorker").debug("Setting Future result: %s", TOKEN)
    try:
        raise RuntimeError(f"refused {TOKEN!r}")
    except RuntimeError:
        logging.getLogger("desktop.x").exception("failed with %s", TOKEN)
    logging.getLogger("desktop.x").info("stack", stack_info=True, extra={"t": TOKEN})
    err = capsys.readouterr().err
    text = path.read_text(encoding="utf-8")
    for output in (err, text):
        assert TOKEN not in output
        assert "Authorization: Bearer [redacted]" in output
        assert "Setting Future result: [redacted]" in output
        assert "RuntimeError: refused '[redacted]'" in output  # the traceback too
    assert (mode(tmp_path / "data"), mode(path.parent), mode(path)) == (0o700, 0o700, 0o600)


@pytest.mark.usefixtures("tidings_logging")
def test_info_by_default_debug_with_verbose(tmp_path: Path) -> None:
    path = logs.setup(verbose=False, log_dir=tmp_path / "logs")
    assert path is not None
    logging.getLogger("desktop.x").debug("quiet detail")
    logging.getLogger("desktop.x").info("first")
    logs.setup(verbose=True, log_dir=tmp_path / "logs")  # replaces, not adds, the handlers
    logging.getLogger("desktop.x").debug("loud detail")
    text = path.read_text(encoding="utf-8")
    assert "quiet detail" not in text
    assert text.count("first") == 1 and text.count("loud detail") == 1


@pytest.mark.usefixtures("tidings_logging")
def test_the_file_rotates_and_every_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    old = tmp_path / "logs" / "tidings.log.1"
    old.parent.mkdir(mode=0o755)
    old.write_text("from an older Tidings\n")
    old.chmod(0o644)
    path = logs.setup(verbose=False, log_dir=tmp_path / "logs")
    assert path is not None
    for n in range(200):
        logging.getLogger("desktop.x").info("line %d %s", n, "x" * 50)
    files = sorted(path.parent.iterdir())
    assert [f.name for f in files] == ["tidings.log", "tidings.log.1", "tidings.log.2", "tidings.log.3"]
    assert all(mode(f) == 0o600 for f in files)
    assert all(f.stat().st_size <= 2_000 for f in files)
    assert mode(path.parent) == 0o700  # ours: tightened


class FullDisk:
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def seek(self, *args: int) -> int:
        return 0

    def tell(self) -> int:
        return 0


@pytest.mark.usefixtures("tidings_logging")
def test_a_full_disk_falls_back_to_stderr_and_says_so_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = logs.setup(verbose=False, log_dir=tmp_path / "logs")
    assert path is not None
    register_secret(TOKEN)
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logs.PrivateRotatingFileHandler)]
    handler.stream = FullDisk()  # type: ignore[assignment]
    logging.getLogger("desktop.x").info("token is %s", TOKEN)
    logging.getLogger("desktop.x").info("still alive")
    err = capsys.readouterr().err
    assert err.count("cannot write the log file") == 1
    assert "No space left on device" in err and "logging to stderr only" in err
    assert "still alive" in err
    # logging's default error handler would have printed the record, secret and all
    assert "Logging error" not in err and TOKEN not in err


@pytest.mark.usefixtures("tidings_logging")
def test_an_unwritable_folder_means_stderr_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    assert logs.setup(verbose=False, log_dir=blocker / "logs") is None
    logging.getLogger("desktop.x").info("still alive")
    err = capsys.readouterr().err
    assert err.count("cannot write the log file") == 1 and "still alive" in err


@pytest.mark.usefixtures("tidings_logging")
def test_uncaught_exceptions_and_warnings_are_logged_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = logs.setup(verbose=False, log_dir=tmp_path / "logs")
    assert path is not None
    register_secret(TOKEN)
    try:
        raise ValueError(f"bad {TOKEN}")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    worker = threading.Thread(target=lambda: (_ for _ in ()).throw(KeyError(TOKEN)), name="imap-work")
    worker.start()
    worker.join()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"careful with {TOKEN}", UserWarning, stacklevel=1)
    err = capsys.readouterr().err
    text = path.read_text(encoding="utf-8")
    for output in (err, text):
        assert TOKEN not in output
        assert "ValueError: bad [redacted]" in output
        assert "uncaught exception in thread imap-work" in output
        assert "careful with [redacted]" in output


def test_secrets_module_registers_what_it_reads(tmp_path: Path) -> None:
    secret = "s3cret-from-a-command"
    assert secrets.run_command(f"printf %s {secret}", "password") == secret
    assert redact(f"got {secret}") == f"got {REDACTED}"


@pytest.mark.usefixtures("tidings_logging")
def test_log_file_is_not_world_readable_even_with_umask_zero(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = logs.setup(verbose=False, log_dir=tmp_path / "d" / "logs")
    finally:
        os.umask(old)
    assert path is not None
    assert (mode(tmp_path / "d"), mode(path.parent), mode(path)) == (0o700, 0o700, 0o600)
