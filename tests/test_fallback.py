"""A profile with a fallback engine is never silent: when DashScope cannot start speaking a
message, the fallback speaks it in the same call, in the format the caller asked for."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
import logging
from pathlib import Path
from typing import Any

from homeassistant.components import tts
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.const import (
    CONF_BASE_URL,
    CONF_FALLBACK_ENGINE,
    CONF_REGION,
    CONF_VOICE,
    DEFAULT_PROFILE,
    DOMAIN,
    SUBENTRY_TTS,
)

from .emulator import DashScopeEmulator, render_pcm
from .fallback_engine import (
    RATE,
    BackupEngine,
    StreamingBackupEngine,
    add_backup_engine,
    backup_pcm,
)
from .tts_helpers import SATELLITE, assert_finished_wav, decode, tts_entity_id, wav_parts

MESSAGE = "The front door has been open for ten minutes."
OTHER = "Water leak in the basement."
TIMEOUT = 20
LOGGER_NAME = "custom_components.qwen_tts"

type Fault = Callable[[DashScopeEmulator], Awaitable[None]]


async def _refuse_connections(emulator: DashScopeEmulator) -> None:
    await emulator.stop()


def _failing(status: int, code: str) -> Fault:
    async def fault(emulator: DashScopeEmulator) -> None:
        emulator.fail_next(status, code, count=1000)

    return fault


# Each way the SERVICE fails, with the status it shows.
SERVICE_FAULTS = [
    pytest.param(_refuse_connections, "unreachable", id="refused-connections"),
    pytest.param(_failing(503, "ServiceUnavailable"), "server_error", id="503"),
    pytest.param(_failing(500, "InternalError"), "server_error", id="500"),
    pytest.param(_failing(401, "InvalidApiKey"), "auth_failed", id="401"),
    pytest.param(_failing(400, "Arrearage"), "arrears", id="arrears"),
    pytest.param(_failing(429, "Throttling.RateQuota"), "rate_limited", id="429"),
]


async def _recover(emulator: DashScopeEmulator) -> None:
    emulator.reset_faults()
    if not emulator.running:
        await emulator.start()


@pytest.fixture(autouse=True)
async def tts_environment(hass: HomeAssistant, tts_stack: None, tmp_path: Path) -> Path:
    """Home Assistant's tts with ffmpeg set up; its file cache's directory."""
    assert await async_setup_component(hass, "tts", {})
    return tmp_path


@pytest.fixture
def backup() -> BackupEngine:
    """The fallback engine (whole messages)."""
    return BackupEngine()


@pytest.fixture
async def backup_id(hass: HomeAssistant, tts_environment: Path, backup: BackupEngine) -> str:
    """The fallback engine, added to Home Assistant."""
    return await add_backup_engine(hass, backup)


@pytest.fixture
def profile_data(backup_id: str) -> dict[str, object]:
    """The account's profile falls back to the backup engine."""
    return {**DEFAULT_PROFILE, CONF_FALLBACK_ENGINE: backup_id}


def _status(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.entry_id}_service_status"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def _speak(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    message: str = MESSAGE,
    options: dict[str, Any] | None = None,
    language: str = "en-US",
) -> bytes:
    """``tts.speak``'s way: a whole message through a result stream; the audio served."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, entry), language, options or {})
    stream.async_set_message(message)
    async with asyncio.timeout(TIMEOUT):
        audio = b"".join([chunk async for chunk in stream.async_stream_result()])
    await hass.async_block_till_done(wait_background_tasks=True)
    return audio


async def _cache_files(hass: HomeAssistant, cache_dir: Path) -> list[str]:
    """The names of the files in Home Assistant's TTS file cache."""
    return await hass.async_add_executor_job(lambda: sorted(p.name for p in cache_dir.iterdir()))


async def _speak_error(
    hass: HomeAssistant, entry: MockConfigEntry, message: str = MESSAGE, **options: Any
) -> HomeAssistantError:
    with pytest.raises(HomeAssistantError) as caught:
        await _speak(hass, entry, message, options)
    return caught.value


@pytest.mark.parametrize(("fault", "status"), SERVICE_FAULTS)
async def test_the_fallback_speaks_while_the_service_fails_and_qwen_speaks_again_after(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
    *,
    fault: Fault,
    status: str,
) -> None:
    await fault(emulator)

    audio = await _speak(hass, setup_integration, options=SATELLITE)

    assert wav_parts(audio)[1] == backup_pcm(MESSAGE)
    assert [call.message for call in backup.calls] == [MESSAGE]
    assert _status(hass, setup_integration) == status

    await _recover(emulator)
    audio = await _speak(hass, setup_integration, options=SATELLITE)

    assert wav_parts(audio)[1] == render_pcm(MESSAGE, 16000)
    (request,) = emulator.requests_of("synthesis_stream")[-1:]
    assert request.body is not None
    assert request.body["input"]["text"] == MESSAGE
    assert len(backup.calls) == 1
    assert _status(hass, setup_integration) == "ok"


async def test_fallback_audio_in_mp3_decodes(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    await emulator.stop()

    audio = await _speak(hass, setup_integration)

    assert audio[:3] == b"ID3" or audio[0] == 0xFF
    pcm = await decode(audio, RATE)
    expected = backup_pcm(MESSAGE)
    # MP3 pads and smooths: the same length within 100 ms, and not silence.
    assert abs(len(pcm) - len(expected)) < RATE * 2 // 10
    assert max(pcm) > 0


async def test_fallback_audio_as_a_plain_wav_is_a_finished_file(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    await emulator.stop()

    audio = await _speak(hass, setup_integration, options={tts.ATTR_PREFERRED_FORMAT: "wav"})

    assert_finished_wav(audio)
    params, pcm = wav_parts(audio)
    assert (params.framerate, params.nchannels, params.sampwidth) == (24000, 1, 2)
    assert len(pcm) == len(backup_pcm(MESSAGE, 24000))


@pytest.mark.parametrize(
    ("status", "code", "options"),
    [
        pytest.param(400, "DataInspectionFailed", {}, id="moderation"),
        pytest.param(400, "InvalidParameter", {}, id="invalid-parameter"),
        pytest.param(None, None, {"speech_rate": 9}, id="option-out-of-range"),
        pytest.param(None, None, {"voice": "Nobody"}, id="unknown-voice"),
        pytest.param(None, None, {"language_type": "Klingon"}, id="unknown-language-type"),
    ],
)
async def test_the_callers_own_mistakes_are_not_spoken_by_the_fallback(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
    *,
    status: int | None,
    code: str | None,
    options: dict[str, Any],
) -> None:
    if status is not None and code is not None:
        emulator.fail_next(status, code, count=10)

    await _speak_error(hass, setup_integration, **options)

    assert backup.calls == []
    assert _status(hass, setup_integration) == "ok"


# Texts with no words to say: blanks, and Markdown that is markup only.
NOTHING_TO_SAY = [
    pytest.param("   ", id="spaces"),
    pytest.param("\n\n", id="blank lines"),
    pytest.param("---", id="a horizontal rule"),
    pytest.param("```\n```", id="an empty code block"),
]


async def _refused_as_empty(
    hass: HomeAssistant, entry: MockConfigEntry, backup: BackupEngine, text: str
) -> None:
    entity = tts.get_engine_instance(hass, tts_entity_id(hass, entry))
    assert isinstance(entity, tts.TextToSpeechEntity)

    async def blank() -> AsyncGenerator[str]:
        yield text

    response = await entity.async_stream_tts_audio(tts.TTSAudioRequest("en-US", {}, blank()))
    with pytest.raises(HomeAssistantError) as caught:
        _ = [chunk async for chunk in response.data_gen]
    assert caught.value.translation_key == "empty_message"
    assert backup.calls == []


@pytest.mark.parametrize("text", NOTHING_TO_SAY)
async def test_empty_text_is_not_spoken_by_the_fallback(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
    text: str,
) -> None:
    await emulator.stop()

    await _refused_as_empty(hass, setup_integration, backup, text)


async def test_a_failure_after_audio_went_out_fails_the_stream(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
) -> None:
    emulator.sse_error_after = 1

    err = await _speak_error(hass, setup_integration, **SATELLITE)

    assert err.translation_key == "service_error"
    assert "(InternalError)" in str(err)
    assert backup.calls == []


async def test_fallback_audio_is_not_kept_as_the_profiles_audio(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    tts_environment: Path,
) -> None:
    good = await _speak(hass, setup_integration, OTHER)  # Qwen's audio, cached
    cached = await _cache_files(hass, tts_environment)
    assert len(cached) == 1
    await emulator.stop()

    await _speak(hass, setup_integration, MESSAGE)

    # Only the fallback's own file joined the cache; nothing more under the profile's name.
    profile = tts_entity_id(hass, setup_integration)
    after = await _cache_files(hass, tts_environment)
    assert [name for name in after if profile in name] == cached
    assert len(after) == 2
    await _recover(emulator)
    before = len(emulator.requests_of("synthesis_stream"))

    assert await _speak(hass, setup_integration, OTHER) == good
    assert len(emulator.requests_of("synthesis_stream")) == before  # still cached
    await _speak(hass, setup_integration, MESSAGE)
    requests = emulator.requests_of("synthesis_stream")[before:]
    assert [r.body["input"]["text"] for r in requests if r.body] == [MESSAGE]


async def test_a_fallback_that_fails_too_raises_the_services_error(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
) -> None:
    backup.fail = True
    emulator.fail_next(503, "ServiceUnavailable", count=10)

    err = await _speak_error(hass, setup_integration)

    assert err.translation_key == "service_error"
    assert len(backup.calls) == 1


async def test_a_language_the_fallback_lacks_is_spoken_in_its_default_and_warned_once(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await emulator.stop()

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        await _speak(hass, setup_integration, "前门开着。", language="zh-CN")
        await _speak(hass, setup_integration, "地下室漏水了。", language="zh-CN")

    assert [call.language for call in backup.calls] == ["en-US", "en-US"]
    warned = [r for r in caplog.records if "does not speak zh-CN" in r.getMessage()]
    assert len(warned) == 1


async def test_the_switch_and_the_return_are_each_logged_once(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        emulator.fail_next(503, "ServiceUnavailable", count=1000)
        for n in range(3):
            await _speak(hass, setup_integration, f"Alert number {n}.")
        await _recover(emulator)
        for n in range(3):
            await _speak(hass, setup_integration, f"All clear number {n}.")

    ours = [r for r in caplog.records if r.name.startswith(LOGGER_NAME)]
    switched = [r for r in ours if "speaking through" in r.getMessage()]
    returned = [r for r in ours if "speaks with DashScope again" in r.getMessage()]
    assert [r.levelno for r in switched] == [logging.WARNING]
    assert [r.levelno for r in returned] == [logging.INFO]


# --- Assist: a live text stream -------------------------------------------------------------


async def _reply(pieces: list[str], gate: asyncio.Event | None = None) -> AsyncGenerator[str]:
    """An LLM's reply: the first piece at once, the rest after ``gate`` (when given)."""
    for index, piece in enumerate(pieces):
        if index == 1 and gate is not None:
            await gate.wait()
        await asyncio.sleep(0)
        yield piece


async def _gather(audio: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in audio])


def _pieces(text: str, size: int = 6) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


async def test_a_live_reply_that_cannot_start_is_spoken_by_the_fallback_once_complete(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
) -> None:
    emulator.fail_next(503, "ServiceUnavailable", kind="realtime", count=10)
    gate = asyncio.Event()
    stream = tts.async_create_stream(
        hass, tts_entity_id(hass, setup_integration), "en-US", SATELLITE
    )
    stream.async_set_message_stream(_reply(_pieces(MESSAGE), gate))
    asyncio.get_running_loop().call_later(0.2, gate.set)  # the LLM writes on a while

    async with asyncio.timeout(TIMEOUT):
        audio = b"".join([chunk async for chunk in stream.async_stream_result()])

    assert len(emulator.requests_of("realtime")) == 1  # the live session was refused
    assert [call.message for call in backup.calls] == [MESSAGE]
    assert wav_parts(audio)[1] == backup_pcm(MESSAGE)


@pytest.mark.parametrize("backup", [StreamingBackupEngine()], ids=["streaming-backup"])
async def test_a_streaming_fallback_speaks_a_live_reply_as_it_streams(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
) -> None:
    emulator.fail_next(401, "InvalidApiKey", kind="realtime", count=10)
    gate = asyncio.Event()
    entity = tts.get_engine_instance(hass, tts_entity_id(hass, setup_integration))
    assert isinstance(entity, tts.TextToSpeechEntity)
    pieces = _pieces(MESSAGE)

    response = await entity.async_stream_tts_audio(
        tts.TTSAudioRequest("en-US", dict(SATELLITE), _reply(pieces, gate))
    )
    audio = asyncio.create_task(_gather(response.data_gen))
    async with asyncio.timeout(TIMEOUT):
        # The fallback got the first words before the rest of the reply was written.
        while not (backup.calls and backup.calls[0].deltas):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        heard = backup.calls[0].message
        assert heard
        assert pieces[0].startswith(heard)
        gate.set()
        data = await audio

    assert (data)[44:] == backup_pcm(MESSAGE)
    assert backup.calls[0].message == MESSAGE


# --- Start-up -------------------------------------------------------------------------------


async def _set_up_unreachable(
    hass: HomeAssistant, emulator: DashScopeEmulator, entry: MockConfigEntry
) -> None:
    """The account set up while DashScope cannot be reached."""
    await emulator.stop()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_an_account_unreachable_at_start_speaks_through_its_fallback(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    backup: BackupEngine,
) -> None:
    await _set_up_unreachable(hass, emulator, config_entry)

    audio = await _speak(hass, config_entry, options=SATELLITE)

    assert wav_parts(audio)[1] == backup_pcm(MESSAGE)
    assert _status(hass, config_entry) == "unreachable"


MOM = "qwen-tts-vc-mom-voice-20260102030405006-ab12"
# A profile speaking a cloned voice, which needs the account's voices, with a fallback.
CLONED_PROFILE = {**DEFAULT_PROFILE, CONF_VOICE: MOM, CONF_FALLBACK_ENGINE: "tts.backup_voice"}


@pytest.mark.parametrize("profile_data", [CLONED_PROFILE])
async def test_a_cloned_voice_profile_speaks_through_its_fallback_before_its_voices_load(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    backup_id: str,
    backup: BackupEngine,
) -> None:
    assert backup_id == "tts.backup_voice"
    emulator.voices[MOM] = {"voice": MOM, "target_model": "qwen3-tts-vc-2026-01-22"}
    await _set_up_unreachable(hass, emulator, config_entry)

    audio = await _speak(hass, config_entry, options=SATELLITE)

    assert wav_parts(audio)[1] == backup_pcm(MESSAGE)
    await emulator.start()
    audio = await _speak(hass, config_entry, options=SATELLITE)
    assert wav_parts(audio)[1] == render_pcm(MESSAGE, 16000)
    (request,) = emulator.requests_of("synthesis_stream")
    assert request.body is not None
    assert request.body["input"]["voice"] == MOM


@pytest.mark.parametrize("profile_data", [CLONED_PROFILE])
@pytest.mark.parametrize("text", NOTHING_TO_SAY)
async def test_empty_text_is_not_spoken_by_the_fallback_before_the_voices_load(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    backup_id: str,
    backup: BackupEngine,
    *,
    text: str,
) -> None:
    await _set_up_unreachable(hass, emulator, config_entry)

    await _refused_as_empty(hass, config_entry, backup, text)


async def test_a_profile_of_another_account_can_be_the_fallback(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    """A second account (e.g. the other region) on its own service speaks for the first."""
    second = DashScopeEmulator(api_key="other-key")
    await second.start()
    try:
        other = MockConfigEntry(
            domain=DOMAIN,
            title="Backup account",
            data={
                CONF_REGION: "custom",
                CONF_BASE_URL: second.base_url,
                CONF_API_KEY: second.api_key,
            },
            subentries_data=[
                ConfigSubentryData(
                    data=dict(DEFAULT_PROFILE),
                    subentry_type=SUBENTRY_TTS,
                    title="Backup",
                    unique_id=None,
                )
            ],
        )
        other.add_to_hass(hass)
        assert await hass.config_entries.async_setup(other.entry_id)
        await hass.async_block_till_done()
        (subentry,) = setup_integration.subentries.values()
        hass.config_entries.async_update_subentry(
            setup_integration,
            subentry,
            data={**subentry.data, CONF_FALLBACK_ENGINE: tts_entity_id(hass, other)},
        )
        await hass.async_block_till_done()
        await emulator.stop()

        audio = await _speak(hass, setup_integration, options=SATELLITE)

        assert wav_parts(audio)[1] == render_pcm(MESSAGE, 16000)
        assert len(second.requests_of("synthesis_stream")) == 1
    finally:
        await second.stop()


@pytest.mark.parametrize(
    ("message", "spoken"),
    [
        ("**Water leak** in the _basement_!", "Water leak in the basement!"),
        ("# Alert\n- front door open", "Alert.\nfront door open."),
    ],
)
async def test_the_fallback_speaks_the_words_without_markup(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    backup: BackupEngine,
    *,
    message: str,
    spoken: str,
) -> None:
    await emulator.stop()

    await _speak(hass, setup_integration, message, options=SATELLITE)

    assert [call.message.strip() for call in backup.calls] == [spoken]
