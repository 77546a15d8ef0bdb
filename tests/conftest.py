"""Shared fixtures: Home Assistant's test harness, the DashScope emulator, a configured account."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components import media_source
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.qwen_tts.const import (
    CONF_BASE_URL,
    CONF_REGION,
    DEFAULT_PROFILE,
    DEFAULT_PROFILE_NAME,
    DOMAIN,
    SUBENTRY_TTS,
)

from .emulator import DashScopeEmulator
from .sample_audio import FFMPEG
from .tts_helpers import ENTITY_ID, Served, Speak


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


def emulator_account(
    emulator: DashScopeEmulator, title: str, profiles: dict[str, dict[str, object]]
) -> MockConfigEntry:
    """An account on the emulator (region ``custom``) with ``{profile title: its data}``."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        data={
            CONF_REGION: "custom",
            CONF_BASE_URL: emulator.base_url,
            CONF_API_KEY: emulator.api_key,
        },
        subentries_data=[
            ConfigSubentryData(data=data, subentry_type=SUBENTRY_TTS, title=name, unique_id=None)
            for name, data in profiles.items()
        ],
    )


@pytest.fixture
def config_entry(
    hass: HomeAssistant, emulator: DashScopeEmulator, profile_data: dict[str, object]
) -> MockConfigEntry:
    """An account on the emulator (region ``custom``) with one voice profile, not yet set up."""
    entry = emulator_account(emulator, "Qwen TTS", {DEFAULT_PROFILE_NAME: profile_data})
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def setup_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The account set up and loaded."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
async def tts_stack(hass: HomeAssistant, tmp_path: Path) -> AsyncIterator[None]:
    """Home Assistant's ffmpeg (a binary from PyPI: CI has none) and a TTS cache per test."""
    with patch("homeassistant.components.tts._init_tts_cache_dir", return_value=str(tmp_path)):
        assert await async_setup_component(hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": FFMPEG}})
        yield


@pytest.fixture
def speak(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> Speak:
    """Call tts.speak for a media player, then fetch the URL the player is handed."""
    plays = async_mock_service(hass, "media_player", "play_media")

    async def _speak(
        message: str, language: str | None = None, options: dict[str, Any] | None = None
    ) -> Served:
        data: dict[str, Any] = {
            "entity_id": ENTITY_ID,
            "media_player_entity_id": "media_player.kitchen",
            "message": message,
        }
        if language:
            data["language"] = language
        if options:
            data["options"] = options
        await hass.services.async_call("tts", "speak", data, blocking=True)
        media = await media_source.async_resolve_media(
            hass, plays[-1].data["media_content_id"], None
        )
        client = await hass_client()
        response = await client.get(media.url)
        return Served(response.status, response.content_type, await response.read())

    return _speak


@pytest.fixture
def get_url(hass_client: ClientSessionGenerator) -> Speak:
    """Ask /api/tts_get_url for a URL (as scripts and other apps do), then fetch it."""

    async def _get_url(
        message: str, language: str | None = None, options: dict[str, Any] | None = None
    ) -> Served:
        client = await hass_client()
        body: dict[str, Any] = {"engine_id": ENTITY_ID, "message": message}
        if language is not None:
            body["language"] = language
        if options:
            body["options"] = options
        answer = await client.post("/api/tts_get_url", json=body)
        if answer.status != 200:
            return Served(answer.status, answer.content_type, await answer.read())
        response = await client.get((await answer.json())["path"])
        return Served(response.status, response.content_type, await response.read())

    return _get_url
