"""The account's service device, shared by the account's own entities."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .coordinator import QwenTTSConfigEntry

MANUFACTURER = "Alibaba Cloud"
ACCOUNT_MODEL = "DashScope"


def account_device_info(entry: QwenTTSConfigEntry) -> DeviceInfo:
    """The account's device: one service device per config entry, named like the entry."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        model=ACCOUNT_MODEL,
        entry_type=DeviceEntryType.SERVICE,
    )


def async_ensure_account_device(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> None:
    """Register the account's device (new and existing installs), before any platform."""
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **account_device_info(entry)
    )


def profile_entity_ids(hass: HomeAssistant, entry_id: str) -> list[str]:
    """The entity ids of account ``entry_id``'s voice profiles (its tts entities)."""
    return [
        entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
        if entity.domain == "tts"
    ]


class AccountEntity(Entity):
    """An entity of the account itself (not of a voice profile), on the account's device.

    ``unique_id`` is ``<entry id>_<key>``; the name comes from ``translation_key``.
    """

    _attr_has_entity_name = True

    def __init__(self, entry: QwenTTSConfigEntry, key: str) -> None:
        """Place the entity on the account's device."""
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = account_device_info(entry)
