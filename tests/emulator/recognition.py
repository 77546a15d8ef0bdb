"""Speech recognition (Qwen-ASR): what the emulator hears, and the synchronous HTTP call.

``POST .../multimodal-generation/generation`` with an ASR model takes one audio file as a data
URI (qwen-asr-api.md section 2). The transcript is what the test set (``emu.transcript``);
audio without speech (every sample quiet) gives an empty text, as the model filters
non-speech sounds. Every file received is kept in ``emu.heard``.
"""

import asyncio
import base64
import binascii
from dataclasses import dataclass
import io
import math
from typing import TYPE_CHECKING, Any
import wave

from aiohttp import web
import numpy as np

from .store import RECOGNITION, RecordedRequest, request_id
from .synthesis import RejectedError
from .wire import dumps

if TYPE_CHECKING:
    from .server import DashScopeEmulator

HTTP_ASR_MODELS = frozenset(
    {
        "qwen3-asr-flash",
        "qwen3-asr-flash-2025-09-08",
        "qwen3-asr-flash-2026-02-10",
        "qwen3-asr-flash-us",
        "qwen3-asr-flash-2025-09-08-us",
    }
)
REALTIME_ASR_MODELS = frozenset(
    {
        "qwen3-asr-flash-realtime",
        "qwen3-asr-flash-realtime-2025-10-27",
        "qwen3-asr-flash-realtime-2026-02-10",
    }
)
LANGUAGES = frozenset(
    [
        "zh",
        "yue",
        "en",
        "ja",
        "de",
        "ko",
        "ru",
        "fr",
        "pt",
        "ar",
        "it",
        "es",
        "hi",
        "id",
        "th",
        "tr",
        "uk",
        "vi",
        "cs",
        "da",
        "fil",
        "fi",
        "is",
        "ms",
        "no",
        "pl",
        "sv",
    ]
)
MAX_SECONDS = 300
MAX_DATA_URI = 10 * 1024 * 1024
# A sample above this (of 32767) counts as sound; quieter audio is "no speech".
SPEECH_LEVEL = 500


@dataclass(slots=True)
class HeardAudio:
    """Audio the emulator received for recognition, as s16le PCM with its shape."""

    kind: str  # "recognition" (HTTP) or "transcription" (realtime)
    model: str
    mime_type: str  # "audio/wav" (HTTP) or "pcm" (realtime)
    sample_rate: int
    channels: int
    sample_width: int
    pcm: bytes
    language: str | None
    context: str | None

    @property
    def seconds(self) -> float:
        """Duration of the audio."""
        return len(self.pcm) / (self.sample_rate * self.channels * self.sample_width)


def has_speech(pcm: bytes) -> bool:
    """Whether any sample is loud enough to count as speech."""
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2")
    return bool(samples.size) and int(np.abs(samples.astype(np.int32)).max()) > SPEECH_LEVEL


def billed_seconds(seconds: float) -> int:
    """``usage.seconds``: whole seconds, at least one."""
    return max(1, math.ceil(seconds))


def _refused(message: str) -> RejectedError:
    return RejectedError(400, "InvalidParameter", message)


def _parse_request(body: dict[str, Any]) -> tuple[str, str, bytes, str | None, str | None]:
    """(model, mime type, file bytes, language, context) of a recognition body."""
    model = body["model"]
    if model not in HTTP_ASR_MODELS:
        raise RejectedError(404, "ModelNotFound", "Model not exist.")
    messages = (body.get("input") or {}).get("messages")
    if not isinstance(messages, list):
        raise _refused("input.messages must be a list.")
    audio: str | None = None
    context: str | None = None
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        for item in content if isinstance(content, list) else []:
            if not isinstance(item, dict):
                continue
            if message.get("role") == "system" and isinstance(item.get("text"), str):
                context = item["text"]
            if message.get("role") == "user" and isinstance(item.get("audio"), str):
                audio = item["audio"]
    if audio is None:
        raise _refused("The user message holds no audio.")
    if len(audio) > MAX_DATA_URI:
        raise _refused("The audio data URI exceeds 10 MB.")
    head, sep, encoded = audio.partition(",")
    if not (sep and head.startswith("data:") and head.endswith(";base64")):
        raise _refused("The emulator only takes audio as a base64 data URI.")
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error, ValueError:
        raise _refused("The audio is not valid base64.") from None
    options = (body.get("parameters") or {}).get("asr_options") or {}
    language = options.get("language")
    if language is not None and language not in LANGUAGES:
        raise _refused(f"Unsupported language: {language}")
    return model, head[5:-7], data, language, context or None


def _decode_wav(data: bytes) -> tuple[int, int, int, bytes]:
    """(sample rate, channels, sample width, PCM) of a WAV file; headerless PCM is refused."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            return (
                wav.getframerate(),
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.readframes(wav.getnframes()),
            )
    except (wave.Error, EOFError) as err:
        raise _refused(f"The audio file cannot be decoded: {err}") from None


def answer(emu: DashScopeEmulator, heard: HeardAudio, rid: str) -> dict[str, Any]:
    """The service's answer for what it heard."""
    text = emu.transcript if has_speech(heard.pcm) else ""
    return {
        "request_id": rid,
        "output": {
            "choices": [
                {
                    "finish_reason": "stop",
                    "message": {
                        "role": "assistant",
                        "content": [{"text": text}] if text else [],
                        "annotations": [
                            {
                                "type": "audio_info",
                                "language": heard.language or emu.detected_language,
                                "emotion": "neutral",
                            }
                        ],
                    },
                }
            ]
        },
        "usage": {
            "input_tokens_details": {"text_tokens": 0},
            "output_tokens_details": {"text_tokens": len(text.split())},
            "seconds": billed_seconds(heard.seconds),
        },
    }


async def recognition_pause(emu: DashScopeEmulator, backlog_seconds: float) -> None:
    """The service's work once the audio is complete: ``recognition_delay``, plus the audio
    not yet processed (``backlog_seconds``) at ``realtime_factor`` x real time."""
    delay = emu.recognition_delay
    if emu.realtime_factor:
        delay += backlog_seconds / emu.realtime_factor
    if delay > 0:
        await asyncio.sleep(delay)


async def handle_recognition(
    emu: DashScopeEmulator, request: web.Request, record: RecordedRequest, body: dict[str, Any]
) -> web.StreamResponse:
    """One synchronous recognition: validate like the service, record, answer."""
    rid = request_id()
    if (refusal := await emu.admit(request, record, rid)) is not None:
        return refusal
    try:
        model, mime_type, data, language, context = _parse_request(body)
        rate, channels, width, pcm = _decode_wav(data)
        if channels != 1:
            raise _refused("The audio must be mono.")
        heard = HeardAudio(
            RECOGNITION, model, mime_type, rate, channels, width, pcm, language, context
        )
        if heard.seconds > MAX_SECONDS:
            raise _refused(f"The audio is longer than {MAX_SECONDS} s.")
    except RejectedError as err:
        return emu.error_response(err.status, err.code, err.message, rid)
    emu.heard.append(heard)
    await recognition_pause(emu, heard.seconds)
    return web.json_response(answer(emu, heard, rid), dumps=dumps)
