"""The Qwen-TTS catalogue: models, system voices, and HA language tags -> ``language_type``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .chunking import Cost, char_cost, token_cost
from .dashscope import AccountVoice
from .dashscope.endpoint import Region
from .voice_descriptions import DESCRIPTIONS, DIALECT_NAMES, is_chinese


class Transport(StrEnum):
    """How a model is reached."""

    HTTP = "http"
    REALTIME = "realtime"


LANGUAGE_TYPES: tuple[str, ...] = (
    "Auto",
    "Chinese",
    "English",
    "German",
    "Italian",
    "Portuguese",
    "Spanish",
    "Japanese",
    "Korean",
    "French",
    "Russian",
)

# The ten languages Qwen-TTS speaks: ISO 639-1 code -> language_type.
LANGUAGE_CODES: dict[str, str] = {
    "zh": "Chinese",
    "en": "English",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "es": "Spanish",
    "ja": "Japanese",
    "ko": "Korean",
    "fr": "French",
    "ru": "Russian",
}
_REGIONAL_TAGS: tuple[str, ...] = (
    "zh-CN", "zh-Hans", "zh-Hant", "zh-HK", "zh-TW", "zh-SG", "zh-MO",
    "en-US", "en-GB", "en-AU", "en-CA", "en-IE", "en-IN", "en-NZ", "en-SG", "en-ZA",
    "de-DE", "de-AT", "de-CH",
    "it-IT", "it-CH",
    "pt-BR", "pt-PT",
    "es-ES", "es-MX", "es-AR", "es-CO", "es-US", "es-419",
    "ja-JP",
    "ko-KR",
    "fr-FR", "fr-CA", "fr-BE", "fr-CH",
    "ru-RU",
)  # fmt: skip
# HA language tags users and pipelines send -> Qwen language_type.
LANGUAGE_TAGS: dict[str, str] = {
    **LANGUAGE_CODES,
    **{tag: LANGUAGE_CODES[tag.split("-", 1)[0]] for tag in _REGIONAL_TAGS},
}
SUPPORTED_LANGUAGES: list[str] = sorted(LANGUAGE_TAGS)


def language_type_for(language: str | None) -> str:
    """Map an HA language tag (any case, ``_`` or ``-``) to a Qwen ``language_type``."""
    if not language:
        return "Auto"
    tag = language.replace("_", "-")
    for candidate in (tag, tag.split("-", 1)[0]):
        for known, language_type in LANGUAGE_TAGS.items():
            if known.lower() == candidate.lower():
                return language_type
    return "Auto"


@dataclass(frozen=True, slots=True)
class SystemVoice:
    """A built-in voice. ``dialect`` is set for Chinese dialect voices."""

    name: str
    dialect: str | None = None

    def label(self, language: str | None = None) -> str:
        """How pickers show the voice in ``language`` (Chinese for ``zh*``, else English):
        its name, gender, dialect and what it sounds like, e.g. ``Jada (female,
        Shanghainese): fast-paced, energetic Shanghai auntie``."""
        about = DESCRIPTIONS[self.name]
        chinese = is_chinese(language)
        traits = [("女声" if about.female else "男声") if chinese else about.gender]
        if self.dialect:
            traits.append(DIALECT_NAMES[self.dialect][chinese])
        if chinese:
            name = f"{about.name_zh} {self.name}" if about.name_zh else self.name
            return f"{name}（{'，'.join(traits)}）：{about.zh}"
        return f"{self.name} ({', '.join(traits)}): {about.en}"

    @property
    def cantonese(self) -> bool:
        """Whether the voice speaks Cantonese (preferred for zh-HK)."""
        return self.dialect == "Cantonese"


_GENERAL = (
    "Cherry", "Ethan", "Serena", "Chelsie", "Nofish", "Elias", "Jennifer", "Ryan", "Katerina",
    "Momo", "Vivian", "Moon", "Maia", "Kai", "Bella", "Eldric Sage", "Mia", "Mochi", "Bellona",
    "Vincent", "Bunny", "Neil", "Arthur", "Nini", "Seren", "Pip", "Stella", "Aiden", "Bodega",
    "Sonrisa", "Alek", "Dolce", "Sohee", "Ono Anna", "Lenn", "Emilien", "Andre", "Radio Gol",
)  # fmt: skip
_DIALECTS = {
    "Jada": "Shanghainese",
    "Dylan": "Beijing",
    "Sunny": "Sichuanese",
    "Li": "Nanjing",
    "Marcus": "Shaanxi",
    "Roy": "Minnan",
    "Peter": "Tianjin",
    "Eric": "Sichuanese",
    "Rocky": "Cantonese",
    "Kiki": "Cantonese",
}
SYSTEM_VOICES: dict[str, SystemVoice] = {
    **{name: SystemVoice(name) for name in _GENERAL},
    **{name: SystemVoice(name, dialect) for name, dialect in _DIALECTS.items()},
    "Ebona": SystemVoice("Ebona"),
}
_FLASH = frozenset(_GENERAL) | frozenset(_DIALECTS)
_INSTRUCT = frozenset(
    {
        "Cherry", "Ethan", "Serena", "Chelsie", "Nofish", "Elias", "Momo", "Vivian", "Moon",
        "Maia", "Kai", "Bella", "Eldric Sage", "Mia", "Mochi", "Bellona", "Vincent", "Bunny",
        "Neil", "Arthur", "Nini", "Seren", "Pip", "Stella",
    }
)  # fmt: skip
_QWEN_TTS = frozenset({"Cherry", "Ethan", "Serena", "Chelsie"})
_QWEN_TTS_LATEST = _QWEN_TTS | {"Jada", "Dylan", "Sunny"}


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a model accepts and how it is reached."""

    name: str
    transport: Transport
    voices: frozenset[str]
    instructions: bool = False
    realtime_model: str | None = None
    regions: frozenset[Region] = frozenset({Region.INTL, Region.CN, Region.CUSTOM})
    # The most text one request takes, measured by ``cost`` (600 characters for Qwen3; the
    # qwen-tts family counts 512 tokens, a CJK character being 2).
    text_limit: int = 600
    cost: Cost = char_cost
    # qwen-tts-realtime: PCM 24 kHz only, no rate/volume/pitch.
    prosody: bool = True
    # Whether the model honours ``response_format`` (mp3) and ``sample_rate``; the qwen-tts
    # family is only known to produce PCM at 24 kHz.
    output_formats: bool = True


_CN = frozenset({Region.CN, Region.CUSTOM})
_QWEN_TTS_FAMILY: dict[str, Any] = {
    "regions": _CN,
    "text_limit": 512,
    "cost": token_cost,
    "output_formats": False,
}
MODELS: dict[str, ModelInfo] = {
    m.name: m
    for m in (
        ModelInfo(
            "qwen3-tts-flash", Transport.HTTP, _FLASH, realtime_model="qwen3-tts-flash-realtime"
        ),
        ModelInfo(
            "qwen3-tts-instruct-flash",
            Transport.HTTP,
            _INSTRUCT,
            instructions=True,
            realtime_model="qwen3-tts-instruct-flash-realtime",
        ),
        ModelInfo(
            "qwen3-tts-flash-realtime",
            Transport.REALTIME,
            _FLASH | {"Ebona"},
            realtime_model="qwen3-tts-flash-realtime",
        ),
        ModelInfo(
            "qwen3-tts-instruct-flash-realtime",
            Transport.REALTIME,
            _INSTRUCT,
            instructions=True,
            realtime_model="qwen3-tts-instruct-flash-realtime",
        ),
        ModelInfo("qwen-tts", Transport.HTTP, _QWEN_TTS, **_QWEN_TTS_FAMILY),
        ModelInfo("qwen-tts-latest", Transport.HTTP, _QWEN_TTS_LATEST, **_QWEN_TTS_FAMILY),
        ModelInfo(
            "qwen-tts-realtime",
            Transport.REALTIME,
            _QWEN_TTS_LATEST,
            realtime_model="qwen-tts-realtime",
            prosody=False,
            **_QWEN_TTS_FAMILY,
        ),
    )
}

# Models that only speak account voices (cloned: vc, designed: vd).
CLONE_MODELS: tuple[str, ...] = (
    "qwen3-tts-vc-2026-01-22",
    "qwen3-tts-vc-realtime-2026-01-15",
    "qwen3-tts-vc-realtime-2025-11-27",
)
DESIGN_MODELS: tuple[str, ...] = (
    "qwen3-tts-vd-2026-01-26",
    "qwen3-tts-vd-realtime-2026-01-15",
    "qwen3-tts-vd-realtime-2025-12-16",
)


def is_realtime_model(model: str) -> bool:
    """Whether a model (system or vc/vd) is reached over the realtime WebSocket."""
    return "-realtime" in model


def is_account_voice_model(model: str) -> bool:
    """Whether a model only speaks account voices (cloned ``-vc-`` or designed ``-vd-``)."""
    return model in CLONE_MODELS or model in DESIGN_MODELS or "-vc-" in model or "-vd-" in model


def model_info(model: str) -> ModelInfo:
    """What ``model`` accepts; a model missing from the catalogue (a dated snapshot, a vc/vd
    model) is described from its name: Qwen3 limits, no instructions unless ``instruct``."""
    if info := MODELS.get(model):
        return info
    family = model.startswith("qwen-tts")
    return ModelInfo(
        model,
        Transport.REALTIME if is_realtime_model(model) else Transport.HTTP,
        frozenset(),
        instructions="instruct" in model,
        text_limit=512 if family else 600,
        cost=token_cost if family else char_cost,
        prosody=not (family and is_realtime_model(model)),
        output_formats=not family,
    )


def models_for_region(region: Region | str) -> list[str]:
    """The system-voice models a profile may use in a region."""
    return [m.name for m in MODELS.values() if Region(region) in m.regions]


def voices_for_language(model: str, language: str | None) -> list[SystemVoice]:
    """System voices of ``model`` that speak ``language`` (dialect voices only for Chinese,
    Cantonese voices first for zh-HK)."""
    info = MODELS.get(model)
    names = info.voices if info else _FLASH
    voices = [SYSTEM_VOICES[n] for n in SYSTEM_VOICES if n in names]
    chinese = language_type_for(language) == "Chinese"
    if not chinese:
        return [v for v in voices if v.dialect is None]
    if language and language.replace("_", "-").lower() in ("zh-hk", "zh-mo"):
        voices.sort(key=lambda v: not v.cantonese)
    return voices


def newest_first(voices: Iterable[AccountVoice]) -> list[AccountVoice]:
    """Account voices, the most recently created first."""
    return sorted(voices, key=lambda v: v.created or "", reverse=True)


_KINDS_ZH = {"cloned": "复刻", "designed": "设计"}


def account_voice_label(voice: AccountVoice, language: str | None = None) -> str:
    """How pickers show an account voice: its friendly name and kind, e.g. ``mom (cloned)``
    (``mom（复刻）`` in Chinese)."""
    if is_chinese(language):
        return f"{voice.name}（{_KINDS_ZH.get(voice.kind, voice.kind)}）"
    return f"{voice.name} ({voice.kind})"
