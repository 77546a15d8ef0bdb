"""Fixtures for the client tests: a plain aiohttp session and a client on the emulator.

The client is independent of Home Assistant, so these tests need no ``hass``.
"""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import DashScopeClient, Endpoint
from tests.emulator import DashScopeEmulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide fixture: no Home Assistant here."""


@pytest.fixture
async def http(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session, as a caller would pass one (loopback sockets allowed)."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(http: aiohttp.ClientSession, emulator: DashScopeEmulator) -> DashScopeClient:
    """A client on the emulator with the right key."""
    return DashScopeClient(
        http, emulator.api_key, Endpoint.from_base_url(emulator.base_url), request_timeout=10
    )
