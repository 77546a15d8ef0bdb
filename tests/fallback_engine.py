"""A second text-to-speech engine for the fallback tests: a real ``tts`` entity of its own.

It speaks ``render_pcm("Backup: " + message)`` at its own sample rate, so its audio is told
apart from the emulator's (``render_pcm(message)``), and records every call.
"""

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from homeassistant.components import tts
from homeassistant.components.tts import TextToSpeechEntity, TtsAudioType
from homeassistant.components.tts.entity import TTSAudioRequest, TTSAudioResponse
from homeassistant.core import HomeAssistant

from custom_components.qwen_tts.dashscope import wav_header as streaming_wav_header

from .emulator.audio import render_pcm, wav_bytes

PREFIX = "Backup: "
RATE = 16000


def backup_pcm(message: str, sample_rate: int = RATE) -> bytes:
    """What the backup engine speaks for ``message``."""
    return render_pcm(PREFIX + message, sample_rate)


@dataclass
class Call:
    """One message the backup engine was asked for."""

    message: str
    language: str
    options: dict[str, Any]
    deltas: list[str] = field(default_factory=list)


class BackupEngine(TextToSpeechEntity):
    """Speaks whole messages as a 16 kHz WAV (Home Assistant converts to what is asked)."""

    _attr_name = "Backup voice"
    _attr_default_language = "en-US"

    def __init__(self, unique_id: str = "backup") -> None:
        """No calls yet; speaks English and German."""
        self._attr_unique_id = unique_id
        self._attr_supported_languages = ["en-US", "de-DE"]
        self.calls: list[Call] = []
        self.fail = False

    async def async_get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        """The whole message's WAV."""
        self.calls.append(Call(message, language, dict(options)))
        if self.fail:
            return None, None
        return "wav", wav_bytes(backup_pcm(message), RATE)


class StreamingBackupEngine(BackupEngine):
    """Speaks each piece of a text stream as soon as it arrives (a streaming engine)."""

    _attr_name = "Streaming backup voice"

    async def async_stream_tts_audio(self, request: TTSAudioRequest) -> TTSAudioResponse:
        """A streaming WAV: the header, then each delta's PCM as it arrives."""
        call = Call("", request.language, dict(request.options))
        self.calls.append(call)

        async def audio() -> AsyncGenerator[bytes]:
            yield streaming_wav_header(RATE)
            async for delta in request.message_gen:
                call.deltas.append(delta)
                call.message += delta
                yield render_pcm((PREFIX if len(call.deltas) == 1 else "") + delta, RATE)

        return TTSAudioResponse("wav", audio())


async def add_backup_engine(hass: HomeAssistant, engine: BackupEngine) -> str:
    """Add ``engine`` to Home Assistant's ``tts`` entities; its entity id."""
    await hass.data[tts.DATA_COMPONENT].async_add_entities([engine])
    assert engine.entity_id is not None
    return engine.entity_id
