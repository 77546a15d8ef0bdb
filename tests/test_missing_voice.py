"""A voice that disappeared is noticed where it is used: a refused synthesis reloads the voices
(the profile gets its repair at once), the error names the voice, and a voice assistant that
speaks with it gets a repair too."""

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.qwen_tts.const import DOMAIN

from .assist_pipelines import create_pipeline, start_run
from .emulator import DashScopeEmulator
from .tts_helpers import ENTITY_ID, WAV, Speak, get_audio
from .voice_services import call_service

pytestmark = pytest.mark.usefixtures("tts_stack")

GOOD_NIGHT = "Good night, sleep tight."
PIPELINE_TIMEOUT = 30
# (target model, designed): the kinds of account voice a profile or an assistant may use.
type Kind = tuple[str, bool]
HTTP_CLONE: Kind = ("qwen3-tts-vc-2026-01-22", False)
ACCOUNT_VOICES = [
    pytest.param(HTTP_CLONE, id="cloned-http"),
    pytest.param(("qwen3-tts-vc-realtime-2026-01-15", False), id="cloned-realtime"),
    pytest.param(("qwen3-tts-vd-2026-01-26", True), id="designed-http"),
]


def seed_nana(emulator: DashScopeEmulator, kind: Kind) -> str:
    """The account's voice ``nana`` (before the account is set up); its id."""
    model, designed = kind
    fields = {"voice_prompt": "A warm grandmother."} if designed else {}
    return emulator.add_voice("nana", model, designed=designed, **fields)


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def set_up_with_nana(
    hass: HomeAssistant, emulator: DashScopeEmulator, entry: MockConfigEntry, kind: Kind
) -> str:
    """The account set up with its voice ``nana`` of ``kind``; the voice's id."""
    nana = seed_nana(emulator, kind)
    await set_up(hass, entry)
    return nana


async def profile_on_gone_voice(
    hass: HomeAssistant, emulator: DashScopeEmulator, entry: MockConfigEntry, kind: Kind, voice: str
) -> str:
    """Set the account up with its profile speaking ``nana`` (by ``voice``: ``id`` or its
    name), then delete ``nana`` in the console: the account's list, loaded before, still has
    it. The profile's title."""
    nana = seed_nana(emulator, kind)
    subentry = next(iter(entry.subentries.values()))
    chosen = nana if voice == "id" else "nana"
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "model": kind[0], "voice": chosen}
    )
    await set_up(hass, entry)
    del emulator.voices[nana]
    return subentry.title


def profile_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    subentry_id = next(iter(entry.subentries))
    return ir.async_get(hass).async_get_issue(DOMAIN, f"deleted_voice_{subentry_id}")


@pytest.mark.parametrize("kind", ACCOUNT_VOICES)
async def test_a_voice_deleted_in_the_console_is_refused_by_name_and_repaired_at_once(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    kind: Kind,
) -> None:
    profile = await profile_on_gone_voice(hass, emulator, config_entry, kind, "id")

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, GOOD_NIGHT, "en", WAV)
    await hass.async_block_till_done()

    assert caught.value.translation_key == "voice_gone"
    assert "the voice nana" in str(caught.value)
    assert "Settings > System > Repairs" in str(caught.value)
    issue = profile_issue(hass, config_entry)
    assert issue is not None
    assert issue.translation_placeholders == {"profile": profile, "voice": "nana"}


async def test_a_refused_voice_in_a_spoken_stream_is_repaired_at_once(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    speak: Speak,
) -> None:
    await profile_on_gone_voice(hass, emulator, config_entry, HTTP_CLONE, "name")

    served = await speak(GOOD_NIGHT, "en", WAV)
    await hass.async_block_till_done()

    assert served.status == 500
    assert profile_issue(hass, config_entry) is not None


@pytest.mark.parametrize("kind", ACCOUNT_VOICES)
async def test_the_id_of_a_deleted_voice_is_refused_by_its_name_with_what_to_do(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    kind: Kind,
) -> None:
    nana = await set_up_with_nana(hass, emulator, config_entry, kind)
    await call_service(hass, config_entry, "delete_voice", voice=nana)

    with pytest.raises(ServiceValidationError) as caught:
        await get_audio(hass, GOOD_NIGHT, "en", {**WAV, "voice": nana})

    assert caught.value.translation_key == "account_voice_gone"
    assert caught.value.translation_placeholders == {"voice": "nana", "id": nana}
    assert "Settings > Voice assistants" in str(caught.value)
    assert not emulator.requests_of("synthesis_stream")
    assert not emulator.requests_of("realtime")


# -- voice assistants ------------------------------------------------------------------------


@pytest.fixture
async def assist(hass: HomeAssistant) -> None:
    """Assist set up (its pipelines), as in a default Home Assistant install."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "assist_pipeline", {})


async def create_assistant(ws: Any, name: str, tts_voice: str) -> dict[str, Any]:
    """A voice assistant that answers with the account's profile and ``tts_voice``."""
    return await create_pipeline(
        ws, name, tts_engine=ENTITY_ID, tts_language="en", tts_voice=tts_voice
    )


def assistant_issue(hass: HomeAssistant, pipeline: dict[str, Any]) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"pipeline_voice_{pipeline['pipeline_id']}")


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize("kind", ACCOUNT_VOICES)
async def test_an_assistant_whose_voice_is_deleted_gets_a_repair_until_it_has_another(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    kind: Kind,
) -> None:
    nana = await set_up_with_nana(hass, emulator, config_entry, kind)
    ws = await hass_ws_client(hass)
    bedtime = await create_assistant(ws, "Bedtime", nana)
    kitchen = await create_assistant(ws, "Kitchen", "Cherry")
    assert assistant_issue(hass, bedtime) is None

    await call_service(hass, config_entry, "delete_voice", voice="nana")
    await hass.async_block_till_done()

    issue = assistant_issue(hass, bedtime)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "pipeline": "Bedtime",
        "voice": "nana",
        "engine": ENTITY_ID,
    }
    assert assistant_issue(hass, kitchen) is None

    await ws.send_json_auto_id(
        {"type": "assist_pipeline/pipeline/update", **bedtime, "tts_voice": "Serena"}
    )
    assert (await ws.receive_json())["success"]
    await config_entry.runtime_data.voices.async_refresh()
    await hass.async_block_till_done()

    assert assistant_issue(hass, bedtime) is None


@pytest.fixture
async def bedtime(
    hass: HomeAssistant,
    assist: None,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> dict[str, Any]:
    """A voice assistant speaking with ``nana``, which was then deleted in the console (the
    account's list, loaded before, still has it)."""
    nana = await set_up_with_nana(hass, emulator, config_entry, HTTP_CLONE)
    assistant = await create_assistant(await hass_ws_client(hass), "Bedtime", nana)
    del emulator.voices[nana]
    return assistant


async def test_an_assistant_speaking_with_a_voice_gone_from_the_console_gets_its_repair_at_once(
    hass: HomeAssistant, bedtime: dict[str, Any]
) -> None:
    # What the assistant asks for when it answers: its engine, language and voice.
    with pytest.raises(HomeAssistantError):
        await get_audio(hass, GOOD_NIGHT, "en", {"voice": bedtime["tts_voice"]})
    await hass.async_block_till_done()

    assert assistant_issue(hass, bedtime) is not None


async def run_tts_stage(ws: Any, pipeline_id: str, text: str) -> dict[str, Any]:
    """Run ``pipeline_id``'s text-to-speech stage on ``text`` as a satellite does; the
    ``tts_output`` of its tts-end event (the URL the satellite fetches)."""
    assert (await start_run(ws, pipeline_id, "tts", {"text": text}))["success"]
    async with asyncio.timeout(PIPELINE_TIMEOUT):
        while (event := (await ws.receive_json())["event"])["type"] != "tts-end":
            assert event["type"] != "error", event
    return dict(event["data"]["tts_output"])


async def test_an_assistant_answering_with_a_voice_gone_from_the_console_gets_its_repair(
    hass: HomeAssistant,
    bedtime: dict[str, Any],
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
) -> None:
    """The whole pipeline, as a satellite runs it: the answer's audio is refused (the voice is
    gone) and the assistant gets its repair right then, not at the next voice refresh."""
    ws = await hass_ws_client(hass)
    assert assistant_issue(hass, bedtime) is None

    tts_output = await run_tts_stage(ws, bedtime["pipeline_id"], GOOD_NIGHT)
    response = await (await hass_client()).get(tts_output["url"])
    await hass.async_block_till_done()

    assert response.status >= 400
    issue = assistant_issue(hass, bedtime)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["voice"] == "nana"


async def test_an_unloaded_account_withdraws_its_assistants_repairs(
    hass: HomeAssistant, config_entry: MockConfigEntry, bedtime: dict[str, Any]
) -> None:
    await config_entry.runtime_data.voices.async_refresh()
    await hass.async_block_till_done()
    assert assistant_issue(hass, bedtime) is not None

    assert await hass.config_entries.async_unload(config_entry.entry_id)

    assert assistant_issue(hass, bedtime) is None
