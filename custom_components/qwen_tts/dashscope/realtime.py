"""A realtime WebSocket synthesis session (one socket = one session)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self

import aiohttp

from .models import RealtimeSettings


class RealtimeSession:
    """``async with client.realtime_session(settings) as s:`` connects, waits for
    ``session.created``, sends ``session.update`` and waits for ``session.updated``.

    Then ``append``/``commit``/``finish`` may be called from one task while another iterates
    ``audio()``, which yields decoded audio deltas and ends only at ``session.finished``.
    Leaving the ``async with`` block always closes the socket.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        settings: RealtimeSettings,
        *,
        timeout: float,
    ) -> None:
        """Prepare the session; nothing is sent before ``__aenter__``."""
        self._http = session
        self._url = url
        self._api_key = api_key
        self.settings = settings
        self._timeout = timeout

    async def __aenter__(self) -> Self:
        """Connect and configure the session."""
        raise NotImplementedError

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the socket."""
        raise NotImplementedError

    async def append(self, text: str) -> None:
        """Send ``input_text_buffer.append``."""
        raise NotImplementedError

    async def commit(self) -> None:
        """Send ``input_text_buffer.commit``."""
        raise NotImplementedError

    async def finish(self) -> None:
        """Send ``session.finish``: no more text will come."""
        raise NotImplementedError

    def audio(self) -> AsyncIterator[bytes]:
        """Yield audio deltas until ``session.finished``; raise on ``error`` or early close."""
        raise NotImplementedError
