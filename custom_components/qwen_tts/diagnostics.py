"""Diagnostics of an account: its settings (key redacted), profiles, voices, the service's
status and this month's usage."""

from typing import Any
from urllib.parse import urlsplit

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant

from .const import CONF_REGION, endpoint_from_data
from .coordinator import QwenTTSConfigEntry

TO_REDACT = {CONF_API_KEY}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: QwenTTSConfigEntry
) -> dict[str, Any]:
    """What support needs to see, never the API key."""
    endpoint = endpoint_from_data(entry.data)
    diagnostics: dict[str, Any] = {
        "entry": {
            "title": entry.title,
            "state": entry.state.value,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
        },
        "region": entry.data[CONF_REGION],
        "endpoint_host": urlsplit(endpoint.http_base).hostname,
        "profiles": [
            {
                "subentry_id": subentry.subentry_id,
                "title": subentry.title,
                "data": dict(subentry.data),
            }
            for subentry in entry.subentries.values()
        ],
    }
    if entry.state is not ConfigEntryState.LOADED:
        return diagnostics
    runtime = entry.runtime_data
    failure = runtime.status.last_failure
    diagnostics["service"] = {
        "status": runtime.status.status.value,
        "last_failure": {
            "time": failure.time.isoformat(),
            "status": failure.status.value,
            "message": failure.message,
        }
        if failure
        else None,
    }
    diagnostics["usage"] = {
        "month_start": runtime.usage.last_reset.isoformat(),
        "characters": runtime.usage.characters,
        "requests": runtime.usage.requests,
        "voices": runtime.usage.voices,
        "speech_seconds": runtime.usage.seconds,
    }
    coordinator = runtime.voices
    voices = sorted((coordinator.data or {}).values(), key=lambda v: v.voice)
    diagnostics["account_voices"] = {
        "last_update_success": coordinator.last_update_success,
        "last_error": type(coordinator.last_exception).__name__
        if coordinator.last_exception
        else None,
        "count": len(voices),
        "voices": [
            {
                "voice": voice.voice,
                "name": voice.name,
                "kind": voice.kind.value,
                "target_model": voice.target_model,
                "created": voice.created,
            }
            for voice in voices
        ],
    }
    return diagnostics
