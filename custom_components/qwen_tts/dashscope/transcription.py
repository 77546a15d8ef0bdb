"""Realtime speech recognition (``qwen3-asr-flash-realtime``) over the realtime WebSocket.

Events (qwen-asr-api.md section 3, from "Client events / Server events for Qwen-ASR-Realtime"):
the client sends ``input_audio_buffer.append`` (base64 s16le PCM) while the person speaks,
then ``input_audio_buffer.commit`` and ``session.finish``; the service answers
``conversation.item.input_audio_transcription.text`` (partial: ``text`` + ``stash``) and
``...completed`` (``transcript``), then ``session.finished``. Without speech there is no
``completed``, only ``session.finished``.
"""

import base64
from collections.abc import AsyncGenerator
import re
from typing import override

import aiohttp

from .bounds import ProgressWatch
from .errors import DashScopeError, ProtocolError
from .http import JsonObject, as_object, as_str
from .models import TranscriptionSettings, TranscriptUpdate
from .realtime import RealtimeConnection, _Event

PARTIAL = "conversation.item.input_audio_transcription.text"
COMPLETED = "conversation.item.input_audio_transcription.completed"
FAILED = "conversation.item.input_audio_transcription.failed"
SAMPLE_WIDTH = 2
# Once the audio ended: the longest wait for the next transcription event.
ANSWER_TIMEOUT = 10.0


# Chinese and Japanese (Han, kana, CJK and full-width punctuation) are written without spaces;
# every other script the service recognises (Latin, Cyrillic, Arabic, Hangul, Thai between
# sentences...) puts one between utterances.
_NO_SPACE = re.compile(
    "[\u2e80-\u2fff\u3000-\u30ff\u3100-\u312f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]"
)


def _join(parts: list[str]) -> str:
    """Utterances in order; a space between them unless one side is written without spaces."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text and not (_NO_SPACE.match(text[-1]) or _NO_SPACE.match(part[0])):
            text += " "
        text += part
    return text


class TranscriptionSession(RealtimeConnection):
    """``async with client.transcription_session(settings) as s:`` opens a manual-mode
    session; ``append`` audio as it arrives, then ``finish`` (commit + ``session.finish``)
    when the speech ended, while another task iterates ``updates()``.

    ``updates()`` yields the whole text so far each time it changes and ends with one
    ``final`` update at ``session.finished`` (empty text: no speech heard); errors raise
    ``DashScopeError``.

    Bounds (a ``ProgressWatch``): while audio is still being appended the service is not
    waited on (the audio source paces the session). Once ``finish`` was sent, each wait for
    the next transcription event is at most ``answer_timeout``, and all the waiting at most
    ``answer_timeout`` plus the seconds of audio sent; running out raises
    ``StalledStreamError``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        settings: TranscriptionSettings,
        *,
        timeout: float,
        answer_timeout: float = ANSWER_TIMEOUT,
    ) -> None:
        """Prepare the session; nothing is sent before ``__aenter__`` (``timeout`` bounds
        connecting and the handshake)."""
        super().__init__(session, url, api_key, settings.model, timeout=timeout)
        self.settings = settings
        self.answer_timeout = answer_timeout
        self.audio_bytes = 0
        """How many bytes of PCM were appended so far."""
        self._completed: list[str] = []
        self._language: str | None = None

    @property
    def seconds(self) -> float:
        """Seconds of audio appended so far."""
        return self.audio_bytes / (self.settings.sample_rate * SAMPLE_WIDTH)

    @override
    def _session_config(self) -> JsonObject:
        s = self.settings
        transcription: JsonObject = {}
        if s.language:
            transcription["language"] = s.language
        if s.context:
            transcription["corpus"] = {"text": s.context}
        return {
            "modalities": ["text"],
            "input_audio_format": "pcm",
            "sample_rate": s.sample_rate,
            "input_audio_transcription": transcription,
            "turn_detection": None,
        }

    async def append(self, pcm: bytes) -> None:
        """Send ``input_audio_buffer.append`` with s16le mono PCM at the session's rate."""
        if pcm:
            await self._send(
                {"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode()}
            )
            self.audio_bytes += len(pcm)

    async def finish(self) -> None:
        """The speech ended: commit what was appended (if anything) and end the session;
        from now on the service owes the transcript."""
        if self.audio_bytes:
            await self._send({"type": "input_audio_buffer.commit"})
        await self._send({"type": "session.finish"})
        self._owe(
            ProgressWatch(
                f"realtime recognition with {self.settings.model}",
                first=self.answer_timeout,
                gap=self.answer_timeout,
                overall=self.answer_timeout + self.seconds,
            )
        )

    @override
    def _received(self, event: JsonObject) -> _Event:
        """Each transcription event is progress."""
        if self._owed is not None and event.get("type") in (PARTIAL, COMPLETED):
            self._owed.progress()
        return event

    async def updates(self) -> AsyncGenerator[TranscriptUpdate]:
        """Yield the text so far as it changes; the last update is ``final``."""
        with self._iteration("updates"):
            while not self._finished:
                item = await self._next_event("realtime recognition")
                if (update := self._update(item)) is not None:
                    yield update

    def _update(self, event: JsonObject) -> TranscriptUpdate | None:
        match event.get("type"):
            case "session.finished":
                self._finished = True
                return TranscriptUpdate(_join(self._completed), True, self._language)
            case "error":
                raise self._error_event(event)
            case str() as kind if kind == FAILED:
                raise self._error_event(event)
            case str() as kind if kind == PARTIAL:
                self._language = as_str(event.get("language")) or self._language
                live = f"{as_str(event.get('text')) or ''}{as_str(event.get('stash')) or ''}"
                return TranscriptUpdate(_join([*self._completed, live]), False, self._language)
            case str() as kind if kind == COMPLETED:
                self._language = as_str(event.get("language")) or self._language
                self._completed.append(as_str(event.get("transcript")) or "")
                return TranscriptUpdate(_join(self._completed), False, self._language)
        return None

    @override
    def _error_event(self, event: JsonObject) -> DashScopeError:
        body = as_object(event.get("error"))
        if not body:
            return ProtocolError(f"realtime recognition: {event.get('type')} without details")
        return super()._error_event(event)
