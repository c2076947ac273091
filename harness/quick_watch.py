"""`tidings watch` (``desktop.app.cli``) whose sources start their reconnect delays at a given
base instead of 1 s: ``python -m harness.quick_watch BASE_S <tidings arguments>``.

Tests that run the watch as a subprocess and cut its links many times (harness/soak.py) would
otherwise spend most of their time in the production backoff (up to 4 s after each cut,
desktop/core/backoff.py). The in-process tests inject the same base through the sources'
``backoff_first`` / ``backoff_base`` parameters; this does it through the factories of
``desktop.app.runtime`` (the seam tests/unit/test_runtime.py uses too). The policy itself
(full jitter, growth, the cap after a short-lived connection) is unchanged.
"""

from __future__ import annotations

import sys

from desktop.app import cli, runtime
from desktop.config.settings import MailAccount, Settings
from desktop.core.backoff import Backoff
from desktop.sources.base import Source
from desktop.store import Store


def use_reconnect_base(base_s: float) -> None:
    """Every source the runtime makes from now on starts its reconnect delays at ``base_s``."""
    make_mail, make_gateway = runtime.make_mail_source, runtime.make_gateway_source

    def mail_source(account: MailAccount, store: Store) -> Source:
        from desktop.sources.imap import ImapSource

        source = make_mail(account, store)
        assert isinstance(source, ImapSource)
        source.backoff_first = base_s  # read by each folder's worker when it starts
        return source

    def gateway_source(settings: Settings, store: Store) -> Source:
        from desktop.sources.gateway import GatewaySource

        source = make_gateway(settings, store)
        assert isinstance(source, GatewaySource)
        source.backoff = Backoff(base_s, source.backoff.cap)
        return source

    runtime.make_mail_source = mail_source
    runtime.make_gateway_source = gateway_source


def main(argv: list[str]) -> int:
    use_reconnect_base(float(argv[0]))
    return cli.main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
