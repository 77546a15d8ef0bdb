"""The Qwen-ASR catalogue: speech-to-text models, and HA language tags -> ASR language codes.

Source: qwen-asr-api.md sections 0, 4 and 7 (official "Audio file recognition - Qwen" and
"Real-time speech recognition - Qwen" pages, March 2026).
"""

from typing import override

from .languages import SupportedLanguages, parse_language

DEFAULT_STT_MODEL = "qwen3-asr-flash"

# Synchronous models (the whole command in one HTTP request once the speech ended) and realtime
# ones (audio streamed over the WebSocket while the person speaks).
HTTP_STT_MODELS: tuple[str, ...] = (
    "qwen3-asr-flash",
    "qwen3-asr-flash-2026-02-10",
    "qwen3-asr-flash-2025-09-08",
)
REALTIME_STT_MODELS: tuple[str, ...] = (
    "qwen3-asr-flash-realtime",
    "qwen3-asr-flash-realtime-2026-02-10",
    "qwen3-asr-flash-realtime-2025-10-27",
)
STT_MODELS: tuple[str, ...] = (*HTTP_STT_MODELS, *REALTIME_STT_MODELS)
# Other names the service has for the same protocols (e.g. the US region's ``-us`` models).
STT_MODEL_PREFIX = "qwen3-asr-flash"

# The languages the service recognises (``asr_options.language`` codes).
ASR_LANGUAGES: tuple[str, ...] = (
    "zh", "yue", "en", "ja", "de", "ko", "ru", "fr", "pt", "ar", "it", "es", "hi", "id",
    "th", "tr", "uk", "vi", "cs", "da", "fil", "fi", "is", "ms", "no", "pl", "sv",
)  # fmt: skip

# Primary subtags for a language the service names otherwise (Norwegian Bokmål and Nynorsk,
# Tagalog); every other spelling is read by ``languages.parse_language``.
_ALIASES: dict[str, str] = {"nb": "no", "nn": "no", "tl": "fil"}

_REGIONAL_TAGS: tuple[str, ...] = (
    "zh-CN", "zh-Hans", "zh-SG", "zh-TW", "zh-Hant", "zh-HK", "zh-MO", "yue-HK",
    "en-US", "en-GB", "en-AU", "en-CA", "en-IE", "en-IN", "en-NZ", "en-SG", "en-ZA",
    "ja-JP", "de-DE", "de-AT", "de-CH", "ko-KR", "ru-RU", "fr-FR", "fr-BE", "fr-CA", "fr-CH",
    "pt-BR", "pt-PT", "ar-SA", "ar-AE", "ar-EG", "it-IT", "it-CH",
    "es-ES", "es-MX", "es-AR", "es-CO", "es-US", "es-419", "hi-IN", "id-ID", "th-TH",
    "tr-TR", "uk-UA", "vi-VN", "cs-CZ", "da-DK", "fil-PH", "fi-FI", "is-IS", "ms-MY",
    "nb", "nn", "nb-NO", "nn-NO", "tl", "pl-PL", "sv-SE",
)  # fmt: skip


def asr_language_for(tag: str | None) -> str | None:
    """The ASR language code for an HA language tag in any spelling, or ``None``.

    ``zh-CN``, ``zh_cn``, ``zh-Hans-CN``, ``cmn``, ``wuu`` -> ``zh``; ``zh-HK``,
    ``zh-Hant-HK``, ``yue``, ``zh-yue`` -> ``yue`` (Cantonese, the service's own language
    for it); ``nb-NO`` -> ``no``; ``en-US`` -> ``en``; ``sw`` -> ``None``.
    """
    if not isinstance(tag, str):
        return None
    primary, separator, rest = tag.strip().replace("_", "-").partition("-")
    primary = _ALIASES.get(primary.lower(), primary)
    parsed = parse_language(primary + separator + rest, ASR_LANGUAGES)
    if parsed is None:
        return None
    if parsed.language == "zh" and parsed.dialect == "Cantonese":
        return "yue"
    return parsed.language


class SttLanguages(SupportedLanguages):
    """The canonical tags the entity lists; ``in`` accepts every spelling of them."""

    @override
    def __contains__(self, tag: object) -> bool:
        """Whether ``tag`` is a spelling of a language the service recognises."""
        return isinstance(tag, str) and asr_language_for(tag) is not None


STT_LANGUAGE_TAGS = SttLanguages(sorted({*ASR_LANGUAGES, *_REGIONAL_TAGS}))


def is_realtime_stt_model(model: str) -> bool:
    """Whether a speech-to-text model is reached over the realtime WebSocket."""
    return "-realtime" in model
