"""An Assist pipeline run with the account's speech-to-text, as a satellite drives it: audio in
binary WebSocket frames to Home Assistant, Home Assistant to the emulator over sockets."""

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.qwen_tts.const import CONF_STT_MODEL

from .assist_pipelines import create_pipeline, start_run
from .emulator import DashScopeEmulator, render_pcm
from .sample_audio import FFMPEG

ENTITY_ID = "stt.qwen_tts_speech_to_text"
RATE = 16000
FRAME = 640  # 20 ms per binary frame, as satellites send
PIPELINE_TIMEOUT = 30


def _command(text: str) -> bytes:
    """Speech-like audio cut to whole 10 ms blocks (Home Assistant's audio processing unit)."""
    pcm = render_pcm(text, RATE)
    return pcm[: len(pcm) - len(pcm) % 320]


async def _pipeline(hass: HomeAssistant, ws: Any, language: str) -> str:
    """Create a voice assistant with the account's speech-to-text; return its id."""
    created = await create_pipeline(ws, "Qwen", stt_engine=ENTITY_ID, stt_language=language)
    return str(created["pipeline_id"])


async def _start_stt(ws: Any, pipeline_id: str) -> dict[str, Any]:
    """Ask for a run of the pipeline's STT stage; Home Assistant's answer to the request."""
    return await start_run(ws, pipeline_id, "stt", {"sample_rate": RATE})


async def _run(ws: Any, pipeline_id: str, pcm: bytes) -> list[dict[str, Any]]:
    """Run the STT stage, stream ``pcm`` in binary frames, return every event until run-end."""
    result = await _start_stt(ws, pipeline_id)
    assert result["success"], result
    events: list[dict[str, Any]] = []
    run_start = (await ws.receive_json())["event"]
    events.append(run_start)
    handler = run_start["data"]["runner_data"]["stt_binary_handler_id"]
    prefix = bytes([handler])
    for start in range(0, len(pcm), FRAME):
        await ws.send_bytes(prefix + pcm[start : start + FRAME])
    await ws.send_bytes(prefix)  # the end of the audio
    async with asyncio.timeout(PIPELINE_TIMEOUT):
        while events[-1]["type"] not in ("run-end", "error"):
            events.append((await ws.receive_json())["event"])
    return events


@pytest.fixture
async def assist(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """Assist set up next to the account (ffmpeg: the binary from PyPI, CI has none)."""
    assert await async_setup_component(hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": FFMPEG}})
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "assist_pipeline", {})
    return config_entry


async def _setup(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> None:
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            (*path, *language), id=f"{path[0]} {language[0]} -> {path[1]} in {language[1]}"
        )
        for path in (
            ("qwen3-asr-flash", "recognition"),
            ("qwen3-asr-flash-realtime", "transcription"),
        )
        for language in (("en-US", "en"), ("zh-HK", "yue"), ("zh_cn", "zh"))
    ],
)
async def test_a_pipeline_run_ends_its_stt_stage_with_the_service_transcript(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    emulator: DashScopeEmulator,
    hass_ws_client: WebSocketGenerator,
    case: tuple[str, str, str, str],
) -> None:
    model, kind, language, code = case
    await _setup(hass, assist, **{CONF_STT_MODEL: model})
    emulator.transcript = "Turn on the kitchen light."
    pcm = _command("Turn on the kitchen light")
    ws = await hass_ws_client(hass)

    events = await _run(ws, await _pipeline(hass, ws, language), pcm)

    stt_end = next(e for e in events if e["type"] == "stt-end")
    assert stt_end["data"]["stt_output"]["text"] == "Turn on the kitchen light."
    assert events[-1]["type"] == "run-end"
    (heard,) = emulator.heard
    assert (heard.kind, heard.model, heard.language) == (kind, model, code)
    assert (heard.sample_rate, heard.channels, heard.sample_width) == (RATE, 1, 2)
    assert len(heard.pcm) == len(pcm)


@pytest.mark.parametrize(
    "fault",
    ["429", "500", "silence"],
)
async def test_faults_end_the_stt_stage_with_an_error_in_bounded_time(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    emulator: DashScopeEmulator,
    hass_ws_client: WebSocketGenerator,
    fault: str,
) -> None:
    await _setup(hass, assist)
    pcm = _command("Turn on the kitchen light")
    if fault == "429":
        emulator.fail_next(429, "Throttling.RateQuota", kind="recognition")
    elif fault == "500":
        emulator.fail_next(500, "InternalError", kind="recognition")
    else:
        pcm = bytes(len(pcm))
    ws = await hass_ws_client(hass)

    events = await _run(ws, await _pipeline(hass, ws, "en-US"), pcm)

    error = next(e for e in events if e["type"] == "error")
    assert error["data"]["code"] == "stt-stream-failed"
    assert not any(e["type"] == "stt-end" for e in events)


@pytest.mark.parametrize("language", ["sw", "xx-YY"])
async def test_a_language_the_service_does_not_recognise_is_refused_before_any_request(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    emulator: DashScopeEmulator,
    hass_ws_client: WebSocketGenerator,
    language: str,
) -> None:
    await _setup(hass, assist)
    ws = await hass_ws_client(hass)
    refused = await _start_stt(ws, await _pipeline(hass, ws, language))

    assert not refused["success"]
    assert refused["error"]["code"] == "stt-provider-unsupported-metadata"
    assert emulator.requests_of("recognition") == emulator.requests_of("transcription") == []
