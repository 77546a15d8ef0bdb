"""The account's sensors: the service's status and this month's usage."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import QwenTTSConfigEntry
from .entity import AccountEntity
from .service_status import ServiceStatus, StatusTracker
from .usage import UsageTracker

# State only changes when a call reports; nothing is polled.
PARALLEL_UPDATES = 0

UNIT_CHARACTERS = "characters"
UNIT_REQUESTS = "requests"
UNIT_VOICES = "voices"


@dataclass(frozen=True, kw_only=True)
class UsageSensorDescription(SensorEntityDescription):
    """A monthly count: which one, read from the ``UsageTracker``."""

    value: Callable[[UsageTracker], float]


def _monthly(
    key: str,
    unit: str,
    value: Callable[[UsageTracker], float],
    *,
    category: EntityCategory | None = None,
    device_class: SensorDeviceClass | None = None,
    precision: int | None = None,
) -> UsageSensorDescription:
    """A total since the start of the month, named by its ``key`` (the translation key)."""
    return UsageSensorDescription(
        key=key,
        translation_key=key,
        native_unit_of_measurement=unit,
        device_class=device_class,
        state_class=SensorStateClass.TOTAL,
        entity_category=category,
        suggested_display_precision=precision,
        value=value,
    )


_DIAGNOSTIC = EntityCategory.DIAGNOSTIC
USAGE_SENSORS: tuple[UsageSensorDescription, ...] = (
    _monthly("characters_this_month", UNIT_CHARACTERS, lambda u: u.characters),
    _monthly("requests_this_month", UNIT_REQUESTS, lambda u: u.requests, category=_DIAGNOSTIC),
    _monthly("voices_this_month", UNIT_VOICES, lambda u: u.voices, category=_DIAGNOSTIC),
    _monthly(
        "speech_seconds_this_month",
        UnitOfTime.SECONDS,
        lambda u: u.seconds,
        device_class=SensorDeviceClass.DURATION,
        precision=0,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: QwenTTSConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's status and usage sensors to its device."""
    runtime = entry.runtime_data
    async_add_entities(
        [
            ServiceStatusSensor(entry, runtime.status),
            *(UsageSensor(entry, runtime.usage, description) for description in USAGE_SENSORS),
        ]
    )


class ServiceStatusSensor(AccountEntity, SensorEntity):
    """The service's status as the account's calls see it; the last failure as attributes."""

    _attr_translation_key = "service_status"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: QwenTTSConfigEntry, status: StatusTracker) -> None:
        """Follow the account's ``StatusTracker``."""
        super().__init__(entry, "service_status")
        self._attr_options = [member.value for member in ServiceStatus]
        self._status = status

    @override
    async def async_added_to_hass(self) -> None:
        """Write the state whenever a call reports."""
        self.async_on_remove(self._status.async_add_listener(self.async_write_ha_state))

    @property
    @override
    def native_value(self) -> str:
        """``ok``, ``auth_failed``, ``arrears``, ``rate_limited``, ``server_error`` or
        ``unreachable``."""
        return self._status.status.value

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """When the last failure happened and the service's message (with its request id)."""
        failure = self._status.last_failure
        return {
            "last_failure": failure.time.isoformat() if failure else None,
            "last_failure_message": failure.message if failure else None,
        }


class UsageSensor(AccountEntity, SensorEntity):
    """One of this month's counts; ``last_reset`` is the start of the month."""

    entity_description: UsageSensorDescription

    def __init__(
        self,
        entry: QwenTTSConfigEntry,
        usage: UsageTracker,
        description: UsageSensorDescription,
    ) -> None:
        """Follow the account's ``UsageTracker``."""
        super().__init__(entry, description.key)
        self.entity_description = description
        self._usage = usage

    @override
    async def async_added_to_hass(self) -> None:
        """Write the state whenever a count changes."""
        self.async_on_remove(self._usage.async_add_listener(self.async_write_ha_state))

    @property
    @override
    def native_value(self) -> float:
        """The count since the start of the month."""
        return self.entity_description.value(self._usage)

    @property
    @override
    def last_reset(self) -> datetime:
        """Midnight of the month's first day, in Home Assistant's time zone."""
        return self._usage.last_reset
