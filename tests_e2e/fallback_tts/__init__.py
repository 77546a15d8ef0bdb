"""An offline speech engine for the end-to-end check: ``tts.fallback_speech``.

Whatever it is asked to say, it answers with the same WAV: ``SECONDS`` of a quiet
``TONE_HZ`` tone, so a listener (and the check) knows its audio from DashScope's.
Set up from ``fallback_tts:`` in configuration.yaml; no config entry.
"""

from array import array
import io
import math
from typing import Any
import wave

from homeassistant.components.tts import TextToSpeechEntity, TtsAudioType
from homeassistant.components.tts.const import DATA_COMPONENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.typing import ConfigType

DOMAIN = "fallback_tts"
SECONDS = 6.0
TONE_HZ = 330
RATE = 16000


def tone_wav() -> bytes:
    """SECONDS of a TONE_HZ sine, 16-bit mono PCM at RATE Hz, in a WAV file."""
    # Not tests.sample_audio's tone: hass imports this from its own venv, where the tests
    # package and its encoders are not installed.
    samples = array(
        "h",
        (
            round(3000 * math.sin(2 * math.pi * TONE_HZ * n / RATE))
            for n in range(int(SECONDS * RATE))
        ),
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes(samples.tobytes())
    return out.getvalue()


class FallbackSpeech(TextToSpeechEntity):
    """Speaks every message as the same tone, without any network."""

    _attr_name = "Fallback speech"
    _attr_default_language = "en"

    def __init__(self) -> None:
        self._attr_supported_languages = ["en"]
        self._audio = tone_wav()

    async def async_get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        return "wav", self._audio


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Add the one entity to the tts component (which has no YAML entity platforms)."""
    await hass.data[DATA_COMPONENT].async_add_entities([FallbackSpeech()])
    return True
