"""Speak text of any length: sentence-bounded requests, a few in flight, audio kept in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable
import contextlib

from .audio import LeadingTagStripper
from .chunking import split_text
from .dashscope import DashScopeClient, ProtocolError
from .speech import OutputFormat, SpeechPlan

# Requests of one text that may run at once (the service allows 180 per minute).
MAX_IN_FLIGHT = 3


async def synthesize(
    client: DashScopeClient, plan: SpeechPlan, text: str, output: OutputFormat
) -> bytes:
    """The whole audio of ``text``: PCM (``output.service_format`` ``pcm``) or MP3 bytes.

    Raises the client's ``DashScopeError`` on any failure, and ``ProtocolError`` when the
    service sent no audio at all: nothing partial is returned.
    """
    chunks = split_text(text, plan.text_limit, plan.cost)
    if not chunks:
        raise ProtocolError("there is no text to speak")
    if plan.realtime:  # one session hears the whole text: keep the spaces between chunks
        chunks = with_gaps(text, chunks)
    parts = [audio async for audio in stream_audio(client, plan, _aiter(chunks), output)]
    return b"".join(parts)


def with_gaps(text: str, chunks: list[str]) -> list[str]:
    """The chunks of ``text`` with the whitespace before each kept, so that they join back
    into the text (for a realtime session, where appended pieces are read as one)."""
    pieces: list[str] = []
    end = 0
    for chunk in chunks:
        start = text.find(chunk, end)
        if start < 0:  # pragma: no cover - split_text keeps every chunk a substring
            return chunks
        pieces.append(text[end if pieces else start : start + len(chunk)])
        end = start + len(chunk)
    return pieces


def stream_audio(
    client: DashScopeClient,
    plan: SpeechPlan,
    chunks: AsyncIterable[str],
    output: OutputFormat,
) -> AsyncIterator[bytes]:
    """Yield the audio of ``chunks`` (each within the plan's text limit) in order, as it
    arrives: over one realtime session for realtime models, else one SSE request per chunk
    with up to ``MAX_IN_FLIGHT`` running ahead."""
    if plan.realtime:
        return _realtime_audio(client, plan, chunks, output)
    return _http_audio(client, plan, chunks, output)


async def _aiter(items: Iterable[str]) -> AsyncIterator[str]:
    for item in items:
        yield item


class _Request:
    """One SSE synthesis running in its own task, its audio queued for the consumer."""

    def __init__(self, client: DashScopeClient, plan: SpeechPlan, text: str, output: OutputFormat):
        self._queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
        self.task = asyncio.create_task(self._run(client, plan, text, output))

    async def _run(
        self, client: DashScopeClient, plan: SpeechPlan, text: str, output: OutputFormat
    ) -> None:
        request = plan.synthesis_request(text, output.service_format, output.sample_rate)
        received = 0
        try:
            async with contextlib.aclosing(client.stream_synthesis(request)) as audio:
                async for data in audio:
                    received += len(data)
                    self._queue.put_nowait(data)
            if not received:
                raise ProtocolError(f"no audio came back for {text[:32]!r}")  # noqa: TRY301
        except Exception as err:  # noqa: BLE001 - handed to the consumer
            self._queue.put_nowait(err)
        else:
            self._queue.put_nowait(None)

    async def audio(self) -> AsyncIterator[bytes]:
        """The request's audio as it arrives; raises its failure."""
        while (item := await self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item


class _Failed:
    """The chunk source failed: re-raised by the consumer in order."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


async def _http_audio(
    client: DashScopeClient,
    plan: SpeechPlan,
    chunks: AsyncIterable[str],
    output: OutputFormat,
) -> AsyncIterator[bytes]:
    """Start a request per chunk as soon as fewer than ``MAX_IN_FLIGHT`` are pending, and
    yield their audio strictly in chunk order. A window slot frees when the consumer has
    taken all of a request's audio, so at most that many requests exist (and run) at once
    and memory stays bounded however long the text."""
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    pending: asyncio.Queue[_Request | _Failed | None] = asyncio.Queue()
    started: list[_Request] = []

    async def schedule() -> None:
        try:
            async for text in chunks:
                await slots.acquire()
                request = _Request(client, plan, text, output)
                started.append(request)
                pending.put_nowait(request)
        except Exception as err:  # noqa: BLE001 - handed to the consumer
            pending.put_nowait(_Failed(err))
        else:
            pending.put_nowait(None)

    scheduler = asyncio.create_task(schedule())
    first = True
    try:
        while (request := await pending.get()) is not None:
            if isinstance(request, _Failed):
                raise request.error
            # Later MP3 streams lose their leading ID3 tag so the joined file is one stream.
            strip = LeadingTagStripper() if output.service_format == "mp3" and not first else None
            async for data in request.audio():
                if piece := strip.feed(data) if strip is not None else data:
                    yield piece
            if strip is not None and (rest := strip.flush()):
                yield rest
            first = False
            started.remove(request)
            slots.release()
    finally:
        scheduler.cancel()
        for running in started:
            running.task.cancel()
        await asyncio.gather(scheduler, *(r.task for r in started), return_exceptions=True)


async def _realtime_audio(
    client: DashScopeClient,
    plan: SpeechPlan,
    chunks: AsyncIterable[str],
    output: OutputFormat,
) -> AsyncIterator[bytes]:
    """One realtime session: text appended as it comes, audio yielded until the session
    finishes. A failing text source ends the session at once; the socket is closed however
    the iteration ends."""
    settings = plan.realtime_settings(output.service_format, output.sample_rate)
    received = 0
    async with client.realtime_session(settings) as session:

        async def feed() -> None:
            async for text in chunks:
                await session.append(text)
            await session.finish()

        feeder = asyncio.create_task(feed())
        audio = session.audio()
        try:
            while True:
                delta = asyncio.ensure_future(anext(audio))
                if not feeder.done():
                    await asyncio.wait((delta, feeder), return_when=asyncio.FIRST_COMPLETED)
                if feeder.done() and not delta.done() and feeder.exception() is not None:
                    delta.cancel()
                    await asyncio.gather(delta, return_exceptions=True)
                    await feeder  # raises the text source's failure
                try:
                    data = await delta
                except StopAsyncIteration:
                    break
                received += len(data)
                yield data
            await feeder
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)
            await audio.aclose()
    if not received:
        raise ProtocolError("the realtime session sent no audio")
