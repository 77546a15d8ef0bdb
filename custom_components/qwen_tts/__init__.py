"""Qwen TTS: Alibaba Cloud Qwen-TTS (DashScope) speech for Home Assistant."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import AccountVoicesCoordinator
from .dashscope import DashScopeClient
from .repairs import async_delete_voice_issues
from .runtime import QwenTTSConfigEntry, QwenTTSRuntimeData, endpoint_from_data
from .services import async_setup_services

PLATFORMS = [Platform.TTS]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the voice services."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> bool:
    """Connect the account: load its voices (401 -> reauth, unreachable -> retry later)."""
    client = DashScopeClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        endpoint_from_data(entry.data),
    )
    voices = AccountVoicesCoordinator(hass, entry, client)
    await voices.async_config_entry_first_refresh()
    entry.runtime_data = QwenTTSRuntimeData(client=client, voices=voices)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


async def _async_update_listener(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> None:
    """Reload when profiles are added, changed or removed."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> bool:
    """Unload the TTS entities; the account's repair issues go with them (a reload raises
    them again, a disabled or removed account has nothing left to fix)."""
    if not await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        return False
    async_delete_voice_issues(hass, entry.entry_id)
    return True
