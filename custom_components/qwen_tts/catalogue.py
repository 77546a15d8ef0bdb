"""The Qwen-TTS catalogue: models and system voices (and which speak a language), and the
voices a picker offers for a model (the account's cloned and designed ones, then the
system voices), labelled in the user's language."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from homeassistant.helpers.selector import SelectOptionDict

from .chunking import Cost, char_cost, token_cost
from .dashscope import AccountVoice, Region
from .languages import parse_language
from .voice_descriptions import DESCRIPTIONS, DIALECT_NAMES, is_chinese


class Transport(StrEnum):
    """How a model is reached."""

    HTTP = "http"
    REALTIME = "realtime"


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
    """What a model accepts and how it is reached.

    ``realtime_model``: the realtime model an HTTP model's streaming text is spoken with
    (the same voices over one WebSocket session); a realtime model has none, it is its own.
    """

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


def _qwen_tts_family(
    name: str, transport: Transport, voices: frozenset[str], *, prosody: bool = True
) -> ModelInfo:
    """A model of the ``qwen-tts`` family: Beijing only, 512 tokens a request, 24 kHz PCM."""
    return ModelInfo(
        name,
        transport,
        voices,
        prosody=prosody,
        regions=_CN,
        text_limit=512,
        cost=token_cost,
        output_formats=False,
    )


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
        ),
        ModelInfo(
            "qwen3-tts-instruct-flash-realtime",
            Transport.REALTIME,
            _INSTRUCT,
            instructions=True,
        ),
        _qwen_tts_family("qwen-tts", Transport.HTTP, _QWEN_TTS),
        _qwen_tts_family("qwen-tts-latest", Transport.HTTP, _QWEN_TTS_LATEST),
        _qwen_tts_family("qwen-tts-realtime", Transport.REALTIME, _QWEN_TTS_LATEST, prosody=False),
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
    return "-vc-" in model or "-vd-" in model  # CLONE_MODELS, DESIGN_MODELS and their snapshots


def model_info(model: str) -> ModelInfo:
    """What ``model`` accepts; a model missing from the catalogue (a dated snapshot, a vc/vd
    model) is described from its name: the ``qwen-tts`` family's limits for ``qwen-tts*``,
    else Qwen3 limits, no instructions unless ``instruct``."""
    if info := MODELS.get(model):
        return info
    transport = Transport.REALTIME if is_realtime_model(model) else Transport.HTTP
    if model.startswith("qwen-tts"):
        return _qwen_tts_family(
            model, transport, frozenset(), prosody=transport is not Transport.REALTIME
        )
    return ModelInfo(model, transport, frozenset(), instructions="instruct" in model)


def models_for_region(region: Region | str) -> list[str]:
    """The system-voice models a profile may use in a region."""
    return [m.name for m in MODELS.values() if Region(region) in m.regions]


def voices_for_language(model: str, language: str | None) -> list[SystemVoice]:
    """System voices of ``model`` that speak ``language`` (dialect voices only for Chinese;
    the voices of the dialect a tag names first: Cantonese for ``zh-HK`` or ``yue``)."""
    info = MODELS.get(model)
    names = info.voices if info else _FLASH
    voices = [SYSTEM_VOICES[n] for n in SYSTEM_VOICES if n in names]
    tag = parse_language(language)
    if tag is None or tag.language != "zh":
        return [v for v in voices if v.dialect is None]
    if tag.dialect is not None:
        voices.sort(key=lambda v: v.dialect != tag.dialect)
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


def account_voice_options(
    voices: Iterable[AccountVoice], language: str | None = None
) -> list[SelectOptionDict]:
    """Cloned and designed voices as options: by friendly name and kind, newest first
    (labels in ``language``: Chinese for ``zh*``, else English)."""
    return [
        SelectOptionDict(value=v.voice, label=account_voice_label(v, language))
        for v in newest_first(voices)
    ]


def voice_options(
    model: str, account_voices: Mapping[str, AccountVoice], language: str | None = None
) -> list[SelectOptionDict]:
    """The voices a profile on ``model`` can use: the account's cloned and designed voices
    enrolled for the same transport, then the model's system voices, labelled with what
    they sound like in ``language``."""
    realtime = MODELS[model].transport is Transport.REALTIME
    options = account_voice_options(
        (v for v in account_voices.values() if is_realtime_model(v.target_model) == realtime),
        language,
    )
    options += [
        SelectOptionDict(value=name, label=voice.label(language))
        for name, voice in SYSTEM_VOICES.items()
        if name in MODELS[model].voices
    ]
    return options
