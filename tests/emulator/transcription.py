"""Realtime speech recognition: ``GET /api-ws/v1/realtime?model=qwen3-asr-flash-realtime``.

Events of qwen-asr-api.md section 3. Manual mode (``turn_detection: null``): audio is
recognised at ``input_audio_buffer.commit``; VAD mode (the default): a commit is an error and
the audio is recognised at ``session.finish``. While audio arrives, a partial
``...transcription.text`` event reveals one more word of the transcript per second of
speech. Without speech there is no ``completed`` event, only ``session.finished``.
"""

import base64
import binascii
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .recognition import LANGUAGES, HeardAudio, has_speech, recognition_pause
from .store import TRANSCRIPTION, RecordedRequest
from .wire import dumps

if TYPE_CHECKING:
    from .server import DashScopeEmulator

SAMPLE_RATES = (8000, 16000)
MAX_UTTERANCE_SECONDS = 60
PARTIAL = "conversation.item.input_audio_transcription.text"
COMPLETED = "conversation.item.input_audio_transcription.completed"


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class TranscriptionSession:
    """The server side of one realtime recognition session (driven by ``handle_realtime``)."""

    def __init__(
        self,
        emu: DashScopeEmulator,
        socket: web.WebSocketResponse,
        record: RecordedRequest,
        model: str,
    ) -> None:
        """A fresh session with the service defaults (VAD mode, pcm at 16 kHz)."""
        self._emu = emu
        self._socket = socket
        self._record = record
        self._model = model
        self._session_id = _id("sess")
        self._config: dict[str, Any] = {
            "input_audio_format": "pcm",
            "sample_rate": 16000,
            "input_audio_transcription": {},
            "turn_detection": {"type": "server_vad", "threshold": 0.5, "silence_duration_ms": 200},
        }
        self._buffer = bytearray()
        self._partial_words = 0
        self._appended = False

    def view(self) -> dict[str, Any]:
        """The ``session`` object of ``session.created`` / ``session.updated``."""
        shown = {**self._config, "input_audio_format": "pcm16"}
        return {
            "object": "realtime.session",
            "id": self._session_id,
            "model": self._model,
            "modalities": ["text"],
            **shown,
        }

    @property
    def _language(self) -> str | None:
        language = (self._config.get("input_audio_transcription") or {}).get("language")
        return language if isinstance(language, str) else None

    async def _send(self, event_type: str, **fields: Any) -> None:
        await self._socket.send_str(dumps({"event_id": _id("event"), "type": event_type, **fields}))

    async def error(self, code: str, message: str, cause: dict[str, Any] | None = None) -> None:
        """Send an ``error`` event."""
        await self._send(
            "error",
            error={
                "type": "invalid_request_error",
                "code": code,
                "message": message,
                "param": None,
                "event_id": (cause or {}).get("event_id"),
            },
        )

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
                item_id = _id("item")
                await self._send(
                    "input_audio_buffer.committed", previous_item_id=None, item_id=item_id
                )
                return await self._recognise(item_id)
            case "session.finish":
                if self._buffer and not await self._recognise(_id("item")):
                    return False
                if self._emu.ws_close_before_finish:
                    return False
                await self._send("session.finished", session={"id": self._session_id})
                return False
            case other:
                await self.error("InvalidParameter", f"Unknown event type: {other}", event)
                return True

    async def _update(self, event: dict[str, Any]) -> bool:
        session = event.get("session")
        if not isinstance(session, dict):
            await self.error("InvalidParameter", "session must be an object.", event)
            return False
        config = {**self._config, **session}
        problem = None
        if config.get("input_audio_format") not in ("pcm", "opus"):
            problem = f"Unsupported input_audio_format: {config.get('input_audio_format')}"
        elif config.get("sample_rate") not in SAMPLE_RATES:
            problem = f"Unsupported sample_rate: {config.get('sample_rate')}"
        else:
            language = (config.get("input_audio_transcription") or {}).get("language")
            if language is not None and language not in LANGUAGES:
                problem = f"Unsupported language: {language}"
        if problem is not None:
            await self.error("InvalidParameter", problem, event)
            return False
        self._config = config
        await self._send("session.updated", session=self.view())
        return True

    async def _append(self, event: dict[str, Any]) -> bool:
        if self._emu.ws_error_after_append is not None and not self._appended:
            code, message = self._emu.ws_error_after_append
            await self.error(code, message, event)
            return False
        self._appended = True
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
        if has_speech(bytes(self._buffer)) and min(heard, len(words)) > self._partial_words:
            self._partial_words = min(heard, len(words))
            fixed = " ".join(words[: self._partial_words - 1])
            stash = words[self._partial_words - 1]
            await self._send(
                PARTIAL,
                item_id=_id("item"),
                content_index=0,
                language=self._language or self._emu.detected_language,
                emotion="neutral",
                text=f"{fixed} " if fixed else "",
                stash=stash,
            )
        return True

    async def _recognise(self, item_id: str) -> bool:
        """Recognise the buffered audio as one utterance (``completed`` only with speech)."""
        pcm, self._buffer = bytes(self._buffer), bytearray()
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
