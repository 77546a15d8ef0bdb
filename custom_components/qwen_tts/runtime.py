"""What a loaded account keeps in ``entry.runtime_data``."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .const import CONF_BASE_URL, CONF_REGION
from .coordinator import AccountVoicesCoordinator
from .dashscope import DashScopeClient, Endpoint
from .health import StatusTracker
from .usage import UsageTracker


@dataclass(slots=True)
class QwenTTSRuntimeData:
    """What a loaded account holds: the client, the account's voices, the service's status
    (``status.report(err_or_None)`` after each call) and this month's usage
    (``usage.record(characters=, requests=, voices=, seconds=)``)."""

    client: DashScopeClient
    voices: AccountVoicesCoordinator
    status: StatusTracker
    usage: UsageTracker


type QwenTTSConfigEntry = ConfigEntry[QwenTTSRuntimeData]


def endpoint_from_data(data: Mapping[str, Any]) -> Endpoint:
    """Build the endpoint from an entry's data (region, and base_url for ``custom``)."""
    return Endpoint.for_region(data[CONF_REGION], data.get(CONF_BASE_URL))
