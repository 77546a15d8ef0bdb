"""Speech while the text is still arriving (``async_stream_tts_audio``).

Home Assistant hands a streaming entity its text as an async generator: an LLM's reply delta
by delta in Assist, or the whole message as one item for ``tts.speak``. Its Markdown is
removed first, as it arrives (``speakable.py``). Two pipelines turn it into one audio stream,
yielded as soon as each piece of audio arrives:

- live: text that is still streaming in, for a model with a realtime counterpart, goes to ONE
  realtime WebSocket session (``server_commit``): every delta is appended as it settles and
  ``session.finish`` follows the last one, while the audio deltas are read concurrently.
- sentences: text that is complete up front, or any text for an HTTP-only model or voice, is
  cut at sentence boundaries into requests (SSE synthesis, or one realtime session each for a
  realtime-only voice; ``chunking.py``); the first starts at once, later ones are pipelined
  and their audio is yielded strictly in order (``sentence_pipeline.py``).

The stream is MP3 straight from the service, or s16le mono PCM at the rate the service was
asked for in a WAV: with the streaming header (sizes 0xFFFFFFFF) while it streams, or with its
real sizes when it is a finished file (see below). A failure raises, whatever audio came
before it; the WebSocket is closed and pending requests are cancelled however the stream
ends, also when the consumer stops early.

Home Assistant drives every message through ``async_stream_tts_audio`` once an entity
implements it, ``tts.speak`` included (the text wrapped in a one-item generator); the
entity's ``async_get_tts_audio`` runs the same pipeline (``file``). The plan (``speech.py``)
has already chosen the transports and the output for Home Assistant's ``preferred_*``
options; Home Assistant converts with ffmpeg what does not match them and otherwise keeps
our bytes verbatim as the finished file: served from its memory cache and written to its
file cache.

A WAV carries a length in its header, unknown until synthesis ends. So when Home Assistant
asked for a plain WAV file (``preferred_format: wav`` and no sample rate, channel count or
width) AND the whole text was there from the start (``tts.speak``), the audio is held back
and sent as one WAV with its real sizes: a downloaded file must not claim a fake length, and
latency does not matter more than a correct file there. Everything else streams at once: MP3,
live text (Assist, where first audio matters), and a WAV of a given shape (a satellite's),
which carries the streaming header as Home Assistant's own converted WAV streams do.
"""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import aclosing
from typing import Any, override

from .const import DOMAIN
from .dashscope import (
    DashScopeClient,
    DashScopeError,
    IncompleteAudioError,
    SpeechSettings,
    pcm_to_wav,
    wav_header,
)
from .errors import validation_error
from .fallback import Fallback, TextTape
from .sentence_pipeline import SentencePipeline, Synthesize, cancel_and_wait
from .service_status import is_service_failure
from .speakable import speakable
from .speech import OutputFormat, SpeechPlan

type Reporter = Callable[[DashScopeError | None], None]


class Speech(ABC):
    """A call's speech: its output format and its audio, from the service (``SpeechStream``)
    or from the fallback engine alone (``FallbackOnly``)."""

    def __init__(self, output: OutputFormat, options: Mapping[str, Any], language: str) -> None:
        """The call's format, its options (they name the message in Home Assistant's cache)
        and its language tag; nothing is spoken before ``audio()``."""
        self.output = output
        self._options = options
        self._language = language

    def audio(self, message_gen: AsyncIterator[str]) -> AsyncGenerator[bytes]:
        """Yield the audio of the text ``message_gen`` produces, as it comes.

        A WAV streams with the streaming header, except for text that was complete from the
        start when Home Assistant keeps the bytes as the finished file: that WAV comes in one
        piece with its real sizes once synthesis ends. Raises ``DashScopeError`` on any
        failure, ``ServiceValidationError`` when there is no text at all; whatever
        ``message_gen`` raises propagates.
        """
        return self._speak(message_gen, finished_file=self.output.plain)

    async def file(self, message: str) -> bytes:
        """The whole audio of ``message``: a WAV with its real sizes, or MP3. Raises like
        ``audio()``; nothing partial is ever returned."""
        async with aclosing(self._speak(_once(message), finished_file=True)) as audio:
            return b"".join([chunk async for chunk in audio])

    @abstractmethod
    def _speak(
        self, message_gen: AsyncIterator[str], *, finished_file: bool
    ) -> AsyncGenerator[bytes]:
        """The audio of the text; a WAV of complete text in one piece when
        ``finished_file``."""

    async def _fallback_audio(
        self, fallback: Fallback, failure: DashScopeError, tape: TextTape, finished_file: bool
    ) -> AsyncGenerator[bytes]:
        """The whole text spoken by the fallback engine, in the call's format."""
        spoken = fallback.audio(
            failure, tape, self._language, self.output, self._options, finished_file=finished_file
        )
        async with aclosing(spoken) as audio:
            async for chunk in audio:
                yield chunk


class SpeechStream(Speech):
    """One synthesis of a plan.

    ``options`` are the call's (they name the message in Home Assistant's cache). ``report``
    hears the outcome: ``None`` once the service's audio flows, or the failure. ``fallback``
    (with the call's ``language``) speaks the text when the service fails before any audio
    went out (see ``fallback.py``).
    """

    def __init__(
        self,
        client: DashScopeClient,
        plan: SpeechPlan,
        options: Mapping[str, Any],
        *,
        report: Reporter | None = None,
        fallback: Fallback | None = None,
        language: str = "",
    ) -> None:
        """Nothing is sent before ``audio()``."""
        super().__init__(plan.output, options, language)
        self._client = client
        self._plan = plan
        self._report = report
        self._fallback = fallback

    @override
    async def _speak(
        self, message_gen: AsyncIterator[str], *, finished_file: bool
    ) -> AsyncGenerator[bytes]:
        """The service's audio; the fallback's when the service fails before any audio."""
        fallback = self._fallback
        tape = TextTape(message_gen) if fallback is not None else None
        text = _TextSource(speakable(tape.play() if tape is not None else message_gen))
        sent = False
        # The fallback, the service's failure and the text, once the fallback is to speak.
        rescue: tuple[Fallback, DashScopeError, TextTape] | None = None
        try:
            try:
                async with aclosing(self._service_audio(text, finished_file)) as audio:
                    async for chunk in audio:
                        if not sent:
                            sent = True
                            self._outcome(None)
                        yield chunk
            except DashScopeError as err:
                self._outcome(err)
                if sent or fallback is None or tape is None or not is_service_failure(err):
                    raise
                rescue = (fallback, err, tape)
            if rescue is not None:
                text.close()
                async with aclosing(self._fallback_audio(*rescue, finished_file)) as audio:
                    async for chunk in audio:
                        yield chunk
        finally:
            text.close()
            if tape is not None:
                await tape.close()

    def _outcome(self, err: DashScopeError | None) -> None:
        if self._report is not None:
            self._report(err)
        if err is None and self._fallback is not None:
            self._fallback.recovered()

    async def _service_audio(self, text: _TextSource, finished_file: bool) -> AsyncGenerator[bytes]:
        if not await text.start():
            raise validation_error("empty_message")
        sent = False
        wav = self.output.extension == "wav"
        async with aclosing(self._source(text)) as source:
            if wav and finished_file and text.complete:
                # Held back for one WAV with its real sizes (see the module's docstring).
                if pcm := b"".join([chunk async for chunk in source]):
                    sent = True
                    yield pcm_to_wav(pcm, self.output.sample_rate)
            else:
                header = wav_header(self.output.sample_rate) if wav else b""
                async for chunk in source:
                    sent = True
                    yield header + chunk
                    header = b""
        if not sent:
            raise IncompleteAudioError("the service sent no audio for the text")

    def _source(self, text: _TextSource) -> AsyncGenerator[bytes]:
        """The audio of the text: the plan's live realtime session for text still streaming
        in, else sentence requests over the plan's transport."""
        plan = self._plan
        if plan.live is not None and not text.complete:
            return self._live_audio(plan.live, text.deltas())
        synthesize: Synthesize = self._realtime_text if plan.realtime else self._sse_text
        pipeline = SentencePipeline(
            synthesize, plan.text_limit, plan.cost, strip_tags=self.output.extension == "mp3"
        )
        return pipeline.audio(text.deltas())

    def _sse_text(self, text: str) -> AsyncGenerator[bytes]:
        """A whole text as one SSE synthesis."""
        return self._client.stream_synthesis(self._plan.settings, text)

    async def _realtime_text(self, text: str) -> AsyncGenerator[bytes]:
        """A whole text over one realtime session."""
        async with self._client.realtime_session(self._plan.settings) as session:
            await session.append(text)
            await session.finish()
            async with aclosing(session.audio()) as audio:
                async for chunk in audio:
                    yield chunk

    async def _live_audio(
        self, settings: SpeechSettings, deltas: AsyncGenerator[str]
    ) -> AsyncGenerator[bytes]:
        """One realtime session: a writer task appends each delta as it arrives (then
        ``session.finish``) while the audio deltas are read and yielded."""
        items: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
        async with self._client.realtime_session(settings) as session:

            async def write() -> None:
                async with aclosing(deltas) as text:
                    async for delta in text:
                        if delta:
                            await session.append(delta)
                await session.finish()

            async def read() -> None:
                try:
                    async with aclosing(session.audio()) as audio:
                        async for chunk in audio:
                            items.put_nowait(chunk)
                except Exception as err:  # noqa: BLE001 - handed to the consumer
                    items.put_nowait(err)
                else:
                    items.put_nowait(None)

            writer = asyncio.create_task(write(), name=f"{DOMAIN} realtime text")
            writer.add_done_callback(lambda task: _pass_on_failure(task, items))
            reader = asyncio.create_task(read(), name=f"{DOMAIN} realtime audio")
            try:
                while (item := await items.get()) is not None:
                    if isinstance(item, BaseException):
                        raise item
                    yield item
                if not writer.done():
                    raise IncompleteAudioError(
                        "the realtime session finished before the text ended"
                    )
                if (failure := writer.exception()) is not None:
                    raise failure
            finally:
                await cancel_and_wait(writer, reader)


class FallbackOnly(Speech):
    """Speech by the fallback engine alone: the profile's own plan could not be made
    because the service failed (its voices could not be loaded)."""

    def __init__(
        self,
        fallback: Fallback,
        failure: DashScopeError,
        output: OutputFormat,
        options: Mapping[str, Any],
        language: str,
    ) -> None:
        """Nothing is spoken before ``audio()``."""
        super().__init__(output, options, language)
        self._fallback = fallback
        self._failure = failure

    @override
    async def _speak(
        self, message_gen: AsyncIterator[str], *, finished_file: bool
    ) -> AsyncGenerator[bytes]:
        tape = TextTape(message_gen)
        # Refused like the service's own speech: when no words are left once the Markdown
        # is removed (the fallback would be handed nothing to say).
        text = _TextSource(speakable(tape.play()))
        try:
            if not await text.start():
                raise validation_error("empty_message")
            text.close()
            async with aclosing(
                self._fallback_audio(self._fallback, self._failure, tape, finished_file)
            ) as audio:
                async for chunk in audio:
                    yield chunk
        finally:
            text.close()
            await tape.close()


async def _once(message: str) -> AsyncGenerator[str]:
    """A whole message as Home Assistant passes it: a one-item stream."""
    yield message


def _pass_on_failure(
    task: asyncio.Task[None], items: asyncio.Queue[bytes | BaseException | None]
) -> None:
    """Hand the failure of the task writing the text to the reader of the audio."""
    if not task.cancelled() and (err := task.exception()) is not None:
        items.put_nowait(err)


class _TextSource:
    """The incoming text: its first words, and whether it was complete from the start.

    Home Assistant passes a ``tts.speak`` message as a generator that yields it once and
    ends at once; an LLM's reply keeps the generator waiting for more. ``start`` reads what
    is available without waiting and tells the two apart.
    """

    def __init__(self, message_gen: AsyncIterator[str]) -> None:
        """Nothing read yet."""
        self._gen = message_gen
        self._head: list[str] = []
        self._next: asyncio.Future[str | None] | None = None
        self.complete = False

    async def start(self) -> bool:
        """Read up to the first words; return whether there is any text at all."""
        while True:
            delta = await anext(self._gen, None)
            if delta is None:
                self.complete = True
                return False
            if delta.strip():
                self._head.append(delta)
                break
        # Take whatever else is available without waiting (``close`` cancels the read left
        # waiting, also when the caller is cancelled meanwhile).
        while True:
            self._next = pending = asyncio.ensure_future(anext(self._gen, None))
            await asyncio.sleep(0)
            if not pending.done():
                return True
            self._next = None
            if (delta := pending.result()) is None:
                self.complete = True
                return True
            self._head.append(delta)

    def close(self) -> None:
        """Stop waiting for text that was asked for but never taken."""
        if self._next is not None:
            self._next.cancel()
            self._next = None

    async def deltas(self) -> AsyncGenerator[str]:
        """The text, from its first words on."""
        for delta in self._head:
            yield delta
        self._head = []
        if self.complete:
            return
        try:
            if self._next is not None:
                if (first := await self._next) is None:
                    return
                self._next = None
                yield first
            async for delta in self._gen:
                yield delta
        finally:
            self.close()
