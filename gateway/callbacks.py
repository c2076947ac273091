"""Delivers queued callbacks (approval decisions, task completions) to integrations' callback URLs.

The queue lives in the store, so a decision or a completion survives a restart. Each attempt is signed afresh
(new timestamp) and retried with capped exponential backoff plus jitter until the callback
answers 2xx. At-least-once: a receiver dedupes by delivery_id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time

import httpx

from gateway.config import Settings
from gateway.signing import signed_headers
from gateway.storage.base import GatewayStore, PendingCallback

log = logging.getLogger(__name__)

# Even with nothing due the worker looks again now and then (rows added by another process).
_IDLE_POLL_S = 5.0


def backoff_delay(attempts: int, base: float, cap: float) -> float:
    """Delay before retry number `attempts` (1-based): base * 2^(n-1), capped, jittered into
    [delay/2, delay] so many failing deliveries do not retry in lockstep."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return random.uniform(delay / 2, delay)


class CallbackWorker:
    def __init__(self, store: GatewayStore, settings: Settings) -> None:
        self._store = store
        self._settings = settings
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=self._settings.callback_timeout_s) as client:
            while True:
                self._wake.clear()  # before looking, so a wake during the attempts is not lost
                try:
                    for pending in await self._store.due_callbacks(time.time(), limit=50):
                        await self._attempt(client, pending)
                    next_due = await self._store.next_callback_due()
                except Exception:
                    log.exception("callback worker iteration failed")
                    next_due = time.time() + self._settings.callback_backoff_base_s
                timeout = (
                    _IDLE_POLL_S if next_due is None else max(0.0, min(_IDLE_POLL_S, next_due - time.time()))
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)

    async def _attempt(self, client: httpx.AsyncClient, pending: PendingCallback) -> None:
        integration = await self._store.integration(pending.integration)
        error: str
        if integration is None or not integration.callback_url:
            error = "integration or its callback URL is gone"
        else:
            headers = signed_headers(integration.name, integration.secret, pending.body)
            try:
                response = await client.post(integration.callback_url, content=pending.body, headers=headers)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    await self._store.callback_delivered(pending.delivery_id, time.time())
                    log.info("callback %s delivered to %s", pending.delivery_id, integration.name)
                    return
                error = f"HTTP {response.status_code}"
        delay = backoff_delay(
            pending.attempts + 1,
            self._settings.callback_backoff_base_s,
            self._settings.callback_backoff_cap_s,
        )
        log.warning("callback %s failed (%s); retry in %.2fs", pending.delivery_id, error, delay)
        await self._store.callback_failed(pending.delivery_id, error, time.time() + delay)
