"""Home Assistant's audio stream to text, over either recognition path.

HTTP (``qwen3-asr-flash``): the PCM is kept in memory until the stream ends (Home
Assistant's voice activity detection ends it), then sent as one WAV and freed.
Realtime (``qwen3-asr-flash-realtime``): each chunk goes to the service as it arrives and is
not kept; the end of the stream commits the utterance, so the service never cuts it itself.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
import contextlib
from contextlib import aclosing
from dataclasses import dataclass

from .dashscope import (
    RECOGNITION_SAMPLE_RATE,
    DashScopeClient,
    DashScopeError,
    RecognitionRequest,
    TranscriptionSettings,
    TranscriptUpdate,
    pcm_to_wav,
)
from .stt_catalogue import is_realtime_stt_model

SAMPLE_WIDTH = 2
BYTES_PER_SECOND = RECOGNITION_SAMPLE_RATE * SAMPLE_WIDTH
# The most audio one command may hold. HTTP: 3 minutes of 16 kHz 16-bit mono is 5.8 MB, 7.7 MB
# as base64, inside the service's 10 MB data URI and 5 minute limits. Realtime: the service
# takes at most 60 s per utterance in manual mode.
MAX_HTTP_SECONDS = 180
MAX_REALTIME_SECONDS = 60
# How long the audio stream may stay silent (no chunk at all) before it counts as broken.
AUDIO_IDLE_TIMEOUT = 10.0
# Realtime: how long to wait for the service's next event once the audio ended.
ANSWER_TIMEOUT = 10.0
# Realtime: chunks are batched to about 100 ms per event, as the official sample sends them.
APPEND_BYTES = BYTES_PER_SECOND // 10


class AudioStalledError(Exception):
    """Home Assistant's audio stream sent nothing for ``AUDIO_IDLE_TIMEOUT`` and did not end."""


@dataclass(slots=True)
class Command:
    """One spoken command: how to recognise it (``language`` ``None``: detected by the
    service), and what was taken from the stream (its length, whether it hit the cap)."""

    model: str
    language: str | None = None
    context: str | None = None
    audio_bytes: int = 0
    truncated: bool = False
    billed_seconds: float | None = None
    """What the service billed (``usage.seconds``), when it said."""

    @property
    def seconds(self) -> float:
        """Seconds of audio taken from the stream."""
        return self.audio_bytes / BYTES_PER_SECOND

    @property
    def max_seconds(self) -> int:
        """The most audio one command of this model holds."""
        return MAX_REALTIME_SECONDS if is_realtime_stt_model(self.model) else MAX_HTTP_SECONDS


async def _capped(stream: AsyncIterable[bytes], command: Command) -> AsyncGenerator[bytes]:
    """The stream's chunks up to the command's most audio; each wait bounded."""
    limit = command.max_seconds * BYTES_PER_SECOND
    iterator: AsyncIterator[bytes] = aiter(stream)
    while True:
        try:
            async with asyncio.timeout(AUDIO_IDLE_TIMEOUT):
                chunk = await anext(iterator)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise AudioStalledError(
                f"no audio arrived for {AUDIO_IDLE_TIMEOUT:g} s and the stream did not end"
            ) from None
        room = limit - command.audio_bytes
        if len(chunk) > room:
            command.audio_bytes += room
            command.truncated = True
            if room:
                yield chunk[:room]
            return
        command.audio_bytes += len(chunk)
        yield chunk


async def recognize_once(
    client: DashScopeClient, command: Command, stream: AsyncIterable[bytes]
) -> TranscriptUpdate:
    """Collect the whole command, then recognise it in one HTTP request."""
    pcm = bytearray()
    async with aclosing(_capped(stream, command)) as chunks:
        async for chunk in chunks:
            pcm += chunk
    wav = pcm_to_wav(bytes(pcm), RECOGNITION_SAMPLE_RATE)
    del pcm
    request = RecognitionRequest(
        command.model, wav, language=command.language, context=command.context
    )
    del wav
    transcript = await client.recognize(request)
    command.billed_seconds = transcript.seconds
    return TranscriptUpdate(transcript.text, True, transcript.language)


async def transcribe_live(
    client: DashScopeClient, command: Command, stream: AsyncIterable[bytes]
) -> AsyncGenerator[TranscriptUpdate]:
    """Stream the command to a realtime session as it is spoken; yield the text so far as it
    changes, the last update ``final``."""
    settings = TranscriptionSettings(
        command.model, language=command.language, context=command.context
    )
    async with client.transcription_session(settings, answer_timeout=ANSWER_TIMEOUT) as session:

        async def send_audio() -> None:
            batch = bytearray()
            try:
                async with aclosing(_capped(stream, command)) as chunks:
                    async for chunk in chunks:
                        batch += chunk
                        if len(batch) >= APPEND_BYTES:
                            await session.append(bytes(batch))
                            batch.clear()
                await session.append(bytes(batch))
                await session.finish()
            except Exception:
                await session.close()  # wakes the reader of updates at once
                raise

        sender = asyncio.get_running_loop().create_task(send_audio(), name="qwen_tts stt audio")
        try:
            async with aclosing(session.updates()) as updates:
                async for update in updates:
                    yield update
            await sender
        except DashScopeError:
            if sender.done() and not sender.cancelled() and (err := sender.exception()):
                raise err from None  # the cause: why the audio could not be sent
            raise
        finally:
            if not sender.done():
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
