"""Realtime speech recognition: ``GET /api-ws/v1/realtime?model=qwen3-asr-flash-realtime``.

Events of qwen-asr-api.md section 3. Manual mode (``turn_detection: null``): audio is
recognised at ``input_audio_buffer.commit``; VAD mode (the default): a commit is an error and
the audio is recognised at ``session.finish``. While audio arrives, a partial
``...transcription.text`` event reveals one more word of the transcript per second of
speech. Without speech there is no ``completed`` event, only ``session.finished``.
"""

import base64
import binascii
from collections.abc import Mapping
from typing import Any, ClassVar, override

from .recognition import LANGUAGES, HeardAudio, has_speech, recognition_pause
from .session import ServerSession, new_id
from .store import TRANSCRIPTION

SAMPLE_RATES = (8000, 16000)
MAX_UTTERANCE_SECONDS = 60
PARTIAL = "conversation.item.input_audio_transcription.text"
COMPLETED = "conversation.item.input_audio_transcription.completed"


class TranscriptionSession(ServerSession):
    """The server side of one realtime recognition session (driven by ``handle_realtime``):
    VAD mode and pcm at 16 kHz by default."""

    DEFAULTS: ClassVar[Mapping[str, Any]] = {
        "input_audio_format": "pcm",
        "sample_rate": 16000,
        "input_audio_transcription": {},
        "turn_detection": {"type": "server_vad", "threshold": 0.5, "silence_duration_ms": 200},
    }
    _buffer = b""  # audio of the utterance not yet recognised
    _partial_words = 0  # transcript words revealed by partial events of this utterance

    @override
    def view(self) -> dict[str, Any]:
        """The ``session`` object, as the service shows it (text out, ``pcm16`` in)."""
        return {**super().view(), "modalities": ["text"], "input_audio_format": "pcm16"}

    @property
    def _language(self) -> str | None:
        language = (self._config.get("input_audio_transcription") or {}).get("language")
        return language if isinstance(language, str) else None

    @override
    async def handle(self, event: dict[str, Any]) -> bool:
        """Serve one client event; False ends the session."""
        match event.get("type"):
            case "session.update":
                return await self._update(event)
            case "input_audio_buffer.append":
                return await self._append(event)
            case "input_audio_buffer.commit":
                if self._config.get("turn_detection") is not None:
                    await self.error(
                        "InvalidParameter", "input_audio_buffer.commit needs manual mode.", event
                    )
                    return True
                item_id = new_id("item")
                await self._send(
                    "input_audio_buffer.committed", previous_item_id=None, item_id=item_id
                )
                return await self._recognise(item_id)
            case "session.finish":
                if not self._buffer or await self._recognise(new_id("item")):
                    await self._finish()
                return False
            case other:
                await self.error("InvalidParameter", f"Unknown event type: {other}", event)
                return True

    @override
    def _invalid_config(self, config: dict[str, Any]) -> str | None:
        if config.get("input_audio_format") not in ("pcm", "opus"):
            return f"Unsupported input_audio_format: {config.get('input_audio_format')}"
        if config.get("sample_rate") not in SAMPLE_RATES:
            return f"Unsupported sample_rate: {config.get('sample_rate')}"
        language = (config.get("input_audio_transcription") or {}).get("language")
        if language is not None and language not in LANGUAGES:
            return f"Unsupported language: {language}"
        return None

    async def _append(self, event: dict[str, Any]) -> bool:
        if await self._refuse_first_append(event):
            return False
        try:
            self._buffer += base64.b64decode(str(event.get("audio", "")), validate=True)
        except binascii.Error, ValueError:
            await self.error("InvalidParameter", "audio is not valid base64.", event)
            return True
        rate = int(self._config["sample_rate"])
        if len(self._buffer) > MAX_UTTERANCE_SECONDS * rate * 2:
            await self.error("InvalidParameter", "The audio exceeds 60 s per utterance.", event)
            return False
        words = self._emu.transcript.split()
        heard = int(len(self._buffer) / (rate * 2))
        if has_speech(self._buffer) and min(heard, len(words)) > self._partial_words:
            self._partial_words = min(heard, len(words))
            fixed = " ".join(words[: self._partial_words - 1])
            stash = words[self._partial_words - 1]
            await self._send(
                PARTIAL,
                item_id=new_id("item"),
                content_index=0,
                language=self._language or self._emu.detected_language,
                emotion="neutral",
                text=f"{fixed} " if fixed else "",
                stash=stash,
            )
        return True

    async def _recognise(self, item_id: str) -> bool:
        """Recognise the buffered audio as one utterance (``completed`` only with speech)."""
        pcm, self._buffer = self._buffer, b""
        self._partial_words = 0
        context = ((self._config.get("input_audio_transcription") or {}).get("corpus") or {}).get(
            "text"
        )
        rate = int(self._config["sample_rate"])
        self._emu.heard.append(
            HeardAudio(
                TRANSCRIPTION, self._model, "pcm", rate, 1, 2, pcm, self._language, context or None
            )
        )
        # Realtime audio was processed while it arrived: only the fixed delay remains.
        await recognition_pause(self._emu, 0.0)
        if pcm and has_speech(pcm):
            await self._send(
                COMPLETED,
                item_id=item_id,
                content_index=0,
                language=self._language or self._emu.detected_language,
                emotion="neutral",
                transcript=self._emu.transcript,
            )
        return True
