"""Streaming speech: Assist's streamed text and tts.speak through ``async_stream_tts_audio``."""

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
import struct
from typing import Any

from homeassistant.components import tts
from homeassistant.components.tts.entity import TTSAudioRequest
from homeassistant.components.tts.helper import get_engine_instance
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.qwen_tts.const import DOMAIN
from custom_components.qwen_tts.dashscope.wav import find_data_chunk
from custom_components.qwen_tts.sentence_pipeline import MAX_IN_FLIGHT

from .emulator import DashScopeEmulator
from .emulator.audio import render_pcm, stream_chunks
from .emulator.store import RecordedRequest
from .tts_helpers import (
    SATELLITE,
    WAV,
    expected_pcm,
    gather_until_failure,
    max_overlap,
    spoken_texts,
    streamed,
    tts_entity_id,
)

STREAMING_WAV_SIZE = 0xFFFFFFFF
REPLY = (
    "Sure, the living room lights are now off. "
    "The front door is locked and the alarm is armed. "
    "Is there anything else I can do for you tonight?"
)
LONG_REPLY = " ".join(
    f"Sentence number {n} tells you something about the house, and it ends here."
    for n in range(1, 13)
)
TIMEOUT = 20


pytestmark = pytest.mark.usefixtures("tts_stack")  # Home Assistant's ffmpeg, a cache per test


def _deltas(text: str, size: int = 5) -> list[str]:
    """The text as an LLM streams it: small pieces."""
    return [text[i : i + size] for i in range(0, len(text), size)]


async def _gated_reply(
    head: str, tail: str, gate: asyncio.Event, *, size: int = 5
) -> AsyncGenerator[str]:
    """``head`` at once, then ``tail`` piece by piece only after ``gate`` is set: the text
    cannot end before the test lets it."""
    for piece in _deltas(head, size):
        yield piece
    await gate.wait()
    for piece in _deltas(tail, size):
        await asyncio.sleep(0)
        yield piece


async def _collect(stream: tts.ResultStream, first_audio: asyncio.Event | None = None) -> bytes:
    """All bytes of a result stream; ``first_audio`` is set when the first one arrives."""
    chunks = []
    async with asyncio.timeout(TIMEOUT):
        async for chunk in stream.async_stream_result():
            chunks.append(chunk)
            if first_audio is not None:
                first_audio.set()
    return b"".join(chunks)


def _wav(data: bytes) -> tuple[int, int, bytes]:
    """(sample rate, data size field, PCM) of a WAV stream."""
    layout = find_data_chunk(data)
    assert layout is not None
    (size,) = struct.unpack_from("<I", data, layout.data_size_field)
    assert layout.sample_rate is not None
    return layout.sample_rate, size, data[layout.data_offset :]


async def _sockets_closed(emulator: DashScopeEmulator) -> None:
    """Wait until the emulator has seen every WebSocket close (fails after TIMEOUT)."""
    async with asyncio.timeout(TIMEOUT):
        while emulator.sockets:  # noqa: ASYNC110 - the emulator offers no close event
            await asyncio.sleep(0.01)


def _body(record: RecordedRequest) -> dict[str, Any]:
    """The JSON body of an HTTP request the emulator received."""
    assert record.body is not None
    return record.body


def _appended(record: RecordedRequest) -> list[str]:
    """The text of each ``input_text_buffer.append`` a realtime session received."""
    return [e["text"] for _, e in record.events if e.get("type") == "input_text_buffer.append"]


def _event_time(record: RecordedRequest, event_type: str) -> float:
    """When a realtime session received its first event of ``event_type``."""
    return next(t for t, e in record.events if e.get("type") == event_type)


async def _stream_error(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    message_gen: AsyncGenerator[str],
    options: dict[str, Any],
) -> HomeAssistantError:
    """Stream the entry's speech of a message stream that must fail; the error raised."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, entry), "en-US", options)
    stream.async_set_message_stream(message_gen)
    with pytest.raises(HomeAssistantError) as caught:
        await _collect(stream)
    return caught.value


# --- The realtime WebSocket path (the default qwen3-tts-flash profile) ---------------------


async def test_entity_supports_streaming_input(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Home Assistant offers the profile text as it is generated."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", WAV)
    assert stream.supports_streaming_input


async def test_first_audio_arrives_before_the_text_ends(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """The reply's first sentence is heard while the LLM is still writing the rest."""
    first_audio = asyncio.Event()
    head, tail = "Sure, the lights are off. ", "The door is locked and the alarm is armed."
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", WAV)
    stream.async_set_message_stream(_gated_reply(head, tail, first_audio))

    await _collect(stream, first_audio)

    (session,) = emulator.requests_of("realtime")
    assert session.first_audio_at is not None
    assert session.first_audio_at < _event_time(session, "session.finish")
    last_append = max(t for t, e in session.events if e["type"] == "input_text_buffer.append")
    assert session.first_audio_at < last_append


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(
            WAV, ("qwen3-tts-flash-realtime", None), id="flash -> its realtime counterpart"
        ),
        pytest.param(
            {**WAV, "model": "qwen3-tts-instruct-flash", "instructions": "Whisper, slowly."},
            ("qwen3-tts-instruct-flash-realtime", "Whisper, slowly."),
            id="instruct -> its realtime counterpart, with the instructions",
        ),
    ],
)
async def test_streamed_text_goes_to_one_realtime_session_delta_by_delta(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    options: dict[str, Any],
    expected: tuple[str, str | None],
) -> None:
    """Each delta is appended as it arrives (server_commit), then the session finishes; the
    model's realtime counterpart gets the profile's settings."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", options)
    stream.async_set_message_stream(streamed(REPLY))
    await _collect(stream)

    (session,) = emulator.requests_of("realtime")
    update = next(e for _, e in session.events if e["type"] == "session.update")["session"]
    assert (session.model, update.get("instructions")) == expected
    assert update["mode"] == "server_commit"
    assert update["voice"] == "Cherry"
    assert update["language_type"] == "English"
    assert "".join(_appended(session)) == REPLY
    assert len(_appended(session)) > 1
    assert session.event_types()[-1] == "session.finish"
    assert emulator.requests_of("synthesis_stream") == []


async def test_streamed_audio_is_the_text_spoken_in_order(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """A WAV stream (streaming header) whose PCM is the whole reply, in order."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", WAV)
    stream.async_set_message_stream(streamed(REPLY))
    data = await _collect(stream)

    rate, size, pcm = _wav(data)
    assert (rate, size) == (24000, STREAMING_WAV_SIZE)
    assert data[4:8] == struct.pack("<I", STREAMING_WAV_SIZE)
    assert pcm == render_pcm(REPLY, 24000)


async def test_streamed_reply_served_by_the_proxy_keeps_the_streaming_header(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Live text in a WAV Home Assistant does not convert: /api/tts_proxy streams it with
    the streaming header (its length is not known while it plays)."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", WAV)
    stream.async_set_message_stream(streamed(REPLY))
    client = await hass_client()

    response = await client.get(stream.url)
    data = await response.read()

    assert response.status == 200
    assert struct.unpack_from("<I", data, 4)[0] == STREAMING_WAV_SIZE
    assert _wav(data)[1:] == (STREAMING_WAV_SIZE, render_pcm(REPLY, 24000))


async def test_satellite_wav_16khz_is_rendered_at_16khz_by_the_service(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A satellite's wav/16 kHz/mono/16-bit request: the service renders 16 kHz itself, so
    Home Assistant's ffmpeg pass only repackages (the samples come through untouched)."""
    stream = tts.async_create_stream(
        hass, tts_entity_id(hass, setup_integration), "en-US", SATELLITE
    )
    stream.async_set_message_stream(streamed(REPLY))
    data = await _collect(stream)

    (session,) = emulator.requests_of("realtime")
    update = next(e for _, e in session.events if e["type"] == "session.update")["session"]
    assert (update["response_format"], update["sample_rate"]) == ("pcm", 16000)
    rate, _, pcm = _wav(data)
    assert rate == 16000
    assert pcm == render_pcm(REPLY, 16000)


async def test_consumer_stopping_early_closes_the_websocket(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """Closing the audio generator mid-speech closes the session's socket at once."""
    emulator.chunk_interval = 0.05
    entity = get_engine_instance(hass, tts_entity_id(hass, setup_integration))
    assert isinstance(entity, tts.TextToSpeechEntity)
    never_ends = asyncio.Event()
    response = await entity.async_stream_tts_audio(
        TTSAudioRequest("en-US", dict(WAV), _gated_reply("Hello there. ", "More.", never_ends))
    )
    async with asyncio.timeout(TIMEOUT):
        assert await anext(response.data_gen)
        assert emulator.sockets
        await response.data_gen.aclose()
    await _sockets_closed(emulator)

    (session,) = emulator.requests_of("realtime")
    assert "session.finish" not in session.event_types()


# --- Faults in the middle of a stream ------------------------------------------------------


_CRASH = ("InternalError", "synthesis engine crashed")


@pytest.mark.parametrize(
    ("faults", "http_voice", "key"),
    [
        pytest.param({"ws_error_after_append": _CRASH}, False, "service_error",
                     id="realtime error event -> service_error, not swallowed"),
        pytest.param({"ws_close_before_finish": True}, False, "incomplete_audio",
                     id="realtime closed before session.finished -> incomplete_audio"),
        pytest.param({"sse_error_after": 2, "sse_error_code": "Throttling.RateQuota"}, True,
                     "rate_limited", id="error frame in a 200 SSE stream -> rate_limited"),
        pytest.param({"sse_cut_after": 2}, True, "incomplete_audio",
                     id="SSE stream closed without its final frame -> incomplete_audio"),
    ],
)  # fmt: skip
async def test_a_fault_in_the_middle_of_a_stream_fails_it(
    hass: HomeAssistant,
    cloned_voice: str,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    *,
    faults: dict[str, object],
    http_voice: bool,
    key: str,
) -> None:
    """The realtime session (a system voice) and sentence-by-sentence SSE (an HTTP-only
    account voice): a fault mid-stream is the error the user sees."""
    for name, value in faults.items():
        setattr(emulator, name, value)
    options = {**WAV, "voice": cloned_voice} if http_voice else WAV
    err = await _stream_error(hass, setup_integration, streamed(REPLY), options)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key


async def test_failing_text_source_fails_the_stream(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """When the text stops with an error, the speech does not end as if it were complete."""

    async def broken() -> AsyncGenerator[str]:
        yield "The first sentence is fine. "
        await asyncio.sleep(0)
        raise HomeAssistantError("the conversation agent failed")

    err = await _stream_error(hass, setup_integration, broken(), WAV)
    assert str(err) == "the conversation agent failed"
    await _sockets_closed(emulator)


async def _still_writing(released: asyncio.Event) -> AsyncGenerator[str]:
    """A reply whose first sentence arrives and whose rest never does; ``released`` is set
    once the stream lets go of it."""
    try:
        yield "Hello there. "
        await asyncio.Event().wait()
        yield "This never comes."
    finally:
        released.set()


async def test_refused_session_stops_reading_the_text(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A session refused at the handshake fails the stream and lets go of the text source."""
    emulator.fail_next(401, "InvalidApiKey", kind="realtime")
    released = asyncio.Event()

    err = await _stream_error(hass, setup_integration, _still_writing(released), WAV)
    assert err.translation_key == "auth_failed_endpoint"
    async with asyncio.timeout(TIMEOUT):
        await released.wait()


async def test_consumer_stopping_while_the_first_words_are_read_lets_go_of_the_text(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """Cancelled right while it looks whether more text is waiting, the stream leaves no
    read of the text source behind (Home Assistant's generator is closed)."""
    entity = get_engine_instance(hass, tts_entity_id(hass, setup_integration))
    assert isinstance(entity, tts.TextToSpeechEntity)
    released = asyncio.Event()

    response = await entity.async_stream_tts_audio(
        TTSAudioRequest("en-US", dict(WAV), _still_writing(released))
    )
    consumer = asyncio.create_task(anext(response.data_gen))
    await asyncio.sleep(0)  # the consumer took the first words and looks for more
    consumer.cancel()

    with pytest.raises(asyncio.CancelledError):
        await consumer
    async with asyncio.timeout(TIMEOUT):
        await released.wait()
    assert emulator.requests_of("realtime") == []


async def test_text_without_words_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """Nothing to say is an error, not an empty recording."""
    err = await _stream_error(hass, setup_integration, streamed("   \n "), WAV)
    assert err.translation_key == "empty_message"
    assert emulator.requests_of("realtime") == []


# --- tts.speak: the whole message at once ---------------------------------------------------


async def test_speak_message_streams_through_the_entity(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A complete message (tts.speak) is spoken with the profile's own HTTP model, and its
    audio (MP3, Home Assistant's default) starts flowing before the service has sent all
    of it."""
    emulator.chunk_interval = 0.02
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", {})
    stream.async_set_message(REPLY)

    chunks: list[bytes] = []
    sent_at_first_chunk = None
    async with asyncio.timeout(TIMEOUT):
        async for chunk in stream.async_stream_result():
            if sent_at_first_chunk is None:
                sent_at_first_chunk = sum(len(r.audio_times) for r in emulator.requests)
            chunks.append(chunk)

    requests = emulator.requests_of("synthesis_stream")
    assert [r.model for r in requests] == ["qwen3-tts-flash"]
    assert _body(requests[0])["input"]["text"] == REPLY
    total_sent = sum(len(r.audio_times) for r in requests)
    assert sent_at_first_chunk is not None
    assert sent_at_first_chunk < total_sent
    assert b"".join(chunks) == b"".join(
        c.data for c in stream_chunks(render_pcm(REPLY, 24000), 24000, "mp3")
    )


async def test_speak_message_home_assistant_converts_streams_with_the_streaming_header(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A whole message in a WAV that Home Assistant converts (a satellite's format) streams
    at once with the streaming header: ffmpeg reads it, nothing keeps it as a file."""
    emulator.chunk_interval = 0.02
    entity = get_engine_instance(hass, tts_entity_id(hass, setup_integration))
    assert isinstance(entity, tts.TextToSpeechEntity)

    async def whole() -> AsyncGenerator[str]:
        yield REPLY

    response = await entity.async_stream_tts_audio(
        TTSAudioRequest("en-US", dict(SATELLITE), whole())
    )
    async with asyncio.timeout(TIMEOUT), aclosing(response.data_gen) as audio:
        first = await anext(audio)
        (request,) = emulator.requests_of("synthesis_stream")
        sent_at_first_chunk = len(request.audio_times)
        rest = b"".join([chunk async for chunk in audio])

    assert response.extension == "wav"
    assert sent_at_first_chunk < len(request.audio_times)
    rate, size, pcm = _wav(first + rest)
    assert (rate, size) == (16000, STREAMING_WAV_SIZE)
    assert first[4:8] == struct.pack("<I", STREAMING_WAV_SIZE)
    assert pcm == render_pcm(REPLY, 16000)


async def test_speak_message_as_plain_wav_is_one_file_with_its_real_sizes(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """``preferred_format: wav`` alone: Home Assistant keeps the bytes as the finished file,
    so the WAV is sent once synthesis ends, with the real RIFF and data sizes."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", WAV)
    stream.async_set_message(REPLY)
    data = await _collect(stream)

    rate, size, pcm = _wav(data)
    assert (rate, size) == (24000, len(pcm))
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    assert pcm == render_pcm(REPLY, 24000)


async def test_long_message_runs_balanced_requests_three_at_a_time(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A long message becomes sentence-bounded requests within the limit, at most three
    running at once, joined strictly in order."""
    emulator.chunk_interval = 0.002
    text = " ".join([LONG_REPLY] * 3)  # about 2,700 characters
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", WAV)
    stream.async_set_message(text)
    data = await _collect(stream)

    requests = emulator.requests_of("synthesis_stream")
    texts = spoken_texts(requests)
    assert len(texts) % MAX_IN_FLIGHT == 0
    assert all(len(t) <= 600 and t.endswith(".") for t in texts)
    assert " ".join(texts) == text
    assert max_overlap(requests) <= MAX_IN_FLIGHT
    _, _, pcm = _wav(data)
    assert pcm == expected_pcm(texts)


async def test_long_mp3_message_is_one_mp3_stream(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """Without preferences Home Assistant serves MP3: the service's MP3 of every request,
    joined with a single leading ID3 tag."""
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", {})
    stream.async_set_message(LONG_REPLY * 2)
    data = await _collect(stream)

    requests = emulator.requests_of("synthesis_stream")
    assert len(requests) > 1
    assert {_body(r)["parameters"]["response_format"] for r in requests} == {"mp3"}
    assert stream.extension == "mp3"
    assert data.startswith(b"ID3")
    assert data.count(b"ID3\x04") == 1


# --- HTTP-only voices: sentences pipelined over SSE -----------------------------------------


@pytest.fixture
def cloned_voice(emulator: DashScopeEmulator) -> str:
    """An account voice cloned for the HTTP vc model (no realtime counterpart)."""
    return emulator.add_voice("mom", "qwen3-tts-vc-2026-01-22")


async def test_http_voice_speaks_each_sentence_as_soon_as_it_ends(
    hass: HomeAssistant,
    cloned_voice: str,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
) -> None:
    """The first sentence is synthesized (and heard) while the text is still coming; the
    sentences' audio is joined in order."""
    first_audio = asyncio.Event()
    # A sentence is complete once the next one starts ("dear. Sleep", not "e.g. sleep").
    head, tail = "Good night, my dear. Sleep ", "well and dream of the sea. See you tomorrow."
    options = {**WAV, "voice": "mom"}
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", options)
    stream.async_set_message_stream(_gated_reply(head, tail, first_audio))
    data = await _collect(stream, first_audio)

    requests = emulator.requests_of("synthesis_stream")
    texts = spoken_texts(requests)
    assert texts[0] == "Good night, my dear."
    assert " ".join(texts) == (head + tail).strip()
    assert {r.model for r in requests} == {"qwen3-tts-vc-2026-01-22"}
    assert {_body(r)["input"]["voice"] for r in requests} == {cloned_voice}
    assert emulator.requests_of("realtime") == []
    _, _, pcm = _wav(data)
    assert pcm == expected_pcm(texts)


async def test_http_voice_streams_sentences_three_at_a_time(
    hass: HomeAssistant,
    cloned_voice: str,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
) -> None:
    """A fast LLM and a slow service: later sentences run ahead, never more than three."""
    emulator.chunk_interval = 0.01
    options = {**WAV, "voice": cloned_voice}
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", options)
    stream.async_set_message_stream(streamed(LONG_REPLY, size=20))
    data = await _collect(stream)

    requests = emulator.requests_of("synthesis_stream")
    texts = spoken_texts(requests)
    assert " ".join(texts) == LONG_REPLY
    assert 1 < max_overlap(requests) <= MAX_IN_FLIGHT
    _, _, pcm = _wav(data)
    assert pcm == expected_pcm(texts)


async def test_failing_text_source_fails_the_sentence_stream(
    hass: HomeAssistant,
    cloned_voice: str,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
) -> None:
    """Sentences already requested are spoken, then the text's failure is reported."""

    async def broken() -> AsyncGenerator[str]:
        yield "The first sentence is fine. The second"
        await asyncio.sleep(0)
        raise HomeAssistantError("the conversation agent failed")

    options = {**WAV, "voice": cloned_voice}
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", options)
    stream.async_set_message_stream(broken())
    received: list[bytes] = []
    with pytest.raises(HomeAssistantError, match="the conversation agent failed"):
        await asyncio.wait_for(
            gather_until_failure(stream.async_stream_result(), received), TIMEOUT
        )

    assert _wav(b"".join(received))[2] == render_pcm("The first sentence is fine.", 24000)


async def test_consumer_stopping_early_cancels_pending_requests(
    hass: HomeAssistant,
    cloned_voice: str,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
) -> None:
    """Closing the audio generator cancels the requests in flight: the service stops
    sending and no further sentence is requested."""
    emulator.chunk_interval = 0.02
    entity = get_engine_instance(hass, tts_entity_id(hass, setup_integration))
    assert isinstance(entity, tts.TextToSpeechEntity)
    response = await entity.async_stream_tts_audio(
        TTSAudioRequest("en-US", {**WAV, "voice": cloned_voice}, streamed(LONG_REPLY, size=40))
    )
    async with asyncio.timeout(TIMEOUT):
        assert await anext(response.data_gen)
        await response.data_gen.aclose()
    requests = emulator.requests_of("synthesis_stream")
    sent = [len(r.audio_times) for r in requests]
    # Long enough for an uncancelled request to send about twenty more chunks.
    await asyncio.sleep(0.4)

    assert len(emulator.requests_of("synthesis_stream")) == len(requests) <= MAX_IN_FLIGHT
    assert all(len(r.audio_times) - n <= 2 for r, n in zip(requests, sent, strict=True))


# --- Other models and voices ----------------------------------------------------------------


async def test_realtime_cloned_voice_streams_over_its_own_model(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A voice cloned for a realtime model is streamed over that model's session."""
    voice = emulator.add_voice("grandma", "qwen3-tts-vc-realtime-2026-01-15")
    await setup_integration.runtime_data.voices.async_refresh()
    options = {**WAV, "voice": "grandma"}
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", options)
    stream.async_set_message_stream(streamed(REPLY))
    data = await _collect(stream)

    (session,) = emulator.requests_of("realtime")
    assert session.model == "qwen3-tts-vc-realtime-2026-01-15"
    update = next(e for _, e in session.events if e["type"] == "session.update")["session"]
    assert update["voice"] == voice
    assert "".join(_appended(session)) == REPLY
    assert _wav(data)[2] == render_pcm(REPLY, 24000)


async def test_realtime_cloned_voice_speaks_a_long_message_in_parallel_sessions(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """A voice with no HTTP model still speaks a long message three requests at a time:
    one realtime session per request, audio in order."""
    emulator.chunk_interval = 0.002
    emulator.add_voice("grandma", "qwen3-tts-vc-realtime-2026-01-15")
    await setup_integration.runtime_data.voices.async_refresh()
    text = " ".join([LONG_REPLY] * 2)
    options = {**WAV, "voice": "grandma"}
    stream = tts.async_create_stream(hass, tts_entity_id(hass, setup_integration), "en-US", options)
    stream.async_set_message(text)
    data = await _collect(stream)

    sessions = emulator.requests_of("realtime")
    texts = ["".join(_appended(s)) for s in sessions]
    assert len(sessions) == MAX_IN_FLIGHT
    assert " ".join(texts) == text
    assert all(s.event_types()[-1] == "session.finish" for s in sessions)
    assert max_overlap(sessions) <= MAX_IN_FLIGHT
    assert _wav(data)[2] == expected_pcm(texts)


@pytest.mark.parametrize("profile_data", [{"model": "qwen-tts", "voice": "Cherry"}])
async def test_qwen_tts_family_streams_sentences_over_http_at_24khz(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """``qwen-tts`` has no realtime counterpart and only speaks 24 kHz PCM: sentences go
    over SSE, and only then does Home Assistant resample for a 16 kHz satellite."""
    stream = tts.async_create_stream(
        hass, tts_entity_id(hass, setup_integration), "zh-CN", SATELLITE
    )
    text = "你好。今天天气很好，我们去公园散步吧。晚上见！"
    stream.async_set_message_stream(streamed(text, size=3))
    data = await _collect(stream)

    requests = emulator.requests_of("synthesis_stream")
    texts = spoken_texts(requests)
    assert texts[0] == "你好。"
    assert "".join(texts) == text
    assert {r.model for r in requests} == {"qwen-tts"}
    assert {_body(r)["parameters"]["sample_rate"] for r in requests} == {24000}
    assert emulator.requests_of("realtime") == []
    assert _wav(data)[0] == 16000
