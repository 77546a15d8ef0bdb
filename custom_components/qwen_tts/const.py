"""Constants of the Qwen TTS integration."""

from collections.abc import Mapping
import logging
from typing import Any, Final

from .dashscope import Endpoint

DOMAIN: Final = "qwen_tts"
LOGGER = logging.getLogger(__package__)

CONF_REGION: Final = "region"
CONF_BASE_URL: Final = "base_url"


def endpoint_from_data(data: Mapping[str, Any]) -> Endpoint:
    """The account's endpoint, from its entry data (region, and base_url for ``custom``)."""
    return Endpoint.for_region(data[CONF_REGION], data.get(CONF_BASE_URL))


SUBENTRY_TTS: Final = "tts"
CONF_MODEL: Final = "model"
CONF_VOICE: Final = "voice"
CONF_LANGUAGE: Final = "language"
CONF_INSTRUCTIONS: Final = "instructions"
CONF_OPTIMIZE_INSTRUCTIONS: Final = "optimize_instructions"
CONF_SPEECH_RATE: Final = "speech_rate"
CONF_PITCH_RATE: Final = "pitch_rate"
CONF_VOLUME: Final = "volume"
# Another tts entity that speaks when DashScope cannot.
CONF_FALLBACK_ENGINE: Final = "fallback_engine"

# tts.speak options (besides voice/model/instructions/... above).
ATTR_LANGUAGE_TYPE: Final = "language_type"

DEFAULT_PROFILE_NAME: Final = "Qwen TTS"
DEFAULT_MODEL: Final = "qwen3-tts-flash"
DEFAULT_VOICE: Final = "Cherry"
DEFAULT_CLONE_MODEL: Final = "qwen3-tts-vc-2026-01-22"
DEFAULT_DESIGN_MODEL: Final = "qwen3-tts-vd-2026-01-26"
DEFAULT_SPEECH_RATE: Final = 1.0
DEFAULT_PITCH_RATE: Final = 1.0
DEFAULT_VOLUME: Final = 50

# The profile created with every account (subentry data; its title is the profile name).
DEFAULT_PROFILE: Final = {
    CONF_MODEL: DEFAULT_MODEL,
    CONF_VOICE: DEFAULT_VOICE,
    CONF_SPEECH_RATE: DEFAULT_SPEECH_RATE,
    CONF_PITCH_RATE: DEFAULT_PITCH_RATE,
    CONF_VOLUME: DEFAULT_VOLUME,
}

# Account options: speech-to-text.
CONF_STT_MODEL: Final = "stt_model"
CONF_STT_AUTO_LANGUAGE: Final = "stt_auto_language"
CONF_STT_CONTEXT: Final = "stt_context"
