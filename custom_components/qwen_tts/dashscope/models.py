"""Typed requests and results of the DashScope client."""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

AudioFormat = Literal["pcm", "wav", "mp3"]
DEFAULT_SAMPLE_RATE = 24000


class VoiceKind(StrEnum):
    """Where an account voice came from."""

    CLONED = "cloned"
    DESIGNED = "designed"


@dataclass(frozen=True, slots=True)
class Usage:
    """What one call used, as the service bills it.

    ``requests``: synthesis requests the service answered (an HTTP or SSE synthesis, or a
    realtime session); ``characters``: billed characters (``usage.characters`` of the answer,
    the final SSE frame or each realtime ``response.done``); ``voices``: voices created
    (enrollment or design ``create``).
    """

    requests: int = 0
    characters: int = 0
    voices: int = 0


type UsageCallback = Callable[[Usage], None]


@dataclass(frozen=True, slots=True)
class SpeechSettings:
    """How to speak: the model, the voice and its parameters, and the audio asked for.

    One type for both transports: an SSE synthesis sends ``voice``/``language_type`` in
    ``input`` and the rest in ``parameters``; a realtime session sends them all in
    ``session.update``. ``None`` means "not sent" (the service default applies).
    ``speech_rate``/``pitch_rate``: 0.5-2.0; ``volume``: 0-100; ``sample_rate`` in Hz.
    Source: qwen-tts-api.md and qwen-tts-realtime-api.md (``parameters``, ``session``).
    """

    model: str
    voice: str
    language_type: str = "Auto"
    instructions: str | None = None
    optimize_instructions: bool | None = None
    speech_rate: float | None = None
    pitch_rate: float | None = None
    volume: int | None = None
    response_format: AudioFormat = "pcm"
    sample_rate: int = DEFAULT_SAMPLE_RATE

    def optional_parameters(self) -> dict[str, str | float | bool]:
        """The voice parameters that are set (both transports send them under these names)."""
        parameters = {
            "instructions": self.instructions,
            "optimize_instructions": self.optimize_instructions,
            "speech_rate": self.speech_rate,
            "pitch_rate": self.pitch_rate,
            "volume": self.volume,
        }
        return {name: value for name, value in parameters.items() if value is not None}


@dataclass(frozen=True, slots=True)
class AccountVoice:
    """A cloned or designed voice of the account."""

    voice: str
    name: str
    kind: VoiceKind
    target_model: str
    created: str | None = None
    language: str | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class DesignedVoice:
    """The result of a voice design: the voice and its preview audio."""

    voice: AccountVoice
    preview_audio: bytes
    preview_format: str
    preview_sample_rate: int
    request_id: str | None = None


# Recognition (Qwen-ASR). Source: qwen-asr-api.md (official "Audio file recognition" and
# "Real-time speech recognition" pages).
RECOGNITION_SAMPLE_RATE = 16000


@dataclass(frozen=True, slots=True)
class RecognitionRequest:
    """One synchronous recognition (``qwen3-asr-flash``): a whole audio file in the request.

    ``audio`` is an encoded file (WAV for Home Assistant's PCM) sent as a data URI of
    ``mime_type``; the service takes up to 5 minutes and a data URI of at most 10 MB.
    ``language`` is an ASR code (``zh``, ``yue``, ``en``...); ``None`` lets the model detect
    it. ``context`` (names, rooms, terms) biases recognition; ``None`` or empty sends none.
    """

    model: str
    audio: bytes
    mime_type: str = "audio/wav"
    language: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """What the service recognised. ``text`` is empty when it heard no speech.

    ``language`` and ``emotion`` are the service's annotations when it sends them;
    ``seconds`` is the billed audio duration (``usage.seconds``) when known.
    """

    text: str
    language: str | None = None
    emotion: str | None = None
    seconds: float | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class TranscriptionSettings:
    """The ``session.update`` of a realtime recognition session (``qwen3-asr-flash-realtime``).

    Audio is s16le mono PCM at ``sample_rate`` (16000 or 8000). ``language`` ``None`` lets the
    model detect it. The session is in manual mode (``turn_detection: null``): the caller
    decides where speech ends and commits, the service never cuts an utterance itself.
    """

    model: str
    language: str | None = None
    context: str | None = None
    sample_rate: int = RECOGNITION_SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class TranscriptUpdate:
    """A realtime recognition result: the whole text so far; ``final`` once the session ended."""

    text: str
    final: bool = False
    language: str | None = None
