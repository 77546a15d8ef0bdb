"""Sentence requests synthesized side by side, their audio yielded strictly in order.

Text (whole, or streaming in) becomes sentence requests, cut and joined by ``chunking.py``;
this module only schedules them: the first starts at once, later ones are pipelined, at
most ``MAX_IN_FLIGHT`` synthesizing at a time and at most ``MAX_AHEAD`` started but not yet
yielded in full (which bounds the audio held back for ordering). A failure, of a request or
of the text, is raised in order, after the audio that came before it; whatever is still
running is cancelled however the stream ends.
"""

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine
from contextlib import aclosing
from typing import Any

from .chunking import Cost, SentenceSplitter, balanced_requests, next_request
from .const import DOMAIN
from .mp3 import LeadingTagStripper

# Requests synthesizing at the same time for one stream.
MAX_IN_FLIGHT = 3
# Requests started but not yet yielded in full: bounds the audio held back for ordering.
MAX_AHEAD = 2 * MAX_IN_FLIGHT

# How one request's text is spoken: its audio, chunk by chunk.
type Synthesize = Callable[[str], AsyncGenerator[bytes]]


class _Segment:
    """One request of the sentence pipeline: its audio, queued as it arrives."""

    __slots__ = ("chunks",)

    def __init__(self) -> None:
        """No audio yet; ``None`` ends the queue, an exception fails it."""
        self.chunks: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()


class SentencePipeline:
    """Sentences cut from the incoming text, synthesized as separate requests (at most
    ``MAX_IN_FLIGHT`` at once, at most ``MAX_AHEAD`` not yet yielded in full) and yielded strictly
    in order, each chunk as soon as it arrives.

    While text streams in, each request takes the complete sentences waiting (up to the
    text limit), so the first starts as soon as the first sentence ends.
    """

    def __init__(
        self,
        synthesize: Synthesize,
        limit: int,
        cost: Cost,
        *,
        strip_tags: bool,
    ) -> None:
        """Prepare; nothing runs before ``audio()``."""
        self._synthesize = synthesize
        self._limit = limit
        self._cost = cost
        self._strip_tags = strip_tags
        self._lanes = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._window = asyncio.Semaphore(MAX_AHEAD)
        self._pending: deque[str] = deque()
        self._ended = False
        self._halted = False
        self._text_failure: BaseException | None = None
        self._balanced = False
        self._wake = asyncio.Event()
        self._order: asyncio.Queue[_Segment | BaseException | None] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()

    async def audio(self, deltas: AsyncIterator[str]) -> AsyncGenerator[bytes]:
        """Yield the audio of every sentence, in order."""
        self._spawn(self._read(deltas), "text")
        self._spawn(self._dispatch(), "dispatch")
        try:
            while (segment := await self._order.get()) is not None:
                if isinstance(segment, BaseException):
                    raise segment
                while (chunk := await segment.chunks.get()) is not None:
                    if isinstance(chunk, BaseException):
                        raise chunk
                    yield chunk
                self._window.release()
        finally:
            await cancel_and_wait(*self._tasks)

    def _spawn(self, coro: Coroutine[Any, Any, None], what: str) -> None:
        task = asyncio.create_task(coro, name=f"{DOMAIN} sentences {what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, deltas: AsyncIterator[str]) -> None:
        splitter = SentenceSplitter(self._limit, self._cost)
        try:
            async for delta in deltas:
                if sentences := splitter.feed(delta):
                    self._pending.extend(sentences)
                    self._wake.set()
            self._pending.extend(splitter.flush())
        except Exception as err:  # noqa: BLE001 - the text source failed: reported in order
            self._text_failure = err
        self._ended = True
        self._wake.set()

    async def _dispatch(self) -> None:
        index = 0
        while True:
            await self._window.acquire()
            await self._lanes.acquire()
            while not (self._pending or self._ended or self._halted):
                self._wake.clear()
                await self._wake.wait()
            if self._halted:  # a request failed: the consumer raises when it gets there
                return
            if not self._pending:
                self._order.put_nowait(self._text_failure)
                return
            segment = _Segment()
            self._spawn(self._run(segment, self._take(), index), f"request {index}")
            self._order.put_nowait(segment)
            index += 1

    def _take(self) -> str:
        """The text of the next request.

        While text streams in: the complete sentences waiting, up to the text limit. Once
        it has all arrived, what is left is cut into a multiple of ``MAX_IN_FLIGHT`` requests of
        balanced size, so the lanes finish together.
        """
        if self._ended and not self._balanced:
            self._balanced = True
            self._pending = deque(
                balanced_requests(list(self._pending), self._limit, self._cost, MAX_IN_FLIGHT)
            )
        if self._balanced:
            return self._pending.popleft()
        return next_request(self._pending, self._limit, self._cost)

    async def _run(self, segment: _Segment, text: str, index: int) -> None:
        stripper = LeadingTagStripper() if self._strip_tags and index else None
        try:
            async with aclosing(self._synthesize(text)) as audio:
                async for data in audio:
                    if chunk := stripper.feed(data) if stripper is not None else data:
                        segment.chunks.put_nowait(chunk)
            if stripper is not None and (rest := stripper.flush()):
                segment.chunks.put_nowait(rest)
            segment.chunks.put_nowait(None)
        except Exception as err:  # noqa: BLE001 - handed to the consumer, in order
            segment.chunks.put_nowait(err)
            self._halted = True
            self._wake.set()
        finally:
            self._lanes.release()


async def cancel_and_wait(*tasks: asyncio.Task[Any]) -> None:
    """Cancel tasks and wait until they are gone (their failures are already reported)."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
