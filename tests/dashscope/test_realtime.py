"""Realtime WebSocket sessions: configuration, audio of every response, errors, closing."""

import asyncio
import base64

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    AuthError,
    DashScopeClient,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    Endpoint,
    IncompleteAudioError,
    InvalidRequestError,
    ProtocolError,
    ServiceError,
    SpeechSettings,
    Usage,
    VoiceNotFoundError,
)
from custom_components.qwen_tts.dashscope.realtime import RealtimeSession
from tests.emulator import DashScopeEmulator
from tests.emulator.audio import render_pcm

from .scripted import Message, RealtimeScript, ScriptedServer

MODEL = "qwen3-tts-flash-realtime"
SETTINGS = SpeechSettings(model=MODEL, voice="Cherry", language_type="English")


async def _speak(client: DashScopeClient, settings: SpeechSettings, *texts: str) -> bytes:
    async with client.realtime_session(settings) as session:
        for text in texts:
            await session.append(text)
        await session.finish()
        return b"".join([chunk async for chunk in session.audio()])


async def test_a_session_yields_the_spoken_pcm(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    audio = await _speak(client, SETTINGS, "Hello there.")
    (record,) = emulator.requests_of("realtime")
    assert audio == b"".join(render_pcm(text) for text in record.responses)
    assert "".join(record.responses) == "Hello there."


async def test_several_responses_in_one_session_yield_all_audio_in_order(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    texts = ["First sentence. ", "Second one, longer than the first. ", "Third."]
    audio = await _speak(client, SETTINGS, *texts)
    (record,) = emulator.requests_of("realtime")
    # The service cuts the text into responses at its sentence ends.
    assert len(record.responses) == len(texts)
    assert "".join(record.responses) == "".join(texts)
    assert audio == b"".join(render_pcm(text) for text in record.responses)


async def test_connect_sends_model_key_and_session_update(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    settings = SpeechSettings(
        model="qwen3-tts-instruct-flash-realtime",
        voice="Cherry",
        language_type="German",
        speech_rate=1.5,
        instructions="Cheerful.",
    )
    await _speak(client, settings, "Guten Tag.")
    (record,) = emulator.requests_of("realtime")
    assert record.model == "qwen3-tts-instruct-flash-realtime"
    assert record.headers["Authorization"] == f"Bearer {emulator.api_key}"
    update = record.events[0][1]
    assert update["type"] == "session.update"
    assert update["session"] == {
        "voice": "Cherry",
        "mode": "server_commit",
        "language_type": "German",
        "response_format": "pcm",
        "sample_rate": 24000,
        "speech_rate": 1.5,
        "instructions": "Cheerful.",
    }


async def test_every_client_event_has_a_unique_event_id(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    await _speak(client, SETTINGS, "One. ", "Two.")
    (record,) = emulator.requests_of("realtime")
    ids = [event["event_id"] for _, event in record.events]
    assert record.event_types() == [
        "session.update",
        "input_text_buffer.append",
        "input_text_buffer.append",
        "session.finish",
    ]
    assert len(set(ids)) == len(ids)
    assert all(event_id.startswith("event_") for event_id in ids)


async def test_appends_from_another_task_while_iterating_audio(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    texts = ["Streaming text arrives. ", "Piece by piece, ", "from a language model."]

    async with client.realtime_session(SETTINGS) as session:

        async def feed() -> None:
            for text in texts:
                await session.append(text)
                await asyncio.sleep(0.05)
            await session.finish()

        feeder = asyncio.create_task(feed())
        audio = b"".join([chunk async for chunk in session.audio()])
        await feeder
    (record,) = emulator.requests_of("realtime")
    assert "".join(record.responses) == "".join(texts)
    assert audio == b"".join(render_pcm(text) for text in record.responses)


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        pytest.param(
            "InvalidParameter",
            "Invalid voice specified",
            VoiceNotFoundError,
            id="InvalidParameter 'Invalid voice' -> voice not found",
        ),
        pytest.param("InternalError", "boom", ServiceError, id="InternalError -> service error"),
    ],
)
async def test_an_error_event_raises_the_mapped_error(
    client: DashScopeClient,
    emulator: DashScopeEmulator,
    code: str,
    message: str,
    expected: type[DashScopeError],
) -> None:
    emulator.ws_error_after_append = (code, message)
    with pytest.raises(expected) as caught:
        await _speak(client, SETTINGS, "Hello.")
    assert (caught.value.code, caught.value.message) == (code, message)


async def test_a_session_finished_without_any_audio_raises_protocol_error(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True
    with pytest.raises(ProtocolError) as caught:
        await _speak(client, SETTINGS, "Hello there.")
    assert "without any audio" in caught.value.message
    (record,) = emulator.requests_of("realtime")
    assert record.responses == ["Hello there."]


async def test_a_session_given_no_text_finishes_quietly(client: DashScopeClient) -> None:
    async with client.realtime_session(SETTINGS) as session:
        await session.append("  ")
        await session.finish()
        audio = [chunk async for chunk in session.audio()]
    assert audio == []
    assert session.finished


async def test_a_socket_closed_before_session_finished_raises(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.ws_close_before_finish = True
    with pytest.raises((ProtocolError, DashScopeConnectionError)):
        await _speak(client, SETTINGS, "Hello there.")


async def test_a_refused_handshake_raises_auth_error(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    client = DashScopeClient(http, "sk-wrong", Endpoint.from_base_url(emulator.base_url))
    with pytest.raises(AuthError) as caught:
        async with client.realtime_session(SETTINGS):
            pass
    assert caught.value.status == 401
    assert "sk-wrong" not in str(caught.value)


async def test_a_planned_failure_fails_the_session_setup(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(400, "InvalidParameter", "bad session", kind="realtime")
    with pytest.raises(InvalidRequestError) as caught:
        await _speak(client, SETTINGS, "Hello.")
    assert caught.value.code == "InvalidParameter"


async def test_the_socket_is_closed_when_the_consumer_stops_early(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.chunk_interval = 0.05
    async with client.realtime_session(SETTINGS) as session:
        await session.append("A long sentence that takes a while to speak out loud.")
        await session.finish()
        async for _chunk in session.audio():
            break
    assert session.closed
    assert not session.finished


async def test_the_socket_is_closed_when_the_block_raises(client: DashScopeClient) -> None:
    session = client.realtime_session(SETTINGS)

    async def fail_inside() -> None:
        async with session:
            await session.append("Hello.")
            raise RuntimeError("caller failed")

    with pytest.raises(RuntimeError):
        await fail_inside()
    assert session.closed


async def test_audio_ends_only_at_session_finished(client: DashScopeClient) -> None:
    async with client.realtime_session(SETTINGS) as session:
        await session.append("One.")
        await session.finish()
        audio = b"".join([chunk async for chunk in session.audio()])
        assert session.finished
    assert audio == render_pcm("One.")


async def test_an_unknown_realtime_model_fails_the_setup(client: DashScopeClient) -> None:
    with pytest.raises(ProtocolError):
        await _speak(client, SpeechSettings(model="qwen9-nope-realtime", voice="Cherry"), "Hi.")


async def test_append_after_the_session_closed_raises_incomplete_audio(
    client: DashScopeClient,
) -> None:
    """The session can no longer speak: not a connection failure (the service was reached)."""
    async with client.realtime_session(SETTINGS) as session:
        pass
    with pytest.raises(IncompleteAudioError):
        await session.append("Too late.")


async def test_a_16_khz_session_yields_16_khz_pcm(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    settings = SpeechSettings(model=MODEL, voice="Cherry", sample_rate=16000)
    audio = await _speak(client, settings, "Sixteen.")
    assert audio == render_pcm("Sixteen.", 16000)


async def test_a_consumer_in_another_task_is_woken_when_the_session_closes(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.first_chunk_delay = 5.0
    async with client.realtime_session(SETTINGS) as session:
        consumer = asyncio.create_task(_drain(session))
        await session.append("Hello there.")
        await asyncio.sleep(0.05)
    with pytest.raises(ProtocolError):
        await consumer


async def _drain(session: RealtimeSession) -> bytes:
    return b"".join([chunk async for chunk in session.audio()])


# Events the emulator keeps regular (a scripted server)


def _delta(audio: bytes | str) -> dict[str, str]:
    data = audio if isinstance(audio, str) else base64.b64encode(audio).decode()
    return {"type": "response.audio.delta", "delta": data}


async def _scripted_audio(http: aiohttp.ClientSession, script: RealtimeScript) -> bytes:
    async with ScriptedServer(realtime=script) as server:
        return await _speak(server.client(http), SETTINGS, "Hello.")


async def test_other_events_and_binary_frames_during_the_handshake_are_skipped(
    http: aiohttp.ClientSession,
) -> None:
    script = RealtimeScript(
        on_connect=[
            b"\x00\x01",
            {"type": "heartbeat"},
            {"type": "session.created", "session": {"id": "sess_7"}},
        ],
        on_update=[{"type": "input_text_buffer.cleared"}, {"type": "session.updated"}],
    )
    async with ScriptedServer(realtime=script) as server:
        session = server.client(http).realtime_session(SETTINGS)
        async with session:
            assert session.session_id == "sess_7"


async def test_empty_deltas_binary_frames_and_unknown_events_carry_no_audio(
    http: aiohttp.ClientSession,
) -> None:
    script = RealtimeScript(
        on_finish=[
            {"type": "response.created"},
            _delta(""),
            b"\x00\x01",
            {"type": "response.something_new"},
            _delta(b"\x01\x02\x03\x04"),
            {"type": "response.done", "response": {"usage": {"characters": "6"}}},
            {"type": "session.finished"},
        ]
    )
    used: list[Usage] = []
    async with ScriptedServer(realtime=script) as server:
        client = DashScopeClient(
            http, "demo-key", Endpoint.from_base_url(server.base_url), on_usage=used.append
        )
        async with client.realtime_session(SETTINGS) as session:
            await session.append("Hello.")
            await session.finish()
            audio = b"".join([chunk async for chunk in session.audio()])
    assert audio == b"\x01\x02\x03\x04"
    # One session, one response billing its characters.
    assert used == [Usage(requests=1), Usage(characters=6)]


@pytest.mark.parametrize(
    ("message", "reason"),
    [("this is not JSON", "not JSON"), (_delta("abc"), "not base64")],
    ids=["not-json", "not-base64"],
)
async def test_a_malformed_message_raises_protocol_error(
    http: aiohttp.ClientSession, message: Message, reason: str
) -> None:
    script = RealtimeScript(on_finish=[_delta(b"\x01\x02"), message, {"type": "session.finished"}])
    with pytest.raises(ProtocolError, match=reason):
        await _scripted_audio(http, script)


async def test_a_malformed_message_during_the_handshake_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    script = RealtimeScript(on_update=["<html>", {"type": "session.updated"}])
    with pytest.raises(ProtocolError, match="not JSON"):
        await _scripted_audio(http, script)


async def test_a_timeout_of_the_callers_session_is_a_timeout(emulator: DashScopeEmulator) -> None:
    emulator.response_delay = 1.0
    timeout = aiohttp.ClientTimeout(total=0.1)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        client = DashScopeClient(
            http, emulator.api_key, Endpoint.from_base_url(emulator.base_url), request_timeout=10
        )
        with pytest.raises(DashScopeTimeoutError):
            await _speak(client, SETTINGS, "Hello.")
