"""Setting up and unloading an account against the emulator."""

from datetime import timedelta

from homeassistant.components import tts
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.qwen_tts.const import DOMAIN
from custom_components.qwen_tts.coordinator import REFRESH_INTERVAL, RETRY_INTERVAL
from custom_components.qwen_tts.dashscope import DashScopeClient, VoiceKind

from .emulator import DashScopeEmulator

MOM = "qwen-tts-vc-mom-voice-20260102030405006-ab12"


async def test_setup_loads_the_account_voices(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    emulator.voices[MOM] = {"voice": MOM, "target_model": "qwen3-tts-vc-2026-01-22"}

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    runtime = config_entry.runtime_data
    assert isinstance(runtime.client, DashScopeClient)
    assert runtime.client.endpoint.http_base == emulator.base_url
    voice = runtime.voices.data[MOM]
    assert (voice.name, voice.kind, voice.target_model) == (
        "mom",
        VoiceKind.CLONED,
        "qwen3-tts-vc-2026-01-22",
    )
    assert runtime.voices.find("mom") == voice


async def test_a_slow_voice_list_does_not_hold_the_profiles_back(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    """Setup ends while the account's voices are still being listed; they arrive after."""
    emulator.voices[MOM] = {"voice": MOM, "target_model": "qwen3-tts-vc-2026-01-22"}
    emulator.response_delay = 2.0

    assert await hass.config_entries.async_setup(config_entry.entry_id)

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("tts")
    voices = config_entry.runtime_data.voices
    assert voices.data is None

    await hass.async_block_till_done()

    assert voices.last_update_success, voices.last_exception
    assert MOM in voices.data


async def test_refused_key_at_setup_starts_reauth_and_keeps_the_profiles(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    emulator.fail_next(401, "InvalidApiKey", "Invalid API-key provided.")

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("tts")
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["step_id"] == "reauth_confirm"
    assert flow["context"]["entry_id"] == config_entry.entry_id


@pytest.mark.parametrize(
    ("status", "code"), [(None, None), (503, "ServiceUnavailable"), (500, "InternalError")]
)
async def test_unreachable_service_at_setup_still_sets_up_and_loads_voices_later(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    status: int | None,
    code: str | None,
) -> None:
    """``None``: the emulator refuses connections; else the service fails its answers."""
    emulator.voices[MOM] = {"voice": MOM, "target_model": "qwen3-tts-vc-2026-01-22"}
    if status is None:
        await emulator.stop()
    else:
        emulator.fail_next(status, code)

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("tts")
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    voices = config_entry.runtime_data.voices
    assert not voices.last_update_success
    assert voices.update_interval == RETRY_INTERVAL

    if status is None:
        await emulator.start()
    async_fire_time_changed(hass, dt_util.utcnow() + RETRY_INTERVAL + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert voices.last_update_success, voices.last_exception
    assert MOM in voices.data
    assert voices.update_interval == REFRESH_INTERVAL


async def test_unload_removes_the_account(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    entities = hass.states.async_entity_ids("tts")
    assert entities

    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()

    assert setup_integration.state is ConfigEntryState.NOT_LOADED
    assert all(hass.states.get(e).state == "unavailable" for e in entities)


async def test_adding_a_profile_reloads_with_one_more_entity(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    before = len(hass.states.async_entity_ids("tts"))
    result = await hass.config_entries.subentries.async_init(
        (setup_integration.entry_id, "tts"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Kitchen", "model": "qwen3-tts-flash"}
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], {"voice": "Ethan"})
    await hass.async_block_till_done()

    assert setup_integration.state is ConfigEntryState.LOADED
    assert len(hass.states.async_entity_ids("tts")) == before + 1


async def test_changing_a_profile_reloads_its_entity_with_the_new_settings(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    (subentry,) = setup_integration.subentries.values()
    result = await setup_integration.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Bedtime", "model": "qwen3-tts-flash"}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"voice": "Serena", "speech_rate": 0.8, "pitch_rate": 1.0, "volume": 40}
    )
    await hass.async_block_till_done()

    assert setup_integration.state is ConfigEntryState.LOADED
    [entity_id] = hass.states.async_entity_ids("tts")
    assert hass.states.get(entity_id).attributes["friendly_name"] == "Bedtime"
    entity = hass.data[tts.DATA_COMPONENT].get_entity(entity_id)
    assert entity is not None
    assert entity.default_options == {
        "model": "qwen3-tts-flash",
        "voice": "Serena",
        "speech_rate": 0.8,
        "pitch_rate": 1.0,
        "volume": 40,
    }
