"""Streaming (SSE) synthesis: audio as frames arrive, headers stripped, every error raised."""

import asyncio
import base64
import itertools
import json
import struct

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    AccountError,
    ContentFilterError,
    DashScopeClient,
    Endpoint,
    IncompleteAudioError,
    ProtocolError,
    RateLimitError,
    ServiceError,
    SpeechSettings,
)
from tests.emulator import DashScopeEmulator
from tests.emulator.audio import render_pcm

from .scripted import ScriptedServer

TEXT = "The washing machine is done, please empty it."
SETTINGS = SpeechSettings(model="qwen3-tts-flash", voice="Cherry")


async def _collect(
    client: DashScopeClient, settings: SpeechSettings = SETTINGS, into: list[bytes] | None = None
) -> list[bytes]:
    """Read the whole stream of ``TEXT``; ``into`` keeps what arrived before an error."""
    received = [] if into is None else into
    async for chunk in client.stream_synthesis(settings, TEXT):
        received.append(chunk)
    return received


async def test_stream_yields_exactly_the_spoken_pcm(client: DashScopeClient) -> None:
    chunks = await _collect(client)
    assert len(chunks) > 1
    assert b"".join(chunks) == render_pcm(TEXT)


async def test_stream_sends_the_sse_headers_and_the_key(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    await _collect(client)
    (request,) = emulator.requests_of("synthesis_stream")
    assert request.headers["X-DashScope-SSE"] == "enable"
    assert request.headers["Accept"] == "text/event-stream"
    assert request.headers["Authorization"] == f"Bearer {emulator.api_key}"
    assert "stream" not in request.body
    assert request.body["parameters"]["response_format"] == "pcm"


async def test_stream_strips_a_leading_riff_header(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.leading_riff = True
    chunks = await _collect(client)
    assert not chunks[0].startswith(b"RIFF")
    assert b"".join(chunks) == render_pcm(TEXT)


async def test_stream_in_wav_format_yields_bare_pcm(client: DashScopeClient) -> None:
    settings = SpeechSettings(model="qwen3-tts-flash", voice="Cherry", response_format="wav")
    assert b"".join(await _collect(client, settings)) == render_pcm(TEXT)


async def test_stream_in_mp3_format_yields_an_mp3_stream(client: DashScopeClient) -> None:
    settings = SpeechSettings(model="qwen3-tts-flash", voice="Cherry", response_format="mp3")
    audio = b"".join(await _collect(client, settings))
    assert audio.startswith(b"ID3")
    assert len(audio) > 1000


async def test_an_error_frame_inside_a_200_stream_raises_after_the_audio_before_it(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.sse_error_after = 2
    emulator.sse_error_code = "InternalError"
    received: list[bytes] = []
    with pytest.raises(ServiceError) as caught:
        await _collect(client, into=received)
    assert len(received) == 2
    assert caught.value.code == "InternalError"
    assert caught.value.request_id


async def test_an_error_frame_is_mapped_by_its_code(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.sse_error_after = 1
    emulator.sse_error_code = "Throttling.RateQuota"
    with pytest.raises(RateLimitError) as caught:
        await _collect(client)
    assert caught.value.code == "Throttling.RateQuota"


async def test_a_stream_cut_before_the_stop_frame_raises_protocol_error(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.sse_cut_after = 3
    received: list[bytes] = []
    with pytest.raises(ProtocolError):
        await _collect(client, into=received)
    assert len(received) == 3


async def test_a_stream_finished_without_any_audio_raises_protocol_error(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True
    received: list[bytes] = []
    with pytest.raises(ProtocolError) as caught:
        await _collect(client, into=received)
    assert received == []
    assert caught.value.request_id
    assert "without any audio" in caught.value.message


async def test_a_stream_of_only_a_wav_header_is_a_stream_without_audio(
    http: aiohttp.ClientSession,
) -> None:
    header = (
        b"RIFF" + struct.pack("<I", 0x7FFFFFFF) + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000, 2, 16)
        + b"data" + struct.pack("<I", 0x7FFFFFDB)
    )  # fmt: skip
    with pytest.raises(ProtocolError):
        await _scripted(http, [_audio_frame(1, header), STOP])


async def test_a_refused_stream_raises_the_mapped_error(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(429, "Throttling.RateQuota", kind="synthesis_stream")
    with pytest.raises(RateLimitError) as caught:
        await _collect(client)
    assert caught.value.code == "Throttling.RateQuota"
    assert caught.value.status == 429
    assert caught.value.request_id


async def test_stopping_early_releases_the_connection(emulator: DashScopeEmulator) -> None:
    emulator.chunk_interval = 0.2
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as http:
        client = DashScopeClient(
            http, emulator.api_key, Endpoint.from_base_url(emulator.base_url), request_timeout=5
        )
        stream = client.stream_synthesis(SETTINGS, TEXT)
        first = await anext(stream)
        await stream.aclose()
        # With a single connection allowed, this only gets through if the stream let go.
        await client.validate_key()
    assert first == render_pcm(TEXT)[: len(first)]


def _frame(n: int, output: dict[str, object], newline: str = "\r\n") -> bytes:
    data = json.dumps({"output": output, "request_id": "req-1"})
    lines = [f"id:{n}", "event:result", ":HTTP_STATUS/200", f"data:{data}", "", ""]
    return newline.join(lines).encode()


def _audio_frame(n: int, audio: bytes) -> bytes:
    return _frame(n, {"finish_reason": "null", "audio": {"data": base64.b64encode(audio).decode()}})


STOP = _frame(99, {"finish_reason": "stop", "audio": {"data": "", "url": "http://x/y.wav"}})


async def _scripted(http: aiohttp.ClientSession, writes: list[bytes]) -> list[bytes]:
    server = ScriptedServer(sse_writes=writes)
    await server.start()
    try:
        client = DashScopeClient(http, "demo-key", Endpoint.from_base_url(server.base_url))
        return await _collect(client)
    finally:
        await server.stop()


async def test_crlf_frames_split_mid_line_are_parsed(http: aiohttp.ClientSession) -> None:
    wire = _audio_frame(1, b"\x01\x02" * 50) + _audio_frame(2, b"\x03\x04" * 50) + STOP
    cuts = [0, 5, 40, 41, len(wire) // 2, len(wire) - 3, len(wire)]  # incl. between \r and \n
    writes = [wire[a:b] for a, b in itertools.pairwise(cuts)]
    chunks = await _scripted(http, writes)
    assert b"".join(chunks) == b"\x01\x02" * 50 + b"\x03\x04" * 50


async def test_a_wav_header_split_over_two_chunks_is_stripped(
    http: aiohttp.ClientSession,
) -> None:
    pcm = render_pcm("abc")
    header = (
        b"RIFF" + struct.pack("<I", 0x7FFFFFFF) + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000, 2, 16)
        + b"data" + struct.pack("<I", 0x7FFFFFDB)
    )  # fmt: skip
    writes = [_audio_frame(1, header[:20]), _audio_frame(2, header[20:] + pcm[:100])]
    writes += [_audio_frame(3, pcm[100:]), STOP]
    assert b"".join(await _scripted(http, writes)) == pcm


async def test_audio_that_is_not_base64_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    not_base64 = _frame(1, {"finish_reason": "null", "audio": {"data": "abc"}})
    with pytest.raises(ProtocolError) as caught:
        await _scripted(http, [not_base64, STOP])
    assert "not base64" in caught.value.message


async def test_a_code_in_a_result_frame_raises_even_with_status_200(
    http: aiohttp.ClientSession,
) -> None:
    error = json.dumps({"code": "DataInspectionFailed", "message": "bad", "request_id": "r9"})
    writes = [_audio_frame(1, b"\x00\x00"), f"id:2\nevent:result\ndata:{error}\n\n".encode()]
    with pytest.raises(ContentFilterError) as caught:
        await _scripted(http, writes)
    assert caught.value.request_id == "r9"


async def test_a_stream_without_any_frame_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    with pytest.raises(ProtocolError):
        await _scripted(http, [])


async def test_lf_line_endings_are_parsed_too(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.sse_line_ending = "\n"
    assert b"".join(await _collect(client)) == render_pcm(TEXT)


async def test_audio_arrives_before_the_service_sent_the_last_chunk(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.chunk_interval = 0.03
    stream = client.stream_synthesis(SETTINGS, TEXT)
    await anext(stream)
    received_first_at = asyncio.get_running_loop().time()
    rest = [chunk async for chunk in stream]
    (record,) = emulator.requests_of("synthesis_stream")
    assert rest
    assert received_first_at < record.audio_times[-1]


async def test_a_final_frame_without_a_trailing_blank_line_still_finishes(
    http: aiohttp.ClientSession,
) -> None:
    writes = [_audio_frame(1, b"\x05\x06"), STOP.rstrip(b"\r\n")]
    assert await _scripted(http, writes) == [b"\x05\x06"]


async def test_an_error_frame_without_data_raises_by_its_status(
    http: aiohttp.ClientSession,
) -> None:
    writes = [_audio_frame(1, b"\x00\x00"), b"id:2\r\nevent:error\r\nstatus:503\r\n\r\n"]
    with pytest.raises(ServiceError) as caught:
        await _scripted(http, writes)
    assert caught.value.status == 503


async def test_an_unexpected_finish_reason_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    writes = [_audio_frame(1, b"\x00\x00"), _frame(2, {"finish_reason": "length"})]
    with pytest.raises(ProtocolError):
        await _scripted(http, writes)


async def test_a_json_error_answer_to_a_stream_request_raises_its_error(
    http: aiohttp.ClientSession,
) -> None:
    server = ScriptedServer(
        json_answer={"code": "Arrearage", "message": "in arrears", "request_id": "r7"}
    )
    await server.start()
    try:
        client = DashScopeClient(http, "demo-key", Endpoint.from_base_url(server.base_url))
        with pytest.raises(AccountError) as caught:
            await _collect(client)
    finally:
        await server.stop()
    assert caught.value.request_id == "r7"


async def test_the_request_sends_input_and_parameters_without_unset_fields(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    settings = SpeechSettings(
        model="qwen3-tts-instruct-flash",
        voice="Cherry",
        language_type="English",
        instructions="Speak softly.",
        optimize_instructions=True,
        speech_rate=1.2,
    )
    await _collect(client, settings)
    (post,) = emulator.requests_of("synthesis_stream")
    assert post.body == {
        "model": "qwen3-tts-instruct-flash",
        "input": {
            "text": TEXT,
            "voice": "Cherry",
            "language_type": "English",
            "format": "pcm",
            "sample_rate": 24000,
        },
        "parameters": {
            "instructions": "Speak softly.",
            "optimize_instructions": True,
            "speech_rate": 1.2,
            "response_format": "pcm",
            "sample_rate": 24000,
        },
    }


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        pytest.param(
            b"<html><body>Gateway login</body></html>",
            "text/html",
            "a web page",
            id="an html page -> a web page, not DashScope",
        ),
        pytest.param(
            b"  <!DOCTYPE html><html></html>",
            "text/html",
            "a web page",
            id="an html document -> a web page, not DashScope",
        ),
        pytest.param(
            b"Service temporarily unavailable",
            "text/plain",
            "not JSON",
            id="plain text -> not JSON",
        ),
        pytest.param(
            b'["not", "an", "object"]',
            "application/json",
            "not an object",
            id="json, not an object",
        ),
        pytest.param(
            b'{"request_id": "r1"}',
            "application/json",
            "did not open an event stream",
            id="json without an error code -> no event stream",
        ),
    ],
)
async def test_an_answer_that_is_not_an_event_stream_raises_protocol_error(
    http: aiohttp.ClientSession, body: bytes, content_type: str, message: str
) -> None:
    """Not "stopped before the audio was complete": the answer was never a stream (a proxy,
    a captive portal), which the user is told so as to check the endpoint."""
    async with ScriptedServer(raw_answer=body, raw_content_type=content_type) as server:
        with pytest.raises(ProtocolError, match=message) as caught:
            await _collect(server.client(http))
    assert not isinstance(caught.value, IncompleteAudioError)
