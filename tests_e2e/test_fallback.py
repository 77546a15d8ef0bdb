"""A profile's fallback engine on the Home Assistant release users run: it speaks while
DashScope cannot be reached, and its audio is not kept as the profile's.

Runs last: it stops the emulator and starts it again on the same port.
"""

import asyncio

import pytest

from .audio import decode
from .fallback_tts import SECONDS
from .home_assistant import ffmpeg_binary
from .journey import Journey
from .test_user_journey import MIN_RMS, until

pytestmark = pytest.mark.asyncio(loop_scope="session")

FALLBACK = "tts.fallback_speech"
MESSAGE = "The heating is off for the night."


async def _set_fallback(journey: Journey, profile: str, engine: str) -> None:
    """Reconfigure ``profile`` with ``engine`` as its fallback, as the settings page does."""
    client = journey.client
    subentries = await client.ws("config_entries/subentries/list", entry_id=journey.entry_id)
    (subentry_id,) = [s["subentry_id"] for s in subentries if s["title"] == profile]
    flow = await client.post(
        "/api/config/config_entries/subentries/flow",
        {"handler": [journey.entry_id, "tts"], "subentry_id": subentry_id, "source": "reconfigure"},
    )
    assert (flow["type"], flow["step_id"]) == ("form", "user")
    flow = await client.post(
        f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
        {"name": profile, "model": "qwen3-tts-flash"},
    )
    assert (flow["type"], flow["step_id"]) == ("form", "voice")
    flow = await client.post(
        f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
        {"voice": "Ethan", "fallback_engine": engine},
    )
    assert (flow["type"], flow["reason"]) == ("abort", "reconfigure_successful"), flow
    subentries = await client.ws("config_entries/subentries/list", entry_id=journey.entry_id)
    assert any(s["subentry_id"] == subentry_id for s in subentries)


async def _speak(journey: Journey, entity_id: str) -> tuple[int, str, bytes]:
    """MESSAGE through the TTS proxy, Home Assistant's cache allowed."""
    answer = await journey.client.post(
        "/api/tts_get_url", {"engine_id": entity_id, "message": MESSAGE}
    )
    return await journey.client.fetch(answer["url"])


def _syntheses(lines: list[str]) -> list[str]:
    return [line for line in lines if "model=qwen3-tts-flash" in line]


async def test_the_fallback_speaks_while_dashscope_is_down_and_is_not_cached(
    journey: Journey,
) -> None:
    journey.need("entities")
    profile = journey.entities["Bedtime"]
    state = await journey.client.get(f"/api/states/{FALLBACK}")
    assert state["state"] != "unavailable"
    await _set_fallback(journey, "Bedtime", FALLBACK)
    # The account reloads with the changed profile after the flow has answered.
    await until(
        lambda: journey.client.get(f"/api/states/{profile}"),
        lambda state: state["state"] != "unavailable",
    )

    journey.emulator.stop()
    try:
        status, content_type, audio = await _speak(journey, profile)
        assert (status, content_type) == (200, "audio/mpeg")
        heard = await asyncio.to_thread(decode, audio, ffmpeg_binary())
        # The fallback's tone: its length whatever the message (MP3 adds a frame or two).
        assert SECONDS - 0.05 <= heard.seconds <= SECONDS + 0.2, heard
        assert heard.rms > MIN_RMS
    finally:
        journey.emulator.start()

    before = len(_syntheses(await journey.emulator.logged_requests()))
    # The profile removed the fallback's audio from Home Assistant's cache (memory and file):
    # the same message is asked of DashScope again.
    status, content_type, audio = await _speak(journey, profile)
    assert (status, content_type) == (200, "audio/mpeg")
    heard = await asyncio.to_thread(decode, audio, ffmpeg_binary())
    assert abs(heard.seconds - SECONDS) > 0.5, heard
    assert heard.rms > MIN_RMS
    # A fresh synthesis of the message, not the fallback's audio from the cache.
    await until(
        journey.emulator.logged_requests,
        lambda lines: len(_syntheses(lines)) > before,
    )
