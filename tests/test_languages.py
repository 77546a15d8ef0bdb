"""Every spelling of a language Qwen-TTS speaks is accepted by tts.speak and tts_get_url."""

from homeassistant.components import tts
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.qwen_tts.languages import SUPPORTED_LANGUAGES

from .emulator import DashScopeEmulator
from .tts_helpers import ENTITY_ID, WAV, Speak, get_audio, wav_parts

pytestmark = pytest.mark.usefixtures("tts_stack")

CHINESE = "洗衣机已经洗好了。"
ENGLISH = "The washing machine is done."

# (tag, language_type): each family is one way callers spell a tag.
LETTER_CASE = [
    ("zh-cn", "Chinese"),
    ("ZH-CN", "Chinese"),
    ("en-us", "English"),
    ("EN-gb", "English"),
    ("De", "German"),
    ("pt-br", "Portuguese"),
]
UNDERSCORES = [
    ("en_US", "English"),
    ("zh_CN", "Chinese"),
    ("fr_CA", "French"),
    ("es_419", "Spanish"),
    ("ja_JP", "Japanese"),
]
SCRIPTS = [
    ("zh-Hans-CN", "Chinese"),
    ("zh-Hant-TW", "Chinese"),
    ("zh_hant_hk", "Chinese"),
    ("en-Latn-US", "English"),
    ("ru-Cyrl-RU", "Russian"),
]
REGIONS = [
    ("es-CL", "Spanish"),
    ("en-PH", "English"),
    ("fr-SN", "French"),
    ("de-LU", "German"),
    ("pt-AO", "Portuguese"),
    ("it-SM", "Italian"),
    ("ko-KP", "Korean"),
    ("de-DE-1996", "German"),
]
ISO_639_3 = [
    ("cmn", "Chinese"),
    ("cmn-Hans-CN", "Chinese"),
    ("zho", "Chinese"),
    ("yue", "Chinese"),
    ("eng", "English"),
    ("deu", "German"),
    ("ger", "German"),
    ("fra", "French"),
    ("jpn", "Japanese"),
    ("kor", "Korean"),
    ("rus", "Russian"),
    ("spa", "Spanish"),
    ("ita", "Italian"),
    ("por", "Portuguese"),
]
SPELLINGS = [
    pytest.param(tag, language_type, id=f"{family}-{tag}")
    for family, cases in (
        ("case", LETTER_CASE),
        ("underscore", UNDERSCORES),
        ("script", SCRIPTS),
        ("region", REGIONS),
        ("639-3", ISO_639_3),
    )
    for tag, language_type in cases
]


async def voice_ids(hass: HomeAssistant, hass_ws_client: WebSocketGenerator, tag: str) -> list[str]:
    """The voices Home Assistant's pickers offer for a language, in order."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "tts/engine/voices", "engine_id": ENTITY_ID, "language": tag}
    )
    return [v["voice_id"] for v in (await client.receive_json())["result"]["voices"]]


def message_for(language_type: str) -> str:
    return CHINESE if language_type == "Chinese" else ENGLISH


@pytest.mark.parametrize(("tag", "language_type"), SPELLINGS)
async def test_tts_speak_accepts_the_spelling_and_sends_its_language_type(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    tag: str,
    language_type: str,
) -> None:
    message = message_for(language_type)
    served = await speak(message, tag, WAV)

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["input"]["language_type"] == language_type
    assert request.body["input"]["text"] == message
    assert wav_parts(served.body)[1]


@pytest.mark.parametrize(("tag", "language_type"), SPELLINGS)
async def test_tts_get_url_accepts_the_spelling_and_sends_its_language_type(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    get_url: Speak,
    tag: str,
    language_type: str,
) -> None:
    served = await get_url(message_for(language_type), tag, WAV)

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["input"]["language_type"] == language_type


@pytest.mark.parametrize(
    ("tag", "voice"),
    [
        ("zh-HK", "Rocky"),
        ("zh-hk", "Rocky"),
        ("zh_Hant_HK", "Rocky"),
        ("zh-MO", "Rocky"),
        ("yue", "Rocky"),
        ("yue-Hant-HK", "Rocky"),
        ("zh-yue", "Rocky"),
        ("wuu", "Jada"),
        ("zh-min-nan", "Roy"),
        ("nan-TW", "Roy"),
    ],
)
async def test_a_tag_naming_a_dialect_puts_its_voices_right_after_the_profile_voice(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    tag: str,
    voice: str,
) -> None:
    voices = await voice_ids(hass, hass_ws_client, tag)

    assert voices[:2] == ["Cherry", voice]


@pytest.mark.parametrize("tag", ["cmn-HK", "zh-cmn-Hant-HK", "zh-TW", "zh-Hans-CN"])
async def test_mandarin_and_other_regions_keep_the_catalogue_order(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    tag: str,
) -> None:
    voices = await voice_ids(hass, hass_ws_client, tag)

    assert voices[:2] == ["Cherry", "Ethan"]
    assert "Rocky" in voices  # dialect voices are Chinese voices too


@pytest.mark.parametrize("tag", ["nl", "sr-Latn-RS", "klingon", "en-", "zh--CN", "en US", "x"])
async def test_a_language_qwen_does_not_speak_or_a_malformed_tag_is_refused(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    tag: str,
) -> None:
    with pytest.raises(HomeAssistantError, match="not supported"):
        await get_audio(hass, ENGLISH, tag, WAV)

    assert not emulator.requests_of("synthesis_stream")


async def test_the_pickers_show_one_canonical_tag_per_language_and_region(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "tts/engine/get", "engine_id": ENTITY_ID})
    listed = (await client.receive_json())["result"]["provider"]["supported_languages"]

    assert listed == list(SUPPORTED_LANGUAGES)
    assert len({tag.lower() for tag in listed}) == len(listed)
    assert "zh-CN" in listed
    assert "zh-cn" not in listed
    assert "cmn" not in listed
    assert tts.async_get_text_to_speech_languages(hass) == set(listed)


@pytest.mark.parametrize("pipeline_language", ["zh-Hans", "zh-TW", "en", "pt-BR", "es-419"])
async def test_home_assistants_language_matching_offers_canonical_tags(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    pipeline_language: str,
) -> None:
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "tts/engine/list", "language": pipeline_language})
    [provider] = (await client.receive_json())["result"]["providers"]

    matched = provider["supported_languages"]
    assert matched
    assert set(matched) <= set(SUPPORTED_LANGUAGES)
    assert all(tag.split("-")[0] == pipeline_language.split("-", maxsplit=1)[0] for tag in matched)
