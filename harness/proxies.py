"""Throwaway proxy servers on loopback, for tests of the desktop's network layer.

    with Tinyproxy(user="tuser", password="tpass") as http_proxy:   # HTTP CONNECT, Basic auth
        http_proxy.url            # "http://tuser:tpass@127.0.0.1:PORT"
        http_proxy.log_text()     # tinyproxy's log: one "CONNECT host:port" line per tunnel
    with Pproxy(user="suser", password="spass") as socks:           # SOCKS5, user/password
        socks.url                 # "socks5://suser:spass@127.0.0.1:PORT"
    with Dante(user=..., password=...) as socks:                    # SOCKS5, root only

Each runs in the foreground as a child process, on a free loopback port, with its
config and log in its own temporary folder, and is stopped by its PID (SIGTERM, then
SIGKILL). Facts behind the choices: ``../shared/test-infrastructure.md``, "Proxies".

- tinyproxy answers a wrong password on CONNECT with ``401`` (no credentials: ``407``).
- pproxy runs with ``--auth 0``: by default it lets an IP that logged in once in for 30
  days without credentials. A wrong SOCKS5 password just closes the connection.
- Dante checks SOCKS5 passwords against system accounts, so it needs root; it answers
  a wrong password with a proper failure reply. The account it creates is removed on stop.

Also the servers those tests connect to or read from: :class:`PrivateCA` (a company CA
that no trust store knows, and server certificates it signs), :class:`HttpsServer` (a
loopback HTTPS server with such a certificate) and :class:`FileServer` (plain HTTP, for
PAC files), both ``http.server`` on a thread.

No pytest import: plain Python, usable from scripts.
"""

from __future__ import annotations

import http.server
import os
import pwd
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from types import TracebackType

from harness.child import ChildProcess, listening
from harness.net import free_port

HOST = "127.0.0.1"


class ProxyServerError(RuntimeError):
    """The proxy server did not start."""


class ProxyServer(ChildProcess):
    """A proxy child process: ``start()``, ``stop()``, ``url``, ``log_text()``."""

    error = ProxyServerError

    scheme = "http"
    name = "proxy"

    def __init__(self, *, user: str = "", password: str = "", start_timeout: float = 15.0) -> None:
        self.user = user
        self.password = password
        self.host = HOST
        self.port = free_port(HOST)
        self.start_timeout = start_timeout
        self.root = Path(tempfile.mkdtemp(prefix=f"tidings-{self.name}-"))
        self.log_path = self.root / f"{self.name}.log"
        self.what = self.name

    # -- addresses ----------------------------------------------------------------------

    @property
    def address(self) -> str:
        """``host:port``, for PAC files and the like."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The proxy's URL with its credentials (percent-encoded), as a proxy setting takes it."""
        return self.url_with(self.user, self.password)

    def url_with(self, user: str, password: str) -> str:
        """The proxy's URL with other credentials (a wrong password, say)."""
        if not user:
            return f"{self.scheme}://{self.address}"
        quote = urllib.parse.quote
        return f"{self.scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{self.address}"

    # -- process ------------------------------------------------------------------------

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Write config files before the process starts."""

    def start(self) -> ProxyServer:
        if not self.running:
            self.prepare()
            self._launch(
                self.command(),
                cwd=self.root,
                ready=lambda: listening(self.host, self.port),
                timeout=self.start_timeout,
                not_ready=f"{self.name} did not listen on {self.address}",
                poll=0.02,
            )
        return self

    def cleanup(self) -> None:
        """Stop, and remove the temporary folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def wait_for_log(self, text: str, timeout: float = 10.0) -> str:
        """Wait until the log contains ``text``; returns the log. Raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log_text()
            if text in log:
                return log
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} never logged {text!r}:\n{log[-3000:]}")
            time.sleep(0.02)

    def __enter__(self) -> ProxyServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.cleanup()


class Tinyproxy(ProxyServer):
    """tinyproxy 1.11 (Debian ``tinyproxy``): HTTP CONNECT, with Basic auth when ``user`` is set.

    Its log has ``CONNECT ... "CONNECT host:port HTTP/1.1"`` for each tunnel it opens.
    """

    name = "tinyproxy"
    binary = "/usr/bin/tinyproxy"

    def prepare(self) -> None:
        lines = [
            f"Port {self.port}",
            f"Listen {self.host}",
            "Timeout 60",
            "MaxClients 50",
            "LogLevel Info",
            # No ConnectPort line: CONNECT to any port (IMAP, SMTP, the gateway's).
        ]
        if self.user:
            lines.append(f"BasicAuth {self.user} {self.password}")
        (self.root / "tinyproxy.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def command(self) -> list[str]:
        return [self.binary, "-d", "-c", str(self.root / "tinyproxy.conf")]


class Pproxy(ProxyServer):
    """pproxy 2.7 (pip, pure Python): SOCKS5, with a user/password when ``user`` is set.

    ``http=True`` serves HTTP CONNECT instead. Started with the venv's Python.
    """

    name = "pproxy"

    def __init__(
        self, *, user: str = "", password: str = "", http: bool = False, start_timeout: float = 20.0
    ):
        super().__init__(user=user, password=password, start_timeout=start_timeout)
        self.scheme = "http" if http else "socks5"

    def command(self) -> list[str]:
        listen = f"{self.scheme}://{self.address}"
        if self.user:
            listen += f"#{self.user}:{self.password}"
        # -v: one line per connection, with the destination ("... -> socks5 host:port")
        return [sys.executable, "-m", "pproxy", "--auth", "0", "-v", "-l", listen]


class Dante(ProxyServer):
    """Dante 1.4 (Debian ``dante-server``): SOCKS5 with a user/password. Root only.

    Dante checks passwords against system accounts: ``start()`` creates a locked-shell
    account with a random name (``tidings-socks-…``) and ``password``; ``cleanup()``
    removes it. ``user`` is that account's name once started.
    """

    name = "dante"
    scheme = "socks5"
    binary = "/usr/sbin/danted"

    def __init__(self, *, password: str, start_timeout: float = 15.0) -> None:
        super().__init__(
            user=f"tidings-socks-{uuid.uuid4().hex[:8]}", password=password, start_timeout=start_timeout
        )
        self._account_created = False

    @staticmethod
    def available() -> bool:
        return os.geteuid() == 0 and Path(Dante.binary).exists() and shutil.which("useradd") is not None

    def prepare(self) -> None:
        if not self.available():
            raise ProxyServerError("Dante needs root (it checks passwords against system accounts)")
        if not self._account_created:
            subprocess.run(
                ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", self.user],
                check=True, capture_output=True, timeout=30,
            )  # fmt: skip
            self._account_created = True
            subprocess.run(
                ["chpasswd"], input=f"{self.user}:{self.password}\n".encode(),
                check=True, capture_output=True, timeout=30,
            )  # fmt: skip
        nobody = pwd.getpwnam("nobody").pw_name
        conf = f"""\
logoutput: stderr
internal: {self.host} port = {self.port}
external: {self.host}
socksmethod: username
clientmethod: none
user.privileged: root
user.unprivileged: {nobody}
client pass {{
  from: 127.0.0.0/8 to: 0.0.0.0/0
  log: error connect disconnect
}}
socks pass {{
  from: 127.0.0.0/8 to: 0.0.0.0/0
  command: connect
  socksmethod: username
  log: error connect disconnect
}}
"""
        (self.root / "danted.conf").write_text(conf, encoding="utf-8")

    def command(self) -> list[str]:
        return [self.binary, "-f", str(self.root / "danted.conf"), "-p", str(self.root / "danted.pid")]

    def cleanup(self) -> None:
        super().cleanup()
        if self._account_created:
            subprocess.run(["userdel", self.user], check=False, capture_output=True, timeout=30)
            self._account_created = False


# -- what the tests reach through the proxies ------------------------------------------------


class PrivateCA:
    """A throwaway CA (openssl) in ``folder``: ``ca_file`` to trust it, ``issue()`` for servers."""

    def __init__(self, folder: Path, name: str = "Tidings Test Corp CA") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ca_key = folder / "ca-key.pem"
        self.ca_file = folder / "ca.pem"
        _openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "30", "-subj", f"/CN={name}", "-keyout", str(self.ca_key), "-out", str(self.ca_file),
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip

    def issue(self, name: str = "localhost", ips: tuple[str, ...] = ("127.0.0.1",)) -> tuple[Path, Path]:
        """A server certificate for ``name`` (and ``ips``): ``(cert_file, key_file)``."""
        key, csr, cert = (self.folder / f"{name}.{ext}" for ext in ("key", "csr", "pem"))
        ext = self.folder / f"{name}.ext"
        san = ",".join([f"DNS:{name}", *(f"IP:{ip}" for ip in ips)])
        ext.write_text(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\n", encoding="utf-8")
        _openssl(
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(csr),
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", str(csr), "-CA", str(self.ca_file), "-CAkey", str(self.ca_key),
            "-CAcreateserial", "-days", "30", "-extfile", str(ext), "-out", str(cert),
        )  # fmt: skip
        return cert, key


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        found = self.server.files.get(self.path.split("?", 1)[0])
        if found is None:
            self.send_error(404)
            return
        body, content_type = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        """Quiet: tests read ``requests``."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((HOST, 0), _Handler)
        self.files: dict[str, tuple[bytes, str]] = {}
        self.requests: list[str] = []


class FileServer:
    """``http.server`` on a loopback port, on its own thread, serving ``files`` by path.

    ``requests`` lists the paths asked for, in order."""

    scheme = "http"

    def __init__(self, files: dict[str, tuple[bytes, str]] | None = None) -> None:
        self._server = _Server()
        self._server.files.update(files or {})
        self.host = HOST
        self.port = int(self._server.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def files(self) -> dict[str, tuple[bytes, str]]:
        return self._server.files

    @property
    def requests(self) -> list[str]:
        return self._server.requests

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def start(self) -> FileServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FileServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


class HttpsServer(FileServer):
    """:class:`FileServer` over TLS with a certificate from ``ca`` for ``localhost`` and 127.0.0.1."""

    scheme = "https"

    def __init__(self, ca: PrivateCA, files: dict[str, tuple[bytes, str]] | None = None) -> None:
        super().__init__(files)
        cert, key = ca.issue("localhost")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
