"""What one synthesis asks for: a voice profile and the call's options resolved into a plan.

Every decision on how a call is spoken is made here, once, before any text is sent: the
model and voice with their parameters (``SpeechSettings``), which transport speaks a
sentence request and which one streaming text (``SpeechPlan.realtime``/``live``), how much
text one request takes, and the audio format Home Assistant gets (``output_format``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from homeassistant.components.tts import (
    ATTR_PREFERRED_FORMAT,
    ATTR_PREFERRED_SAMPLE_BYTES,
    ATTR_PREFERRED_SAMPLE_CHANNELS,
    ATTR_PREFERRED_SAMPLE_RATE,
)
from homeassistant.exceptions import ServiceValidationError

from .catalogue import SYSTEM_VOICES, Transport, is_account_voice_model, model_info
from .chunking import Cost
from .const import (
    ATTR_LANGUAGE_TYPE,
    CONF_INSTRUCTIONS,
    CONF_MODEL,
    CONF_OPTIMIZE_INSTRUCTIONS,
    CONF_PITCH_RATE,
    CONF_SPEECH_RATE,
    CONF_VOICE,
    CONF_VOLUME,
    DEFAULT_MODEL,
    DEFAULT_VOICE,
    DOMAIN,
)
from .dashscope import (
    DEFAULT_SAMPLE_RATE,
    AccountVoice,
    SpeechSettings,
    friendly_name,
    model_for_voice,
)
from .errors import validation_error
from .languages import LANGUAGE_TYPES, language_type_for

# The rates the service renders PCM at itself.
SERVICE_SAMPLE_RATES: tuple[int, ...] = (8000, 16000, 24000, 48000)
# Home Assistant's format when none is preferred.
HA_DEFAULT_FORMAT = "mp3"
# The audio shape Home Assistant may ask for (voice satellites, media players).
SHAPE_OPTIONS: tuple[str, ...] = (
    ATTR_PREFERRED_SAMPLE_RATE,
    ATTR_PREFERRED_SAMPLE_CHANNELS,
    ATTR_PREFERRED_SAMPLE_BYTES,
)
_RANGES: dict[str, tuple[float, float]] = {
    CONF_SPEECH_RATE: (0.5, 2.0),
    CONF_PITCH_RATE: (0.5, 2.0),
    CONF_VOLUME: (0, 100),
}


class MissingVoiceError(ServiceValidationError):
    """A voice the account does not have: an unknown name (``unknown_voice``), or the id of
    a cloned or designed voice that is gone (``account_voice_gone``).

    The account's voices may have changed since they were loaded: reload them before taking
    this refusal as final.
    """

    def __init__(self, key: Literal["unknown_voice", "account_voice_gone"], **names: str) -> None:
        """A translated refusal naming the voice (``voice``, and ``id`` when gone)."""
        super().__init__(
            translation_domain=DOMAIN, translation_key=key, translation_placeholders=names
        )


class VoiceDirectory(Protocol):
    """Where the account's cloned and designed voices are looked up (the coordinator)."""

    def find(self, voice: str) -> AccountVoice | None:
        """An account voice by id or friendly name."""


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """What the service is asked for and what Home Assistant gets.

    ``extension`` ``wav``: the service sends s16le mono PCM (``service_format`` ``pcm``) at
    ``sample_rate``, returned in a WAV container; ``mp3``: MP3 straight from the service.
    ``plain``: Home Assistant asked for this very format and for no sample rate, channel
    count or width (a media player's download), so it serves and caches the bytes as they
    are: a WAV of text that is complete up front then goes out whole, with its real sizes.
    """

    extension: Literal["wav", "mp3"]
    service_format: Literal["pcm", "mp3"]
    sample_rate: int
    plain: bool = False

    @property
    def preferred_options(self) -> dict[str, Any]:
        """The ``preferred_*`` options asking another engine for exactly this audio: MP3,
        or s16le mono PCM at ``sample_rate`` in a WAV."""
        if self.extension == "mp3":
            return {ATTR_PREFERRED_FORMAT: "mp3"}
        return {
            ATTR_PREFERRED_FORMAT: "wav",
            ATTR_PREFERRED_SAMPLE_RATE: self.sample_rate,
            ATTR_PREFERRED_SAMPLE_CHANNELS: 1,
            ATTR_PREFERRED_SAMPLE_BYTES: 2,
        }


@dataclass(frozen=True, slots=True)
class SpeechPlan:
    """How to speak one call.

    ``settings``: the model, voice and parameters, asking the service for ``output``'s
    format and rate. ``realtime``: a sentence request is a realtime session (the model is
    only reached over the WebSocket), else an SSE synthesis. ``live``: the settings of the
    one realtime session that speaks text still streaming in (``None``: the model has no
    realtime counterpart; the text is cut into sentence requests). ``text_limit``/``cost``:
    how much text one request takes.
    """

    settings: SpeechSettings
    output: OutputFormat
    realtime: bool
    live: SpeechSettings | None
    text_limit: int
    cost: Cost


def shape_options(model: str) -> tuple[str, ...]:
    """The ``preferred_*`` shape options a profile on ``model`` claims: all of them when the
    service renders the shapes (``output_format``), none for the ``qwen-tts`` family."""
    return SHAPE_OPTIONS if model_info(model).output_formats else ()


def output_format(options: Mapping[str, Any], model: str) -> OutputFormat:
    """Pick the service output of ``model`` for Home Assistant's ``preferred_*`` options.

    Home Assistant converts with ffmpeg what an entity returns when its extension is not
    the preferred format (``mp3`` by default), and may keep it as it is otherwise: it
    leaves the shape options an entity claims (``shape_options``) to the entity (2026.10
    still converted whenever a shape was asked). So audio in the preferred format has
    exactly the shape asked for:

    - no shape asked: the service's MP3 untouched, or 24 kHz PCM in a WAV;
    - a shape the service renders (mono, 16-bit, 8/16/24/48 kHz): lossless PCM at that
      rate in a WAV, which ffmpeg at most encodes once into another preferred format;
    - any other shape: 24 kHz PCM in a WAV for Home Assistant to convert, or, when a
      WAV is what it wants, the service's MP3, so that it converts that.

    A model without output formats (the ``qwen-tts`` family) only gives 24 kHz PCM;
    a profile on one does not claim the shape options, so Home Assistant converts.
    """
    wanted = str(options.get(ATTR_PREFERRED_FORMAT) or HA_DEFAULT_FORMAT).lower()
    shaped = any(options.get(option) is not None for option in SHAPE_OPTIONS)
    output_formats = model_info(model).output_formats
    if not shaped:
        if wanted == "mp3" and output_formats:
            return OutputFormat("mp3", "mp3", DEFAULT_SAMPLE_RATE, plain=True)
        return OutputFormat("wav", "pcm", DEFAULT_SAMPLE_RATE, plain=wanted == "wav")
    if not output_formats:
        return OutputFormat("wav", "pcm", DEFAULT_SAMPLE_RATE)
    rate = _as_int(options.get(ATTR_PREFERRED_SAMPLE_RATE))
    sample_rate = rate if rate in SERVICE_SAMPLE_RATES else DEFAULT_SAMPLE_RATE
    renders = (
        rate in (None, sample_rate)
        and _as_int(options.get(ATTR_PREFERRED_SAMPLE_CHANNELS)) in (None, 1)
        and _as_int(options.get(ATTR_PREFERRED_SAMPLE_BYTES)) in (None, 2)
    )
    if renders or wanted != "wav":
        return OutputFormat("wav", "pcm", sample_rate)
    return OutputFormat("mp3", "mp3", sample_rate)


def resolve_plan(
    profile: Mapping[str, Any],
    options: Mapping[str, Any],
    language: str | None,
    voices: VoiceDirectory,
) -> SpeechPlan:
    """Resolve a profile (the defaults) and a call's options into a ``SpeechPlan``.

    ``voice`` is a system voice, an account voice id or its friendly name; an account voice
    is spoken with the model it was enrolled for, whatever the profile's model. The option
    ``language_type`` wins over the language tag; the ``preferred_*`` options choose the
    output (``output_format``). Raises ``MissingVoiceError`` for a voice the account does
    not have, and a translated ``ServiceValidationError`` for a voice that cannot speak with
    the model or an option out of range.
    """

    def pick(name: str) -> Any:
        value = options.get(name)
        return profile.get(name) if value is None else value

    requested_model = str(pick(CONF_MODEL) or DEFAULT_MODEL)
    voice_name = str(pick(CONF_VOICE) or DEFAULT_VOICE).strip()
    model, voice = _resolve_voice(voice_name, requested_model, voices)
    info = model_info(model)

    instructions = None
    optimize = None
    if info.instructions and (text := str(pick(CONF_INSTRUCTIONS) or "").strip()):
        instructions = text
        if (flag := pick(CONF_OPTIMIZE_INSTRUCTIONS)) is not None:
            optimize = _as_bool(flag)

    speech_rate = pitch_rate = None
    volume = None
    if info.prosody:
        speech_rate = _ranged(CONF_SPEECH_RATE, pick(CONF_SPEECH_RATE))
        pitch_rate = _ranged(CONF_PITCH_RATE, pick(CONF_PITCH_RATE))
        if (level := _ranged(CONF_VOLUME, pick(CONF_VOLUME))) is not None:
            volume = round(level)

    output = output_format(options, model)
    settings = SpeechSettings(
        model=model,
        voice=voice,
        language_type=_language_type(options.get(ATTR_LANGUAGE_TYPE), language),
        instructions=instructions,
        optimize_instructions=optimize,
        speech_rate=speech_rate,
        pitch_rate=pitch_rate,
        volume=volume,
        response_format=output.service_format,
        sample_rate=output.sample_rate,
    )
    realtime = info.transport is Transport.REALTIME
    live = None
    if realtime:
        live = settings
    elif info.realtime_model is not None:
        live = replace(settings, model=info.realtime_model)
    return SpeechPlan(
        settings=settings,
        output=output,
        realtime=realtime,
        live=live,
        text_limit=info.text_limit,
        cost=info.cost,
    )


def _resolve_voice(name: str, model: str, voices: VoiceDirectory) -> tuple[str, str]:
    """(model, voice id) for a voice name on the requested model."""
    system = _system_voice(name)
    own = voices.find(name)
    account_model = is_account_voice_model(model)
    # An exact account voice id always wins; otherwise a system voice name wins on a
    # system-voice model and an account voice's friendly name on a vc/vd model.
    if own is not None and (own.voice == name or system is None or account_model):
        return own.target_model, own.voice
    if system is None:
        if model_for_voice(name) is not None:  # the id of a cloned or designed voice
            raise MissingVoiceError("account_voice_gone", voice=friendly_name(name), id=name)
        raise MissingVoiceError("unknown_voice", voice=name)
    if account_model:
        raise validation_error("system_voice_on_account_model", voice=system, model=model)
    info = model_info(model)
    if info.voices and system not in info.voices:
        raise validation_error("voice_not_for_model", voice=system, model=model)
    return model, system


def _system_voice(name: str) -> str | None:
    """The catalogue spelling of a system voice name (any case), or ``None``."""
    if name in SYSTEM_VOICES:
        return name
    folded = name.casefold()
    return next((known for known in SYSTEM_VOICES if known.casefold() == folded), None)


def _language_type(option: Any, language: str | None) -> str:
    if option is None or option == "":
        return language_type_for(language)
    folded = str(option).strip().casefold()
    for known in LANGUAGE_TYPES:
        if known.casefold() == folded:
            return known
    raise validation_error(
        "invalid_language_type", value=str(option), choices=", ".join(LANGUAGE_TYPES)
    )


def _ranged(option: str, value: Any) -> float | None:
    """A number option within its range, or ``None`` when not given."""
    if value is None or value == "":
        return None
    low, high = _RANGES[option]
    try:
        number = float(value)
    except TypeError, ValueError:
        number = float("nan")
    if not low <= number <= high:  # also refuses NaN
        raise validation_error(
            "option_out_of_range", option=option, value=str(value), min=f"{low:g}", max=f"{high:g}"
        )
    return number


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except TypeError, ValueError:
        return None
