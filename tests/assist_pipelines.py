"""Voice assistants (Assist pipelines) over Home Assistant's WebSocket API, as its frontend and
satellites drive them."""

from typing import Any

_ENGINES = (
    *("stt_engine", "stt_language", "tts_engine", "tts_language", "tts_voice"),
    *("wake_word_entity", "wake_word_id"),
)


async def create_pipeline(ws: Any, name: str, **engines: str) -> dict[str, Any]:
    """Create a voice assistant conversing in English with ``engines`` (``stt_engine``,
    ``tts_voice``, ...; the others none); its fields and its ``pipeline_id``."""
    fields = {
        "conversation_engine": "conversation.home_assistant",
        "conversation_language": "en",
        "language": "en",
        "name": name,
        **dict.fromkeys(_ENGINES),
        **engines,
    }
    await ws.send_json_auto_id({"type": "assist_pipeline/pipeline/create", **fields})
    created = await ws.receive_json()
    assert created["success"], created
    return {**fields, "pipeline_id": created["result"]["id"]}


async def start_run(
    ws: Any, pipeline_id: str, stage: str, run_input: dict[str, Any]
) -> dict[str, Any]:
    """Ask for a run of the pipeline's ``stage`` alone, as a satellite does; Home Assistant's
    answer to the request (its events follow)."""
    await ws.send_json_auto_id(
        {
            "type": "assist_pipeline/run",
            "start_stage": stage,
            "end_stage": stage,
            "pipeline": pipeline_id,
            "input": run_input,
        }
    )
    answer: dict[str, Any] = await ws.receive_json()
    return answer
