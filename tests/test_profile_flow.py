"""The voice profile subentry flow: steps that show only what the chosen model supports."""

import json
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigSubentryData
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.catalogue import MODELS
from custom_components.qwen_tts.const import (
    CONF_FALLBACK_ENGINE,
    CONF_INSTRUCTIONS,
    CONF_LANGUAGE,
    CONF_MODEL,
    CONF_OPTIMIZE_INSTRUCTIONS,
    CONF_PITCH_RATE,
    CONF_REGION,
    CONF_SPEECH_RATE,
    CONF_VOICE,
    CONF_VOLUME,
    DOMAIN,
    SUBENTRY_TTS,
)
from custom_components.qwen_tts.dashscope import Region
from custom_components.qwen_tts.dashscope.endpoint import REGION_BASE_URLS
from custom_components.qwen_tts.profile_flow import fallback_error
from scripts.translations_sync import STRINGS

from .emulator import DashScopeEmulator
from .fallback_engine import BackupEngine, add_backup_engine

MOM = "qwen-tts-vc-mom-voice-20260102030405006-ab12"  # cloned, HTTP
DAD = "qwen-tts-vc-dad-voice-20260103030405006-cd34"  # cloned, realtime
ANNOUNCER = "qwen-tts-vd-announcer-voice-20260104030405006-ef56"  # designed, HTTP
ROBOT = "qwen-tts-vd-robot-voice-20260105030405006-0a0b"  # designed, realtime
ACCOUNT_VOICES = {
    MOM: ("qwen3-tts-vc-2026-01-22", "2026-01-02 03:04:05"),
    DAD: ("qwen3-tts-vc-realtime-2026-01-15", "2026-01-03 03:04:05"),
    ANNOUNCER: ("qwen3-tts-vd-2026-01-26", "2026-01-04 03:04:05"),
    ROBOT: ("qwen3-tts-vd-realtime-2026-01-15", "2026-01-05 03:04:05"),
}
QWEN_TTS_FAMILY = {"qwen-tts", "qwen-tts-latest", "qwen-tts-realtime"}


@pytest.fixture(autouse=True)
def seed_account_voices(emulator: DashScopeEmulator) -> None:
    """The account owns two cloned and two designed voices, for HTTP and realtime models."""
    for voice, (target_model, created) in ACCOUNT_VOICES.items():
        emulator.voices[voice] = {
            "voice": voice,
            "target_model": target_model,
            "gmt_create": created,
            "gmt_modified": created,
        }


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TTS), context={"source": "user"}
    )


async def submit(hass: HomeAssistant, result: dict[str, Any], **data: Any) -> dict[str, Any]:
    return await hass.config_entries.subentries.async_configure(result["flow_id"], data)


def fields(result: dict[str, Any]) -> list[str]:
    return [marker.schema for marker in result["data_schema"].schema]


def marker_of(result: dict[str, Any], field: str) -> Any:
    return next(m for m in result["data_schema"].schema if m.schema == field)


def options(result: dict[str, Any], field: str) -> list[Any]:
    return result["data_schema"].schema[marker_of(result, field)].config["options"]


def prefilled(result: dict[str, Any], field: str) -> Any:
    """What the form shows in ``field``: the suggested value, else the default."""
    marker = marker_of(result, field)
    if marker.description and "suggested_value" in marker.description:
        return marker.description["suggested_value"]
    return marker.default() if callable(marker.default) else None


async def voice_step(
    hass: HomeAssistant, entry: MockConfigEntry, model: str, name: str = "Kitchen"
) -> dict[str, Any]:
    result = await submit(hass, await start(hass, entry), name=name, model=model)
    assert result["step_id"] == "voice", result
    return result


def profiles(entry: MockConfigEntry) -> dict[str, Any]:
    return {s.title: dict(s.data) for s in entry.subentries.values()}


# -- step 1: name and model ----------------------------------------------------------------------


async def test_first_step_asks_name_and_model(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await start(hass, setup_integration)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert fields(result) == ["name", CONF_MODEL]
    assert prefilled(result, CONF_MODEL) == "qwen3-tts-flash"
    selector = result["data_schema"].schema[marker_of(result, CONF_MODEL)]
    assert selector.config["translation_key"] == "profile_model"


@pytest.mark.parametrize(
    ("region", "family_offered"), [("intl", False), ("cn", True), ("custom", True)]
)
async def test_models_offered_follow_the_account_region(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    monkeypatch: pytest.MonkeyPatch,
    region: str,
    family_offered: bool,
) -> None:
    """The Beijing-only qwen-tts family is offered on Beijing and custom endpoints (a custom
    endpoint may be a Beijing workspace; its labels say "Beijing only")."""
    monkeypatch.setitem(REGION_BASE_URLS, Region.INTL, emulator.base_url)
    monkeypatch.setitem(REGION_BASE_URLS, Region.CN, emulator.base_url)
    data = {CONF_REGION: region, CONF_API_KEY: emulator.api_key}
    if region == "custom":
        data["base_url"] = emulator.base_url
    entry = MockConfigEntry(domain=DOMAIN, data=data)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)

    offered = set(options(await start(hass, entry), CONF_MODEL))

    qwen3 = {m for m in MODELS if m not in QWEN_TTS_FAMILY}
    assert offered == (qwen3 | QWEN_TTS_FAMILY if family_offered else qwen3)


async def test_blank_name_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await submit(hass, await start(hass, setup_integration), name="  ", model="qwen-tts")

    assert result["step_id"] == "user"
    assert result["errors"] == {"name": "name_required"}
    assert prefilled(result, CONF_MODEL) == "qwen-tts"


async def test_not_loaded_account_aborts(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    result = await start(hass, config_entry)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"


async def test_account_unloaded_between_steps_aborts(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")
    assert await hass.config_entries.async_unload(setup_integration.entry_id)

    result = await submit(hass, result, voice="Cherry")

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"
    assert len(setup_integration.subentries) == 1


# -- step 2: what the model supports -------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "account", "not_offered", "model_voice"),
    [
        pytest.param(
            "qwen3-tts-flash",
            [(ANNOUNCER, "announcer (designed)"), (MOM, "mom (cloned)")],
            [DAD, ROBOT],
            "Cherry",
            id="HTTP model -> the account's HTTP voices, then its own",
        ),
        pytest.param(
            "qwen3-tts-flash-realtime",
            [(ROBOT, "robot (designed)"), (DAD, "dad (cloned)")],
            [MOM, ANNOUNCER],
            "Ebona",
            id="realtime model -> the account's realtime voices, then its own",
        ),
    ],
)
async def test_the_voice_step_offers_the_accounts_voices_for_the_model_then_the_models(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    *,
    model: str,
    account: list[tuple[str, str]],
    not_offered: list[str],
    model_voice: str,
) -> None:
    result = await voice_step(hass, setup_integration, model)
    offered = options(result, CONF_VOICE)

    assert offered[:2] == [{"value": value, "label": label} for value, label in account]
    system = [o["value"] for o in offered[2:]]
    assert set(system) == set(MODELS[model].voices)
    assert system[0] == "Cherry"
    assert model_voice in system
    assert {
        "value": "Jada",
        "label": "Jada (female, Shanghainese): fast-paced, energetic Shanghai auntie",
    } in offered
    assert not set(not_offered) & {o["value"] for o in offered}
    assert prefilled(result, CONF_VOICE) == "Cherry"
    assert result["description_placeholders"] == {"model": model}


async def test_voice_labels_follow_home_assistants_language(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    hass.config.language = "zh-Hans"
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")
    offered = options(result, CONF_VOICE)

    assert offered[:2] == [
        {"value": ANNOUNCER, "label": "announcer（设计）"},
        {"value": MOM, "label": "mom（复刻）"},
    ]
    assert {"value": "Cherry", "label": "芊悦 Cherry（女声）：阳光积极、亲切自然小姐姐"} in offered
    assert {
        "value": "Rocky",
        "label": "粤语-阿强 Rocky（男声，粤语）：幽默风趣的阿强，在线陪聊",
    } in offered


_PICKS = [CONF_VOICE, CONF_LANGUAGE]
_INSTRUCTIONS = [CONF_INSTRUCTIONS, CONF_OPTIMIZE_INSTRUCTIONS]
_RATES = [CONF_SPEECH_RATE, CONF_PITCH_RATE, CONF_VOLUME]


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        pytest.param(
            "qwen3-tts-flash",
            [*_PICKS, *_RATES, CONF_FALLBACK_ENGINE],
            id="plain model -> voice, language, rates, fallback; no instructions",
        ),
        pytest.param(
            "qwen3-tts-instruct-flash",
            [*_PICKS, *_INSTRUCTIONS, *_RATES, CONF_FALLBACK_ENGINE],
            id="instruct model -> instructions as well",
        ),
        pytest.param(
            "qwen-tts-realtime",
            [*_PICKS, CONF_FALLBACK_ENGINE],
            id="model without prosody -> no rates",
        ),
    ],
)
async def test_the_voice_step_shows_what_the_model_supports(
    hass: HomeAssistant, setup_integration: MockConfigEntry, model: str, shown: list[str]
) -> None:
    result = await voice_step(hass, setup_integration, model)

    assert fields(result) == shown


async def test_rates_start_at_their_defaults(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")

    assert prefilled(result, CONF_SPEECH_RATE) == 1.0
    assert prefilled(result, CONF_PITCH_RATE) == 1.0
    assert prefilled(result, CONF_VOLUME) == 50


async def test_instruct_model_offers_only_instruct_voices(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-instruct-flash")

    voices = {o["value"] for o in options(result, CONF_VOICE)}
    assert "Jennifer" not in voices  # not an instruct voice
    assert "Jada" not in voices


async def test_languages_offered_are_the_supported_tags(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")
    selector = result["data_schema"].schema[marker_of(result, CONF_LANGUAGE)]

    assert {"zh-HK", "en-US", "de", "pt-BR", "ja-JP"} <= set(selector.config["languages"])
    assert prefilled(result, CONF_LANGUAGE) is None


# -- what is stored ------------------------------------------------------------------------------


async def test_new_profile_stores_the_chosen_account_voice_and_settings(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")
    result = await submit(
        hass, result, voice=MOM, language="de-DE", speech_rate=1.2, pitch_rate=0.9, volume=70.0
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"
    assert profiles(setup_integration)["Kitchen"] == {
        CONF_MODEL: "qwen3-tts-flash",
        CONF_VOICE: MOM,
        CONF_LANGUAGE: "de-DE",
        CONF_SPEECH_RATE: 1.2,
        CONF_PITCH_RATE: 0.9,
        CONF_VOLUME: 70,
    }
    assert isinstance(profiles(setup_integration)["Kitchen"][CONF_VOLUME], int)
    assert setup_integration.state is ConfigEntryState.LOADED


async def test_language_left_empty_is_not_stored(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")
    await submit(hass, result, voice="Ethan")

    assert profiles(setup_integration)["Kitchen"] == {
        CONF_MODEL: "qwen3-tts-flash",
        CONF_VOICE: "Ethan",
        CONF_SPEECH_RATE: 1.0,
        CONF_PITCH_RATE: 1.0,
        CONF_VOLUME: 50,
    }


async def test_instruct_profile_stores_its_instructions(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-instruct-flash-realtime")
    await submit(
        hass,
        result,
        voice="Serena",
        instructions="  Speak slowly, like a bedtime story.  ",
        optimize_instructions=True,
    )

    assert profiles(setup_integration)["Kitchen"] == {
        CONF_MODEL: "qwen3-tts-instruct-flash-realtime",
        CONF_VOICE: "Serena",
        CONF_INSTRUCTIONS: "Speak slowly, like a bedtime story.",
        CONF_OPTIMIZE_INSTRUCTIONS: True,
        CONF_SPEECH_RATE: 1.0,
        CONF_PITCH_RATE: 1.0,
        CONF_VOLUME: 50,
    }


async def test_empty_instructions_are_not_stored(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-instruct-flash")
    await submit(hass, result, voice="Cherry", instructions="   ", optimize_instructions=True)

    data = profiles(setup_integration)["Kitchen"]
    assert CONF_INSTRUCTIONS not in data
    assert CONF_OPTIMIZE_INSTRUCTIONS not in data


async def test_profile_without_prosody_stores_model_and_voice_only(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen-tts-realtime", name="Dialect")
    await submit(hass, result, voice="Dylan")

    assert profiles(setup_integration)["Dialect"] == {
        CONF_MODEL: "qwen-tts-realtime",
        CONF_VOICE: "Dylan",
    }


async def test_voice_the_model_lacks_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await voice_step(hass, setup_integration, "qwen-tts")

    with pytest.raises(InvalidData) as err:
        await submit(hass, result, voice="Jennifer")
    assert set(err.value.schema_errors) == {CONF_VOICE}
    assert "Kitchen" not in profiles(setup_integration)


# -- reconfigure ---------------------------------------------------------------------------------


def default_profile_id(entry: MockConfigEntry) -> str:
    return next(iter(entry.subentries))


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry, **first: Any) -> dict[str, Any]:
    """The reconfigure flow of the account's first profile; past its first step with ``first``."""
    result = await entry.start_subentry_reconfigure_flow(hass, default_profile_id(entry))
    return await submit(hass, result, **first) if first else result


async def test_reconfigure_starts_from_the_profile(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await reconfigure(hass, setup_integration)

    assert result["step_id"] == "user"
    assert prefilled(result, "name") == "Qwen TTS"
    assert prefilled(result, CONF_MODEL) == "qwen3-tts-flash"


@pytest.mark.parametrize(
    "profile_data",
    [
        {
            CONF_MODEL: "qwen3-tts-instruct-flash",
            CONF_VOICE: "Serena",
            CONF_LANGUAGE: "zh-HK",
            CONF_INSTRUCTIONS: "Cheerful",
            CONF_OPTIMIZE_INSTRUCTIONS: True,
            CONF_SPEECH_RATE: 1.5,
            CONF_PITCH_RATE: 0.8,
            CONF_VOLUME: 80,
        }
    ],
)
async def test_reconfigure_prefills_every_setting(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await reconfigure(
        hass, setup_integration, name="Qwen TTS", model="qwen3-tts-instruct-flash"
    )

    assert prefilled(result, CONF_VOICE) == "Serena"
    assert prefilled(result, CONF_LANGUAGE) == "zh-HK"
    assert prefilled(result, CONF_INSTRUCTIONS) == "Cheerful"
    assert prefilled(result, CONF_OPTIMIZE_INSTRUCTIONS) is True
    assert prefilled(result, CONF_SPEECH_RATE) == 1.5
    assert prefilled(result, CONF_PITCH_RATE) == 0.8
    assert prefilled(result, CONF_VOLUME) == 80


async def test_reconfigure_renames_and_changes_the_model(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    subentry_id = default_profile_id(setup_integration)
    result = await reconfigure(
        hass, setup_integration, name="Bedtime", model="qwen3-tts-instruct-flash"
    )
    result = await submit(
        hass, result, voice="Serena", instructions="Whisper", optimize_instructions=False
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    subentry = setup_integration.subentries[subentry_id]
    assert subentry.title == "Bedtime"
    assert dict(subentry.data) == {
        CONF_MODEL: "qwen3-tts-instruct-flash",
        CONF_VOICE: "Serena",
        CONF_INSTRUCTIONS: "Whisper",
        CONF_OPTIMIZE_INSTRUCTIONS: False,
        CONF_SPEECH_RATE: 1.0,
        CONF_PITCH_RATE: 1.0,
        CONF_VOLUME: 50,
    }
    assert setup_integration.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    "profile_data",
    [{CONF_MODEL: "qwen3-tts-flash", CONF_VOICE: "Jennifer", CONF_INSTRUCTIONS: "stale"}],
)
async def test_reconfigure_to_a_model_without_the_voice_falls_back_to_cherry(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await reconfigure(hass, setup_integration, name="Qwen TTS", model="qwen-tts")

    assert prefilled(result, CONF_VOICE) == "Cherry"
    assert CONF_INSTRUCTIONS not in fields(result)
    result = await submit(hass, result, voice="Cherry")
    assert dict(setup_integration.subentries[default_profile_id(setup_integration)].data) == {
        CONF_MODEL: "qwen-tts",
        CONF_VOICE: "Cherry",
        CONF_SPEECH_RATE: 1.0,
        CONF_PITCH_RATE: 1.0,
        CONF_VOLUME: 50,
    }


async def test_reconfigure_of_a_not_loaded_account_aborts(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    result = await reconfigure(hass, config_entry)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"


def test_every_model_and_region_has_an_option_label() -> None:
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))

    assert set(strings["selector"]["profile_model"]["options"]) == set(MODELS)
    assert set(strings["selector"]["region"]["options"]) == {r.value for r in Region}


# -- the fallback engine ---------------------------------------------------------------------------


@pytest.fixture
async def backup_id(hass: HomeAssistant) -> str:
    """Another integration's TTS engine."""
    return await add_backup_engine(hass, BackupEngine())


async def test_a_profile_stores_its_fallback_engine(
    hass: HomeAssistant, setup_integration: MockConfigEntry, backup_id: str
) -> None:
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")
    selector = marker_of(result, CONF_FALLBACK_ENGINE)
    assert result["data_schema"].schema[selector].config["domain"] == ["tts"]

    result = await submit(hass, result, voice="Ethan", fallback_engine=backup_id)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert profiles(setup_integration)["Kitchen"][CONF_FALLBACK_ENGINE] == backup_id


async def test_the_accounts_own_profiles_are_not_offered_as_fallback(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    own = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), setup_integration.entry_id)
        if e.domain == "tts"
    ]
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")

    selector = result["data_schema"].schema[marker_of(result, CONF_FALLBACK_ENGINE)]
    assert own
    assert selector.config["exclude_entities"] == own

    with pytest.raises(InvalidData):
        await submit(hass, result, voice="Ethan", fallback_engine=own[0])
    # Also when asked without the form (the selector is what the frontend shows).
    assert fallback_error(hass, setup_integration.entry_id, own[0]) == "fallback_same_account"


async def _second_account(
    hass: HomeAssistant, emulator: DashScopeEmulator, fallback: str | None
) -> MockConfigEntry:
    data = {CONF_MODEL: "qwen3-tts-flash", CONF_VOICE: "Cherry"}
    if fallback:
        data[CONF_FALLBACK_ENGINE] = fallback
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Second account",
        data={CONF_REGION: "custom", "base_url": emulator.base_url, CONF_API_KEY: "demo-key"},
        subentries_data=[
            ConfigSubentryData(data=data, subentry_type=SUBENTRY_TTS, title="Other", unique_id=None)
        ],
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
    return other


def _engine_of(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    return next(
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain == "tts"
    )


@pytest.mark.parametrize("loops_back", [True, False], ids=["cycle", "chain-ends-elsewhere"])
async def test_a_fallback_chain_that_leads_back_to_the_account_is_refused(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup_id: str,
    loops_back: bool,
) -> None:
    own = _engine_of(hass, setup_integration)
    other = await _second_account(hass, emulator, own if loops_back else backup_id)
    result = await voice_step(hass, setup_integration, "qwen3-tts-flash")

    result = await submit(hass, result, voice="Ethan", fallback_engine=_engine_of(hass, other))

    if loops_back:
        assert result["errors"] == {CONF_FALLBACK_ENGINE: "fallback_cycle"}
    else:
        assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure_shows_and_can_clear_the_fallback(
    hass: HomeAssistant, setup_integration: MockConfigEntry, backup_id: str
) -> None:
    (subentry,) = setup_integration.subentries.values()
    hass.config_entries.async_update_subentry(
        setup_integration, subentry, data={**subentry.data, CONF_FALLBACK_ENGINE: backup_id}
    )
    await hass.async_block_till_done()
    result = await reconfigure(hass, setup_integration, name="Qwen TTS", model="qwen3-tts-flash")

    assert prefilled(result, CONF_FALLBACK_ENGINE) == backup_id

    result = await submit(hass, result, voice="Cherry")
    await hass.async_block_till_done()

    assert CONF_FALLBACK_ENGINE not in setup_integration.subentries[subentry.subentry_id].data
