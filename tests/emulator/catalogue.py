"""What the emulated service knows: models, their system voices and text limits."""

_GENERAL = frozenset(
    {
        "Cherry", "Ethan", "Serena", "Chelsie", "Nofish", "Elias", "Jennifer", "Ryan",
        "Katerina", "Momo", "Vivian", "Moon", "Maia", "Kai", "Bella", "Eldric Sage", "Mia",
        "Mochi", "Bellona", "Vincent", "Bunny", "Neil", "Arthur", "Nini", "Seren", "Pip",
        "Stella", "Aiden", "Bodega", "Sonrisa", "Alek", "Dolce", "Sohee", "Ono Anna", "Lenn",
        "Emilien", "Andre", "Radio Gol",
    }
)  # fmt: skip
_DIALECTS = frozenset(
    {"Jada", "Dylan", "Sunny", "Li", "Marcus", "Roy", "Peter", "Eric", "Rocky", "Kiki"}
)
_FLASH = _GENERAL | _DIALECTS
_SNAPSHOT_2025_09_18 = (
    frozenset({"Cherry", "Ethan", "Nofish", "Elias", "Jennifer", "Ryan", "Katerina"}) | _DIALECTS
)
_INSTRUCT = frozenset(
    {
        "Cherry", "Ethan", "Serena", "Chelsie", "Nofish", "Elias", "Momo", "Vivian", "Moon",
        "Maia", "Kai", "Bella", "Eldric Sage", "Mia", "Mochi", "Bellona", "Vincent", "Bunny",
        "Neil", "Arthur", "Nini", "Seren", "Pip", "Stella",
    }
)  # fmt: skip
_QWEN_TTS = frozenset({"Cherry", "Ethan", "Serena", "Chelsie"})
_QWEN_TTS_LATEST = _QWEN_TTS | {"Jada", "Dylan", "Sunny"}

# Models answering HTTP synthesis, with the system voices they speak (empty: account voices).
HTTP_MODELS: dict[str, frozenset[str]] = {
    "qwen3-tts-flash": _FLASH,
    "qwen3-tts-flash-2025-11-27": _FLASH,
    "qwen3-tts-flash-2025-09-18": _SNAPSHOT_2025_09_18,
    "qwen3-tts-instruct-flash": _INSTRUCT,
    "qwen3-tts-instruct-flash-2026-01-26": _INSTRUCT,
    "qwen3-tts-vc-2026-01-22": frozenset(),
    "qwen3-tts-vd-2026-01-26": frozenset(),
    "qwen-tts": _QWEN_TTS,
    "qwen-tts-2025-04-10": _QWEN_TTS,
    "qwen-tts-latest": _QWEN_TTS_LATEST,
    "qwen-tts-2025-05-22": _QWEN_TTS_LATEST,
}

# Models answering the realtime WebSocket.
REALTIME_MODELS: dict[str, frozenset[str]] = {
    "qwen3-tts-flash-realtime": _FLASH | {"Ebona"},
    "qwen3-tts-flash-realtime-2025-11-27": _FLASH | {"Ebona"},
    "qwen3-tts-flash-realtime-2025-09-18": _SNAPSHOT_2025_09_18,
    "qwen3-tts-instruct-flash-realtime": _INSTRUCT,
    "qwen3-tts-instruct-flash-realtime-2026-01-22": _INSTRUCT,
    "qwen3-tts-vc-realtime-2026-01-15": frozenset(),
    "qwen3-tts-vc-realtime-2025-11-27": frozenset(),
    "qwen3-tts-vd-realtime-2026-01-15": frozenset(),
    "qwen3-tts-vd-realtime-2025-12-16": frozenset(),
    "qwen-tts-realtime": _QWEN_TTS_LATEST,
    "qwen-tts-realtime-latest": _QWEN_TTS_LATEST,
    "qwen-tts-realtime-2025-07-15": _QWEN_TTS_LATEST,
}

# Targets of account voices: cloned (enrollment) and designed (design).
CLONE_TARGETS = frozenset(
    {
        "qwen3-tts-vc-2026-01-22",
        "qwen3-tts-vc-realtime-2026-01-15",
        "qwen3-tts-vc-realtime-2025-11-27",
    }
)
DESIGN_TARGETS = frozenset(
    {
        "qwen3-tts-vd-2026-01-26",
        "qwen3-tts-vd-realtime-2026-01-15",
        "qwen3-tts-vd-realtime-2025-12-16",
    }
)
ACCOUNT_VOICE_MODELS = CLONE_TARGETS | DESIGN_TARGETS

ENROLLMENT_MODEL = "qwen-voice-enrollment"
DESIGN_MODEL = "qwen-voice-design"

SAMPLE_RATES = (8000, 16000, 24000, 48000)
HTTP_FORMATS = ("pcm", "wav", "mp3")
REALTIME_FORMATS = ("pcm", "wav", "mp3")

QWEN3_MAX_CHARS = 600
QWEN_TTS_MAX_TOKENS = 512


def is_cjk(char: str) -> bool:
    """Whether a character is billed (and counted) as two: CJK ideographs, kana, hangul."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, kana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x2FA1F
    )


def billed_characters(text: str) -> int:
    """``usage.characters``: a CJK character counts as two."""
    return sum(2 if is_cjk(c) else 1 for c in text)


def text_limit_error(model: str, text: str) -> str | None:
    """Why ``text`` is too long for ``model`` (None when it fits)."""
    if model.startswith("qwen-tts"):
        if billed_characters(text) > QWEN_TTS_MAX_TOKENS:
            return f"Range of input length should be [1, {QWEN_TTS_MAX_TOKENS}] tokens"
        return None
    if len(text) > QWEN3_MAX_CHARS:
        return f"Range of input length should be [1, {QWEN3_MAX_CHARS}]"
    return None


def is_account_voice_model(model: str) -> bool:
    """Whether ``model`` speaks only account voices (cloned ``vc`` or designed ``vd``)."""
    return model in ACCOUNT_VOICE_MODELS
