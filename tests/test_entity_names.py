"""How profiles are named where users pick them: the TTS panel's tiles and page, friendly names,
entity ids of new installs, and the entity ids existing installs already have."""

from homeassistant.components import media_source, tts
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import (
    DEFAULT_PROFILE,
    DOMAIN,
)

from .conftest import emulator_account
from .emulator import DashScopeEmulator

# Profile name -> the entity id a new install gets. "Qwen TTS" is the profile created with
# every account; "Speech" is the word the entities were once named with.
NAMES = {
    "Qwen TTS": "tts.qwen_tts",
    "Bedtime": "tts.bedtime",
    "Kitchen alerts": "tts.kitchen_alerts",
    "Küche": "tts.kuche",
    "卧室": "tts.wo_shi",
    "Speech": "tts.speech",
}


def account(emulator: DashScopeEmulator, *titles: str) -> MockConfigEntry:
    """An account on the emulator with one profile per title."""
    return emulator_account(
        emulator, "Qwen TTS (127.0.0.1)", {title: dict(DEFAULT_PROFILE) for title in titles}
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, "media_source", {})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(("name", "entity_id"), NAMES.items())
async def test_a_new_profile_is_called_by_its_name(
    hass: HomeAssistant, emulator: DashScopeEmulator, name: str, entity_id: str
) -> None:
    """Friendly name = the profile's name, without the device's name repeated; the entity id
    follows the name; the device is named after the profile too."""
    await set_up(hass, account(emulator, name))

    state = hass.states.get(entity_id)
    assert state is not None, hass.states.async_entity_ids("tts")
    assert state.attributes["friendly_name"] == name
    registered = er.async_get(hass).async_get(entity_id)
    assert registered is not None
    device = dr.async_get(hass).async_get(registered.device_id or "")
    assert device is not None
    assert device.name == name


async def test_two_profiles_give_two_entities_on_two_devices(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    entry = account(emulator, "Kitchen", "Bedtime")
    await set_up(hass, entry)

    entities = [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain == "tts"
    ]
    assert sorted(e.unique_id for e in entities) == sorted(entry.subentries)
    names = sorted(hass.states.get(e.entity_id).attributes["friendly_name"] for e in entities)
    assert names == ["Bedtime", "Kitchen"]
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    profiles = [d.name for d in devices if (DOMAIN, entry.entry_id) not in d.identifiers]
    assert sorted(profiles) == ["Bedtime", "Kitchen"]


async def test_the_text_to_speech_panel_shows_each_profile_by_name(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    """Media > Text-to-speech: one tile per profile with its own name, and the profile's page
    titled with it (never "Speech" for all, never an empty name)."""
    await set_up(hass, account(emulator, *NAMES))

    root = await media_source.async_browse_media(hass, "media-source://tts")
    tiles = {child.title for child in root.children or [] if child.identifier in NAMES.values()}
    assert tiles == set(NAMES)
    for name, entity_id in NAMES.items():
        page = await media_source.async_browse_media(hass, f"media-source://tts/{entity_id}")
        assert page.title == name
        engine = hass.data[tts.DATA_COMPONENT].get_entity(entity_id)
        assert engine is not None
        assert engine.name == name


async def test_an_existing_install_keeps_its_entity_id(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    """Entities registered as "<profile> Speech" keep their ids (automations use them) and
    are now called by the profile's name."""
    entry = account(emulator, "Qwen TTS", "Bedtime")
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    old_ids = {}
    for subentry in entry.subentries.values():
        old = registry.async_get_or_create(
            "tts",
            DOMAIN,
            subentry.subentry_id,
            config_entry=entry,
            config_subentry_id=subentry.subentry_id,
            suggested_object_id=f"{subentry.title} speech",
            has_entity_name=True,
            original_name="Speech",
        )
        old_ids[subentry.title] = old.entity_id
    assert sorted(old_ids.values()) == ["tts.bedtime_speech", "tts.qwen_tts_speech"]

    await set_up(hass, entry)

    for name, entity_id in old_ids.items():
        state = hass.states.get(entity_id)
        assert state is not None, hass.states.async_entity_ids("tts")
        assert state.attributes["friendly_name"] == name
    assert sorted(hass.states.async_entity_ids("tts")) == sorted(old_ids.values())


async def test_a_renamed_profile_is_shown_with_its_new_name(
    hass: HomeAssistant, emulator: DashScopeEmulator
) -> None:
    entry = account(emulator, "Bedtime")
    await set_up(hass, entry)
    [subentry] = entry.subentries.values()

    hass.config_entries.async_update_subentry(entry, subentry, title="Lullaby")
    await hass.async_block_till_done()

    # The entity id stays; the names follow the profile.
    state = hass.states.get("tts.bedtime")
    assert state is not None
    assert state.attributes["friendly_name"] == "Lullaby"
    page = await media_source.async_browse_media(hass, "media-source://tts/tts.bedtime")
    assert page.title == "Lullaby"
