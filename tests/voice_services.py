"""The account's voice services (``qwen_tts.create_voice``, ``design_voice``, ``list_voices``,
``delete_voice``) called as an automation calls them."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import DOMAIN

from .emulator import DashScopeEmulator


async def call_service(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, **data: Any
) -> dict[str, Any] | None:
    """Call ``service`` for the account ``entry``; its response (None for ``delete_voice``,
    which has none)."""
    response = await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=service != "delete_voice",
    )
    return dict(response) if response is not None else None


async def refused_service(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    entry: MockConfigEntry,
    service: str,
    **data: Any,
) -> ServiceValidationError:
    """Call a service that must refuse, and check that nothing reached DashScope."""
    before = len(emulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_service(hass, entry, service, **data)
    assert emulator.requests[before:] == []
    return err.value
