"""A voice profile whose voice was deleted gets a repair issue, fixed by picking another voice."""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components import media_source
from homeassistant.config_entries import ConfigEntryDisabler, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.qwen_tts.const import DEFAULT_PROFILE, DEFAULT_PROFILE_NAME, DOMAIN

from . import sample_audio
from .emulator import DashScopeEmulator, render_pcm
from .tts_helpers import wav_parts
from .voice_services import call_service

HTTP_CLONE_MODEL = "qwen3-tts-vc-2026-01-22"
REALTIME_CLONE_MODEL = "qwen3-tts-vc-realtime-2026-01-15"


@pytest.fixture(autouse=True)
async def components(hass: HomeAssistant, tmp_path: Path) -> AsyncIterator[None]:
    """ffmpeg from imageio, a local media folder, a TTS cache and the repairs UI, before the
    account."""
    hass.config.media_dirs = {"local": str(tmp_path)}
    with patch("homeassistant.components.tts._init_tts_cache_dir", return_value=str(tmp_path)):
        assert await async_setup_component(
            hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": sample_audio.FFMPEG}}
        )
        assert await async_setup_component(hass, "repairs", {})
        yield


@pytest.fixture
def grandma(emulator: DashScopeEmulator) -> str:
    """A cloned voice of the account, there before Home Assistant starts."""
    return emulator.add_voice("grandma", HTTP_CLONE_MODEL)


@pytest.fixture
def profile_data(grandma: str) -> dict[str, object]:
    """The account's profile speaks with grandma's voice."""
    return {**DEFAULT_PROFILE, "voice": grandma}


def _profile(entry: MockConfigEntry) -> ConfigSubentry:
    (subentry,) = entry.subentries.values()
    return subentry


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"deleted_voice_{_profile(entry).subentry_id}"
    )


async def _delete(hass: HomeAssistant, entry: MockConfigEntry, voice: str) -> None:
    await call_service(hass, entry, "delete_voice", voice=voice)
    await hass.async_block_till_done()


async def _use_voice(hass: HomeAssistant, entry: MockConfigEntry, voice: str) -> None:
    """Change the profile's voice (the account reloads)."""
    subentry = _profile(entry)
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "voice": voice}
    )
    await hass.async_block_till_done()


async def _start_fix(client: Any, issue_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def _fix_deleted(
    hass: HomeAssistant, hass_client: Any, entry: MockConfigEntry, voice: str
) -> tuple[Any, dict[str, Any]]:
    """Delete the profile's ``voice``, then open the fix of its repair: the client, the form."""
    await _delete(hass, entry, voice)
    issue = _issue(hass, entry)
    assert issue is not None
    client = await hass_client()
    return client, await _start_fix(client, issue.issue_id)


async def _submit(client: Any, flow_id: str, data: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json=data)
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def _speak(
    hass: HomeAssistant, hass_client: Any, message: str, options: dict[str, Any]
) -> bytes:
    """``tts.speak`` to a media player, then fetch the WAV the player is handed."""
    plays = async_mock_service(hass, "media_player", "play_media")
    await hass.services.async_call(
        "tts",
        "speak",
        {
            "entity_id": "tts.qwen_tts",
            "media_player_entity_id": "media_player.kitchen",
            "message": message,
            "options": {**options, "preferred_format": "wav"},
        },
        blocking=True,
    )
    media = await media_source.async_resolve_media(hass, plays[-1].data["media_content_id"], None)
    response = await (await hass_client()).get(media.url)
    assert response.status == 200
    return await response.read()


def _options(form: dict[str, Any]) -> list[str]:
    (field,) = form["data_schema"]
    return [option["value"] for option in field["selector"]["select"]["options"]]


@pytest.mark.parametrize("profile_data", [dict(DEFAULT_PROFILE)])
async def test_create_list_delete_then_pick_another_voice(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    entry = setup_integration
    created = await call_service(
        hass, entry, "create_voice", name="mom", url="https://example.com/mom.wav"
    )
    assert created is not None
    mom = str(created["voice"])
    listed = await call_service(hass, entry, "list_voices")
    assert listed is not None
    assert mom in [voice["voice"] for voice in listed["voices"]]

    served = await _speak(hass, hass_client, "Good night.", {"voice": "mom"})

    [request] = emulator.requests_of("synthesis_stream")
    assert request.model == HTTP_CLONE_MODEL
    assert request.body["input"]["voice"] == mom
    assert wav_parts(served)[1] == render_pcm("Good night.")

    await _use_voice(hass, entry, mom)
    assert _issue(hass, entry) is None

    await _delete(hass, entry, "mom")

    issue = _issue(hass, entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "deleted_voice"
    assert issue.translation_placeholders == {"profile": DEFAULT_PROFILE_NAME, "voice": "mom"}

    client = await hass_client()
    form = await _start_fix(client, issue.issue_id)
    assert form["type"] == "form"
    assert form["step_id"] == "pick_voice"
    assert form["description_placeholders"] == {"profile": DEFAULT_PROFILE_NAME, "voice": "mom"}
    assert "Ethan" in _options(form)
    assert mom not in _options(form)

    result = await _submit(client, form["flow_id"], {"voice": "Ethan"})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert _profile(entry).data == {**DEFAULT_PROFILE, "voice": "Ethan"}
    assert _issue(hass, entry) is None


async def test_deleting_the_voice_of_a_profile_raises_an_issue_naming_both(
    hass: HomeAssistant, setup_integration: MockConfigEntry, grandma: str
) -> None:
    await _delete(hass, setup_integration, grandma)

    issue = _issue(hass, setup_integration)
    assert issue is not None
    assert issue.translation_placeholders == {"profile": DEFAULT_PROFILE_NAME, "voice": "grandma"}


@pytest.mark.parametrize("profile_data", [{**DEFAULT_PROFILE, "voice": "grandma"}])
async def test_a_profile_naming_the_voice_by_its_friendly_name_gets_an_issue(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    grandma: str,
) -> None:
    await _delete(hass, setup_integration, "grandma")

    issue = _issue(hass, setup_integration)
    assert issue is not None
    assert issue.translation_placeholders == {"profile": DEFAULT_PROFILE_NAME, "voice": "grandma"}


@pytest.mark.parametrize("profile_data", [dict(DEFAULT_PROFILE)])
async def test_deleting_a_voice_no_profile_uses_raises_no_issue(
    hass: HomeAssistant, setup_integration: MockConfigEntry, grandma: str
) -> None:
    await _delete(hass, setup_integration, grandma)
    assert ir.async_get(hass).issues == {}


async def test_a_voice_deleted_elsewhere_raises_the_issue_at_the_next_refresh(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    grandma: str,
) -> None:
    del emulator.voices[grandma]  # deleted in the Alibaba Cloud console

    await setup_integration.runtime_data.voices.async_refresh()

    issue = _issue(hass, setup_integration)
    assert issue is not None
    assert issue.translation_placeholders == {"profile": DEFAULT_PROFILE_NAME, "voice": "grandma"}


async def test_the_issue_is_raised_again_after_a_reload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, grandma: str
) -> None:
    await _delete(hass, setup_integration, grandma)

    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()

    assert _issue(hass, setup_integration) is not None


async def _remove(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config_entries.async_remove(entry.entry_id)


async def _disable(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(_remove, id="account removed -> its issues withdrawn"),
        pytest.param(_disable, id="account disabled -> its issues withdrawn"),
    ],
)
async def test_an_account_that_goes_away_withdraws_its_issues(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    grandma: str,
    leave: Callable[[HomeAssistant, MockConfigEntry], Awaitable[None]],
) -> None:
    await _delete(hass, setup_integration, grandma)
    assert _issue(hass, setup_integration) is not None

    await leave(hass, setup_integration)
    await hass.async_block_till_done()

    assert ir.async_get(hass).issues == {}


async def test_the_issue_is_withdrawn_when_the_profile_gets_another_voice_elsewhere(
    hass: HomeAssistant, setup_integration: MockConfigEntry, grandma: str
) -> None:
    await _delete(hass, setup_integration, grandma)
    assert _issue(hass, setup_integration) is not None

    await _use_voice(hass, setup_integration, "Serena")  # e.g. via the profile's options

    assert _issue(hass, setup_integration) is None


async def test_the_fix_offers_the_models_system_voices_and_the_remaining_account_voices(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    grandma: str,
    hass_client: Any,
) -> None:
    grandpa = emulator.add_voice("grandpa", HTTP_CLONE_MODEL)
    announcer = emulator.add_voice("announcer", "qwen3-tts-vd-2026-01-26", designed=True)
    fast = emulator.add_voice("fast", REALTIME_CLONE_MODEL)  # realtime: not for an HTTP profile

    _, form = await _fix_deleted(hass, hass_client, setup_integration, grandma)

    options = _options(form)
    assert grandpa in options
    assert announcer in options
    assert fast not in options
    assert grandma not in options
    assert {"Cherry", "Ethan", "Serena"} <= set(options)
    assert "Ebona" not in options  # a voice of the realtime model only


@pytest.mark.parametrize(
    "profile_data", [{**DEFAULT_PROFILE, "model": HTTP_CLONE_MODEL, "voice": "grandma"}]
)
async def test_the_fix_of_a_profile_on_a_cloned_voice_model_offers_that_models_voices_newest_first(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    grandma: str,
    hass_client: Any,
) -> None:
    grandpa = emulator.add_voice("grandpa", HTTP_CLONE_MODEL, gmt_create="2026-01-01 08:00:00")
    aunt = emulator.add_voice("aunt", HTTP_CLONE_MODEL, gmt_create="2026-01-02 08:00:00")
    emulator.add_voice("fast", REALTIME_CLONE_MODEL)  # another model

    _, form = await _fix_deleted(hass, hass_client, setup_integration, grandma)

    (field,) = form["data_schema"]
    assert field["selector"]["select"]["options"] == [
        {"value": aunt, "label": "aunt (cloned)"},
        {"value": grandpa, "label": "grandpa (cloned)"},
    ]


async def test_the_fix_can_switch_to_another_account_voice(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    grandma: str,
    hass_client: Any,
) -> None:
    grandpa = emulator.add_voice("grandpa", HTTP_CLONE_MODEL)
    client, form = await _fix_deleted(hass, hass_client, setup_integration, grandma)

    result = await _submit(client, form["flow_id"], {"voice": grandpa})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert _profile(setup_integration).data["voice"] == grandpa
    assert _issue(hass, setup_integration) is None


async def test_the_fix_aborts_when_the_profile_was_removed_meanwhile(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    grandma: str,
    hass_client: Any,
) -> None:
    client, form = await _fix_deleted(hass, hass_client, setup_integration, grandma)
    subentry_id = _profile(setup_integration).subentry_id
    assert hass.config_entries.async_remove_subentry(setup_integration, subentry_id)
    await hass.async_block_till_done()

    result = await _submit(client, form["flow_id"], {"voice": "Ethan"})

    assert result["type"] == "abort"
    assert result["reason"] == "profile_removed"
    assert ir.async_get(hass).issues == {}
