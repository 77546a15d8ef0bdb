"""Diagnostics: what support needs, never the API key."""

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.qwen_tts.const import DEFAULT_PROFILE, DEFAULT_PROFILE_NAME
from custom_components.qwen_tts.diagnostics import async_get_config_entry_diagnostics

from .emulator import DashScopeEmulator

MOM = "qwen-tts-vc-mom-voice-20260102030405006-ab12"
ANNOUNCER = "qwen-tts-vd-announcer-voice-20260104030405006-ef56"


async def test_diagnostics_show_the_account_without_its_key(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
) -> None:
    emulator.voices[MOM] = {
        "voice": MOM,
        "target_model": "qwen3-tts-vc-2026-01-22",
        "gmt_create": "2026-01-02 03:04:05",
    }
    emulator.voices[ANNOUNCER] = {
        "voice": ANNOUNCER,
        "target_model": "qwen3-tts-vd-2026-01-26",
        "gmt_create": "2026-01-04 03:04:05",
    }
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)

    assert emulator.api_key not in json.dumps(diagnostics)
    assert diagnostics["entry"]["data"]["api_key"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["base_url"] == emulator.base_url
    assert diagnostics["entry"]["state"] == "loaded"
    assert diagnostics["region"] == "custom"
    assert diagnostics["endpoint_host"] == "127.0.0.1"
    [profile] = diagnostics["profiles"]
    assert profile["title"] == DEFAULT_PROFILE_NAME
    assert profile["data"] == DEFAULT_PROFILE
    voices = diagnostics["account_voices"]
    assert voices["last_update_success"] is True
    assert voices["last_error"] is None
    assert voices["count"] == 2
    assert voices["voices"] == [
        {
            "voice": MOM,
            "name": "mom",
            "kind": "cloned",
            "target_model": "qwen3-tts-vc-2026-01-22",
            "created": "2026-01-02 03:04:05",
        },
        {
            "voice": ANNOUNCER,
            "name": "announcer",
            "kind": "designed",
            "target_model": "qwen3-tts-vd-2026-01-26",
            "created": "2026-01-04 03:04:05",
        },
    ]


async def test_diagnostics_of_an_account_whose_key_was_refused_at_start(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> None:
    emulator.fail_next(401, "InvalidApiKey", f"Invalid API-key provided: {emulator.api_key}")
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await async_get_config_entry_diagnostics(hass, config_entry)

    assert emulator.api_key not in json.dumps(diagnostics)
    assert diagnostics["entry"]["state"] == "loaded"
    assert diagnostics["account_voices"]["last_update_success"] is False
    assert diagnostics["service"]["status"] == "auth_failed"
    assert "Invalid API-key provided" in diagnostics["service"]["last_failure"]["message"]
    assert diagnostics["usage"]["characters"] == 0
    assert len(diagnostics["profiles"]) == 1


async def test_diagnostics_of_an_account_that_is_not_loaded(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    diagnostics = await async_get_config_entry_diagnostics(hass, config_entry)

    assert diagnostics["entry"]["state"] == "not_loaded"
    assert "account_voices" not in diagnostics
    assert "service" not in diagnostics
    assert len(diagnostics["profiles"]) == 1
