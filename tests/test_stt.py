"""The speech-to-text entity against the emulator: what Home Assistant's STT API gets back,
and what the service received."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
import logging
import math
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from homeassistant.components import stt
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.qwen_tts.const import (
    CONF_STT_AUTO_LANGUAGE,
    CONF_STT_CONTEXT,
    CONF_STT_MODEL,
    DOMAIN,
)
from custom_components.qwen_tts.stt import PartialSpeechResult

from .account_sensors import sensor_state
from .emulator import DashScopeEmulator, render_pcm
from .service_failures import failure_cases

RATE = 16000
CHUNK = 640  # 20 ms, as satellites send
SPEECH = render_pcm("Turn on the kitchen light", RATE)
REALTIME = "qwen3-asr-flash-realtime"
ENTITY_ID = "stt.qwen_tts_speech_to_text"
# Every failure must end well inside this (the entity's own bounds are 10-20 s).
BOUND = 25


def metadata(language: str = "en") -> stt.SpeechMetadata:
    """What Assist hands an STT entity: 16 kHz mono 16-bit PCM."""
    return stt.SpeechMetadata(
        language=language,
        format=stt.AudioFormats.WAV,
        codec=stt.AudioCodecs.PCM,
        bit_rate=stt.AudioBitRates.BITRATE_16,
        sample_rate=stt.AudioSampleRates.SAMPLERATE_16000,
        channel=stt.AudioChannels.CHANNEL_MONO,
    )


async def chunks(pcm: bytes = SPEECH, size: int = CHUNK) -> AsyncIterator[bytes]:
    """The audio in satellite-sized chunks."""
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]
        await asyncio.sleep(0)


async def setup_stt(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> stt.SpeechToTextEntity:
    """Set the account's speech-to-text options, set it up, return the entity."""
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    entity = stt.async_get_speech_to_text_entity(hass, ENTITY_ID)
    assert entity is not None
    return entity


async def recognise(
    entity: stt.SpeechToTextEntity, pcm: bytes = SPEECH, language: str = "en"
) -> stt.SpeechResult:
    """Run the entity as Assist does, bounded."""
    async with asyncio.timeout(BOUND):
        return await entity.internal_async_process_audio_stream(metadata(language), chunks(pcm))


async def post_command(client: TestClient, language: str) -> ClientResponse:
    """POST the command to Home Assistant's STT REST API as 16 kHz mono 16-bit PCM."""
    return await client.post(
        f"/api/stt/{ENTITY_ID}",
        data=SPEECH,
        headers={
            "X-Speech-Content": (
                "format=wav; codec=pcm; sample_rate=16000; bit_rate=16; channel=1; "
                f"language={language}"
            )
        },
    )


async def test_one_entity_per_account_on_the_account_device(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    await setup_stt(hass, config_entry)
    entry = er.async_get(hass).async_get(ENTITY_ID)
    assert entry is not None
    assert entry.unique_id == f"{config_entry.entry_id}_stt"
    device = dr.async_get(hass).async_get(entry.device_id or "")
    assert device is not None
    assert device.identifiers == {(DOMAIN, config_entry.entry_id)}
    assert device.name == config_entry.title
    assert hass.states.get(ENTITY_ID) is not None


async def test_a_command_is_recognised_from_the_audio_the_service_heard(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    entity = await setup_stt(hass, config_entry)
    emulator.transcript = "Turn on the kitchen light."

    result = await recognise(entity)

    assert result == stt.SpeechResult("Turn on the kitchen light.", stt.SpeechResultState.SUCCESS)
    (heard,) = emulator.heard
    assert (heard.kind, heard.model, heard.mime_type) == (
        "recognition",
        "qwen3-asr-flash",
        "audio/wav",
    )
    assert (heard.sample_rate, heard.channels, heard.sample_width) == (RATE, 1, 2)
    assert heard.pcm == SPEECH
    assert heard.language == "en"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("zh-CN", "zh"),
        ("zh_cn", "zh"),
        ("zh-Hans", "zh"),
        ("zh-TW", "zh"),
        ("zh-HK", "yue"),
        ("zh-Hant-HK", "yue"),
        ("yue", "yue"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("nb-NO", "no"),
        ("pt-BR", "pt"),
        ("fil", "fil"),
        ("cmn", "zh"),
        ("wuu", "zh"),
        ("zh-yue", "yue"),
        ("yue-HK", "yue"),
        ("tl-PH", "fil"),
        ("sv_se", "sv"),
    ],
)
async def test_every_spelling_of_a_language_reaches_the_service_as_its_code(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    tag: str,
    code: str,
) -> None:
    entity = await setup_stt(hass, config_entry)
    assert entity.check_metadata(metadata(tag))

    result = await recognise(entity, language=tag)

    assert result.result is stt.SpeechResultState.SUCCESS
    assert emulator.heard[0].language == code


@pytest.mark.parametrize("tag", ["sw", "xx-YY", "", "zz_zz", "en US", "zh--CN"])
async def test_unsupported_languages_are_refused_before_any_request(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    hass_client: ClientSessionGenerator,
    tag: str,
) -> None:
    entity = await setup_stt(hass, config_entry)
    assert not entity.check_metadata(metadata(tag))
    assert tag not in entity.supported_languages

    response = await post_command(await hass_client(), tag)

    assert response.status in (400, 415)  # HA's "unsupported metadata"
    assert emulator.requests_of("recognition") == []


async def test_the_rest_api_lists_the_shapes_and_recognises_a_posted_command(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    hass_client: ClientSessionGenerator,
) -> None:
    await setup_stt(hass, config_entry)
    client = await hass_client()

    info = await (await client.get(f"/api/stt/{ENTITY_ID}")).json()
    response = await post_command(client, "de-DE")

    assert (info["sample_rates"], info["channels"], info["bit_rates"]) == ([16000], [1], [16])
    assert {"zh-CN", "zh-HK", "yue", "en-US", "de-DE", "sv-SE"} <= set(info["languages"])
    assert await response.json() == {"text": emulator.transcript, "result": "success"}
    assert emulator.heard[0].pcm == SPEECH
    assert emulator.heard[0].language == "de"


async def test_options_set_the_model_automatic_language_and_context(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    entity = await setup_stt(
        hass,
        config_entry,
        **{
            CONF_STT_MODEL: "qwen3-asr-flash-2026-02-10",
            CONF_STT_AUTO_LANGUAGE: True,
            CONF_STT_CONTEXT: "Wohnzimmer, 客厅",
        },
    )

    result = await recognise(entity, language="de")

    assert result.result is stt.SpeechResultState.SUCCESS
    (heard,) = emulator.heard
    assert heard.model == "qwen3-asr-flash-2026-02-10"
    assert heard.language is None  # the service detects it
    assert heard.context == "Wohnzimmer, 客厅"


# -- realtime ---------------------------------------------------------------------------------


async def test_the_realtime_model_streams_the_command_and_commits_at_its_end(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: REALTIME})
    emulator.transcript = "打开客厅的灯"

    result = await recognise(entity, language="zh-CN")

    assert result == stt.SpeechResult("打开客厅的灯", stt.SpeechResultState.SUCCESS)
    (heard,) = emulator.heard
    assert (heard.kind, heard.mime_type, heard.sample_rate) == ("transcription", "pcm", RATE)
    assert heard.pcm == SPEECH
    assert heard.language == "zh"
    (record,) = emulator.requests_of("transcription")
    types = record.event_types()
    assert types[0] == "session.update"
    assert record.events[0][1]["session"]["turn_detection"] is None
    assert types.count("input_audio_buffer.append") > 1  # sent while the audio arrived
    assert types[-2:] == ["input_audio_buffer.commit", "session.finish"]


@dataclass
class _Partial:
    """Home Assistant 2026.11's ``stt.PartialSpeechResult`` (text, speaker id)."""

    text: str
    speaker_id: str | None = None


def test_partial_results_are_detected_in_home_assistant_not_assumed() -> None:
    assert (PartialSpeechResult is None) == (not hasattr(stt, "PartialSpeechResult"))


@pytest.mark.parametrize("offered", [True, False], ids=["2026.11", "2026.10"])
async def test_partial_transcripts_only_where_home_assistant_offers_them(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    monkeypatch: pytest.MonkeyPatch,
    offered: bool,
) -> None:
    partial_type = getattr(stt, "PartialSpeechResult", _Partial) if offered else None
    monkeypatch.setattr("custom_components.qwen_tts.stt.PartialSpeechResult", partial_type)
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: REALTIME})
    emulator.transcript = "turn on the light"
    pcm = render_pcm("turn on the kitchen light please now", RATE)  # the emulator: a word/s

    async with asyncio.timeout(BOUND):
        results = [
            r
            async for r in entity.async_process_audio_stream_with_progress(metadata(), chunks(pcm))
        ]

    assert results[-1] == stt.SpeechResult("turn on the light", stt.SpeechResultState.SUCCESS)
    partials = results[:-1]
    if offered:
        assert all(isinstance(p, partial_type) for p in partials)
        texts = [p.text for p in partials]
        assert texts[0] == "turn"  # while the audio was still arriving
        assert texts[-1] == "turn on the light"
    else:
        assert partials == []


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            (model, status, code, advice), id=f"{model}: {status} {code} -> warns once: {advice}"
        )
        for model in ("qwen3-asr-flash", REALTIME)
        for status, code, advice in (
            (429, "Throttling.RateQuota", "wait a minute"),
            (500, "InternalError", "usually temporary"),
            (503, "ServiceUnavailable", "usually temporary"),
            (403, "Arrearage", "check its billing"),
        )
    ],
)
async def test_service_failures_are_error_results_logged_once(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    caplog: pytest.LogCaptureFixture,
    case: tuple[str, int, str, str],
) -> None:
    model, status, code, advice = case
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})
    kind = "transcription" if model == REALTIME else "recognition"
    emulator.fail_next(status, code, count=2, kind=kind)

    first = await recognise(entity)
    second = await recognise(entity)

    assert first == second == stt.SpeechResult(None, stt.SpeechResultState.ERROR)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and "qwen_tts" in r.name]
    assert len(warnings) == 1
    assert code in warnings[0].getMessage()
    assert advice in warnings[0].getMessage()
    assert emulator.api_key not in caplog.text


@pytest.mark.parametrize("model", ["qwen3-asr-flash", REALTIME])
@pytest.mark.parametrize("pcm", [bytes(RATE * 2), b""], ids=["silence", "no-audio"])
async def test_silence_is_an_error_result_saying_nothing_was_heard(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    model: str,
    pcm: bytes,
) -> None:
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})

    result = await recognise(entity, pcm)

    assert result == stt.SpeechResult(None, stt.SpeechResultState.ERROR)
    assert "No speech was recognised" in caplog.text


async def test_an_empty_transcript_is_an_error_result(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entity = await setup_stt(hass, config_entry)
    emulator.transcript = ""

    assert await recognise(entity) == stt.SpeechResult(None, stt.SpeechResultState.ERROR)
    assert "No speech was recognised" in caplog.text


@pytest.mark.parametrize("model", ["qwen3-asr-flash", REALTIME])
async def test_a_refused_key_starts_reauth(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    model: str,
) -> None:
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})
    emulator.api_key = "rotated-key"

    result = await recognise(entity)
    await hass.async_block_till_done()

    assert result == stt.SpeechResult(None, stt.SpeechResultState.ERROR)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["step_id"] == "reauth_confirm"


@pytest.mark.parametrize("model", ["qwen3-asr-flash", REALTIME])
async def test_a_service_that_hangs_gives_an_error_result_in_bounded_time(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    monkeypatch: pytest.MonkeyPatch,
    model: str,
) -> None:
    monkeypatch.setattr("custom_components.qwen_tts.stt.RECOGNITION_TIMEOUT", 0.5)
    monkeypatch.setattr("custom_components.qwen_tts.stt_recognition.ANSWER_TIMEOUT", 0.5)
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})
    emulator.recognition_delay = 30

    async with asyncio.timeout(5):
        result = await recognise(entity)

    assert result == stt.SpeechResult(None, stt.SpeechResultState.ERROR)


@pytest.mark.parametrize("model_cap", [("qwen3-asr-flash", 180), (REALTIME, 60)])
async def test_a_command_longer_than_the_cap_is_recognised_from_its_start(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    caplog: pytest.LogCaptureFixture,
    model_cap: tuple[str, int],
) -> None:
    model, cap = model_cap
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})
    pcm = SPEECH * (int((cap + 5) * RATE * 2 / len(SPEECH)) + 1)

    result = await recognise(entity, pcm)

    assert result.result is stt.SpeechResultState.SUCCESS
    assert emulator.heard[0].seconds == cap
    assert f"longer than {cap} s" in caplog.text


# -- account status and usage -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "seconds"),
    [
        ("qwen3-asr-flash", math.ceil(len(SPEECH) / (RATE * 2))),  # what the service billed
        (REALTIME, round(len(SPEECH) / (RATE * 2), 1)),  # the seconds streamed
    ],
)
async def test_recognised_seconds_count_in_the_account_usage(
    hass: HomeAssistant, config_entry: MockConfigEntry, model: str, seconds: float
) -> None:
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})

    await recognise(entity)
    await recognise(entity, bytes(RATE * 2))  # silence is billed too
    await hass.async_block_till_done()

    expected = seconds + 1  # the second of silence
    assert float(sensor_state(hass, config_entry, "speech_seconds_this_month")) == expected
    assert sensor_state(hass, config_entry, "service_status") == "ok"


@failure_cases(
    (429, "Throttling.RateQuota", "rate_limited"),
    (500, "InternalError", "server_error"),
    (401, "InvalidApiKey", "auth_failed"),
    names=("status", "code", "shown"),
)
async def test_a_failed_recognition_shows_in_the_service_status_and_bills_nothing(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    *,
    status: int,
    code: str,
    shown: str,
) -> None:
    entity = await setup_stt(hass, config_entry)
    emulator.fail_next(status, code, kind="recognition")

    await recognise(entity)
    await hass.async_block_till_done()

    assert sensor_state(hass, config_entry, "service_status") == shown
    assert float(sensor_state(hass, config_entry, "speech_seconds_this_month")) == 0


@pytest.mark.parametrize("model", ["qwen3-asr-flash", REALTIME])
async def test_audio_that_stops_without_ending_is_an_error_result_in_bounded_time(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: DashScopeEmulator,
    caplog: pytest.LogCaptureFixture,
    model: str,
) -> None:
    entity = await setup_stt(hass, config_entry, **{CONF_STT_MODEL: model})

    async def stalled() -> AsyncIterator[bytes]:
        yield SPEECH[:CHUNK]
        await asyncio.Event().wait()
        yield b""  # pragma: no cover - never reached

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("custom_components.qwen_tts.stt_recognition.AUDIO_IDLE_TIMEOUT", 0.3)
        async with asyncio.timeout(5):
            result = await entity.internal_async_process_audio_stream(metadata(), stalled())

    assert result == stt.SpeechResult(None, stt.SpeechResultState.ERROR)
    assert "stopped arriving" in caplog.text
    assert emulator.requests_of("recognition") == []
    assert sensor_state(hass, config_entry, "service_status") == "ok"
