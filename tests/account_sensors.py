"""The account's own sensors (service status, this month's usage) as a user reads them."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import DOMAIN


def sensor_id(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    """The entity id of the account's sensor ``key`` (its unique id is ``<entry>_<key>``)."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry.entry_id}_{key}")
    assert entity_id is not None
    return entity_id


def sensor_state(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    """The state of the account's sensor ``key``."""
    state = hass.states.get(sensor_id(hass, entry, key))
    assert state is not None
    return state.state
