"""Language tags as Home Assistant, its pipelines and satellites send them -> ``language_type``.

Home Assistant accepts a language when ``language in entity.supported_languages`` and shows
every listed tag in its language pickers. ``SupportedLanguages`` lists one canonical tag per
language and region (for the pickers) while ``in`` accepts every spelling of a language
Qwen-TTS speaks: any letter case, ``_`` for ``-``, script subtags (``zh-Hans-CN``), any region
(``es-CL``, ``es-419``), ISO 639-2/639-3 codes (``eng``, ``deu``, ``cmn``), Chinese varieties
as languages or extended subtags (``yue-HK``, ``zh-yue``, ``wuu``, ``zh-min-nan``), and BCP 47
variants and extensions after them (``de-DE-1996``, ``en-US-u-ca-gregory``).
"""

from collections.abc import Collection
from dataclasses import dataclass
import re
from typing import override

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
# ISO 639-2 (bibliographic and terminology) and 639-3 codes -> ISO 639-1.
_THREE_LETTER_CODES: dict[str, str] = {
    "zho": "zh", "chi": "zh", "cmn": "zh", "yue": "zh", "wuu": "zh", "nan": "zh",
    "eng": "en",
    "deu": "de", "ger": "de",
    "ita": "it",
    "por": "pt",
    "spa": "es",
    "jpn": "ja",
    "kor": "ko",
    "fra": "fr", "fre": "fr",
    "rus": "ru",
}  # fmt: skip
# Chinese as a whole (the macrolanguage), which a region may narrow to a dialect.
_CHINESE = frozenset({"zh", "zho", "chi"})
# Chinese varieties Qwen-TTS has dialect voices for, by ISO 639-3 code.
_DIALECT_CODES: dict[str, str] = {"yue": "Cantonese", "wuu": "Shanghainese", "nan": "Minnan"}
# Chinese as spoken in a region, when that names a dialect.
_DIALECT_REGIONS: dict[str, str] = {"HK": "Cantonese", "MO": "Cantonese"}

# The tags the pickers show: one per language and per region Home Assistant users pick.
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

_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")
_SEPARATOR = re.compile(r"[-_]")


@dataclass(frozen=True, slots=True)
class LanguageTag:
    """A language Qwen-TTS speaks, read from one of its tags.

    ``language``: the ISO 639-1 code; ``dialect``: the Chinese dialect the tag names
    (``Cantonese`` for ``yue``, ``zh-yue``, ``zh-HK``), whose voices come first.
    """

    language: str
    dialect: str | None = None

    @property
    def language_type(self) -> str:
        """The ``language_type`` Qwen-TTS takes for this language."""
        return LANGUAGE_CODES[self.language]


def parse_language(
    tag: str | None, languages: Collection[str] = LANGUAGE_CODES
) -> LanguageTag | None:
    """Read a BCP 47 / POSIX language tag in any case; ``None`` when it is malformed or
    names a language outside ``languages`` (ISO 639-1 codes; default: those Qwen-TTS
    speaks)."""
    if not isinstance(tag, str):
        return None
    subtags = _SEPARATOR.split(tag.strip())
    if not all(_SUBTAG.fullmatch(subtag) for subtag in subtags):
        return None
    primary, rest = subtags[0].lower(), [subtag.lower() for subtag in subtags[1:]]
    language = primary if primary in languages else _THREE_LETTER_CODES.get(primary)
    if language is None or language not in languages:
        return None
    if language != "zh":
        return LanguageTag(language)
    variety = primary if primary not in _CHINESE else None  # cmn, yue, wuu, nan
    if rest[:2] == ["min", "nan"]:  # the grandfathered zh-min-nan
        variety, rest = "nan", rest[2:]
    elif rest and _THREE_LETTER_CODES.get(rest[0]) == "zh":  # an extended subtag: zh-yue
        variety, rest = rest[0], rest[1:]
    if variety is not None:
        return LanguageTag(language, _DIALECT_CODES.get(variety))
    if rest and len(rest[0]) == 4 and rest[0].isalpha():  # a script: Hans, Hant
        rest = rest[1:]
    return LanguageTag(language, _DIALECT_REGIONS.get(rest[0].upper()) if rest else None)


def language_type_for(language: str | None) -> str:
    """The ``language_type`` of a language tag in any spelling; ``Auto`` for none or a
    language Qwen-TTS does not speak."""
    parsed = parse_language(language)
    return parsed.language_type if parsed else "Auto"


class SupportedLanguages(list[str]):
    """The canonical tags, listed once each (what Home Assistant's pickers show); ``in``
    accepts every spelling of them (what Home Assistant checks a call's language with)."""

    @override
    def __contains__(self, tag: object) -> bool:
        """Whether ``tag`` is a spelling of a language Qwen-TTS speaks."""
        return isinstance(tag, str) and parse_language(tag) is not None


SUPPORTED_LANGUAGES = SupportedLanguages(sorted([*LANGUAGE_CODES, *_REGIONAL_TAGS]))
