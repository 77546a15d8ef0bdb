"""Shared fixtures: Home Assistant's test harness, the DashScope emulator, a configured account."""

from __future__ import annotations

from collections.abc import AsyncIterator

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import (
    CONF_BASE_URL,
    CONF_REGION,
    DEFAULT_PROFILE,
    DEFAULT_PROFILE_NAME,
    DOMAIN,
    SUBENTRY_TTS,
)

from .emulator import DashScopeEmulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let the harness load custom_components/qwen_tts."""


@pytest.fixture
async def emulator(socket_enabled: None) -> AsyncIterator[DashScopeEmulator]:
    """A DashScope emulator listening on a free loopback port (sockets allowed: the tests
    talk to it over real loopback connections)."""
    emu = DashScopeEmulator(api_key="demo-key")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def profile_data() -> dict[str, object]:
    """The data of the account's first voice profile (override in a test module to vary it)."""
    return dict(DEFAULT_PROFILE)


@pytest.fixture
def config_entry(
    hass: HomeAssistant, emulator: DashScopeEmulator, profile_data: dict[str, object]
) -> MockConfigEntry:
    """An account on the emulator (region ``custom``) with one voice profile, not yet set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Qwen TTS",
        data={
            CONF_REGION: "custom",
            CONF_BASE_URL: emulator.base_url,
            CONF_API_KEY: emulator.api_key,
        },
        subentries_data=[
            ConfigSubentryData(
                data=profile_data,
                subentry_type=SUBENTRY_TTS,
                title=DEFAULT_PROFILE_NAME,
                unique_id=None,
            )
        ],
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def setup_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The account set up and loaded."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
