"""Voice enrollment (cloning) and voice design: request bodies and defensive response parsing."""

import base64
import re

from .http import JsonObject, as_object, as_str
from .models import AccountVoice, VoiceKind

ENROLLMENT_MODEL = "qwen-voice-enrollment"
DESIGN_MODEL = "qwen-voice-design"
CLONED_PREFIX = "qwen-tts-vc-"
DESIGNED_PREFIX = "qwen-tts-vd-"

# qwen-tts-vc-<preferred_name>-voice-<timestamp digits>-<hex>
_VOICE_ID = re.compile(r"^qwen-tts-v[cd]-(?P<name>.+?)-voice-\d+(?:-[0-9A-Za-z]+)?$")

_KNOWN_FIELDS = frozenset({"voice", "target_model", "gmt_create", "language"})


def friendly_name(voice: str) -> str:
    """The ``preferred_name`` a voice was created with, recovered from its id (else the id)."""
    match = _VOICE_ID.match(voice)
    return match.group("name") if match else voice


def model_for_voice(voice: str) -> str | None:
    """The customization model that owns a voice id, or ``None`` when the prefix is unknown."""
    if voice.startswith(CLONED_PREFIX):
        return ENROLLMENT_MODEL
    if voice.startswith(DESIGNED_PREFIX):
        return DESIGN_MODEL
    return None


def parse_voice(
    item: JsonObject,
    kind: VoiceKind,
    *,
    fallback_model: str | None = None,
    fallback_name: str | None = None,
) -> AccountVoice | None:
    """Build an ``AccountVoice`` from a ``voice_list`` entry or a ``create`` output of the
    enrollment (cloned) or design (designed) API.

    Returns ``None`` when the entry has no voice id at all. Unknown fields go to ``extra``.
    """
    voice = as_str(item.get("voice"))
    if not voice:
        return None
    target_model = as_str(item.get("target_model")) or fallback_model or ""
    name = friendly_name(voice)
    if name == voice and fallback_name:
        name = fallback_name
    return AccountVoice(
        voice=voice,
        name=name,
        kind=kind,
        target_model=target_model,
        created=as_str(item.get("gmt_create")),
        language=as_str(item.get("language")),
        extra={k: v for k, v in item.items() if k not in _KNOWN_FIELDS},
    )


def parse_voice_list(output: JsonObject, kind: VoiceKind) -> list[AccountVoice]:
    """The voices of one ``list`` page (``voice_list`` missing or malformed -> none)."""
    items = output.get("voice_list")
    if not isinstance(items, list):
        return []
    voices = []
    for item in items:
        voice = parse_voice(as_object(item), kind)
        if voice is not None:
            voices.append(voice)
    return voices


def is_mp3(data: bytes) -> bool:
    """Whether audio starts like MP3: an ID3v2 tag or an MPEG frame sync."""
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def sniff_mime_type(audio: bytes) -> str:
    """Guess the data-URI mime type of an enrollment sample (WAV, MP3 or M4A)."""
    if audio[:4] == b"RIFF":
        return "audio/wav"
    if is_mp3(audio):
        return "audio/mpeg"
    if audio[4:8] == b"ftyp":
        return "audio/mp4"
    return "audio/wav"


def data_uri(audio: bytes, mime_type: str | None) -> str:
    """Encode sample bytes as ``data:<mime>;base64,<...>``."""
    mime = mime_type or sniff_mime_type(audio)
    return f"data:{mime};base64,{base64.b64encode(audio).decode('ascii')}"
