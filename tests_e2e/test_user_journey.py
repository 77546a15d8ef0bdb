"""A user's first hour on the Home Assistant release users run, over its REST/WebSocket API.

Each test is one step and leaves what it made in ``journey`` for the next ones (a step whose
prerequisite failed is skipped). Steps: onboarding (owner and token), the account against the
emulator as a custom endpoint, a voice profile, speech fetched from the TTS proxy and decoded,
any spelling of a language, ``tts.speak`` on a media player, and the voice services.
"""

import asyncio
from collections.abc import Awaitable, Callable
import re

import pytest

from tests.sample_audio import wav

from .audio import decode
from .home_assistant import ROOT, ffmpeg_binary
from .journey import API_KEY, Journey

pytestmark = pytest.mark.asyncio(loop_scope="session")

SPEAKER = "media_player.development_speaker"
MESSAGE = "The washing machine has finished. The laundry is ready to hang up."
# The emulator speaks in tones; an MP3 of them is far louder than silence's zero.
MIN_RMS = 500


async def until[T](
    read: Callable[[], Awaitable[T]], done: Callable[[T], bool], within: float = 60.0
) -> T:
    """Read until ``done`` holds: another process (Home Assistant, the emulator) catching up."""
    async with asyncio.timeout(within):
        # Polling another process: no event of ours to wait on.
        while not done(value := await read()):  # noqa: ASYNC110
            await asyncio.sleep(0.2)
    return value


def pinned_version() -> str:
    text = (ROOT / "requirements_ha.txt").read_text(encoding="utf-8")
    match = re.search(r"^homeassistant==(\S+)$", text, re.MULTILINE)
    assert match
    return match.group(1)


async def test_the_owner_is_created_through_onboarding(journey: Journey) -> None:
    await journey.client.onboard("Owner", "owner", "a long enough password")
    config = await journey.client.get("/api/config")
    assert config["version"] == pinned_version()
    assert "qwen_tts" not in config["components"]


async def test_the_account_is_set_up_with_the_emulator_as_custom_endpoint(journey: Journey) -> None:
    journey.need("client.token")
    client = journey.client
    flow = await client.post("/api/config/config_entries/flow", {"handler": "qwen_tts"})
    assert flow["type"] == "form"
    assert flow["step_id"] == "user"
    flow = await client.post(
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {"region": "custom", "api_key": API_KEY},
    )
    assert (flow["type"], flow["step_id"]) == ("form", "endpoint")
    flow = await client.post(
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {"base_url": journey.emulator.base_url},
    )
    assert flow["type"] == "create_entry", flow
    entries = await client.get("/api/config/config_entries/entry?domain=qwen_tts")
    assert [e["state"] for e in entries] == ["loaded"]
    journey.entry_id = flow["result"]["entry_id"]


async def test_a_voice_profile_is_added(journey: Journey) -> None:
    journey.need("entry_id")
    client = journey.client
    flow = await client.post(
        "/api/config/config_entries/subentries/flow", {"handler": [journey.entry_id, "tts"]}
    )
    assert (flow["type"], flow["step_id"]) == ("form", "user")
    flow = await client.post(
        f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
        {"name": "Bedtime", "model": "qwen3-tts-flash"},
    )
    assert (flow["type"], flow["step_id"]) == ("form", "voice")
    flow = await client.post(
        f"/api/config/config_entries/subentries/flow/{flow['flow_id']}", {"voice": "Ethan"}
    )
    assert flow["type"] == "create_entry", flow

    async def profile_entities() -> dict[str, str]:
        subentries = await client.ws("config_entries/subentries/list", entry_id=journey.entry_id)
        titles = {s["subentry_id"]: s["title"] for s in subentries}
        registry = await client.ws("config/entity_registry/list")
        return {
            titles[e["config_subentry_id"]]: e["entity_id"]
            for e in registry
            if e["config_entry_id"] == journey.entry_id and e["entity_id"].startswith("tts.")
        }

    # The account reloads with its new profile after the flow has answered.
    entities = await until(profile_entities, lambda found: "Bedtime" in found)
    assert len(entities) == 2
    for entity_id in entities.values():
        state = await client.get(f"/api/states/{entity_id}")
        assert state["state"] != "unavailable"
    journey.entities = entities


async def test_the_profile_speaks_through_the_tts_proxy(journey: Journey) -> None:
    journey.need("entities")
    before = len(await journey.emulator.logged_requests())
    answer = await journey.client.post(
        "/api/tts_get_url",
        {"engine_id": journey.entities["Bedtime"], "message": MESSAGE, "cache": False},
    )
    status, content_type, audio = await journey.client.fetch(answer["url"])
    assert status == 200
    assert content_type == "audio/mpeg"
    assert audio[:3] == b"ID3" or (audio[0] == 0xFF and audio[1] & 0xE0 == 0xE0)
    decoded = await asyncio.to_thread(decode, audio, ffmpeg_binary())
    assert decoded.seconds > 1.0
    assert decoded.rms > MIN_RMS
    # The emulator logs each request it served (every half second).
    await until(
        journey.emulator.logged_requests,
        lambda lines: any("model=qwen3-tts-flash" in line for line in lines[before:]),
    )


@pytest.mark.parametrize(
    ("language", "language_type"),
    [("zh_cn", "Chinese"), ("EN-us", "English"), ("cmn", "Chinese"), ("de_AT", "German")],
)
async def test_any_spelling_of_a_language_speaks_in_it(
    journey: Journey, language: str, language_type: str
) -> None:
    """Home Assistant checks the language against the entity's list itself: on the release
    users run, spellings outside the canonical tags reach the profile and set its language."""
    journey.need("entities")
    before = len(await journey.emulator.logged_requests())
    answer = await journey.client.post(
        "/api/tts_get_url",
        {
            "engine_id": journey.entities["Bedtime"],
            "message": f"Speak in {language}.",
            "language": language,
            "cache": False,
        },
    )
    status, content_type, audio = await journey.client.fetch(answer["url"])
    assert (status, content_type) == (200, "audio/mpeg")
    assert len(audio) > 1000
    decoded = await asyncio.to_thread(decode, audio, ffmpeg_binary())
    assert decoded.seconds > 0.5
    assert decoded.rms > MIN_RMS
    await until(
        journey.emulator.logged_requests,
        lambda lines: any(f"language_type={language_type}" in line for line in lines[before:]),
    )


async def test_tts_speak_plays_on_a_media_player(journey: Journey) -> None:
    journey.need("entities")
    await journey.client.post(
        "/api/services/tts/speak",
        {
            "entity_id": journey.entities["Bedtime"],
            "media_player_entity_id": SPEAKER,
            "message": "Good night. The front door is locked.",
        },
    )
    # The speaker fetched the audio before the service call returned; its attributes stay.
    state = await journey.client.get(f"/api/states/{SPEAKER}")
    attributes = state["attributes"]
    assert "/api/tts_proxy/" in attributes["media_content_id"]
    assert attributes["audio_format"] == "audio/mpeg"
    assert attributes["audio_bytes"] > 1000
    assert attributes["media_duration"] > 0.5


async def test_a_voice_is_cloned_from_an_uploaded_sample_and_listed(journey: Journey) -> None:
    journey.need("entry_id")
    await asyncio.to_thread((journey.ha.media / "grandma.wav").write_bytes, wav(12.0))
    created = await journey.client.post(
        "/api/services/qwen_tts/create_voice?return_response",
        {
            "config_entry_id": journey.entry_id,
            "name": "grandma",
            "media": {
                "media_content_id": "media-source://media_source/local/grandma.wav",
                "media_content_type": "audio/wav",
            },
        },
    )
    voice = created["service_response"]
    assert voice["name"] == "grandma"
    assert voice["voice"]
    listed = await journey.client.post(
        "/api/services/qwen_tts/list_voices?return_response",
        {"config_entry_id": journey.entry_id},
    )
    assert voice["voice"] in [v["voice"] for v in listed["service_response"]["voices"]]
    journey.voices[voice["name"]] = voice
    await until(
        journey.emulator.logged_requests,
        lambda lines: any("customization" in line and "status=200" in line for line in lines),
    )
