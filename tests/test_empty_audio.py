"""A synthesis that succeeds without any audio is an error, never a silent file, and nothing
of it is cached: through tts.speak, the media source, and Assist's streamed text."""

import asyncio
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from homeassistant.components import tts
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import DEFAULT_PROFILE

from .emulator import DashScopeEmulator, render_pcm
from .tts_helpers import ENTITY_ID, WAV, Speak, decode, gather_until_failure, get_audio

MESSAGE = "Hello there. The washing machine is done."
REALTIME_PROFILE = {**DEFAULT_PROFILE, "model": "qwen3-tts-flash-realtime"}


pytestmark = pytest.mark.usefixtures("tts_stack")  # Home Assistant's ffmpeg, a cache per test


async def _media_error(hass: HomeAssistant, options: dict[str, Any]) -> HomeAssistantError:
    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, MESSAGE, "en", options)
    # Home Assistant fills (or, on failure, drops) its cache in a background task.
    await hass.async_block_till_done(wait_background_tasks=True)
    return caught.value


def _cached_files(cache_dir: Path) -> list[Path]:
    return [path for path in cache_dir.iterdir() if path.is_file()]


@pytest.mark.parametrize("options", [WAV, {}], ids=["wav", "mp3"])
async def test_a_message_without_audio_fails_and_nothing_is_cached(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    tmp_path: Path,
    options: dict[str, Any],
) -> None:
    emulator.empty_audio = True

    err = await _media_error(hass, options)

    assert err.translation_key == "incomplete_audio"
    assert "stopped before the audio was complete" in str(err)
    assert _cached_files(tmp_path) == []

    emulator.empty_audio = False
    extension, audio = await get_audio(hass, MESSAGE, "en", options)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert extension == ("wav" if options else "mp3")
    assert len(await decode(audio)) > 0
    assert len(emulator.requests_of("synthesis_stream")) == 2
    assert len(_cached_files(tmp_path)) == 1


@pytest.mark.parametrize("profile_data", [REALTIME_PROFILE])
async def test_a_realtime_session_without_audio_fails_and_nothing_is_cached(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True

    err = await _media_error(hass, WAV)

    assert err.translation_key == "incomplete_audio"
    emulator.empty_audio = False
    _, audio = await get_audio(hass, MESSAGE, "en", WAV)
    assert render_pcm(MESSAGE) in audio
    assert len(emulator.requests_of("realtime")) == 2


async def test_streamed_text_without_audio_fails_the_stream(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """Assist's reply goes to one realtime session; a session that ends silent is an error."""

    async def reply() -> AsyncGenerator[str]:
        for word in MESSAGE.split(" "):
            await asyncio.sleep(0)  # still being written
            yield word + " "

    emulator.empty_audio = True
    stream = tts.async_create_stream(hass, ENTITY_ID, "en-US", WAV)
    stream.async_set_message_stream(reply())
    received: list[bytes] = []

    with pytest.raises(HomeAssistantError) as caught:
        await gather_until_failure(stream.async_stream_result(), received)

    assert caught.value.translation_key == "incomplete_audio"
    assert received == []
    (session,) = emulator.requests_of("realtime")
    assert "".join(session.responses).strip() == MESSAGE


async def test_tts_speak_without_audio_serves_an_error_not_a_silent_file(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator.empty_audio = True

    served = await speak(MESSAGE, None, WAV)

    assert served.status == 500
    assert "DashScope stopped before the audio was complete" in caplog.text

    emulator.empty_audio = False
    served = await speak(MESSAGE, None, WAV)

    assert served.status == 200
    assert len(await decode(served.body)) > 0
    assert len(emulator.requests_of("synthesis_stream")) == 2
