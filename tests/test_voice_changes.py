"""Cached audio never speaks with a voice that no longer exists or now means another voice."""

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import DOMAIN

from .emulator import DashScopeEmulator, render_pcm
from .tts_helpers import WAV, Speak, get_audio, wav_parts
from .voice_services import call_service

pytestmark = pytest.mark.usefixtures("tts_stack")

GOOD_NIGHT = "Good night, sleep tight."
SAMPLE_URL = "https://example.com/recordings/nana.wav"
CLONE_MODEL = "qwen3-tts-vc-2026-01-22"


async def clone(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> str:
    """Clone a voice with ``qwen_tts.create_voice``; its id."""
    response = await call_service(hass, entry, "create_voice", name=name, url=SAMPLE_URL)
    assert response is not None
    return str(response["voice"])


async def delete(hass: HomeAssistant, entry: MockConfigEntry, voice: str) -> None:
    await call_service(hass, entry, "delete_voice", voice=voice)


def voices_spoken(emulator: DashScopeEmulator) -> list[str]:
    return [r.body["input"]["voice"] for r in emulator.requests_of("synthesis_stream")]


async def refused_for_nana(hass: HomeAssistant) -> ServiceValidationError:
    """Speaking with ``nana`` is refused (and nothing is played from the cache)."""
    with pytest.raises(ServiceValidationError) as refused:
        await get_audio(hass, GOOD_NIGHT, "en", {**WAV, "voice": "nana"})
    return refused.value


async def speak_cached(hass: HomeAssistant, speak: Speak, options: dict[str, Any]) -> None:
    """Speak the good-night message, and let Home Assistant finish caching it."""
    served = await speak(GOOD_NIGHT, "en", {**WAV, **options})
    assert served.status == 200
    await hass.async_block_till_done(wait_background_tasks=True)  # written to the file cache


@pytest.fixture
async def nana(hass: HomeAssistant, setup_integration: MockConfigEntry, speak: Speak) -> str:
    """A cloned voice ``nana`` (its id), with the good-night message spoken and cached."""
    voice = await clone(hass, setup_integration, "nana")
    await speak_cached(hass, speak, {"voice": "nana"})
    return voice


@pytest.mark.parametrize(
    "deleted_first",
    [
        pytest.param(True, id="deleted, then cloned again under its name -> the new voice speaks"),
        pytest.param(False, id="a second voice under a used name -> it speaks, not the cached one"),
    ],
)
async def test_a_new_voice_under_a_spoken_name_speaks_anew(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    nana: str,
    *,
    deleted_first: bool,
) -> None:
    assert voices_spoken(emulator) == [nana]
    if deleted_first:
        await delete(hass, setup_integration, "nana")
        assert (await refused_for_nana(hass)).translation_key == "unknown_voice"
        assert voices_spoken(emulator) == [nana]

    newer = await clone(hass, setup_integration, "nana")  # the newest voice of a name wins
    served = await speak(GOOD_NIGHT, "en", {**WAV, "voice": "nana"})

    assert newer != nana
    assert served.status == 200
    assert voices_spoken(emulator) == [nana, newer]
    assert wav_parts(served.body)[1] == render_pcm(GOOD_NIGHT)


Delete = Callable[[], object]


async def _then_listed(hass: HomeAssistant, entry: MockConfigEntry, delete: Delete) -> None:
    delete()
    await call_service(hass, entry, "list_voices")


async def _then_refreshed(hass: HomeAssistant, entry: MockConfigEntry, delete: Delete) -> None:
    delete()
    await entry.runtime_data.voices.async_refresh()


async def _while_not_loaded(hass: HomeAssistant, entry: MockConfigEntry, delete: Delete) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    delete()  # while Home Assistant was not running
    assert await hass.config_entries.async_setup(entry.entry_id)


@pytest.mark.parametrize(
    "deleted",
    [
        pytest.param(_then_listed, id="deleted in the console, voices listed -> not from cache"),
        pytest.param(
            _then_refreshed, id="deleted in the console, voices reloaded -> not from cache"
        ),
        pytest.param(
            _while_not_loaded, id="deleted while the account was unloaded -> not from cache"
        ),
    ],
)
async def test_a_deleted_voice_is_not_played_from_the_cache(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    nana: str,
    deleted: Callable[[HomeAssistant, MockConfigEntry, Delete], Awaitable[None]],
) -> None:
    await deleted(hass, setup_integration, lambda: emulator.voices.pop(nana))
    await hass.async_block_till_done()

    await refused_for_nana(hass)
    assert voices_spoken(emulator) == [nana]


async def test_unrelated_cached_audio_is_kept_while_the_voices_stay_the_same(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
) -> None:
    await speak_cached(hass, speak, {})
    await setup_integration.runtime_data.voices.async_refresh()
    await hass.async_block_till_done()

    served = await speak(GOOD_NIGHT, "en", WAV)

    assert served.status == 200
    assert voices_spoken(emulator) == ["Cherry"]


async def test_a_removed_account_forgets_its_voices(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    await clone(hass, setup_integration, "nana")
    key = f"{DOMAIN}.{setup_integration.entry_id}.voices"
    assert key in hass_storage

    await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()

    assert key not in hass_storage
