"""A stand-in backend while the real one is chosen.

The tray app starts its sources before it asks the desktop which notification service it
has (issue 9: the first mail login must not wait for the window machinery). A notice
that comes in between waits here for the chosen backend instead of being dropped.
"""

from __future__ import annotations

import asyncio

from desktop.notifications.backends import Notice, NotifierBackend, NullBackend


class PendingBackend(NotifierBackend):
    name = "pending"
    # A withdrawal queued now is passed on once the chosen backend is known, if it can.
    supports_withdraw = True

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._chosen: asyncio.Future[NotifierBackend] = loop.create_future()

    def choose(self, backend: NotifierBackend) -> None:
        """The backend every waiting and later notice goes to."""
        if not self._chosen.done():
            self._chosen.set_result(backend)

    async def show(self, notice: Notice) -> bool:
        backend = await self._chosen
        return await backend.show(notice)

    async def withdraw(self, key: str) -> None:
        backend = await self._chosen
        if backend.supports_withdraw:
            await backend.withdraw(key)

    async def close(self) -> None:
        # Stopped before a backend was chosen: what still waits is not shown.
        self.choose(NullBackend())
