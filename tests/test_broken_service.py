"""A broken DashScope (or a proxy in front of it) never hangs speech: each misbehaviour ends
in a clear translated error within its bound, nothing is cached, the connection is closed,
and the same message speaks again once the service is well."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import DEFAULT_PROFILE
from custom_components.qwen_tts.dashscope import StreamBounds

from .emulator import DashScopeEmulator, render_pcm
from .tts_helpers import WAV, get_audio, wav_parts

pytestmark = pytest.mark.usefixtures("tts_stack")  # Home Assistant's ffmpeg, a cache per test

MESSAGE = "The front door has been open for ten minutes."
BOUNDS = StreamBounds(first_audio=0.6, audio_gap=0.4, base_wait=3.0, wait_per_char=0.0)
SLACK = 1.5


@pytest.fixture(autouse=True)
def short_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The integration's bounds, ten times shorter, so that the tests run quickly."""
    monkeypatch.setattr("custom_components.qwen_tts.STREAM_BOUNDS", BOUNDS)


@dataclass(frozen=True)
class Misbehaviour:
    """A way the service misbehaves, and what the user is told."""

    cause: Callable[[DashScopeEmulator], None]
    key: str
    text: str
    at_least: float
    at_most: float


# 1 s of audio every 20 ms, never finished (both transports).
ENDLESS_AUDIO = Misbehaviour(
    lambda emu: setattr(emu, "endless_audio", 0.02),
    "too_much_audio",
    "far more audio than the text can take",
    0.0,
    4.0,
)

SSE_FAULTS: dict[str, Misbehaviour] = {
    "trickle": Misbehaviour(
        lambda emu: setattr(emu, "sse_trickle", 0.05),
        "audio_stalled",
        "stopped sending audio (streaming synthesis with qwen3-tts-flash: no audio within 0.6 s)",
        BOUNDS.first_audio,
        BOUNDS.first_audio + SLACK,
    ),
    "silent_after_first_chunk": Misbehaviour(
        lambda emu: setattr(emu, "chunk_interval", 30.0),
        "audio_stalled",
        "stopped sending audio (streaming synthesis with qwen3-tts-flash: no audio for 0.4 s)",
        BOUNDS.audio_gap,
        BOUNDS.audio_gap + SLACK,
    ),
    "reset": Misbehaviour(
        lambda emu: setattr(emu, "sse_reset_after", 2),
        "incomplete_audio",
        "stopped before the audio was complete",
        0.0,
        SLACK,
    ),
    "endless_audio": ENDLESS_AUDIO,
}

REALTIME_FAULTS: dict[str, Misbehaviour] = {
    "chatter": Misbehaviour(
        lambda emu: setattr(emu, "ws_chatter", 0.1),
        "audio_stalled",
        "stopped sending audio (realtime session with qwen3-tts-flash-realtime: no audio within 0.6 s)",
        BOUNDS.first_audio,
        BOUNDS.first_audio + SLACK,
    ),
    "endless_audio": ENDLESS_AUDIO,
}


async def _fails_then_recovers(
    hass: HomeAssistant, emulator: DashScopeEmulator, fault: Misbehaviour, kind: str
) -> None:
    fault.cause(emulator)
    loop = asyncio.get_running_loop()
    started = loop.time()

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, MESSAGE, "en", WAV)
    elapsed = loop.time() - started
    await hass.async_block_till_done()

    assert caught.value.translation_key == fault.key
    assert fault.text in str(caught.value)
    assert fault.at_least <= elapsed < fault.at_most
    for _ in range(50):  # the emulator sees every connection closed
        if all(r.client_left for r in emulator.requests_of(kind)):
            break
        await asyncio.sleep(0.02)
    assert all(r.client_left for r in emulator.requests_of(kind))
    assert not emulator.sockets

    emulator.reset_faults()
    emulator.chunk_interval = 0.0
    _, audio = await get_audio(hass, MESSAGE, "en", WAV)  # not cached: spoken again, whole

    assert wav_parts(audio)[1] == render_pcm(MESSAGE)


@pytest.mark.parametrize("fault", list(SSE_FAULTS))
async def test_a_misbehaving_stream_fails_clearly_within_its_bound(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    fault: str,
) -> None:
    await _fails_then_recovers(hass, emulator, SSE_FAULTS[fault], "synthesis_stream")


@pytest.mark.parametrize("profile_data", [{**DEFAULT_PROFILE, "model": "qwen3-tts-flash-realtime"}])
@pytest.mark.parametrize("fault", list(REALTIME_FAULTS))
async def test_a_misbehaving_realtime_session_fails_clearly_within_its_bound(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    fault: str,
) -> None:
    await _fails_then_recovers(hass, emulator, REALTIME_FAULTS[fault], "realtime")


async def test_a_slow_but_working_service_still_speaks(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """First audio near its bound, audio at real time: the whole message, no error."""
    emulator.first_chunk_delay = 0.45
    emulator.realtime_factor = 1.0

    _, audio = await get_audio(hass, MESSAGE, "en", WAV)

    assert wav_parts(audio)[1] == render_pcm(MESSAGE)


@pytest.mark.parametrize(
    "call",
    [
        ("list_voices", {}, "the voice list"),
        ("delete_voice", {"voice": "grandma"}, "deleting the voice"),
    ],
    ids=["list_voices", "delete_voice"],
)
async def test_a_web_page_instead_of_the_api_is_told_in_the_words_of_the_action(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    call: tuple[str, dict[str, str], str],
) -> None:
    """A captive portal or a proxy answers a web page: no word about audio."""
    service, data, what = call
    emulator.add_voice("grandma", "qwen3-tts-vc-realtime-2026-01-15")
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    emulator.customization_html = True

    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            "qwen_tts",
            service,
            {"config_entry_id": config_entry.entry_id, **data},
            blocking=True,
            return_response=service == "list_voices",
        )

    assert caught.value.translation_key == "unexpected_answer"
    message = str(caught.value)
    assert f"answered something unexpected: {what}" in message
    assert "web page" in message
    assert "audio" not in message
