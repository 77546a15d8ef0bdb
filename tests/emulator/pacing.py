"""Pacing of streamed audio by the latency knobs, and the record of when it was sent."""

import asyncio
from collections.abc import Callable

from .faults import LatencyKnobs
from .store import RecordedRequest


class Pacer:
    """Paces the chunks of one synthesis (an SSE stream or one realtime response)."""

    def __init__(
        self,
        knobs: LatencyKnobs,
        record: RecordedRequest,
        gone: Callable[[], bool] = lambda: False,
    ) -> None:
        """Nothing sent yet. ``gone`` tells whether the client closed the connection: a
        long pause notices it (``ConnectionResetError``) as a real server does."""
        self._knobs = knobs
        self._record = record
        self._gone = gone
        self._loop = asyncio.get_running_loop()
        self._first_sent_at: float | None = None
        self._seconds_sent = 0.0

    async def wait_turn(self) -> None:
        """Sleep until the next chunk is due."""
        knobs = self._knobs
        if self._first_sent_at is None:
            if knobs.first_chunk_delay > 0:
                await self._sleep(knobs.first_chunk_delay)
            return
        if knobs.chunk_interval > 0:
            await self._sleep(knobs.chunk_interval)
        if knobs.realtime_factor:
            due = self._first_sent_at + self._seconds_sent / knobs.realtime_factor
            delay = due - self._loop.time()
            if delay > 0:
                await self._sleep(delay)

    async def _sleep(self, seconds: float) -> None:
        due = self._loop.time() + seconds
        while (left := due - self._loop.time()) > 0:
            if self._gone():
                raise ConnectionResetError("the client closed the connection")
            await asyncio.sleep(min(left, 0.05))

    def sent(self, seconds: float) -> None:
        """Note a chunk carrying ``seconds`` of audio as sent now."""
        now = self._loop.time()
        if self._first_sent_at is None:
            self._first_sent_at = now
        self._seconds_sent += seconds
        self._record.audio_sent(now)


async def generation_delay(knobs: LatencyKnobs, seconds: float) -> None:
    """A non-streaming answer's wait: ``first_chunk_delay`` + audio duration / realtime_factor."""
    delay = knobs.first_chunk_delay
    if knobs.realtime_factor:
        delay += seconds / knobs.realtime_factor
    if delay > 0:
        await asyncio.sleep(delay)
