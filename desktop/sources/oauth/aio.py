"""The OAuth client for asyncio code (the gateway client): the blocking calls in a thread.

Cancelling an awaiting task also stops the sign-in it waits for (the loopback listener or the
device polling), so no thread is left waiting for a browser that will never answer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from desktop.sources.oauth.client import DeviceSignIn, OAuthClient

T = TypeVar("T")


class AsyncOAuthClient:
    def __init__(self, client: OAuthClient) -> None:
        self.client = client

    async def access_token(self, *, force_refresh: bool = False) -> str:
        return await asyncio.to_thread(lambda: self.client.access_token(force_refresh=force_refresh))

    async def sign_in_with_browser(self, *, timeout: float = 300.0, login_hint: str | None = None) -> None:
        await self._cancellable(
            lambda cancel: self.client.sign_in_with_browser(
                timeout=timeout, login_hint=login_hint, cancel=cancel
            )
        )

    async def start_device_sign_in(self) -> DeviceSignIn:
        return await asyncio.to_thread(self.client.start_device_sign_in)

    async def finish_device_sign_in(self, device: DeviceSignIn) -> None:
        await self._cancellable(lambda cancel: self.client.finish_device_sign_in(device, cancel=cancel))

    async def _cancellable(self, call: Callable[[threading.Event], T]) -> T:
        cancel = threading.Event()
        try:
            return await asyncio.to_thread(call, cancel)
        except asyncio.CancelledError:
            cancel.set()
            raise
