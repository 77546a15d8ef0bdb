"""Qwen TTS: Alibaba Cloud Qwen (DashScope) speech for Home Assistant, in both directions:
text-to-speech (Qwen-TTS) and speech-to-text (Qwen-ASR)."""

from typing import Any

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, endpoint_from_data
from .coordinator import (
    AccountVoicesCoordinator,
    QwenTTSConfigEntry,
    QwenTTSRuntimeData,
    voice_profiles,
)
from .dashscope import DashScopeClient, StreamBounds
from .entity import async_ensure_account_device
from .pipeline_repairs import async_update_pipeline_issues
from .repairs import async_delete_voice_issues, async_update_voice_issues
from .service_status import StatusTracker
from .services import async_setup_services
from .tts_cache import KnownVoices, async_clear_tts_cache
from .usage import UsageTracker

PLATFORMS = [Platform.SENSOR, Platform.STT, Platform.TTS]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
# How long speech waits on DashScope and how much audio one request may bring (README,
# "How long speech waits").
STREAM_BOUNDS = StreamBounds()


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the voice services."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> bool:
    """Set the account up, also when its service cannot be reached right now.

    Alerts must not go silent because the service is down when Home Assistant starts: the
    profiles are set up at once (and speak through their fallback engine), the voices load
    in the background and are retried until the service answers; a refused key starts
    reauthentication without unloading the profiles.
    """
    status = StatusTracker()
    usage = UsageTracker(hass, entry.entry_id)
    await usage.async_load()
    entry.async_on_unload(usage.async_unload)
    client = DashScopeClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        endpoint_from_data(entry.data),
        stream_bounds=STREAM_BOUNDS,
        on_usage=usage.record_usage,
    )
    voices = AccountVoicesCoordinator(hass, entry, client, status)
    entry.runtime_data = QwenTTSRuntimeData(
        client=client, voices=voices, status=status, usage=usage
    )

    @callback
    def _async_voices_updated() -> None:
        """Profiles and voice assistants whose voice disappeared get a repair issue,
        withdrawn once they are fine again."""
        if voices.last_update_success:
            async_update_voice_issues(hass, entry, voices)
            async_update_pipeline_issues(hass, entry, voices)

    entry.async_on_unload(voices.async_add_listener(_async_voices_updated))
    # The voices load beside the setup: a service that hangs holds only them (up to the
    # client's request timeout), never the profiles that speak through their fallback.
    entry.async_create_task(hass, voices.async_refresh(), f"{DOMAIN} voices", eager_start=True)
    async_ensure_account_device(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    profiles = _profiles(entry)

    async def _async_update_listener(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> None:
        """Reload when profiles are added, changed or removed, or the options change; audio
        cached for a profile that changed or went away no longer matches what it would
        speak."""
        now = _profiles(entry)
        if any(now.get(subentry_id) != data for subentry_id, data in profiles.items()):
            await async_clear_tts_cache(hass, "a voice profile was changed or removed")
        await hass.config_entries.async_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


def _profiles(entry: QwenTTSConfigEntry) -> dict[str, dict[str, Any]]:
    """{subentry id: settings} of the account's voice profiles."""
    return {
        subentry_id: dict(subentry.data) for subentry_id, subentry in voice_profiles(entry).items()
    }


async def async_unload_entry(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> bool:
    """Unload the speech entities; the account's repair issues go with them (a reload raises
    them again, a disabled or removed account has nothing left to fix)."""
    if not await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        return False
    async_delete_voice_issues(hass, entry.entry_id)
    async_update_pipeline_issues(hass, entry, None)
    return True


async def async_remove_entry(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> None:
    """Forget the removed account's stored usage and the voices noted for its cache."""
    await UsageTracker(hass, entry.entry_id).async_remove()
    await KnownVoices(hass, entry.entry_id).async_remove()
