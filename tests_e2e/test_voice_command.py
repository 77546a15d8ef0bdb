"""A voice command through an Assist pipeline on the Home Assistant release users run: the
account's speech-to-text entity, audio sent in binary WebSocket frames as a satellite does."""

import asyncio
from typing import Any

import pytest

from tests.emulator import render_pcm

from .journey import Journey
from .test_user_journey import until

pytestmark = pytest.mark.asyncio(loop_scope="session")

RATE = 16000
FRAME = 640  # 20 ms
# What the emulator recognises in any audio with sound (its default transcript).
HEARD = "Turn on the kitchen light."


async def _stt_entity(journey: Journey) -> str:
    registry = await journey.client.ws("config/entity_registry/list")
    (entity_id,) = [
        e["entity_id"]
        for e in registry
        if e["config_entry_id"] == journey.entry_id and e["entity_id"].startswith("stt.")
    ]
    return str(entity_id)


async def _set_model(journey: Journey, model: str) -> None:
    """Choose the speech-to-text model in the account's options (the account reloads)."""
    client = journey.client
    flow = await client.post(
        "/api/config/config_entries/options/flow", {"handler": journey.entry_id}
    )
    assert (flow["type"], flow["step_id"]) == ("form", "init")
    flow = await client.post(
        f"/api/config/config_entries/options/flow/{flow['flow_id']}",
        {"stt_model": model, "stt_auto_language": False, "stt_context": "kitchen, living room"},
    )
    assert flow["type"] == "create_entry", flow
    await until(
        lambda: client.get("/api/config/config_entries/entry?domain=qwen_tts"),
        lambda entries: [e["state"] for e in entries] == ["loaded"],
    )


async def _run_pipeline(journey: Journey, pipeline_id: str, pcm: bytes) -> list[dict[str, Any]]:
    """One STT-stage run on its own WebSocket: events until run-end (bounded)."""
    ws = await journey.client.connect_ws()
    try:
        await ws.send_json(
            {
                "id": 1,
                "type": "assist_pipeline/run",
                "start_stage": "stt",
                "end_stage": "stt",
                "pipeline": pipeline_id,
                "input": {"sample_rate": RATE},
            }
        )
        events: list[dict[str, Any]] = []
        async with asyncio.timeout(60):
            result = await ws.receive_json()
            assert result["success"], result
            events.append((await ws.receive_json())["event"])
            prefix = bytes([events[0]["data"]["runner_data"]["stt_binary_handler_id"]])
            for start in range(0, len(pcm), FRAME):
                await ws.send_bytes(prefix + pcm[start : start + FRAME])
            await ws.send_bytes(prefix)
            while events[-1]["type"] not in ("run-end", "error"):
                events.append((await ws.receive_json())["event"])
        return events
    finally:
        await ws.close()


@pytest.mark.parametrize("model", ["qwen3-asr-flash", "qwen3-asr-flash-realtime"])
async def test_a_voice_command_is_recognised_in_an_assist_pipeline(
    journey: Journey, model: str
) -> None:
    journey.need("entry_id")
    await _set_model(journey, model)
    stt_entity = await _stt_entity(journey)
    pipeline = await journey.client.ws(
        "assist_pipeline/pipeline/create",
        conversation_engine="conversation.home_assistant",
        conversation_language="en",
        language="en",
        name=f"Qwen {model}",
        stt_engine=stt_entity,
        stt_language="en-US",
        tts_engine=None,
        tts_language=None,
        tts_voice=None,
        wake_word_entity=None,
        wake_word_id=None,
    )
    pcm = render_pcm("Turn on the kitchen light", RATE)
    before = len(await journey.emulator.logged_requests())

    events = await _run_pipeline(journey, pipeline["id"], pcm[: len(pcm) - len(pcm) % 320])

    stt_end = [e for e in events if e["type"] == "stt-end"]
    assert stt_end, events
    assert stt_end[0]["data"]["stt_output"]["text"] == HEARD
    kind = "transcription" if "realtime" in model else "recognition"
    # The emulator logs each request it served (every half second).
    await until(
        journey.emulator.logged_requests,
        lambda lines: any(
            f" {kind} " in line and f"model={model} " in line for line in lines[before:]
        ),
    )
