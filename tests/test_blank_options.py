"""A blank tts.speak option (what a blueprint renders for an unset input) means "not given"."""

from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import DEFAULT_PROFILE
from custom_components.qwen_tts.tts import AUDIO_OPTIONS

from .emulator import DashScopeEmulator, RecordedRequest
from .tts_helpers import WAV, Speak

pytestmark = pytest.mark.usefixtures("tts_stack")

MESSAGE = "The garage door is still open."
PROFILE = {
    **DEFAULT_PROFILE,
    "model": "qwen3-tts-instruct-flash",
    "voice": "Serena",
    "instructions": "Calm and slow, like a night nurse.",
    "optimize_instructions": True,
    "speech_rate": 1.5,
    "pitch_rate": 0.8,
    "volume": 70,
}
OPTIONS = AUDIO_OPTIONS  # every option of a call but Home Assistant's preferred_*
BLANKS = [
    pytest.param("", id="empty"),
    pytest.param("  ", id="spaces"),
    pytest.param(None, id="none"),
]


@pytest.fixture
def profile_data() -> dict[str, object]:
    """A profile with a setting for every option."""
    return dict(PROFILE)


def spoken_with(request: RecordedRequest) -> dict[str, Any]:
    """What a synthesis request asked for, as the profile names it."""
    parameters = request.body["parameters"]
    return {
        "model": request.model,
        "voice": request.body["input"]["voice"],
        "language_type": request.body["input"]["language_type"],
        "instructions": parameters.get("instructions"),
        "optimize_instructions": parameters.get("optimize_instructions"),
        "speech_rate": parameters.get("speech_rate"),
        "pitch_rate": parameters.get("pitch_rate"),
        "volume": parameters.get("volume"),
    }


PROFILE_SPOKEN = {
    "model": "qwen3-tts-instruct-flash",
    "voice": "Serena",
    "language_type": "English",
    "instructions": "Calm and slow, like a night nurse.",
    "optimize_instructions": True,
    "speech_rate": 1.5,
    "pitch_rate": 0.8,
    "volume": 70,
}


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("option", OPTIONS)
async def test_one_blank_option_keeps_the_profiles_setting(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    option: str,
    blank: Any,
) -> None:
    served = await speak(MESSAGE, "en-US", {**WAV, option: blank})

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert spoken_with(request) == PROFILE_SPOKEN


@pytest.mark.parametrize("blank", BLANKS)
async def test_every_option_blank_at_once_speaks_as_the_profile(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    get_url: Speak,
    blank: Any,
) -> None:
    options = {**WAV, **dict.fromkeys(OPTIONS, blank)}

    by_speak = await speak(MESSAGE, "en-US", options)
    by_url = await get_url(MESSAGE + " Really.", "en-US", options)

    assert (by_speak.status, by_url.status) == (200, 200)
    requests = emulator.requests_of("synthesis_stream")
    assert [spoken_with(r) for r in requests] == [PROFILE_SPOKEN, PROFILE_SPOKEN]


async def test_given_options_still_override_next_to_blank_ones(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    await speak(MESSAGE, "en-US", {**WAV, "voice": "Cherry", "speech_rate": "", "volume": 20})

    [request] = emulator.requests_of("synthesis_stream")
    assert spoken_with(request) == {**PROFILE_SPOKEN, "voice": "Cherry", "volume": 20}


@pytest.mark.parametrize("blank", BLANKS)
async def test_blank_options_follow_the_profile_after_it_is_edited(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    blank: Any,
) -> None:
    options = {**WAV, "voice": blank, "speech_rate": blank}
    await speak(MESSAGE, "en-US", options)
    await hass.async_block_till_done(wait_background_tasks=True)  # the audio is cached
    subentry = next(iter(setup_integration.subentries.values()))

    hass.config_entries.async_update_subentry(
        setup_integration, subentry, data={**subentry.data, "voice": "Cherry", "speech_rate": 0.7}
    )
    await hass.async_block_till_done()
    served = await speak(MESSAGE, "en-US", options)

    assert served.status == 200
    first, second = emulator.requests_of("synthesis_stream")
    assert spoken_with(first)["voice"] == "Serena"
    assert spoken_with(second) == {**PROFILE_SPOKEN, "voice": "Cherry", "speech_rate": 0.7}


async def test_an_unchanged_profile_keeps_its_cached_audio(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
) -> None:
    first = await speak(MESSAGE, "en-US", WAV)
    again = await speak(MESSAGE, "en-US", WAV)

    assert again.body == first.body
    assert len(emulator.requests_of("synthesis_stream")) == 1
