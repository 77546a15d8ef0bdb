"""The account's device and its sensors: the service's status and this month's usage."""

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import tts
from homeassistant.components.sensor import ATTR_STATE_CLASS, SensorStateClass
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.qwen_tts.const import DOMAIN

from .account_sensors import sensor_id, sensor_state
from .emulator import DashScopeEmulator
from .service_failures import failure_cases
from .voice_services import call_service


async def test_the_account_has_its_own_service_device(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    devices = dr.async_get(hass)
    device = devices.async_get_device_by_identifier(
        (DOMAIN, setup_integration.entry_id), setup_integration.entry_id
    )

    assert device is not None
    assert (device.name, device.manufacturer, device.model, device.entry_type) == (
        "Qwen TTS",
        "Alibaba Cloud",
        "DashScope",
        DeviceEntryType.SERVICE,
    )
    entities = er.async_entries_for_device(er.async_get(hass), device.id)
    assert {entity.translation_key for entity in entities} == {
        "service_status",
        "characters_this_month",
        "requests_this_month",
        "voices_this_month",
        "speech_seconds_this_month",
        "speech_to_text",
    }


async def test_an_existing_account_gets_its_device_on_the_next_start(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    devices = dr.async_get(hass)
    identifier = (DOMAIN, config_entry.entry_id)
    assert devices.async_get_device_by_identifier(identifier, config_entry.entry_id) is None

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert devices.async_get_device_by_identifier(identifier, config_entry.entry_id) is not None


async def test_status_is_ok_and_diagnostic_once_the_voices_load(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    entity_id = sensor_id(hass, setup_integration, "service_status")
    state = hass.states.get(entity_id)

    assert state is not None
    assert state.state == "ok"
    assert state.attributes["options"] == [
        "ok",
        "auth_failed",
        "arrears",
        "rate_limited",
        "server_error",
        "unreachable",
    ]
    assert state.attributes["last_failure"] is None
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None
    assert entry.entity_category is EntityCategory.DIAGNOSTIC


@failure_cases(
    (None, None, "unreachable"),
    (503, "ServiceUnavailable", "server_error"),
    (500, "InternalError", "server_error"),
    (401, "InvalidApiKey", "auth_failed"),
    (400, "Arrearage", "arrears"),
    (429, "Throttling.RateQuota", "rate_limited"),
)
async def test_status_follows_the_voice_refresh_and_returns_to_ok(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    *,
    status: int | None,
    code: str | None,
    expected: str,
) -> None:
    voices = setup_integration.runtime_data.voices
    if status is None:
        await emulator.stop()
    else:
        assert code is not None
        emulator.fail_next(status, code, "the service said no")

    await voices.async_refresh()
    await hass.async_block_till_done()

    state = hass.states.get(sensor_id(hass, setup_integration, "service_status"))
    assert state is not None
    assert state.state == expected
    assert dt_util.parse_datetime(state.attributes["last_failure"]) is not None
    message = state.attributes["last_failure_message"]
    assert emulator.api_key not in message
    if status is not None:
        assert "the service said no" in message
        assert "request id" in message

    if status is None:
        await emulator.start()
    await voices.async_refresh()
    await hass.async_block_till_done()

    assert sensor_state(hass, setup_integration, "service_status") == "ok"
    # The last failure stays for the record.
    state = hass.states.get(sensor_id(hass, setup_integration, "service_status"))
    assert state is not None
    assert state.attributes["last_failure_message"] == message


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("characters_this_month", "characters"),
        ("requests_this_month", "requests"),
        ("voices_this_month", "voices"),
        ("speech_seconds_this_month", "s"),
    ],
)
async def test_usage_sensors_are_monthly_totals(
    hass: HomeAssistant, setup_integration: MockConfigEntry, key: str, unit: str
) -> None:
    state = hass.states.get(sensor_id(hass, setup_integration, key))

    assert state is not None
    assert float(state.state) == 0
    assert state.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == unit
    last_reset = dt_util.parse_datetime(state.attributes["last_reset"])
    assert last_reset is not None
    now = dt_util.now()
    assert last_reset == now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def test_usage_survives_a_restart(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    setup_integration.runtime_data.usage.record(characters=195, requests=2, voices=1, seconds=7.5)
    await hass.async_block_till_done()
    assert sensor_state(hass, setup_integration, "characters_this_month") == "195"

    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()

    assert setup_integration.state is ConfigEntryState.LOADED
    assert sensor_state(hass, setup_integration, "characters_this_month") == "195"
    assert sensor_state(hass, setup_integration, "requests_this_month") == "2"
    assert sensor_state(hass, setup_integration, "voices_this_month") == "1"
    assert sensor_state(hass, setup_integration, "speech_seconds_this_month") == "7.5"


@pytest.mark.parametrize("time_zone", ["Asia/Shanghai", "America/New_York", "UTC"])
async def test_usage_starts_over_at_midnight_of_the_first_in_the_home_time_zone(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
) -> None:
    await hass.config.async_set_time_zone(time_zone)
    zone = dt_util.get_default_time_zone()
    freezer.move_to(datetime(2026, 11, 30, 23, 59, 0, tzinfo=zone))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    config_entry.runtime_data.usage.record(characters=40, requests=1)
    await hass.async_block_till_done()
    assert sensor_state(hass, config_entry, "characters_this_month") == "40"

    freezer.move_to(datetime(2026, 12, 1, 0, 0, 1, tzinfo=zone))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    state = hass.states.get(sensor_id(hass, config_entry, "characters_this_month"))
    assert state is not None
    assert state.state == "0"
    assert dt_util.parse_datetime(state.attributes["last_reset"]) == datetime(
        2026, 12, 1, tzinfo=zone
    )
    assert sensor_state(hass, config_entry, "requests_this_month") == "0"


async def test_a_stored_count_of_an_earlier_month_is_not_restored(
    hass: HomeAssistant, config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    zone = dt_util.get_default_time_zone()
    freezer.move_to(datetime(2026, 10, 15, 12, 0, tzinfo=zone))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    config_entry.runtime_data.usage.record(characters=500)
    assert await hass.config_entries.async_unload(config_entry.entry_id)

    freezer.move_to(datetime(2026, 11, 2, 12, 0, tzinfo=zone) + timedelta(days=1))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert sensor_state(hass, config_entry, "characters_this_month") == "0"


@pytest.fixture(autouse=True)
def tts_cache_dir(tmp_path: Path) -> Iterator[None]:
    """Home Assistant's TTS file cache in this test's own directory."""
    with patch("homeassistant.components.tts._init_tts_cache_dir", return_value=str(tmp_path)):
        yield


async def _speak(hass: HomeAssistant, engine: str, message: str, **options: Any) -> bytes:
    stream = tts.async_create_stream(hass, engine, "en-US", options)
    stream.async_set_message(message)
    audio = b"".join([chunk async for chunk in stream.async_stream_result()])
    await hass.async_block_till_done(wait_background_tasks=True)
    return audio


def _tts_engine(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return next(e.entity_id for e in entities if e.domain == "tts")


@pytest.mark.parametrize(
    ("message", "options"),
    [
        pytest.param("Hello there, the washing machine is done.", {}, id="mp3-one-request"),
        pytest.param("洗衣机洗好了。请把衣服晾起来。", {"preferred_format": "wav"}, id="cjk-wav"),
        pytest.param(
            " ".join(f"Sentence number {n} of a long announcement." for n in range(40)),
            {},
            id="long-several-requests",
        ),
    ],
)
async def test_speaking_adds_exactly_what_the_service_billed_and_cached_audio_adds_nothing(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    message: str,
    options: dict[str, Any],
) -> None:
    engine = _tts_engine(hass, setup_integration)

    await _speak(hass, engine, message, **options)

    requests = emulator.requests_of("synthesis_stream")
    billed = sum(r.billed for r in requests)
    assert billed > 0
    assert sensor_state(hass, setup_integration, "characters_this_month") == str(billed)
    assert sensor_state(hass, setup_integration, "requests_this_month") == str(len(requests))

    await _speak(hass, engine, message, **options)  # Home Assistant's cache answers

    assert len(emulator.requests_of("synthesis_stream")) == len(requests)
    assert sensor_state(hass, setup_integration, "characters_this_month") == str(billed)


async def test_assist_replies_over_realtime_are_counted_too(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    async def reply() -> AsyncGenerator[str]:
        for piece in ("The kitchen ", "lights are ", "now off."):
            await asyncio.sleep(0)
            yield piece

    stream = tts.async_create_stream(hass, _tts_engine(hass, setup_integration), "en-US", {})
    stream.async_set_message_stream(reply())
    assert b"".join([chunk async for chunk in stream.async_stream_result()])
    await hass.async_block_till_done()

    (session,) = emulator.requests_of("realtime")
    assert session.billed > 0
    assert sensor_state(hass, setup_integration, "characters_this_month") == str(session.billed)
    assert sensor_state(hass, setup_integration, "requests_this_month") == "1"


async def test_usage_of_speech_survives_a_restart(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    await _speak(hass, _tts_engine(hass, setup_integration), "Good night, everyone.")
    billed = str(sum(r.billed for r in emulator.requests_of("synthesis_stream")))

    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()

    assert sensor_state(hass, setup_integration, "characters_this_month") == billed


async def _list_voices(hass: HomeAssistant, entry: MockConfigEntry, text: str) -> None:
    await call_service(hass, entry, "list_voices")


async def _speak_with(hass: HomeAssistant, entry: MockConfigEntry, text: str) -> None:
    await _speak(hass, _tts_engine(hass, entry), text)


@pytest.mark.parametrize(
    ("act", "kind"),
    [
        pytest.param(_speak_with, "synthesis_stream", id="speech"),
        pytest.param(_list_voices, "enrollment", id="voice action"),
    ],
)
@failure_cases(
    (503, "ServiceUnavailable", "server_error"),
    (401, "InvalidApiKey", "auth_failed"),
    (429, "Throttling", "rate_limited"),
    (400, "Arrearage", "arrears"),
)
async def test_status_follows_speech_and_voice_actions_and_returns_to_ok(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    *,
    act: Callable[[HomeAssistant, MockConfigEntry, str], Awaitable[None]],
    kind: str,
    status: int,
    code: str,
    expected: str,
) -> None:
    before = len(emulator.requests_of(kind))
    emulator.fail_next(status, code, count=10)

    with pytest.raises(HomeAssistantError):
        await act(hass, setup_integration, "The front door is open.")

    assert sensor_state(hass, setup_integration, "service_status") == expected
    emulator.reset_faults()
    await act(hass, setup_integration, "The front door is closed.")
    assert len(emulator.requests_of(kind)) == before + 2
    assert sensor_state(hass, setup_integration, "service_status") == "ok"


async def test_a_moderation_refusal_leaves_the_status_ok(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.fail_next(400, "DataInspectionFailed", count=10)

    with pytest.raises(HomeAssistantError):
        await _speak(hass, _tts_engine(hass, setup_integration), "Something rude.")

    assert sensor_state(hass, setup_integration, "service_status") == "ok"
